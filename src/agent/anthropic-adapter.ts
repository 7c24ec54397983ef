/**
 * The agent loop's view of Anthropic Messages conversations.
 */
import { createAnthropicStreamParser, parseAnthropic, renderAnthropicResults } from '../formats/anthropic.js';
import type { ParseOptions } from '../formats/format-types.js';
import { own } from '../formats/stream-items.js';
import { itemArgs, providerIdOf, type ConversationAdapter } from './conversation-adapter.js';

/**
 * Creates the Anthropic Messages adapter.
 *
 * @example
 * runAgent({ provider: anthropicAdapter(), callModel: ({ messages }) => anthropic.messages.create({ model, messages, tools, max_tokens }), tools })
 */
export function anthropicAdapter(options: ParseOptions = {}): ConversationAdapter {
  return {
    parse: (response) => parseAnthropic(response, options),
    createStreamParser: () => createAnthropicStreamParser(options),
    assistantMessage(parsed, response) {
      const content = own(response, 'content');
      if (Array.isArray(content)) return { role: 'assistant', content };
      const blocks: unknown[] = [];
      if (parsed.text !== undefined && parsed.text !== '') blocks.push({ type: 'text', text: parsed.text });
      for (const item of parsed.items) {
        const args = itemArgs(item);
        blocks.push({ type: 'tool_use', id: providerIdOf(item, parsed.ids), name: item.tool ?? '', input: typeof args === 'object' && args !== null ? args : {} });
      }
      return { role: 'assistant', content: blocks };
    },
    resultMessages(outcomes, note, renderOptions) {
      const message = renderAnthropicResults(outcomes, renderOptions);
      const content: unknown[] = [...message.content];
      if (note !== undefined) content.push({ type: 'text', text: note });
      return [{ role: 'user', content }];
    },
  };
}
