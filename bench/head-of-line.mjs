// (c) Head-of-line blocking: 20 calls of tool A (per-tool concurrency 1) listed before 20 of
// tool B, global cap 4, 50 ms each. A alone needs 1,000 ms; B fits beside it in the 3 other slots.
import { run } from '../dist/index.js';
import { delay, fmt, median, pass, table, writeResult } from './helpers.mjs';

const PER_TOOL = 20;
const MS = 50;
const CAP = 4;
const RUNS = 3;
const IDEAL = PER_TOOL * MS;
const TARGET = 1.02;

const tools = [
  { name: 'A', effects: { readOnly: true }, concurrency: 1, execute: (args) => delay(MS, args.n) },
  { name: 'B', effects: { readOnly: true }, execute: (args) => delay(MS, args.n) },
];
const plan = {
  calls: [
    ...Array.from({ length: PER_TOOL }, (_, i) => ({ id: `a${i}`, tool: 'A', args: { n: i } })),
    ...Array.from({ length: PER_TOOL }, (_, i) => ({ id: `b${i}`, tool: 'B', args: { n: i } })),
  ],
};

/** The usual hand-rolled way: take a global slot in plan order, then wait for the tool's own lock. */
async function globalSlotFirst() {
  let free = CAP;
  const waiting = [];
  const acquire = () => (free > 0 ? (free--, Promise.resolve()) : new Promise((resolve) => waiting.push(resolve)));
  const release = () => (waiting.length > 0 ? waiting.shift()() : free++);
  let lockA = Promise.resolve();
  await Promise.all(
    plan.calls.map(async (call) => {
      await acquire();
      try {
        if (call.tool === 'A') {
          const mine = lockA.then(() => delay(MS, call.args.n));
          lockA = mine;
          await mine;
        } else await delay(MS, call.args.n);
      } finally {
        release();
      }
    }),
  );
}

async function time(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export async function headOfLineBench() {
  const toolgraph = [];
  const baseline = [];
  for (let k = 0; k < RUNS; k++) {
    toolgraph.push(
      await time(async () => {
        const result = await run(plan, { tools, concurrency: CAP });
        if (result.metrics.succeeded !== plan.calls.length) throw new Error('head-of-line: not every call succeeded');
      }),
    );
    baseline.push(await time(globalSlotFirst));
  }
  const rows = [
    { implementation: 'toolgraph (A waits in its own queue, holds no global slot)', ms: toolgraph, target: TARGET },
    { implementation: 'global slot first, then per-tool lock (p-limit style)', ms: baseline, target: undefined },
  ];
  const body = rows.map((r) => {
    const m = median(r.ms) / IDEAL;
    const w = Math.max(...r.ms) / IDEAL;
    return [r.implementation, fmt(median(r.ms), 0), fmt(m, 3), fmt(w, 3), r.target === undefined ? '(baseline)' : `≤ ${r.target}`, r.target === undefined ? '' : `median ${pass(m <= r.target)}, worst ${pass(w <= r.target)}`];
  });
  const text = [
    `### (c) Head-of-line: ${PER_TOOL} calls of A (cap 1) listed before ${PER_TOOL} of B, global cap ${CAP}, ${MS} ms each (${RUNS} runs)`,
    '',
    table(['implementation', 'median makespan (ms)', `median / ${IDEAL} ms`, `worst / ${IDEAL} ms`, 'target', 'result'], body),
  ].join('\n');
  const file = writeResult('head-of-line', { perTool: PER_TOOL, ms: MS, cap: CAP, idealMs: IDEAL, rows });
  return { text, file };
}
