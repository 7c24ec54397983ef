// toolgraph in the Vercel AI SDK: node examples/frameworks/ai-sdk.mjs (after npm run build).
// A fake model (the SDK's MockLanguageModelV4) streams two calls, the second depending on the
// first through a placeholder; toolgraph fills it with a typed value and runs it.
import { stepCountIs, streamText, wrapLanguageModel } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { toolgraphAISDK } from 'toolgraph/ai-sdk';
import { shopTools } from './shop-tools.mjs';

const usage = { inputTokens: { total: 1, noCache: 1 }, outputTokens: { total: 1, text: 1 } };
const parts = [
  [
    { type: 'tool-call', toolCallId: 'c1', toolName: 'get_user', input: '{"order":7}' },
    { type: 'tool-call', toolCallId: 'c2', toolName: 'get_orders', input: '{"minAge":"${c1.age}"}' },
    { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage },
  ],
  [
    { type: 'text-start', id: 't' },
    { type: 'text-delta', id: 't', delta: 'Customer u7 has one order.' },
    { type: 'text-end', id: 't' },
    { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage },
  ],
];
const model = new MockLanguageModelV4({
  doStream: async () => ({ stream: new ReadableStream({ start(c) { for (const p of parts.shift() ?? []) c.enqueue(p); c.close(); } }) }),
});

const log = [];
const { getUser, getOrders } = shopTools(log);
const { middleware, tools } = toolgraphAISDK({ tools: [getUser, getOrders] });
const result = streamText({ model: wrapLanguageModel({ model, middleware }), tools, prompt: 'Orders of the customer of order 7?', stopWhen: stepCountIs(3) });
console.log(`answer: ${await result.text}`);
console.log(`ran: ${log.join(', ')}`);
