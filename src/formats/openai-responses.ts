/**
 * OpenAI Responses API: `function_call` output items (`call_id`, `name`, `arguments`);
 * streamed `response.output_item.added`, `response.function_call_arguments.delta` / `.done`,
 * `response.output_item.done`; results back as `function_call_output` items.
 */
import type { CallOutcome, FormatItem, ParseOptions, ParsedResponse, RenderOptions, StreamParser } from './format-types.js';
import { outcomeText } from './render-outcome.js';
import { ResponseBuilder } from './response-builder.js';
import { own, ownArray } from './stream-items.js';
import { addSteps } from '../plan/work-steps.js';

function addItem(builder: ResponseBuilder, item: unknown, location: string, argsText?: string): FormatItem {
  const args = argsText ?? own(item, 'arguments');
  return builder.add({
    providerId: own(item, 'call_id') ?? own(item, 'id'),
    tool: own(item, 'name'),
    args: typeof args === 'string' ? { kind: 'json', text: args } : { kind: 'value', value: args },
    location,
  });
}

function addMessageText(builder: ResponseBuilder, item: unknown): void {
  for (const part of ownArray(item, 'content')) {
    const text = own(part, 'text');
    if (own(part, 'type') === 'output_text' && typeof text === 'string') builder.addText(text);
  }
}

/**
 * Reads a whole Responses API response (`{ output: [...] }`, or the `output` array itself).
 *
 * @example
 * const parsed = parseOpenAIResponses(await openai.responses.create({ ... }))
 * parsed.calls // [{ id: 'call_1', tool: 'get_weather', args: { city: 'Paris' } }]
 */
export function parseOpenAIResponses(response: unknown, options: ParseOptions = {}): ParsedResponse {
  const builder = new ResponseBuilder('openai-responses', options);
  const output = Array.isArray(response) ? response : ownArray(response, 'output');
  const base = Array.isArray(response) ? '' : 'output';
  builder.setStopReason(own(response, 'status'));
  output.forEach((item, i) => {
    const type = own(item, 'type');
    if (type === 'function_call') addItem(builder, item, `${base}[${i}]`);
    else if (type === 'message') addMessageText(builder, item);
  });
  return builder.result();
}

interface OpenItem {
  item: unknown;
  args: string;
  received: number;
  readonly location: string;
}

/**
 * A streamed Responses API parser: a `function_call` item is complete at
 * `response.function_call_arguments.done` or `response.output_item.done`, whichever comes first.
 *
 * @example
 * const parser = createOpenAIResponsesStreamParser()
 * for await (const event of await openai.responses.create({ ..., stream: true })) for (const c of parser.push(event)) dispatch(c)
 * parser.end()
 */
export function createOpenAIResponsesStreamParser(options: ParseOptions = {}): StreamParser<unknown> {
  const builder = new ResponseBuilder('openai-responses', options);
  const open = new Map<number, OpenItem>();
  /** Output index of each open item by its `id`: events addressed by `item_id` are a map lookup. */
  const byItemId = new Map<string, number>();
  const done = new Set<number>();
  let eventNo = 0;

  const complete = (index: number, finalItem: unknown, finalArgs: unknown, problem?: string): FormatItem | undefined => {
    if (done.has(index)) return undefined;
    const state = open.get(index);
    open.delete(index);
    const stateId = own(state?.item, 'id');
    if (typeof stateId === 'string' && byItemId.get(stateId) === index) byItemId.delete(stateId);
    done.add(index);
    const item = finalItem ?? state?.item;
    const location = state?.location ?? `events[${eventNo}].item`;
    const received = state?.received ?? 0;
    if (received > builder.maxArgsChars && typeof finalArgs !== 'string') {
      return builder.add({ providerId: own(item, 'call_id') ?? own(item, 'id'), tool: own(item, 'name'), args: { kind: 'json', text: '' }, location, problem: `the streamed arguments are over ${builder.maxArgsChars} characters (${received} received); the limit is maxArgsChars` });
    }
    if (problem !== undefined) {
      return builder.add({ providerId: own(item, 'call_id') ?? own(item, 'id'), tool: own(item, 'name'), args: { kind: 'json', text: state?.args ?? '' }, location, problem });
    }
    const text = typeof finalArgs === 'string' ? finalArgs : typeof own(finalItem, 'arguments') === 'string' ? (own(finalItem, 'arguments') as string) : (state?.args ?? '');
    return addItem(builder, item, location, text);
  };

  const indexOf = (event: unknown): number => {
    const i = own(event, 'output_index');
    if (typeof i === 'number') return i;
    const itemId = own(event, 'item_id');
    return typeof itemId === 'string' ? (byItemId.get(itemId) ?? -1) : -1;
  };

  return {
    ids: builder.ids,
    push(event) {
      const out: FormatItem[] = [];
      const type = own(event, 'type');
      const index = indexOf(event);
      switch (type) {
        case 'response.output_item.added': {
          const item = own(event, 'item');
          if (own(item, 'type') === 'function_call' && !done.has(index)) {
            const initial = own(item, 'arguments');
            const args = typeof initial === 'string' ? initial : '';
            open.set(index, { item, args, received: args.length, location: `events[${eventNo}].item` });
            const itemId = own(item, 'id');
            if (typeof itemId === 'string') byItemId.set(itemId, index);
          }
          break;
        }
        case 'response.function_call_arguments.delta': {
          const state = open.get(index);
          const piece = own(event, 'delta');
          if (state !== undefined && typeof piece === 'string') {
            addSteps(piece.length);
            state.received += piece.length;
            if (state.received <= builder.maxArgsChars) state.args += piece;
          }
          break;
        }
        case 'response.function_call_arguments.done': {
          if (open.has(index)) {
            const state = open.get(index);
            const name = own(event, 'name');
            const item = typeof name === 'string' && state !== undefined && own(state.item, 'name') === undefined ? { ...(state.item as object), name } : undefined;
            const made = complete(index, item, own(event, 'arguments'));
            if (made !== undefined) out.push(made);
          }
          break;
        }
        case 'response.output_item.done': {
          const item = own(event, 'item');
          if (own(item, 'type') === 'function_call') {
            const made = complete(index, item, undefined);
            if (made !== undefined) out.push(made);
          }
          break;
        }
        case 'response.output_text.delta': {
          const text = own(event, 'delta');
          if (typeof text === 'string') builder.addText(text);
          break;
        }
        case 'response.completed':
        case 'response.incomplete':
        case 'response.failed': {
          const response = own(event, 'response');
          builder.setStopReason(own(response, 'status'));
          ownArray(response, 'output').forEach((item, i) => {
            if (own(item, 'type') === 'function_call' && !done.has(i)) {
              const made = complete(i, item, undefined);
              if (made !== undefined) out.push(made);
            }
          });
          break;
        }
        default:
          break;
      }
      eventNo++;
      addSteps(1);
      return out;
    },
    end() {
      const out: FormatItem[] = [];
      for (const index of [...open.keys()].sort((a, b) => a - b)) {
        const made = complete(index, undefined, undefined, 'the stream ended before this function call was done; send the call again');
        if (made !== undefined) out.push(made);
      }
      return out;
    },
    result: () => builder.result(),
  };
}

/** A Responses API `function_call_output` input item. */
export interface OpenAIFunctionCallOutput {
  /** Always `function_call_output`. */
  readonly type: 'function_call_output';
  /** The `call_id` answered. */
  readonly call_id: string;
  /** The result or error as text. */
  readonly output: string;
}

/**
 * Renders outcomes as `function_call_output` items, in the order given.
 *
 * @example
 * renderOpenAIResponsesResults([{ id: 'call_1', tool: 'get_weather', status: 'succeeded', result: '18°C' }])
 * // [{ type: 'function_call_output', call_id: 'call_1', output: '18°C' }]
 */
export function renderOpenAIResponsesResults(outcomes: readonly CallOutcome[], options: RenderOptions = {}): OpenAIFunctionCallOutput[] {
  return outcomes.map((o) => ({ type: 'function_call_output', call_id: o.id, output: outcomeText(o, options).text }));
}
