/**
 * The agent loop's view of OpenAI Responses conversations: the conversation is the `input`
 * list, the assistant's turn is its output items (reasoning, messages, function calls, passed
 * back as they came), and the answers are `function_call_output` items.
 */
import type { ParseOptions, ParsedResponse } from '../formats/format-types.js';
import { createOpenAIResponsesStreamParser, parseOpenAIResponses, renderOpenAIResponsesResults } from '../formats/openai-responses.js';
import { ownArray } from '../formats/stream-items.js';
import { itemArgs, providerIdOf, type ConversationAdapter } from './conversation-adapter.js';

/** The items of the assistant's turn: a whole response's output as it is, or rebuilt from a streamed one. */
function assistantTurn(parsed: ParsedResponse, response: unknown): unknown[] {
  // Reasoning items must go back too, so a whole response's output is passed on unchanged.
  const output: readonly unknown[] = Array.isArray(response) ? response : ownArray(response, 'output');
  if (output.length > 0) return [...output];
  const items: unknown[] = [];
  if (parsed.text !== undefined && parsed.text !== '') {
    items.push({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: parsed.text }] });
  }
  for (const item of parsed.items) {
    const args = itemArgs(item);
    items.push({ type: 'function_call', call_id: providerIdOf(item, parsed.ids), name: item.tool ?? '', arguments: typeof args === 'string' ? args : JSON.stringify(args) });
  }
  return items;
}

/**
 * Creates the Responses adapter. Pass `messages` (the `input` list) to `responses.create`.
 *
 * @example
 * runAgent({
 *   provider: openAIResponsesAdapter(),
 *   callModel: ({ messages }) => openai.responses.create({ model, input: messages, tools }),
 *   messages: [{ role: 'user', content: 'Compare the weather in Paris and Oslo' }],
 *   tools,
 * })
 */
export function openAIResponsesAdapter(options: ParseOptions = {}): ConversationAdapter {
  return {
    parse: (response) => parseOpenAIResponses(response, options),
    createStreamParser: () => createOpenAIResponsesStreamParser(options),
    assistantMessage: (parsed, response) => assistantTurn(parsed, response)[0],
    assistantTurn,
    resultMessages(outcomes, note, renderOptions) {
      const items: unknown[] = renderOpenAIResponsesResults(outcomes, renderOptions);
      if (note !== undefined) items.push({ role: 'user', content: note });
      return items;
    },
  };
}
