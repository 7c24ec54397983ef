import { describe, expect, it } from 'vitest';
import { Agent, run } from '@openai/agents-core';
import { ScriptedModel, assistantMessage, functionCall, modelStream } from '@openai/agents-core/testing';
import { z } from 'zod';
import { defineTool } from '../../../src/index.js';
import { toolgraphAgents } from '../../../src/integrations/openai-agents/index.js';

function tools(log: string[]) {
  const getUser = defineTool({
    name: 'get_user',
    input: z.object({ order: z.number() }),
    effects: { readOnly: true },
    execute: ({ order }) => {
      log.push(`get_user ${order}`);
      return { id: `u${order}`, age: 41 };
    },
  });
  const getOrders = defineTool({
    name: 'get_orders',
    input: z.object({ minAge: z.number() }),
    effects: { readOnly: true },
    execute: (args) => {
      log.push(`get_orders ${JSON.stringify(args)}`);
      return ['o1'];
    },
  });
  const deleteUser = defineTool({
    name: 'delete_user',
    input: z.object({ id: z.string() }),
    effects: { destructive: true },
    execute: ({ id }) => {
      log.push(`delete_user ${id}`);
      return `deleted ${id}`;
    },
  });
  return [getUser, getOrders, deleteUser];
}

/** The function_call_output items the model was sent in one call, by call id. */
function outputs(model: ScriptedModel, call: number): Record<string, unknown> {
  const input = model.calls[call]?.request.input;
  const out: Record<string, unknown> = {};
  if (!Array.isArray(input)) return out;
  for (const item of input as { type?: string; callId?: string; output?: unknown }[]) {
    if (item.type === 'function_call_result' || item.type === 'function_call_output') out[item.callId ?? ''] = item.output;
  }
  return out;
}

function text(output: unknown): string {
  if (typeof output === 'string') return output;
  const o = output as { type?: string; text?: string };
  return o?.type === 'text' && typeof o.text === 'string' ? o.text : JSON.stringify(output);
}

describe('toolgraph/openai-agents', () => {
  it('a dependent call receives typed filled args and the model gets both results', async () => {
    const log: string[] = [];
    const tg = toolgraphAgents({ tools: tools(log) });
    const model = new ScriptedModel([
      [functionCall('get_user', { order: 7 }, { callId: 'c1' }), functionCall('get_orders', { minAge: '${c1.age}' }, { callId: 'c2' })],
      [assistantMessage('two orders')],
    ]);
    const agent = new Agent({ name: 'shop', model: tg.wrapModel(model), tools: tg.tools });
    const result = await run(agent, 'orders of order 7');
    expect(result.finalOutput).toBe('two orders');
    expect(log).toEqual(['get_user 7', 'get_orders {"minAge":41}']);
    const sent = outputs(model, 1);
    expect(JSON.parse(text(sent.c1))).toEqual({ id: 'u7', age: 41 });
    expect(JSON.parse(text(sent.c2))).toEqual(['o1']);
  });

  it('approval: the SDK interrupts with the filled args; approve runs the destructive call once and nothing runs twice', async () => {
    const log: string[] = [];
    const tg = toolgraphAgents({ tools: tools(log) });
    const model = new ScriptedModel([
      [functionCall('get_user', { order: 7 }, { callId: 'c1' }), functionCall('delete_user', { id: '${c1.id}' }, { callId: 'c2' })],
      [assistantMessage('deleted')],
    ]);
    const agent = new Agent({ name: 'ops', model: tg.wrapModel(model), tools: tg.tools });
    let result = await run(agent, 'delete the user of order 7');
    expect(result.interruptions).toHaveLength(1);
    const item = result.interruptions[0]!;
    expect(tg.pendingApproval(item)).toEqual({ kind: 'asks', tool: 'delete_user', args: { id: 'u7' } });
    expect(log).toEqual(['get_user 7']);
    result.state.approve(item);
    result = await run(agent, result.state);
    expect(result.finalOutput).toBe('deleted');
    expect(log).toEqual(['get_user 7', 'delete_user u7']);
    expect(text(outputs(model, 1).c2)).toBe('deleted u7');
  });

  it('approval: reject means the destructive call never runs and the model is told', async () => {
    const log: string[] = [];
    const ended: string[] = [];
    const tg = toolgraphAgents({ tools: tools(log), onEvent: (e) => { if (e.type.startsWith('call_') && e.type !== 'call_started' && e.type !== 'call_ready' && 'callId' in e) ended.push(`${e.callId} ${e.type}`); } });
    const model = new ScriptedModel([
      [functionCall('get_user', { order: 7 }, { callId: 'c1' }), functionCall('delete_user', { id: '${c1.id}' }, { callId: 'c2' })],
      [assistantMessage('not deleted')],
    ]);
    const agent = new Agent({ name: 'ops', model: tg.wrapModel(model), tools: tg.tools });
    let result = await run(agent, 'delete the user of order 7');
    result.state.reject(result.interruptions[0]!);
    result = await run(agent, result.state);
    expect(result.finalOutput).toBe('not deleted');
    expect(log).toEqual(['get_user 7']);
    expect(text(outputs(model, 1).c2)).toMatch(/not approved|rejected/i);
    expect(ended).toEqual(['c1 call_succeeded', 'c2 call_rejected']);
  });

  it('a failed call reaches the model with toolgraph text, and its dependent is skipped', async () => {
    const log: string[] = [];
    const broken = defineTool({ name: 'get_user', effects: { readOnly: true }, execute: () => { throw new Error('user store is down'); } });
    const tg = toolgraphAgents({ tools: [broken, tools(log)[1]!] });
    const model = new ScriptedModel([
      [functionCall('get_user', { order: 7 }, { callId: 'c1' }), functionCall('get_orders', { minAge: '${c1.age}' }, { callId: 'c2' })],
      [assistantMessage('sorry')],
    ]);
    const agent = new Agent({ name: 'shop', model: tg.wrapModel(model), tools: tg.tools });
    await run(agent, 'x');
    const sent = outputs(model, 1);
    expect(text(sent.c1)).toMatch(/^Error \(TOOL_ERROR\): user store is down\./);
    expect(text(sent.c2)).toMatch(/^Skipped: get_orders did not run/);
    expect(log).toEqual([]);
  });

  it('streamed runs: calls start from the raw stream items, before response_done', async () => {
    const log: string[] = [];
    const tg = toolgraphAgents({ tools: tools(log) });
    const c1 = functionCall('get_user', { order: 3 }, { callId: 'c1' });
    const c2 = functionCall('get_orders', { minAge: '${c1.age}' }, { callId: 'c2' });
    const raw = (item: { callId: string; name: string; arguments: string }) => ({ type: 'model' as const, event: { type: 'response.output_item.done', item: { type: 'function_call', call_id: item.callId, name: item.name, arguments: item.arguments } } });
    async function* firstTurn() {
      yield { type: 'response_started' as const };
      yield raw(c1);
      yield raw(c2);
      // Let the event loop turn a few times, as a network stream would, before the response ends.
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
      log.push('response_done');
      yield { type: 'response_done' as const, response: { id: 'r1', usage: { requests: 1, inputTokens: 1, outputTokens: 1, totalTokens: 2 }, output: [c1, c2] } };
    }
    const model = new ScriptedModel([modelStream(firstTurn()), [assistantMessage('ok')]]);
    const agent = new Agent({ name: 'shop', model: tg.wrapModel(model), tools: tg.tools });
    const result = await run(agent, 'x', { stream: true });
    for await (const _event of result) void _event;
    await result.completed;
    expect(result.finalOutput).toBe('ok');
    expect(log).toEqual(['get_user 3', 'get_orders {"minAge":41}', 'response_done']);
  });

  it('a call waiting on a call under approval is asked too (kind waits); approving both runs them in order, once', async () => {
    const log: string[] = [];
    const t = tools(log);
    const notify = defineTool({ name: 'notify', input: z.object({ text: z.string() }), effects: { readOnly: true }, execute: ({ text }) => (log.push(`notify ${text}`), 'sent') });
    const tg = toolgraphAgents({ tools: [...t, notify] });
    const model = new ScriptedModel([
      [
        functionCall('get_user', { order: 7 }, { callId: 'c1' }),
        functionCall('delete_user', { id: '${c1.id}' }, { callId: 'c2' }),
        functionCall('notify', { text: '${c2}' }, { callId: 'c3' }),
      ],
      [assistantMessage('done')],
    ]);
    const agent = new Agent({ name: 'ops', model: tg.wrapModel(model), tools: tg.tools });
    let result = await run(agent, 'x');
    const asked = result.interruptions.map((item) => tg.pendingApproval(item));
    expect(asked).toEqual([
      { kind: 'asks', tool: 'delete_user', args: { id: 'u7' } },
      { kind: 'waits', tool: 'notify', args: { text: '${c2}' } },
    ]);
    for (const item of result.interruptions) result.state.approve(item);
    result = await run(agent, result.state);
    expect(result.finalOutput).toBe('done');
    expect(log).toEqual(['get_user 7', 'delete_user u7', 'notify deleted u7']);
  });
});
