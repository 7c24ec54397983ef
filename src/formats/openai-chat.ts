/**
 * OpenAI Chat Completions: `choices[0].message.tool_calls` (`id`, `function.name`,
 * `function.arguments` as a JSON string), streamed `choices[0].delta.tool_calls` by index, and
 * results back as `{ role: "tool", tool_call_id, content }` messages.
 */
import type { CallOutcome, FormatItem, ParseOptions, ParsedResponse, RenderOptions, StreamParser } from './format-types.js';
import { outcomeText } from './render-outcome.js';
import { MAX_TOOL_NAME, ResponseBuilder, jsonTypeOf } from './response-builder.js';
import { own, ownArray } from './stream-items.js';
import { addSteps } from '../plan/work-steps.js';



/** Reads one tool call object into the builder. */
function addToolCall(builder: ResponseBuilder, raw: unknown, location: string): FormatItem {
  const fn = own(raw, 'function');
  const type = own(raw, 'type');
  const id = own(raw, 'id');
  if (type !== undefined && type !== 'function') {
    return builder.add({ providerId: id, tool: own(own(raw, type as string), 'name'), args: { kind: 'value', value: {} }, location, problem: `tool call type ${JSON.stringify(String(type).slice(0, 64))} is not supported; use function calls` });
  }
  if (typeof fn !== 'object' || fn === null) {
    return builder.add({ providerId: id, tool: undefined, args: { kind: 'value', value: {} }, location, problem: `"function" must be an object with "name" and "arguments", got ${jsonTypeOf(fn)}` });
  }
  const args = own(fn, 'arguments');
  return builder.add({
    providerId: id,
    tool: own(fn, 'name'),
    args: typeof args === 'string' ? { kind: 'json', text: args } : { kind: 'value', value: args },
    location,
    argsKey: 'function.arguments',
  });
}

/**
 * Reads a whole Chat Completions response (or just its `message`).
 *
 * @example
 * const parsed = parseOpenAIChat(await openai.chat.completions.create({ ... }))
 * parsed.calls    // [{ id: 'call_a', tool: 'search_docs', args: { query: 'limits' } }]
 * parsed.problems // calls whose arguments were not a JSON object, ...
 */
export function parseOpenAIChat(response: unknown, options: ParseOptions = {}): ParsedResponse {
  const builder = new ResponseBuilder('openai-chat', options);
  const choices = ownArray(response, 'choices');
  const choice = choices[0];
  const message = choices.length > 0 ? own(choice, 'message') : response;
  const base = choices.length > 0 ? 'choices[0].message' : 'message';
  const content = own(message, 'content');
  if (typeof content === 'string') builder.addText(content);
  builder.setStopReason(own(choice, 'finish_reason'));
  ownArray(message, 'tool_calls').forEach((raw, i) => addToolCall(builder, raw, `${base}.tool_calls[${i}]`));
  return builder.result();
}

interface OpenCall {
  readonly index: number;
  id: string | undefined;
  name: string;
  /** Characters of name fragments received (the name keeps at most MAX_TOOL_NAME of them). */
  nameReceived: number;
  args: string;
  /** Characters received in total (more than `args.length` once over the limit). */
  received: number;
  readonly location: string;
}

/**
 * A streamed Chat Completions parser. A call is complete only when a later index starts or
 * `finish_reason` arrives — never when its arguments first parse as JSON.
 *
 * @example
 * const parser = createOpenAIChatStreamParser()
 * for await (const chunk of await openai.chat.completions.create({ ..., stream: true })) {
 *   for (const call of parser.push(chunk)) dispatch(call)
 * }
 * parser.end()
 */
export function createOpenAIChatStreamParser(options: ParseOptions = {}): StreamParser<unknown> {
  const builder = new ResponseBuilder('openai-chat', options);
  const open = new Map<number, OpenCall>();
  let highest = -1;
  let chunkNo = 0;

  const complete = (call: OpenCall, out: FormatItem[], problem?: string): void => {
    open.delete(call.index);
    const over = call.received > builder.maxArgsChars;
    if (call.nameReceived > MAX_TOOL_NAME) {
      problem = `the streamed tool name is ${call.nameReceived} characters long; the limit is ${MAX_TOOL_NAME}`;
    }
    out.push(
      builder.add({
        providerId: call.id,
        tool: call.name === '' ? undefined : call.name,
        args: { kind: 'json', text: call.args },
        location: call.location,
        argsKey: 'function.arguments',
        ...(over ? { problem: `the streamed arguments are over ${builder.maxArgsChars} characters (${call.received} received); the limit is maxArgsChars` } : problem === undefined ? {} : { problem }),
      }),
    );
  };
  const completeBelow = (limit: number, out: FormatItem[]): void => {
    for (const call of [...open.values()].sort((a, b) => a.index - b.index)) if (call.index < limit) complete(call, out);
  };

  return {
    ids: builder.ids,
    push(chunk) {
      const out: FormatItem[] = [];
      let steps = 1;
      const choice = ownArray(chunk, 'choices')[0];
      const delta = own(choice, 'delta');
      const text = own(delta, 'content');
      if (typeof text === 'string') builder.addText(text);
      ownArray(delta, 'tool_calls').forEach((raw, k) => {
        const rawIndex = own(raw, 'index');
        const index = typeof rawIndex === 'number' && Number.isInteger(rawIndex) && rawIndex >= 0 ? rawIndex : Math.max(highest, 0);
        if (index > highest) {
          completeBelow(index, out);
          highest = index;
        }
        let call = open.get(index);
        if (call === undefined) {
          call = { index, id: undefined, name: '', nameReceived: 0, args: '', received: 0, location: `chunks[${chunkNo}].choices[0].delta.tool_calls[${k}]` };
          open.set(index, call);
        }
        const id = own(raw, 'id');
        if (call.id === undefined && typeof id === 'string' && id !== '') call.id = id;
        const fn = own(raw, 'function');
        const name = own(fn, 'name');
        // Fragments are appended as they come: one equal to the name so far is still a fragment.
        if (typeof name === 'string') {
          call.nameReceived += name.length;
          if (call.nameReceived <= MAX_TOOL_NAME) call.name += name;
          steps += name.length;
        }
        const piece = own(fn, 'arguments');
        if (typeof piece === 'string') {
          steps += piece.length;
          call.received += piece.length;
          if (call.received <= builder.maxArgsChars) call.args += piece;
        }
      });
      const finish = own(choice, 'finish_reason');
      if (typeof finish === 'string' && finish !== '') {
        builder.setStopReason(finish);
        completeBelow(Number.POSITIVE_INFINITY, out);
      }
      chunkNo++;
      addSteps(steps);
      return out;
    },
    end() {
      const out: FormatItem[] = [];
      for (const call of [...open.values()].sort((a, b) => a.index - b.index)) {
        complete(call, out, 'the stream ended before this call was complete (no finish_reason); send the call again');
      }
      return out;
    },
    result: () => builder.result(),
  };
}

/** A Chat Completions tool message. */
export interface OpenAIToolMessage {
  /** Always `tool`. */
  readonly role: 'tool';
  /** The id of the call answered. */
  readonly tool_call_id: string;
  /** The result or error as text. */
  readonly content: string;
}

/**
 * Renders outcomes as `role: "tool"` messages, in the order given (the calls' order).
 *
 * @example
 * renderOpenAIChatResults([{ id: 'call_a', tool: 'search_docs', status: 'succeeded', result: { hits: 2 } }])
 * // [{ role: 'tool', tool_call_id: 'call_a', content: '{"hits":2}' }]
 */
export function renderOpenAIChatResults(outcomes: readonly CallOutcome[], options: RenderOptions = {}): OpenAIToolMessage[] {
  return outcomes.map((o) => ({ role: 'tool', tool_call_id: o.id, content: outcomeText(o, options).text }));
}
