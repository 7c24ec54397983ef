import { describe, expect, it } from 'vitest';
import { AIMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import type { BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import { FakeChatModel } from '@langchain/core/utils/testing';
import { createAgent } from 'langchain';
import { Command, MemorySaver, interrupt } from '@langchain/langgraph';
import type { ApprovalRequest } from '../../../src/index.js';
import { z } from 'zod';
import { defineTool } from '../../../src/index.js';
import { toolgraphMiddleware } from '../../../src/integrations/langchain/index.js';

/** @langchain/core's FakeChatModel answering with scripted AI messages, one per call. */
class ScriptedChatModel extends FakeChatModel {
  readonly seen: BaseMessage[][] = [];
  constructor(private readonly script: AIMessage[]) {
    super({});
  }
  override bindTools() {
    return this as never;
  }
  override async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    this.seen.push(messages);
    const message = this.script.shift() ?? new AIMessage('(script ended)');
    return { generations: [{ text: typeof message.content === 'string' ? message.content : '', message }] };
  }
}

describe('toolgraphMiddleware in createAgent', () => {
  it('runs the model tool calls through toolgraph: typed filled args, results back as ToolMessages, a failure as toolgraph text', async () => {
    const log: string[] = [];
    const getUser = defineTool({ name: 'get_user', input: z.object({ order: z.number() }), effects: { readOnly: true }, execute: ({ order }) => (log.push(`get_user ${order}`), { id: `u${order}`, age: 41 }) });
    const getOrders = defineTool({ name: 'get_orders', input: z.object({ minAge: z.number() }), effects: { readOnly: true }, execute: (args) => (log.push(`get_orders ${JSON.stringify(args)}`), ['o1']) });
    const broken = defineTool({ name: 'audit', effects: { readOnly: true }, execute: () => { throw new Error('audit log is down'); } });
    const model = new ScriptedChatModel([
      new AIMessage({
        id: 'm1',
        content: '',
        tool_calls: [
          { id: 'c1', name: 'get_user', args: { order: 7 }, type: 'tool_call' },
          { id: 'c2', name: 'get_orders', args: { minAge: '${c1.age}' }, type: 'tool_call' },
          { id: 'c3', name: 'audit', args: {}, type: 'tool_call' },
        ],
      }),
      new AIMessage({ id: 'm2', content: 'one order' }),
    ]);
    const agent = createAgent({ model, tools: [], middleware: [toolgraphMiddleware([getUser, getOrders, broken])] });
    const state = await agent.invoke({ messages: [new HumanMessage('orders of order 7')] });
    expect(log).toEqual(['get_user 7', 'get_orders {"minAge":41}']);
    const answers = Object.fromEntries(state.messages.filter((m) => ToolMessage.isInstance(m)).map((m) => [(m as ToolMessage).tool_call_id, [(m as ToolMessage).status, (m as ToolMessage).content]]));
    expect(answers).toEqual({
      c1: ['success', '{"id":"u7","age":41}'],
      c2: ['success', '["o1"]'],
      c3: ['error', expect.stringMatching(/^Error \(TOOL_ERROR\): audit log is down\./)],
    });
    expect(state.messages.at(-1)?.content).toBe('one order');
    expect(model.seen).toHaveLength(2);
  });

  it('an approver calling interrupt() interrupts the agent; Command({ resume }) runs the destructive call once, nothing else again', async () => {
    const log: string[] = [];
    const getUser = defineTool({ name: 'get_user', input: z.object({ order: z.number() }), effects: { readOnly: true }, execute: ({ order }) => (log.push(`get_user ${order}`), { id: `u${order}` }) });
    const deleteUser = defineTool({ name: 'delete_user', input: z.object({ id: z.string() }), effects: { destructive: true }, execute: ({ id }) => (log.push(`delete_user ${id}`), `deleted ${id}`) });
    const model = new ScriptedChatModel([
      new AIMessage({
        id: 'm1',
        content: '',
        tool_calls: [
          { id: 'c1', name: 'get_user', args: { order: 7 }, type: 'tool_call' },
          { id: 'c2', name: 'delete_user', args: { id: '${c1.id}' }, type: 'tool_call' },
        ],
      }),
      new AIMessage({ id: 'm2', content: 'deleted' }),
    ]);
    const approve = (request: ApprovalRequest) => (interrupt({ tool: request.tool, args: request.args }) === 'yes' ? ('approve' as const) : { reject: 'no' });
    const agent = createAgent({ model, tools: [], middleware: [toolgraphMiddleware([getUser, deleteUser], { approve })], checkpointer: new MemorySaver() });
    const config = { configurable: { thread_id: 'mw-1' } };
    const first = await agent.invoke({ messages: [new HumanMessage('delete the user of order 7')] }, config);
    const interrupts = (first as { __interrupt__?: { value: unknown }[] }).__interrupt__ ?? [];
    expect(interrupts.map((i) => i.value)).toEqual([{ tool: 'delete_user', args: { id: 'u7' } }]);
    expect(log).toEqual(['get_user 7']);
    const done = await agent.invoke(new Command({ resume: 'yes' }), config);
    expect(log).toEqual(['get_user 7', 'delete_user u7']);
    expect(done.messages.at(-1)?.content).toBe('deleted');
  });
});
