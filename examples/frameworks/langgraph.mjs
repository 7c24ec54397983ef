// toolgraph in LangGraph.js: node examples/frameworks/langgraph.mjs (after npm run build).
// A StateGraph with a fake chat model (@langchain/core's FakeStreamingChatModel) and
// toolgraphNode in place of ToolNode. The approver calls LangGraph's interrupt(); the graph
// stops with the filled args, and Command({ resume }) runs the delete once, without running
// the lookup and the query again.
import { AIMessageChunk, HumanMessage } from '@langchain/core/messages';
import { FakeStreamingChatModel } from '@langchain/core/utils/testing';
import { Command, END, MemorySaver, MessagesAnnotation, START, StateGraph, interrupt } from '@langchain/langgraph';
import { toolgraphNode } from 'toolgraph/langchain';
import { shopTools } from './shop-tools.mjs';

const log = [];
const { getUser, getOrders, deleteUser } = shopTools(log);
const model = new FakeStreamingChatModel({
  sleep: 0,
  chunks: [
    new AIMessageChunk({
      content: '',
      tool_calls: [
        { id: 'c1', name: 'get_user', args: { order: 7 }, type: 'tool_call' },
        { id: 'c2', name: 'get_orders', args: { minAge: '${c1.age}' }, type: 'tool_call' },
        { id: 'c3', name: 'delete_user', args: { id: '${c1.id}' }, type: 'tool_call' },
      ],
    }),
  ],
});
const approve = (call) => (interrupt({ tool: call.tool, args: call.args }) === 'yes' ? 'approve' : { reject: 'the user said no' });

const app = new StateGraph(MessagesAnnotation)
  .addNode('agent', async (state) => ({ messages: [await model.invoke(state.messages)] }))
  .addNode('tools', toolgraphNode([getUser, getOrders, deleteUser], { approve }))
  .addEdge(START, 'agent')
  .addEdge('agent', 'tools')
  .addEdge('tools', END)
  .compile({ checkpointer: new MemorySaver() });

const config = { configurable: { thread_id: 'example' } };
const first = await app.invoke({ messages: [new HumanMessage('Orders of the customer of order 7, then delete them.')] }, config);
for (const pending of first.__interrupt__ ?? []) console.log(`interrupted: ${JSON.stringify(pending.value)}`);
console.log(`ran before resume: ${log.join(', ')}`);
const done = await app.invoke(new Command({ resume: 'yes' }), config);
console.log(`ran in total: ${log.join(', ')}`);
for (const m of done.messages.filter((m) => m.getType() === 'tool')) console.log(`${m.tool_call_id}: ${m.content}`);
