// npm run demo [-- --trace PREFIX] — two agent runs with live progress, each followed by its timeline and the
// measured speed-up against running the same calls one per model turn.
//  1. Research fan-out: a scripted model (recorded OpenAI-style responses, simulated model
//     latency) drives runAgent through two waves of parallel calls with simulated tools.
//  2. File planning: one model turn whose calls depend on each other through placeholders,
//     run with real read-only tools that find, grep and read this repository's files.
import { readFile, writeFile } from 'node:fs/promises';
import {
  callTimingsFromTrace,
  createTraceRecorder,
  formatMs,
  openAIChatAdapter,
  ProgressView,
  renderTimeline,
  runAgent,
  analyzeParallelization,
} from '../dist/index.js';
import { repoTools } from './repo-tools.mjs';
import simulatedTools from './simulated-tools.mjs';

const MODEL_MS = 400; // simulated time for one model turn
const width = Math.min(process.stdout.columns ?? 80, 100);
const live = process.stdout.isTTY === true;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** `1 call`, `2 calls`; `1 batch`, `2 batches`. */
const count = (n, word, plural = `${word}s`) => `${n} ${n === 1 ? word : plural}`;
// --trace PREFIX writes each run's trace to PREFIX-1.jsonl and PREFIX-2.jsonl (see toolgraph report --html).
const traceAt = process.argv.indexOf('--trace');
const tracePrefix = traceAt === -1 ? undefined : process.argv[traceAt + 1];
let traces = 0;

const call = (id, name, args) => ({ id, type: 'function', function: { name, arguments: JSON.stringify(args) } });
const reply = (toolCalls, content = null) => ({
  choices: [{ index: 0, message: { role: 'assistant', content, ...(toolCalls ? { tool_calls: toolCalls } : {}) }, finish_reason: toolCalls ? 'tool_calls' : 'stop' }],
});

/** Reads a tool message's JSON content from the conversation. */
function toolResult(messages, id) {
  const m = messages.find((x) => x.role === 'tool' && x.tool_call_id === id);
  return m ? JSON.parse(m.content) : undefined;
}

/** A scripted model: recorded responses, chosen from what the tools returned. */
function researchModel() {
  return async ({ turn, messages }) => {
    await sleep(MODEL_MS);
    if (turn === 1) {
      return reply([
        call('call_fin', 'search', { query: 'ACME financial data 2023' }),
        call('call_report', 'read_file', { path: 'reports/annual-report-2023.pdf' }),
        call('call_returns', 'search', { query: 'ACME return metrics 2023' }),
        call('call_ls', 'list_dir', { path: 'reports' }),
      ], 'Gathering sources in parallel.');
    }
    if (turn === 2) {
      const returns = toolResult(messages, 'call_returns');
      const fin = toolResult(messages, 'call_fin');
      return reply([
        call('call_table', 'read_file', { path: returns.hits[0].path }),
        call('call_comp', 'read_file', { path: fin.hits[1].path }),
      ], 'Reading the returns table and the competitor data.');
    }
    return reply(undefined, 'ACME returns on equity beat the competitor median in 2023 (sources: returns table, competitor data).');
  };
}

/** One planning turn whose calls depend on each other, then the answer. */
function planningModel(plan) {
  return async ({ turn }) => {
    await sleep(MODEL_MS);
    if (turn === 1) return reply(plan.calls.map((c) => call(c.id, c.tool, c.args)), 'Looking at the scheduler and its hazards.');
    return reply(undefined, 'Files to edit: src/schedule/run-engine.ts and src/schedule/policies/resources.ts.');
  };
}

async function demo(title, { model, tools, messages }) {
  console.log(`\n━━ ${title} ━━`);
  const trace = createTraceRecorder();
  let view;
  const started = performance.now();
  const result = await runAgent({
    provider: openAIChatAdapter(),
    callModel: model,
    tools,
    messages,
    trace,
    onEvent(e) {
      if (e.kind === 'run') {
        if (e.event.type === 'run_started') view = new ProgressView(process.stdout, { live });
        view?.update(e.event);
      } else if (e.kind === 'model') {
        console.log(`model turn ${e.turn}: ${formatMs(e.endedMs - e.startedMs)}${e.callIds.length ? `, ${count(e.callIds.length, 'call')}` : ''}${e.text ? ` — ${e.text}` : ''}`);
      }
    },
  });
  const totalMs = performance.now() - started;
  const entries = trace.entries();
  const timings = callTimingsFromTrace(entries);
  console.log(`\ntimeline (${formatMs(totalMs)} in all, model turns included):`);
  for (const line of renderTimeline(timings.map((t) => ({ label: t.tool ?? t.id, note: t.id, startedMs: t.startedMs, endedMs: t.endedMs, status: t.status })), { width })) console.log(`  ${line}`);
  // One call per model turn: every call pays a model turn and its own tool time, then one final answer.
  const toolMs = timings.reduce((sum, t) => sum + ((t.endedMs ?? 0) - (t.startedMs ?? 0)), 0);
  const sequentialMs = timings.length * MODEL_MS + toolMs + MODEL_MS;
  const p = analyzeParallelization(entries);
  console.log(`\n${count(p.total_calls, 'call')} in ${count(p.num_batches, 'batch', 'batches')} ${JSON.stringify(p.calls_per_batch)}, ${count(result.turns.length, 'model turn')}`);
  console.log(`measured ${formatMs(totalMs)}; one call per turn would take about ${formatMs(sequentialMs)} (${count(timings.length + 1, 'model turn')} × ${MODEL_MS} ms + ${formatMs(toolMs)} of tools) → ${(sequentialMs / totalMs).toFixed(2)}× faster`);
  console.log(`answer: ${result.text}`);
  if (tracePrefix !== undefined) {
    const file = `${tracePrefix}-${++traces}.jsonl`;
    await writeFile(file, trace.toJsonl());
    console.log(`trace written to ${file}; see it with: npx toolgraph report ${file} --html ${file.replace(/\.jsonl$/, '')}.html`);
  }
  return { totalMs, sequentialMs };
}

const research = await demo('1. Research fan-out (scripted model, simulated tools)', {
  model: researchModel(),
  tools: simulatedTools,
  messages: [{ role: 'user', content: 'How do ACME 2023 returns compare with competitors?' }],
});
const plan = JSON.parse(await readFile(new URL('./repo-planning.plan.json', import.meta.url), 'utf8'));
const planning = await demo('2. File planning (real tools over this repository)', {
  model: planningModel(plan),
  tools: await repoTools(new URL('..', import.meta.url).pathname),
  messages: [{ role: 'user', content: 'Which files implement resource hazards in the scheduler?' }],
});
console.log(`\nspeed-up against one call per turn: research ${(research.sequentialMs / research.totalMs).toFixed(2)}×, file planning ${(planning.sequentialMs / planning.totalMs).toFixed(2)}×`);
