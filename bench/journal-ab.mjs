// A/B of the scheduler's per-call cost: a base build (BASE_DIST, e.g. a `git archive <commit>` built in /tmp) against this
// checkout's dist, in one process, interleaved; plus this checkout with a MemoryResultCache and a MemoryJournal.
// usage: BASE_DIST=/tmp/tg-base/dist node --expose-gc bench/journal-ab.mjs [rounds]
const A = await import(`${process.env.BASE_DIST ?? '../dist'}/index.js`);
import * as B from '../dist/index.js';
import { randomDag, toPlan, median } from './helpers.mjs';
const N = 10_000;
const planText = JSON.stringify(toPlan(randomDag(N, 42), 't'));
const bodies = { value: (n) => n, promise: (n) => Promise.resolve(n) };
const ROUNDS = Number(process.argv[2] ?? 15);
const gc = globalThis.gc ?? (() => {});
for (const [bodyName, body] of Object.entries(bodies)) {
  for (const cap of [Infinity, 8]) {
    const tools = [{ name: 't', effects: { readOnly: true }, execute: (args) => body(args.n) }];
    const variants = {
      base: { lib: A, extra: () => ({}) },
      branch: { lib: B, extra: () => ({}) },
      'branch+MemoryResultCache': { lib: B, extra: (i) => ({ resultCache: new B.MemoryResultCache(), runId: `r${i}` }) },
      'branch+MemoryJournal': { lib: B, extra: (i) => ({ journal: new B.MemoryJournal(), runId: `r${i}` }) },
    };
    const compiled = {};
    for (const [k, v] of Object.entries(variants)) compiled[k] = v.lib.parsePlan(JSON.parse(planText), { tools });
    const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
    for (let r = 0; r < ROUNDS + 5; r++) {
      for (const [k, v] of Object.entries(variants)) {
        gc();
        const t0 = performance.now();
        const res = await v.lib.run(compiled[k], { tools, concurrency: cap, ...v.extra(r) });
        const ms = performance.now() - t0;
        if (res.metrics.succeeded !== N) throw new Error(`${k}: ${res.metrics.succeeded}`);
        if (r >= 5) times[k].push((ms * 1000) / N);
      }
    }
    const base = median(times.base);
    console.log(`${bodyName}, cap ${cap}: ` + Object.entries(times).map(([k, t]) => `${k} ${median(t).toFixed(2)} µs/call (${(median(t) / base).toFixed(3)}×)`).join('; '));
  }
}
