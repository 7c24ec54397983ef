/**
 * Drives a {@link StreamParser} over an async stream of chunks, yielding each call as soon
 * as it is complete — hand the generator to the scheduler to dispatch while the model streams.
 */
import type { FormatItem, StreamParser } from './format-types.js';

/**
 * Yields the calls (and malformed calls) of a streamed response as they become complete.
 *
 * @example
 * const parser = createAnthropicStreamParser()
 * await run(streamItems(parser, sdkStream), { tools })
 * renderAnthropicResults(outcomes, parser.ids)
 */
export async function* streamItems<Chunk>(parser: StreamParser<Chunk>, chunks: AsyncIterable<Chunk> | Iterable<Chunk>): AsyncGenerator<FormatItem, void, undefined> {
  for await (const chunk of chunks) {
    for (const item of parser.push(chunk)) yield item;
  }
  for (const item of parser.end()) yield item;
}

/** Reads an own property of an unknown value (undefined for non-objects and inherited keys). */
export function own(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
  return (value as Record<string, unknown>)[key];
}

/** Reads an array-valued own property (empty when absent or not an array). */
export function ownArray(value: unknown, key: string): readonly unknown[] {
  const v = own(value, key);
  return Array.isArray(v) ? v : [];
}
