/**
 * The agent loop's view of OpenAI Chat Completions conversations.
 */
import { createOpenAIChatStreamParser, parseOpenAIChat, renderOpenAIChatResults } from '../formats/openai-chat.js';
import type { ParseOptions } from '../formats/format-types.js';
import { own, ownArray } from '../formats/stream-items.js';
import { itemArgs, providerIdOf, type ConversationAdapter } from './conversation-adapter.js';

/**
 * Creates the Chat Completions adapter.
 *
 * @example
 * runAgent({ provider: openAIChatAdapter(), callModel: ({ messages }) => openai.chat.completions.create({ model, messages, tools }), tools })
 */
export function openAIChatAdapter(options: ParseOptions = {}): ConversationAdapter {
  return {
    parse: (response) => parseOpenAIChat(response, options),
    createStreamParser: () => createOpenAIChatStreamParser(options),
    assistantMessage(parsed, response) {
      const message = own(ownArray(response, 'choices')[0], 'message');
      if (typeof message === 'object' && message !== null) return message;
      const toolCalls = parsed.items.map((item) => {
        const args = itemArgs(item);
        return {
          id: providerIdOf(item, parsed.ids),
          type: 'function',
          function: { name: item.tool ?? '', arguments: typeof args === 'string' ? args : JSON.stringify(args) },
        };
      });
      return { role: 'assistant', content: parsed.text ?? null, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) };
    },
    resultMessages(outcomes, note, renderOptions) {
      const messages: unknown[] = renderOpenAIChatResults(outcomes, renderOptions);
      if (note !== undefined) messages.push({ role: 'user', content: note });
      return messages;
    },
  };
}
