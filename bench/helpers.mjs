// Shared helpers of the benchmarks: seeded random DAGs, plans, statistics, tables, results.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

const here = dirname(fileURLToPath(import.meta.url));

/** mulberry32: a small seeded PRNG returning floats in [0, 1). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A DAG as `deps[i]` = indices of earlier calls that call i reads. */
function withDependents(deps) {
  const dependents = deps.map(() => []);
  deps.forEach((ds, i) => ds.forEach((d) => dependents[d].push(i)));
  return { n: deps.length, deps, dependents };
}

/** Each call references 0-3 distinct earlier calls, chosen uniformly. */
export function randomDag(n, seed) {
  const rnd = prng(seed);
  const deps = [];
  for (let i = 0; i < n; i++) {
    const want = Math.min(i, Math.floor(rnd() * 4));
    const mine = new Set();
    while (mine.size < want) mine.add(Math.floor(rnd() * i));
    deps.push([...mine].sort((a, b) => a - b));
  }
  return withDependents(deps);
}

/** c0 → c1 → … → c(n-1). */
export function chainDag(n) {
  return withDependents(Array.from({ length: n }, (_, i) => (i === 0 ? [] : [i - 1])));
}

/** c0 → every other call. */
export function fanoutDag(n) {
  return withDependents(Array.from({ length: n }, (_, i) => (i === 0 ? [] : [0])));
}

/** Topological levels (longest distance from a root), plan order inside a level. */
export function levels(dag) {
  const level = new Array(dag.n).fill(0);
  for (let i = 0; i < dag.n; i++) for (const d of dag.deps[i]) level[i] = Math.max(level[i], level[d] + 1);
  const out = [];
  level.forEach((l, i) => (out[l] ??= []).push(i));
  return out;
}

/** Longest path where call i costs `cost[i]` (calls are in topological order by construction). */
export function criticalPath(dag, cost) {
  const path = new Float64Array(dag.n);
  let best = 0;
  for (let i = 0; i < dag.n; i++) {
    let before = 0;
    for (const d of dag.deps[i]) if (path[d] > before) before = path[d];
    path[i] = before + cost[i];
    if (path[i] > best) best = path[i];
  }
  return best;
}

/**
 * A JSON-shaped plan: call i is `c<i>` of `tool(i)`, args `{ n: i, in: ['${c<d>}', …] }`
 * (whole-value placeholders, one per dependency).
 */
export function toPlan(dag, tool, extraArgs = () => ({})) {
  const calls = [];
  for (let i = 0; i < dag.n; i++) {
    const args = { n: i, ...extraArgs(i) };
    if (dag.deps[i].length > 0) args.in = dag.deps[i].map((d) => `\${c${d}}`);
    calls.push({ id: `c${i}`, tool: typeof tool === 'function' ? tool(i) : tool, args });
  }
  return { calls };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function mean(xs) {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Nearest-rank percentile (p in 0-100). */
export function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export function gc() {
  if (typeof globalThis.gc === 'function') globalThis.gc();
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves after `ms` with `value`; clears its timer when `signal` aborts. */
export function delay(ms, value, signal) {
  return new Promise((resolve, reject) => {
    const handle = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(value);
    }, ms);
    function onAbort() {
      clearTimeout(handle);
      reject(signal.reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Formats a number for tables. */
export function fmt(x, digits = 2) {
  if (x === undefined || x === null || Number.isNaN(x)) return '–';
  if (!Number.isFinite(x)) return String(x);
  return x.toFixed(digits);
}

/** A markdown table from a header and rows of cells. */
export function table(header, rows) {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

export const pass = (ok) => (ok ? 'pass' : '**FAIL**');

/** Writes bench/results/<name>.json with the machine's description. */
export function writeResult(name, data) {
  const dir = join(here, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  const machine = { node: process.version, platform: `${process.platform} ${process.arch}`, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, loadavg: os.loadavg() };
  writeFileSync(file, `${JSON.stringify({ benchmark: name, date: new Date().toISOString(), machine, ...data }, null, 2)}\n`);
  return file;
}
