/**
 * The value an MCP tool call is, for toolgraph: what `${call.path}` references select from.
 */
import { McpToolError } from './mcp-tool-error.js';

/** The fields of an MCP `tools/call` result that toolgraph reads. */
export interface McpCallResult {
  readonly content?: ReadonlyArray<{ readonly type: string; readonly text?: unknown }>;
  readonly structuredContent?: unknown;
  readonly isError?: boolean;
  /** Old servers (protocol 2024-10-07) answer `toolResult`. */
  readonly toolResult?: unknown;
}

/** The text blocks of a result's content, joined by newlines, or undefined when there are none. */
export function textOf(result: McpCallResult): string | undefined {
  const texts = (result.content ?? []).filter((block) => block.type === 'text' && typeof block.text === 'string').map((block) => block.text as string);
  return texts.length === 0 ? undefined : texts.join('\n');
}

/**
 * The rule: `isError: true` throws {@link McpToolError} with the server's text; else
 * `structuredContent` when present; else the text content (text blocks joined by newlines)
 * parsed as JSON when the whole text is JSON, else the text itself; a result with no text
 * blocks is its `content` array as is.
 *
 * @example
 * selectResult({ content: [{ type: 'text', text: '{"id": 7}' }] }) // { id: 7 }
 */
export function selectResult(result: McpCallResult): unknown {
  if (result.isError === true) throw new McpToolError(textOf(result) ?? 'the server reported an error without text');
  if (result.structuredContent !== undefined) return result.structuredContent;
  if (result.content === undefined && 'toolResult' in result) return result.toolResult;
  const text = textOf(result);
  if (text === undefined) return result.content ?? null;
  const trimmed = text.trim();
  if (trimmed !== '' && /^[[{"\-0-9tfn]/.test(trimmed)) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}
