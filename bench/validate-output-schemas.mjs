// node bench/validate-output-schemas.mjs (after npm run build)
// Ratio of validatePlan time with output-schema checks (producers have output schemas) to
// without (same tools, no output schema), on a 10,000-call plan where every call after the
// first 100 reads a path of an earlier call's result. One process, interleaved, median of 7.
import { z } from 'zod';
import { defineTool, validatePlan } from '../dist/index.js';
const input = z.object({ path: z.string(), n: z.number().int().optional() });
const output = z.object({ hits: z.array(z.object({ path: z.string(), score: z.number() })), total: z.number().int() });
const withOut = [defineTool({ name: 't', input, output, effects: { readOnly: true }, execute: () => 1 })];
const without = [defineTool({ name: 't', input, effects: { readOnly: true }, execute: () => 1 })];
const calls = [];
for (let i = 0; i < 10000; i++) calls.push(i < 100 ? { id: `c${i}`, tool: 't', args: { path: 'a' } } : { id: `c${i}`, tool: 't', args: { path: `\${c${i - 100}.hits[0].path}`, n: `\${c${i - 50}.total}` } });
const plan = { calls };
function time(tools) { const t = performance.now(); const v = validatePlan(plan, { tools }); if (!v.valid) throw new Error(JSON.stringify(v.issues[0])); return performance.now() - t; }
for (let i = 0; i < 3; i++) { time(withOut); time(without); }
const a = [], b = [];
for (let i = 0; i < 7; i++) { a.push(time(withOut)); b.push(time(without)); }
const med = (x) => x.sort((p, q) => p - q)[3];
console.log(`validatePlan 10k calls, 19,800 references: with output schemas ${med(a).toFixed(1)} ms, without ${med(b).toFixed(1)} ms, ratio ${(med(a) / med(b)).toFixed(2)}`);
