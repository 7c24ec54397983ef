// The write-heavy example: a model-style plan that edits several files.
//   npm run build && node examples/write-heavy/run.mjs
// Reads fan out; writes to one file keep the plan's order; the delete asks for approval.
import { readFile } from 'node:fs/promises';
import * as toolgraph from '../../dist/index.js';
import { createWorkspace } from './tools.mjs';

const plan = JSON.parse(await readFile(new URL('./plan.json', import.meta.url), 'utf8'));
const workspace = createWorkspace();

if (typeof toolgraph.dryRun === 'function') {
  const dry = toolgraph.dryRun(plan, { tools: workspace.tools });
  console.log('dry run:');
  dry.rounds.forEach((level, i) => console.log(`  level ${i + 1}: ${level.join(', ')}`));
  for (const c of dry.conflicts) console.log(`  ${c.to} waits for ${c.from} (${c.resources.join(', ')})`);
  if (dry.unknownResources.length > 0) console.log(`  resources known at run time: ${dry.unknownResources.join(', ')}`);
  console.log(`  would ask: ${dry.wouldAsk.join(', ') || 'none'}\n`);
}

const result = await toolgraph.run(plan, {
  tools: workspace.tools,
  // An auto-approver that says what it approves (a real one would ask a person).
  approve: async (call) => {
    console.log(`approve? ${call.tool} ${JSON.stringify(call.args)} → approved`);
    return 'approve';
  },
  onEvent: (event) => {
    if (event.type === 'call_started') console.log(`${event.t.toFixed(0).padStart(5)} ms  start ${event.callId}`);
  },
});

console.log('\nwrites, in the order they happened:');
workspace.writes.forEach((w, i) => console.log(`  ${i + 1}. ${w.op.padEnd(6)} ${w.path.padEnd(22)} ${w.what}  (${w.callId})`));
const failed = result.order.filter((id) => result.calls[id].status !== 'succeeded');
console.log(`\n${result.order.length - failed.length}/${result.order.length} calls succeeded; max parallelism ${result.metrics.maxParallelism}, makespan ${result.metrics.makespanMs.toFixed(0)} ms`);
console.log('\nsrc/config.ts now reads:\n' + workspace.files.get('src/config.ts'));
if (failed.length > 0) {
  for (const id of failed) console.log(`${id}: ${result.calls[id].status} ${result.calls[id].error?.message ?? ''}`);
  process.exitCode = 1;
}
