/**
 * The agent loop's view of Gemini conversations (`contents`): the model's turn is its
 * candidate content (role `model`), the answers one `user` content of `functionResponse` parts.
 */
import type { ParseOptions } from '../formats/format-types.js';
import { createGeminiStreamParser, parseGemini, renderGeminiResults } from '../formats/gemini.js';
import { own, ownArray } from '../formats/stream-items.js';
import { itemArgs, type ConversationAdapter } from './conversation-adapter.js';

/**
 * Creates the Gemini adapter. Pass `messages` as `contents` to `generateContent`.
 *
 * @example
 * runAgent({
 *   provider: geminiAdapter(),
 *   callModel: ({ messages }) => ai.models.generateContent({ model, contents: messages, config: { tools } }),
 *   messages: [{ role: 'user', parts: [{ text: 'Compare the weather in Paris and Oslo' }] }],
 *   tools,
 * })
 */
export function geminiAdapter(options: ParseOptions = {}): ConversationAdapter {
  return {
    parse: (response) => parseGemini(response, options),
    createStreamParser: () => createGeminiStreamParser(options),
    assistantMessage(parsed, response) {
      // A whole response: the candidate's own content (thought signatures included).
      const content = own(ownArray(response, 'candidates')[0], 'content');
      if (ownArray(content, 'parts').length > 0) return { ...(content as Record<string, unknown>), role: 'model' };
      // A streamed one: rebuilt from what was parsed. Generated ids (calls without one) are not sent.
      const parts: unknown[] = [];
      if (parsed.text !== undefined && parsed.text !== '') parts.push({ text: parsed.text });
      for (const item of parsed.items) {
        const args = itemArgs(item);
        const id = parsed.ids.isGenerated(item.id) ? undefined : parsed.ids.providerId(item.id);
        parts.push({ functionCall: { name: item.tool ?? '', args: typeof args === 'object' && args !== null ? args : {}, ...(id === undefined ? {} : { id }) } });
      }
      return { role: 'model', parts };
    },
    resultMessages(outcomes, note, renderOptions) {
      const content = renderGeminiResults(outcomes, renderOptions);
      return [note === undefined ? content : { ...content, parts: [...content.parts, { text: note }] }];
    },
  };
}
