import { describe, expect, it } from 'vitest';
import { AIMessageChunk, HumanMessage, ToolMessage } from '@langchain/core/messages';
import type { BaseMessage } from '@langchain/core/messages';
import { tool as lcTool } from '@langchain/core/tools';
import { FakeStreamingChatModel } from '@langchain/core/utils/testing';
import { Command, END, MemorySaver, MessagesAnnotation, START, StateGraph, interrupt } from '@langchain/langgraph';
import { z } from 'zod';
import { MemoryJournal, defineTool } from '../../../src/index.js';
import type { ApprovalRequest } from '../../../src/index.js';
import { toolgraphNode } from '../../../src/integrations/langchain/index.js';
import type { AnyTool, ToolgraphLangChainOptions } from '../../../src/integrations/langchain/index.js';

type ToolCalls = { id: string; name: string; args: Record<string, unknown> }[];

/** START → agent (a fake chat model answering with these tool calls) → tools (toolgraphNode) → END. */
function graph(calls: ToolCalls, tools: readonly AnyTool[], options?: ToolgraphLangChainOptions) {
  const model = new FakeStreamingChatModel({ sleep: 0, chunks: [new AIMessageChunk({ content: '', tool_calls: calls.map((c) => ({ ...c, type: 'tool_call' as const })) })] });
  return new StateGraph(MessagesAnnotation)
    .addNode('agent', async (state) => ({ messages: [await model.invoke(state.messages)] }))
    .addNode('tools', toolgraphNode(tools, options))
    .addEdge(START, 'agent')
    .addEdge('agent', 'tools')
    .addEdge('tools', END)
    .compile({ checkpointer: new MemorySaver() });
}

function toolMessages(messages: readonly BaseMessage[]): Record<string, { content: unknown; status: unknown }> {
  const out: Record<string, { content: unknown; status: unknown }> = {};
  for (const m of messages) if (ToolMessage.isInstance(m)) out[m.tool_call_id] = { content: m.content, status: m.status };
  return out;
}

function shopTools(log: string[]) {
  return {
    getUser: defineTool({ name: 'get_user', input: z.object({ order: z.number() }), effects: { readOnly: true }, execute: ({ order }) => (log.push(`get_user ${order}`), { id: `u${order}`, age: 41 }) }),
    getOrders: defineTool({ name: 'get_orders', input: z.object({ minAge: z.number() }), effects: { readOnly: true }, execute: (args) => (log.push(`get_orders ${JSON.stringify(args)}`), ['o1']) }),
    deleteUser: defineTool({ name: 'delete_user', input: z.object({ id: z.string() }), effects: { destructive: true }, execute: ({ id }) => (log.push(`delete_user ${id}`), `deleted ${id}`) }),
  };
}

describe('toolgraphNode in a StateGraph', () => {
  it('answers each call with a ToolMessage; a dependent call gets typed filled args', async () => {
    const log: string[] = [];
    const t = shopTools(log);
    const app = graph([{ id: 'c1', name: 'get_user', args: { order: 7 } }, { id: 'c2', name: 'get_orders', args: { minAge: '${c1.age}' } }], [t.getUser, t.getOrders]);
    const state = await app.invoke({ messages: [new HumanMessage('orders of order 7')] }, { configurable: { thread_id: 't1' } });
    expect(log).toEqual(['get_user 7', 'get_orders {"minAge":41}']);
    expect(toolMessages(state.messages)).toEqual({ c1: { content: '{"id":"u7","age":41}', status: 'success' }, c2: { content: '["o1"]', status: 'success' } });
  });

  it('runs independent siblings at the same time, LangChain tools and toolgraph tools alike', async () => {
    let running = 0;
    let most = 0;
    let release!: () => void;
    const bothStarted = new Promise<void>((resolve) => (release = resolve));
    const enter = async (value: string) => {
      running++;
      most = Math.max(most, running);
      if (running === 2) release();
      await bothStarted;
      running--;
      return value;
    };
    const lcSearch = lcTool(async ({ q }: { q: string }) => enter(`hits for ${q}`), { name: 'search', description: 'search', schema: z.object({ q: z.string() }) });
    const tgFetch = defineTool({ name: 'fetch_page', effects: { readOnly: true }, execute: () => enter('page') });
    const app = graph([{ id: 'a', name: 'search', args: { q: 'x' } }, { id: 'b', name: 'fetch_page', args: {} }], [lcSearch, tgFetch], { effects: { search: { readOnly: true } } });
    const state = await app.invoke({ messages: [new HumanMessage('go')] }, { configurable: { thread_id: 't2' } });
    expect(most).toBe(2);
    expect(toolMessages(state.messages)).toEqual({ a: { content: 'hits for x', status: 'success' }, b: { content: 'page', status: 'success' } });
  });

  it('an approver calling interrupt() interrupts the graph; Command({ resume }) runs the destructive call once and nothing else again', async () => {
    const log: string[] = [];
    const t = shopTools(log);
    const approve = (request: ApprovalRequest) => {
      const answer = interrupt({ tool: request.tool, args: request.args });
      return answer === 'yes' ? ('approve' as const) : { reject: String(answer) };
    };
    const app = graph(
      [
        { id: 'c1', name: 'get_user', args: { order: 7 } },
        { id: 'c2', name: 'delete_user', args: { id: '${c1.id}' } },
        { id: 'c3', name: 'get_orders', args: { minAge: 30 } },
      ],
      [t.getUser, t.getOrders, t.deleteUser],
      { approve },
    );
    const config = { configurable: { thread_id: 't3' } };
    const first = await app.invoke({ messages: [new HumanMessage('delete the user of order 7')] }, config);
    const interrupts = (first as { __interrupt__?: { value: unknown }[] }).__interrupt__ ?? [];
    expect(interrupts.map((i) => i.value)).toEqual([{ tool: 'delete_user', args: { id: 'u7' } }]);
    expect(log).toEqual(['get_user 7', 'get_orders {"minAge":30}']);
    const done = await app.invoke(new Command({ resume: 'yes' }), config);
    expect(log).toEqual(['get_user 7', 'get_orders {"minAge":30}', 'delete_user u7']);
    expect(toolMessages(done.messages)).toEqual({
      c1: { content: '{"id":"u7","age":41}', status: 'success' },
      c2: { content: 'deleted u7', status: 'success' },
      c3: { content: '["o1"]', status: 'success' },
    });
  });

  it('a resume that refuses rejects the call, with toolgraph text, and it never runs', async () => {
    const log: string[] = [];
    const t = shopTools(log);
    const approve = (request: ApprovalRequest) => {
      const answer = interrupt({ tool: request.tool, args: request.args });
      return answer === 'yes' ? ('approve' as const) : { reject: String(answer) };
    };
    const app = graph([{ id: 'c1', name: 'get_user', args: { order: 7 } }, { id: 'c2', name: 'delete_user', args: { id: '${c1.id}' } }], [t.getUser, t.deleteUser], { approve });
    const config = { configurable: { thread_id: 't4' } };
    await app.invoke({ messages: [new HumanMessage('delete')] }, config);
    const done = await app.invoke(new Command({ resume: 'the user said no' }), config);
    expect(log).toEqual(['get_user 7']);
    const c2 = toolMessages(done.messages).c2;
    expect(c2?.status).toBe('error');
    expect(c2?.content).toMatch(/^Rejected: delete_user was not approved \(rejected: the user said no\)/);
  });

  it('with a journal instead of the cache, a resume also runs only the destructive call', async () => {
    const log: string[] = [];
    const t = shopTools(log);
    const approve = (request: ApprovalRequest) => (interrupt({ tool: request.tool }) === 'yes' ? ('approve' as const) : { reject: 'no' });
    const app = graph([{ id: 'c1', name: 'get_user', args: { order: 7 } }, { id: 'c2', name: 'delete_user', args: { id: '${c1.id}' } }], [t.getUser, t.deleteUser], { approve, journal: new MemoryJournal() });
    const config = { configurable: { thread_id: 't5' } };
    await app.invoke({ messages: [new HumanMessage('delete')] }, config);
    const done = await app.invoke(new Command({ resume: 'yes' }), config);
    expect(log).toEqual(['get_user 7', 'delete_user u7']);
    expect(toolMessages(done.messages).c2).toEqual({ content: 'deleted u7', status: 'success' });
  });
});
