// (b) Makespan against the critical path on 50-call random DAGs of timer tools (20-200 ms):
// uncapped against level-by-level Promise.all, capped at 4 and 8 against FIFO dispatch.
import { LatencyEstimator, run } from '../dist/index.js';
import { criticalPath, delay, fmt, levels, mean, pass, prng, randomDag, table, toPlan, writeResult } from './helpers.mjs';

const CALLS = 50;
const SEEDS = Array.from({ length: 10 }, (_, i) => i + 1);
const CLASSES = Array.from({ length: 10 }, (_, i) => 20 * (i + 1)); // one tool per latency: t20 … t200
// The DAGs of one phase run concurrently in this process (the tools are timers; the CPU is idle
// nearly all the time). BENCH_SERIAL=1 runs them one after another instead (slower).
const SERIAL = process.env.BENCH_SERIAL === '1';

// Each run records, per call, when its tool really started and ended (the observed durations).
const recorders = new Map();
const tools = CLASSES.map((ms) => ({
  name: `t${ms}`,
  effects: { readOnly: true },
  execute: (args, ctx) => {
    const rec = recorders.get(ctx.runId);
    rec.start[args.n] = performance.now();
    return delay(ms, args.n).then((v) => {
      rec.end[args.n] = performance.now();
      return v;
    });
  },
}));
const byName = new Map(tools.map((t) => [t.name, t]));

function scenario(seed) {
  const dag = randomDag(CALLS, seed);
  const rnd = prng(seed + 1000);
  const toolOf = Array.from({ length: CALLS }, () => `t${CLASSES[Math.floor(rnd() * CLASSES.length)]}`);
  return { seed, dag, toolOf, plan: toPlan(dag, (i) => toolOf[i]) };
}

/** Level by level: all calls of a level at once, the next level when every one of them is done. */
async function levelByLevel(s, runId) {
  for (const level of levels(s.dag)) await Promise.all(level.map((i) => byName.get(s.toolOf[i]).execute({ n: i }, { runId })));
}

/** First-in-first-out: a ready queue in the order calls became ready (plan order at the start). */
function fifo(s, runId, cap) {
  return new Promise((resolve) => {
    const indegree = s.dag.deps.map((d) => d.length);
    const queue = [];
    indegree.forEach((d, i) => d === 0 && queue.push(i));
    let head = 0;
    let running = 0;
    let done = 0;
    const pump = () => {
      while (head < queue.length && running < cap) {
        const i = queue[head++];
        running++;
        byName.get(s.toolOf[i]).execute({ n: i }, { runId }).then(() => {
          running--;
          done++;
          for (const d of s.dag.dependents[i]) if (--indegree[d] === 0) queue.push(d);
          if (done === s.dag.n) resolve();
          else pump();
        });
      }
    };
    pump();
  });
}

let runCounter = 0;

/** Runs one implementation on one scenario; returns makespan / max(critical path, work / cap), with the observed durations. */
async function measure(s, cap, impl) {
  const runId = `bench_${++runCounter}`;
  const rec = { start: new Float64Array(s.dag.n), end: new Float64Array(s.dag.n) };
  recorders.set(runId, rec);
  const t0 = performance.now();
  const metrics = await impl(runId);
  const makespan = performance.now() - t0;
  recorders.delete(runId);
  const durations = Array.from(rec.end, (e, i) => e - rec.start[i]);
  const cp = criticalPath(s.dag, durations);
  const work = durations.reduce((a, b) => a + b, 0);
  const bound = Math.max(cp, work / cap);
  return { seed: s.seed, makespanMs: makespan, criticalPathMs: cp, workMs: work, boundMs: bound, ratio: makespan / bound, ...(metrics === undefined ? {} : { engineRatio: metrics.makespanOverCriticalPath }) };
}

async function phase(scenarios, cap, impl) {
  if (SERIAL) {
    const out = [];
    for (const s of scenarios) out.push(await measure(s, cap, (runId) => impl(s, runId)));
    return out;
  }
  return Promise.all(scenarios.map((s) => measure(s, cap, (runId) => impl(s, runId))));
}

const viaToolgraph = (cap, estimator) => async (s, runId) => {
  const result = await run(s.plan, { tools, concurrency: cap, runId, estimator: estimator ?? new LatencyEstimator() });
  if (result.metrics.succeeded !== s.dag.n) throw new Error(`seed ${s.seed}: ${result.metrics.succeeded}/${s.dag.n} succeeded`);
  return result.metrics;
};

export async function makespanBench() {
  const scenarios = SEEDS.map(scenario);
  // Warm-up: one run of one call per tool, so the shared estimator has seen every latency class once.
  const estimator = new LatencyEstimator();
  const warm = { seed: 0, dag: { n: CLASSES.length, deps: CLASSES.map(() => []), dependents: CLASSES.map(() => []) }, toolOf: tools.map((t) => t.name) };
  warm.plan = toPlan(warm.dag, (i) => warm.toolOf[i]);
  await phase([warm], Infinity, viaToolgraph(Infinity, estimator));

  const rows = [];
  const add = (cap, name, results, target) => {
    const ratios = results.map((r) => r.ratio);
    rows.push({ cap: cap === Infinity ? 'Infinity' : cap, implementation: name, mean: mean(ratios), worst: Math.max(...ratios), target, runs: results });
  };
  add(Infinity, 'toolgraph', await phase(scenarios, Infinity, viaToolgraph(Infinity, estimator)), 1.01);
  add(Infinity, 'level-by-level Promise.all', await phase(scenarios, Infinity, levelByLevel), undefined);
  for (const cap of [4, 8]) {
    add(cap, 'toolgraph (estimator warmed up)', await phase(scenarios, cap, viaToolgraph(cap, estimator)), 1.03);
    add(cap, 'toolgraph (cold estimator)', await phase(scenarios, cap, viaToolgraph(cap, undefined)), undefined);
    add(cap, 'FIFO ready queue', await phase(scenarios, cap, (s, runId) => fifo(s, runId, cap)), undefined);
  }

  const header = ['cap', 'implementation', 'bound', 'mean ratio', 'worst ratio', 'target', 'result'];
  const body = rows.map((r) => [
    String(r.cap),
    r.implementation,
    r.cap === 'Infinity' ? 'critical path' : `max(critical path, work / ${r.cap})`,
    fmt(r.mean, 3),
    fmt(r.worst, 3),
    r.target === undefined ? '(baseline)' : `≤ ${r.target}`,
    r.target === undefined ? '' : `mean ${pass(r.mean <= r.target)}, worst ${pass(r.worst <= r.target)}`,
  ]);
  const depth = scenarios.map((s) => levels(s.dag).length);
  const text = [
    `### (b) Makespan / lower bound, ${SEEDS.length} random DAGs of ${CALLS} calls (seeds ${SEEDS[0]}-${SEEDS.at(-1)}, 0-3 references per call, ${depth.reduce((a, b) => Math.min(a, b))}-${Math.max(...depth)} levels), timer tools of 20-200 ms (one tool per 20 ms class)`,
    '',
    table(header, body),
    '',
    'Makespan is wall time around the whole run; the critical path and the total work use the durations the tools observed (start to timer fire), so timer lateness is not charged to the scheduler.',
    'No hand-set priorities: toolgraph ranks by longest remaining path from its LatencyEstimator. "Warmed up": one estimator shared across runs, after one warm-up run of one call per tool (not counted). "Cold": a fresh estimator per run (every tool 1 ms, so ranks count calls).',
    SERIAL ? 'The DAGs ran one after another.' : 'The 10 DAGs of each row ran concurrently in one process (the tools are timers; BENCH_SERIAL=1 runs them one by one).',
  ].join('\n');
  const file = writeResult('makespan', { calls: CALLS, seeds: SEEDS, latencyClassesMs: CLASSES, serial: SERIAL, rows });
  return { text, file };
}
