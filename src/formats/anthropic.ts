/**
 * Anthropic Messages: `tool_use` content blocks (`id`, `name`, `input`); streamed
 * `content_block_start` / `content_block_delta` (`input_json_delta.partial_json`) /
 * `content_block_stop`; results back as ONE user message of `tool_result` blocks.
 */
import type { CallOutcome, FormatItem, ParseOptions, ParsedResponse, RenderOptions, StreamParser } from './format-types.js';
import { outcomeText } from './render-outcome.js';
import { ResponseBuilder } from './response-builder.js';
import { own, ownArray } from './stream-items.js';
import { addSteps } from '../plan/work-steps.js';

/** True for the tool-use block types toolgraph runs (`server_tool_use` runs at Anthropic, not here). */
function isToolUse(block: unknown): boolean {
  return own(block, 'type') === 'tool_use';
}

/**
 * Reads a whole Messages response (`{ content: [...] }`).
 *
 * @example
 * const parsed = parseAnthropic(await anthropic.messages.create({ ... }))
 * parsed.calls // [{ id: 'toolu_01A', tool: 'get_weather', args: { city: 'Paris' } }]
 */
export function parseAnthropic(response: unknown, options: ParseOptions = {}): ParsedResponse {
  const builder = new ResponseBuilder('anthropic', options);
  builder.setStopReason(own(response, 'stop_reason'));
  ownArray(response, 'content').forEach((block, i) => {
    const type = own(block, 'type');
    if (type === 'text') {
      const text = own(block, 'text');
      if (typeof text === 'string') builder.addText(text);
    } else if (isToolUse(block)) {
      builder.add({ providerId: own(block, 'id'), tool: own(block, 'name'), args: { kind: 'value', value: own(block, 'input') }, location: `content[${i}]`, argsKey: 'input' });
    }
  });
  return builder.result();
}

interface OpenBlock {
  id: unknown;
  name: unknown;
  /** `input` from `content_block_start` (used when no delta arrives). */
  startInput: unknown;
  json: string;
  received: number;
  sawDelta: boolean;
  readonly location: string;
}

/**
 * A streamed Messages parser: a `tool_use` block is complete at its `content_block_stop`.
 *
 * @example
 * const parser = createAnthropicStreamParser()
 * for await (const event of anthropic.messages.stream({ ... })) for (const c of parser.push(event)) dispatch(c)
 * parser.end()
 */
export function createAnthropicStreamParser(options: ParseOptions = {}): StreamParser<unknown> {
  const builder = new ResponseBuilder('anthropic', options);
  const open = new Map<number, OpenBlock>();
  let eventNo = 0;

  const complete = (block: OpenBlock, problem?: string): FormatItem => {
    const over = block.received > builder.maxArgsChars;
    const base = { providerId: block.id, tool: block.name, location: block.location, argsKey: 'input' } as const;
    if (over) return builder.add({ ...base, args: { kind: 'json', text: '' }, problem: `the streamed input is over ${builder.maxArgsChars} characters (${block.received} received); the limit is maxArgsChars` });
    if (problem !== undefined) return builder.add({ ...base, args: { kind: 'json', text: block.json }, problem });
    return builder.add({ ...base, args: block.sawDelta && block.json.trim() !== '' ? { kind: 'json', text: block.json } : { kind: 'value', value: block.startInput } });
  };

  return {
    ids: builder.ids,
    push(event) {
      const out: FormatItem[] = [];
      const type = own(event, 'type');
      const index = own(event, 'index');
      const at = typeof index === 'number' ? index : -1;
      if (type === 'message_start') {
        builder.setStopReason(own(own(event, 'message'), 'stop_reason'));
      } else if (type === 'content_block_start') {
        const block = own(event, 'content_block');
        if (isToolUse(block)) {
          const previous = open.get(at);
          if (previous !== undefined) out.push(complete(previous, 'a new block started at the same index before this one stopped'));
          open.set(at, { id: own(block, 'id'), name: own(block, 'name'), startInput: own(block, 'input'), json: '', received: 0, sawDelta: false, location: `events[${eventNo}].content_block` });
        } else if (own(block, 'type') === 'text') {
          const text = own(block, 'text');
          if (typeof text === 'string') builder.addText(text);
        }
      } else if (type === 'content_block_delta') {
        const delta = own(event, 'delta');
        const deltaType = own(delta, 'type');
        if (deltaType === 'text_delta') {
          const text = own(delta, 'text');
          if (typeof text === 'string') builder.addText(text);
        } else if (deltaType === 'input_json_delta') {
          const block = open.get(at);
          const piece = own(delta, 'partial_json');
          if (block !== undefined && typeof piece === 'string') {
            addSteps(piece.length);
            block.sawDelta = true;
            block.received += piece.length;
            if (block.received <= builder.maxArgsChars) block.json += piece;
          }
        }
      } else if (type === 'content_block_stop') {
        const block = open.get(at);
        if (block !== undefined) {
          open.delete(at);
          out.push(complete(block));
        }
      } else if (type === 'message_delta') {
        builder.setStopReason(own(own(event, 'delta'), 'stop_reason'));
      }
      eventNo++;
      addSteps(1);
      return out;
    },
    end() {
      const out: FormatItem[] = [];
      for (const [at, block] of [...open.entries()].sort((a, b) => a[0] - b[0])) {
        open.delete(at);
        out.push(complete(block, 'the stream ended before this tool_use block stopped; send the call again'));
      }
      return out;
    },
    result: () => builder.result(),
  };
}

/** One `tool_result` content block. */
export interface AnthropicToolResultBlock {
  /** Always `tool_result`. */
  readonly type: 'tool_result';
  /** The id of the `tool_use` block answered. */
  readonly tool_use_id: string;
  /** The result or error as text. */
  readonly content: string;
  /** Present (true) for failed, skipped, cancelled and rejected calls. */
  readonly is_error?: true;
}

/** The user message that answers a turn's `tool_use` blocks. */
export interface AnthropicToolResultMessage {
  /** Always `user`. */
  readonly role: 'user';
  /** One block per call, in the calls' order. */
  readonly content: AnthropicToolResultBlock[];
}

/**
 * Renders outcomes as ONE user message of `tool_result` blocks (`is_error` on failures).
 *
 * @example
 * renderAnthropicResults([{ id: 'toolu_1', tool: 'get_weather', status: 'failed', error: { code: 'TOOL_ERROR', message: 'city not found' } }])
 * // { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'Error (TOOL_ERROR): city not found. ...', is_error: true }] }
 */
export function renderAnthropicResults(outcomes: readonly CallOutcome[], options: RenderOptions = {}): AnthropicToolResultMessage {
  return {
    role: 'user',
    content: outcomes.map((o) => {
      const { text, isError } = outcomeText(o, options);
      return isError ? { type: 'tool_result', tool_use_id: o.id, content: text, is_error: true } : { type: 'tool_result', tool_use_id: o.id, content: text };
    }),
  };
}
