/**
 * What the agent loop needs from a provider: read its response (whole or streamed), put the
 * assistant's turn back into the conversation, and answer the calls in the provider's shape.
 */
import type { CallIdMap, CallOutcome, FormatItem, ParsedResponse, RenderOptions, StreamParser } from '../formats/format-types.js';
import { outcomeText } from '../formats/render-outcome.js';

/** A provider's conversation shape. */
export interface ConversationAdapter {
  /** Reads a whole response. */
  parse(response: unknown): ParsedResponse;
  /** A fresh parser for a streamed response. */
  createStreamParser(): StreamParser<unknown>;
  /** The assistant message to append (the response's own message when it has one). */
  assistantMessage(parsed: ParsedResponse, response: unknown): unknown;
  /**
   * For providers whose assistant turn is several conversation items (OpenAI Responses: its
   * output items): the items to append. Used instead of `assistantMessage` when present.
   */
  assistantTurn?(parsed: ParsedResponse, response: unknown): unknown[];
  /** The messages that answer the calls, plus an optional note (late results) for the model. */
  resultMessages(outcomes: readonly CallOutcome[], note: string | undefined, options: RenderOptions): unknown[];
}

/** The provider id of an item. */
export function providerIdOf(item: FormatItem, ids: CallIdMap): string {
  return ids.providerId(item.id);
}

/** Arguments of an item as the provider would have sent them (malformed: as received, clipped). */
export function itemArgs(item: FormatItem): unknown {
  if (Object.hasOwn(item, 'args')) return (item as { args: unknown }).args;
  const raw = (item as { raw?: unknown }).raw;
  return typeof raw === 'string' ? raw : {};
}

/**
 * Text telling the model about results that arrived after it moved on.
 *
 * @example
 * lateResultsNote([{ id: 'call_3', tool: 'search', status: 'succeeded', result: { hits: 3 } }])
 * // 'Results that arrived after your last turn:\n[call_3] search: {"hits":3}'
 */
export function lateResultsNote(outcomes: readonly CallOutcome[], options: RenderOptions = {}): string | undefined {
  if (outcomes.length === 0) return undefined;
  const lines = outcomes.map((o) => `[${o.id}] ${o.tool}: ${outcomeText(o, options).text}`);
  return `Results that arrived after your last turn:\n${lines.join('\n')}`;
}
