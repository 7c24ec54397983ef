// Scaling: the engine's per-call cost at n and 10n calls for each path that used to be (or
// could be) superlinear. Flat per-call cost means a ratio (10n per-call / n per-call) near 1;
// quadratic work would show as ~10. Paths: independent calls of a tool without `effects` (all
// writes on one resource, so they run one by one), a chain, a fan-in (one call reading all
// others), and a streamed plan (calls arriving one by one from an async iterable).
import { run } from '../dist/index.js';
import { fmt, gc, median, pass, table, writeResult } from './helpers.mjs';

const N = 3000;
const RUNS = 3;
const TARGET = 2; // per-call cost at 10n within 2× of that at n

const unannotated = { name: 'w', execute: async (args) => args.i };
const read = { name: 'r', effects: { readOnly: true }, execute: async (args) => args.i ?? 0 };

const paths = {
  'independent, tool without effects': (n) => ({ plan: { calls: Array.from({ length: n }, (_, i) => ({ id: `c${i}`, tool: 'w', args: { i } })) }, tools: [unannotated] }),
  chain: (n) => ({ plan: { calls: Array.from({ length: n }, (_, i) => ({ id: `c${i}`, tool: 'r', args: i === 0 ? { i } : { i: `\${c${i - 1}}` } })) }, tools: [read] }),
  // Joins of up to 1,000 inputs each (`after` takes at most 1,024 ids), n calls in all.
  'fan-in': (n) => {
    const calls = [];
    let group = [];
    for (let i = 0; calls.length < n; i++) {
      if (group.length === 999 || calls.length === n - 1) {
        calls.push({ id: `j${i}`, tool: 'r', args: { i: 0 }, after: group });
        group = [];
      } else {
        calls.push({ id: `c${i}`, tool: 'r', args: { i } });
        group.push(`c${i}`);
      }
    }
    return { plan: { calls }, tools: [read] };
  },
  streamed: (n) => ({
    plan: (async function* calls() {
      for (let i = 0; i < n; i++) yield { id: `c${i}`, tool: 'r', args: i === 0 ? { i } : { i: `\${c${i - 1}}` } };
    })(),
    tools: [read],
  }),
};

async function perCallUs(make, n) {
  const times = [];
  for (let k = 0; k < RUNS; k++) {
    const { plan, tools } = make(n);
    gc();
    const t0 = performance.now();
    const result = await run(plan, { tools, maxCalls: Math.max(n, 10_000) });
    const ms = performance.now() - t0;
    const ok = Object.values(result.calls).filter((c) => c.status === 'succeeded').length;
    if (ok !== n) throw new Error(`scaling: ${ok} of ${n} calls succeeded: ${JSON.stringify(Object.values(result.calls).find((c) => c.status !== "succeeded")?.error)}`);
    times.push((ms * 1000) / n);
  }
  return median(times);
}

export async function scalingBench() {
  const rows = [];
  const data = [];
  for (const [name, make] of Object.entries(paths)) {
    await perCallUs(make, N); // warm-up
    const small = await perCallUs(make, N);
    const large = await perCallUs(make, 10 * N);
    const ratio = large / small;
    rows.push([name, String(N), fmt(small), String(10 * N), fmt(large), `${fmt(ratio)}×`, pass(ratio <= TARGET)]);
    data.push({ path: name, n: N, perCallUsAtN: small, perCallUsAt10N: large, ratio });
  }
  const text = `## Scaling: per-call cost at n and 10n (median of ${RUNS}; ratio near 1 = linear)\n\n${table(['path', 'n', 'µs/call', '10n', 'µs/call', 'ratio', `≤ ${TARGET}×`], rows)}`;
  const file = writeResult('scaling', { target: TARGET, runs: RUNS, results: data });
  return { text, file };
}
