import { describe, expect, it } from 'vitest';
import { generateText, streamText, stepCountIs, tool, wrapLanguageModel, jsonSchema } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { z } from 'zod';
import { defineTool } from '../../../src/index.js';
import { toolgraphAISDK } from '../../../src/integrations/ai-sdk/index.js';

const usage = { inputTokens: { total: 1, noCache: 1, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 1, text: 1, reasoning: undefined } };
const finish = (unified: 'tool-calls' | 'stop') => ({ type: 'finish' as const, finishReason: { unified, raw: unified }, usage });
const call = (toolCallId: string, toolName: string, input: unknown) => ({ type: 'tool-call' as const, toolCallId, toolName, input: JSON.stringify(input) });

type Prompt = readonly { role: string; content: unknown }[];
/** The tool results the model was sent in its last call, by call id. */
function toolResults(prompt: Prompt): Record<string, { type: string; value: unknown }> {
  const out: Record<string, { type: string; value: unknown }> = {};
  for (const message of prompt) {
    if (message.role !== 'tool' || !Array.isArray(message.content)) continue;
    for (const part of message.content as { type: string; toolCallId: string; output: { type: string; value: unknown } }[]) {
      if (part.type === 'tool-result') out[part.toolCallId] = part.output;
    }
  }
  return out;
}

function userTools(log: string[]) {
  const getUser = defineTool({
    name: 'get_user',
    input: z.object({ id: z.string() }),
    effects: { readOnly: true },
    execute: async ({ id }) => {
      log.push(`get_user ${id}`);
      return { id, age: 41 };
    },
  });
  const getOrders = defineTool({
    name: 'get_orders',
    input: z.object({ minAge: z.number() }),
    effects: { readOnly: true },
    execute: async (args) => {
      log.push(`get_orders ${JSON.stringify(args)}`);
      return [{ order: 1, minAge: args.minAge }];
    },
  });
  return [getUser, getOrders];
}

describe('toolgraph/ai-sdk', () => {
  it('generateText: a dependent call receives typed filled args, and the model gets both results', async () => {
    const log: string[] = [];
    const { middleware, tools } = toolgraphAISDK({ tools: userTools(log) });
    let calls = 0;
    const model = new MockLanguageModelV4({
      doGenerate: async () => {
        calls++;
        if (calls === 1) {
          return { content: [call('c1', 'get_user', { id: 'u1' }), call('c2', 'get_orders', { minAge: '${c1.age}' })], finishReason: { unified: 'tool-calls', raw: undefined }, usage, warnings: [] };
        }
        return { content: [{ type: 'text', text: 'done' }], finishReason: { unified: 'stop', raw: undefined }, usage, warnings: [] };
      },
    });
    const result = await generateText({ model: wrapLanguageModel({ model, middleware }), tools, prompt: 'orders of u1', stopWhen: stepCountIs(3) });
    expect(result.text).toBe('done');
    expect(log).toEqual(['get_user u1', 'get_orders {"minAge":41}']);
    const sent = toolResults(model.doGenerateCalls[1]?.prompt as Prompt);
    expect(sent.c1?.value).toEqual({ id: 'u1', age: 41 });
    expect(sent.c2?.value).toEqual([{ order: 1, minAge: 41 }]);
  });

  it('streamText: a dependent call starts before the stream sends its finish part', async () => {
    const log: string[] = [];
    let dependentStarted!: () => void;
    const started = new Promise<void>((resolve) => (dependentStarted = resolve));
    const tools = userTools(log);
    const orders = defineTool({
      name: 'get_orders',
      input: z.object({ minAge: z.number() }),
      effects: { readOnly: true },
      execute: async (args) => {
        log.push(`get_orders ${args.minAge}`);
        dependentStarted();
        return 'ok';
      },
    });
    const { middleware, tools: aiTools } = toolgraphAISDK({ tools: [tools[0]!, orders] });
    let step = 0;
    const model = new MockLanguageModelV4({
      doStream: async () => {
        step++;
        if (step > 1) {
          return { stream: new ReadableStream({ start(c) { c.enqueue({ type: 'text-start', id: 't' }); c.enqueue({ type: 'text-delta', id: 't', delta: 'bye' }); c.enqueue({ type: 'text-end', id: 't' }); c.enqueue(finish('stop')); c.close(); } }) };
        }
        const parts: unknown[] = [{ type: 'stream-start', warnings: [] }, call('c1', 'get_user', { id: 'u1' }), call('c2', 'get_orders', { minAge: '${c1.age}' })];
        return {
          stream: new ReadableStream({
            async pull(c) {
              const next = parts.shift();
              if (next !== undefined) return c.enqueue(next as never);
              // Both calls are out; wait (a bounded number of event-loop turns) for the dependent to start.
              let seen = false;
              void started.then(() => (seen = true));
              for (let turn = 0; turn < 200 && !seen; turn++) await new Promise((r) => setImmediate(r));
              log.push('finish sent');
              c.enqueue(finish('tool-calls'));
              c.close();
            },
          }),
        };
      },
    });
    const result = streamText({ model: wrapLanguageModel({ model, middleware }), tools: aiTools, prompt: 'orders', stopWhen: stepCountIs(3) });
    expect(await result.text).toBe('bye');
    expect(log).toEqual(['get_user u1', 'get_orders 41', 'finish sent']);
  });

  it('a failure reaches the model as the SDK tool error with toolgraph text; its dependent is skipped with a reason', async () => {
    const broken = defineTool({ name: 'get_user', effects: { readOnly: true }, execute: () => { throw new Error('user store is down'); } });
    const log: string[] = [];
    const { middleware, tools } = toolgraphAISDK({ tools: [broken, userTools(log)[1]!] });
    let calls = 0;
    const model = new MockLanguageModelV4({
      doGenerate: async () => {
        calls++;
        if (calls === 1) return { content: [call('c1', 'get_user', { id: 'u1' }), call('c2', 'get_orders', { minAge: '${c1.age}' })], finishReason: { unified: 'tool-calls', raw: undefined }, usage, warnings: [] };
        return { content: [{ type: 'text', text: 'sorry' }], finishReason: { unified: 'stop', raw: undefined }, usage, warnings: [] };
      },
    });
    const result = await generateText({ model: wrapLanguageModel({ model, middleware }), tools, prompt: 'x', stopWhen: stepCountIs(3) });
    const errors = result.steps[0]?.content.filter((p) => p.type === 'tool-error') ?? [];
    expect(errors.map((e) => e.toolCallId)).toEqual(['c1', 'c2']);
    const sent = toolResults(model.doGenerateCalls[1]?.prompt as Prompt);
    expect(sent.c1).toEqual({ type: 'error-text', value: expect.stringMatching(/^Error \(TOOL_ERROR\): user store is down\./) });
    expect(sent.c2).toEqual({ type: 'error-text', value: expect.stringMatching(/^Skipped: get_orders did not run/) });
    expect(log).toEqual([]);
  });

  it('toolCallConcurrency 1 does not deadlock when the SDK runs the waiting call first', async () => {
    const log: string[] = [];
    const { middleware, tools } = toolgraphAISDK({ tools: userTools(log) });
    let step = 0;
    const model = new MockLanguageModelV4({
      doStream: async () => {
        step++;
        const parts =
          step === 1
            ? [call('c2', 'get_orders', { minAge: '${c1.age}' }), call('c1', 'get_user', { id: 'u7' }), finish('tool-calls')]
            : [{ type: 'text-start', id: 't' }, { type: 'text-delta', id: 't', delta: 'ok' }, { type: 'text-end', id: 't' }, finish('stop')];
        return { stream: new ReadableStream({ start(c) { for (const p of parts) c.enqueue(p as never); c.close(); } }) };
      },
    });
    const result = streamText({ model: wrapLanguageModel({ model, middleware }), tools, prompt: 'x', toolCallConcurrency: 1, stopWhen: stepCountIs(3) });
    expect(await result.text).toBe('ok');
    expect(log).toEqual(['get_user u7', 'get_orders {"minAge":41}']);
  });

  it('tools toolgraph does not manage run through the SDK as before, next to toolgraph calls', async () => {
    const log: string[] = [];
    const { middleware, tools } = toolgraphAISDK({ tools: userTools(log) });
    const weather = tool({ inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } } }), execute: async ({ city }) => `sunny in ${city}` });
    let calls = 0;
    const model = new MockLanguageModelV4({
      doGenerate: async () => {
        calls++;
        if (calls === 1) return { content: [call('w', 'weather', { city: 'Oslo' }), call('u', 'get_user', { id: 'u2' })], finishReason: { unified: 'tool-calls', raw: undefined }, usage, warnings: [] };
        return { content: [{ type: 'text', text: 'fine' }], finishReason: { unified: 'stop', raw: undefined }, usage, warnings: [] };
      },
    });
    await generateText({ model: wrapLanguageModel({ model, middleware }), tools: { ...tools, weather }, prompt: 'x', stopWhen: stepCountIs(3) });
    const sent = toolResults(model.doGenerateCalls[1]?.prompt as Prompt);
    expect(sent.w?.value).toBe('sunny in Oslo');
    expect(sent.u?.value).toEqual({ id: 'u2', age: 41 });
  });

  it('declares typed fields that admit placeholders, so the SDK passes a dependent call through', () => {
    const { tools } = toolgraphAISDK({ tools: userTools([]) });
    const schema = (tools.get_orders as unknown as { inputSchema: { jsonSchema: Record<string, unknown> } }).inputSchema.jsonSchema;
    const minAge = (schema.properties as Record<string, { anyOf?: unknown[] }>).minAge;
    expect(minAge?.anyOf?.[0]).toEqual({ type: 'number' });
    expect(minAge?.anyOf).toHaveLength(3);
  });
});
