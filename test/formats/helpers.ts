/** Shared helpers of the format tests: fixtures, and re-chunking calls at arbitrary points. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import type { FormatItem, StreamParser } from '../../src/formats/format-types.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/formats/', import.meta.url));

/** Reads a fixture as text. */
export function fixtureText(name: string): string {
  return readFileSync(FIXTURES + name, 'utf8');
}

/** Reads a JSON fixture. */
export function fixture(name: string): unknown {
  return JSON.parse(fixtureText(name)) as unknown;
}

/** Splits `text` at the given cut points (any numbers; taken modulo the length, sorted, deduplicated). */
export function splitAt(text: string, cuts: readonly number[]): string[] {
  if (text.length === 0) return [''];
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let from = 0;
  for (const p of points) {
    if (p > from) out.push(text.slice(from, p));
    from = Math.max(from, p);
  }
  out.push(text.slice(from));
  return out;
}

/** Every UTF-16 code unit on its own (splits surrogate pairs too: the worst case for a parser). */
export function oneByOne(text: string): string[] {
  return text === '' ? [''] : text.split('');
}

/** fast-check: cut points for a string. */
export const cutsArb = fc.array(fc.nat({ max: 10_000 }), { maxLength: 40 });

/** Feeds every chunk to a parser and returns everything it emitted, with per-push counts. */
export function feed<C>(parser: StreamParser<C>, chunks: readonly C[]): { items: FormatItem[]; perPush: number[] } {
  const items: FormatItem[] = [];
  const perPush: number[] = [];
  for (const chunk of chunks) {
    const got = parser.push(chunk);
    perPush.push(got.length);
    items.push(...got);
  }
  items.push(...parser.end());
  return { items, perPush };
}

/** A call as a test describes it: provider id, name, and the exact arguments text. */
export interface WireCall {
  readonly id: string;
  readonly name: string;
  readonly args: string;
}

/** OpenAI Chat chunks for calls whose argument texts are split into the given pieces. */
export function openAIChunks(calls: readonly WireCall[], pieces: readonly (readonly string[])[], finish = true): unknown[] {
  const chunks: unknown[] = [];
  const wrap = (delta: unknown, finishReason: string | null = null): unknown => ({ id: 'chatcmpl-x', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finishReason }] });
  chunks.push(wrap({ role: 'assistant', content: null }));
  calls.forEach((call, index) => {
    chunks.push(wrap({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }));
    for (const piece of pieces[index] ?? [call.args]) chunks.push(wrap({ tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  if (finish) chunks.push(wrap({}, 'tool_calls'));
  return chunks;
}

/** Anthropic stream events for calls whose input JSON texts are split into the given pieces. */
export function anthropicEvents(calls: readonly WireCall[], pieces: readonly (readonly string[])[], stop = true): unknown[] {
  const events: unknown[] = [{ type: 'message_start', message: { id: 'msg_x', type: 'message', role: 'assistant', content: [], stop_reason: null } }];
  calls.forEach((call, index) => {
    events.push({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} } });
    for (const piece of pieces[index] ?? [call.args]) events.push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } });
    if (stop) events.push({ type: 'content_block_stop', index });
  });
  if (stop) events.push({ type: 'message_delta', delta: { stop_reason: 'tool_use' } }, { type: 'message_stop' });
  return events;
}

/** Responses API events (deltas only, then `output_item.done` when `done`). */
export function responsesEvents(calls: readonly WireCall[], pieces: readonly (readonly string[])[], done = true): unknown[] {
  const events: unknown[] = [];
  calls.forEach((call, index) => {
    const item = { type: 'function_call', id: `fc_${index}`, call_id: call.id, name: call.name, arguments: '', status: 'in_progress' };
    events.push({ type: 'response.output_item.added', output_index: index, item });
    for (const piece of pieces[index] ?? [call.args]) events.push({ type: 'response.function_call_arguments.delta', item_id: `fc_${index}`, output_index: index, delta: piece });
    if (done) events.push({ type: 'response.output_item.done', output_index: index, item: { ...item, arguments: call.args, status: 'completed' } });
  });
  return events;
}

/** Realistic argument texts: nested, escaped, unicode, placeholders. */
export const SAMPLE_CALLS: readonly WireCall[] = [
  { id: 'call_a1', name: 'search_docs', args: '{"query":"rate \\"limits\\" \\u00e9\\ud83d\\ude00","k":3,"filters":{"tags":["a","b"],"since":null}}' },
  { id: 'call_b2', name: 'read_file', args: '{ "path" : "${call_a1.hits[0].path}", "lines": [1, 2.5e3, -7] }' },
  { id: 'call_c3', name: 'write_note', args: '{"text":"Limit: ${2.limit}\\n\\tend\\\\"}' },
];
