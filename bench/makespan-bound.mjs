// How close can any list schedule get to the lower bound max(critical path, work / cap)?
// The DAGs and latencies of the makespan benchmark, simulated in virtual time with exact
// durations (no timers, no noise): the rank-first priority toolgraph uses, against the best of
// many randomly perturbed priority orders. Where even the best perturbed order stays above the
// bound, no scheduler that starts ready calls greedily reaches it on that DAG.
import { criticalPath, fmt, prng, randomDag, table, writeResult } from './helpers.mjs';

const CALLS = 50;
const SEEDS = Array.from({ length: 10 }, (_, i) => i + 1);
const CLASSES = Array.from({ length: 10 }, (_, i) => 20 * (i + 1));
const TRIES = 3000;

/** The same DAG and per-call latency as bench/makespan.mjs draws for `seed`. */
function scenario(seed) {
  const dag = randomDag(CALLS, seed);
  const rnd = prng(seed + 1000);
  const duration = Array.from({ length: CALLS }, () => CLASSES[Math.floor(rnd() * CLASSES.length)]);
  return { dag, duration };
}

/** Greedy list scheduling in virtual time: whenever a slot is free, start the ready call of highest priority. */
function listSchedule({ dag, duration }, cap, priority) {
  const indegree = dag.deps.map((d) => d.length);
  const ready = [];
  indegree.forEach((d, i) => d === 0 && ready.push(i));
  let now = 0;
  let running = [];
  let done = 0;
  while (done < dag.n) {
    ready.sort((a, b) => priority[b] - priority[a] || a - b);
    while (running.length < cap && ready.length > 0) {
      const i = ready.shift();
      running.push({ i, end: now + duration[i] });
    }
    running.sort((a, b) => a.end - b.end);
    now = running[0].end;
    while (running.length > 0 && running[0].end === now) {
      const { i } = running.shift();
      done++;
      for (const d of dag.dependents[i]) if (--indegree[d] === 0) ready.push(d);
    }
  }
  return now;
}

/** Longest remaining path including the call itself: the rank toolgraph orders ready calls by. */
function rank({ dag, duration }) {
  const r = new Array(dag.n).fill(0);
  for (let i = dag.n - 1; i >= 0; i--) {
    let best = 0;
    for (const c of dag.dependents[i]) best = Math.max(best, r[c]);
    r[i] = best + duration[i];
  }
  return r;
}

export async function makespanBoundBench() {
  const rows = [];
  for (const cap of [4, 8]) {
    for (const seed of SEEDS) {
      const s = scenario(seed);
      const bound = Math.max(criticalPath(s.dag, s.duration), s.duration.reduce((a, b) => a + b, 0) / cap);
      const ranked = rank(s);
      const byRank = listSchedule(s, cap, ranked) / bound;
      const rnd = prng(seed * 77 + cap);
      let best = Infinity;
      for (let k = 0; k < TRIES; k++) {
        const perturbed = ranked.map((x) => x * (1 + (rnd() - 0.5) * 0.6) + rnd() * 50);
        best = Math.min(best, listSchedule(s, cap, perturbed) / bound);
      }
      rows.push({ cap, seed, bound, byRank, bestOfPerturbed: Math.min(best, byRank) });
    }
  }
  const text = [
    `### (b′) Makespan lower bound: how close list scheduling can get (virtual time, exact durations, best of ${TRIES.toLocaleString('en-US')} perturbed priority orders)`,
    '',
    table(
      ['cap', 'DAG seed', 'bound max(CP, work/cap) ms', 'rank-first ÷ bound', 'best perturbed order ÷ bound'],
      rows.map((r) => [String(r.cap), String(r.seed), fmt(r.bound, 0), fmt(r.byRank, 3), fmt(r.bestOfPerturbed, 3)]),
    ),
  ].join('\n');
  const file = writeResult('makespan-bound', { calls: CALLS, tries: TRIES, rows });
  return { text, file };
}
