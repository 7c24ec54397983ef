// toolgraph in the OpenAI Agents SDK: node examples/frameworks/openai-agents.mjs [approve|reject]
// (after npm run build). A scripted model (the SDK's ScriptedModel) asks for a lookup and a
// delete that depends on it. toolgraph runs the lookup, fills the delete's args and asks for
// approval through the SDK's interruptions; the host sees the filled args and decides.
import { Agent, run, setTracingDisabled } from '@openai/agents-core';
import { ScriptedModel, assistantMessage, functionCall } from '@openai/agents-core/testing';
import { toolgraphAgents } from 'toolgraph/openai-agents';
import { shopTools } from './shop-tools.mjs';

setTracingDisabled(true); // this example has no trace exporter

const decision = process.argv[2] === 'reject' ? 'reject' : 'approve';
const log = [];
const { getUser, deleteUser } = shopTools(log);
const tg = toolgraphAgents({ tools: [getUser, deleteUser] });
const model = new ScriptedModel([
  [functionCall('get_user', { order: 7 }, { callId: 'c1' }), functionCall('delete_user', { id: '${c1.id}' }, { callId: 'c2' })],
  [assistantMessage(decision === 'approve' ? 'The customer was deleted.' : 'The customer was kept.')],
]);
const agent = new Agent({ name: 'ops', instructions: 'Help with customers.', model: tg.wrapModel(model), tools: tg.tools });

let result = await run(agent, 'Delete the customer of order 7.');
for (const item of result.interruptions) {
  const asked = tg.pendingApproval(item);
  console.log(`approval asked: ${asked.tool} ${JSON.stringify(asked.args)} -> ${decision}`);
  if (decision === 'approve') result.state.approve(item);
  else result.state.reject(item);
}
result = await run(agent, result.state);
console.log(`ran: ${log.join(', ')}`);
console.log(`answer: ${result.finalOutput}`);
