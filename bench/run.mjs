// npm run bench [-- <name>...]: runs the benchmarks (all, or those named), prints a markdown
// table per benchmark and writes bench/results/<name>.json.
import { overheadBench } from './overhead.mjs';
import { makespanBench } from './makespan.mjs';
import { makespanBoundBench } from './makespan-bound.mjs';
import { headOfLineBench } from './head-of-line.mjs';
import { hedgingBench } from './hedging.mjs';
import { scaleOutBench } from './scale-out.mjs';
import { mcpLoadBench } from './mcp-load.mjs';
import { scalingBench } from './scaling.mjs';

const all = { overhead: overheadBench, makespan: makespanBench, 'makespan-bound': makespanBoundBench, 'head-of-line': headOfLineBench, hedging: hedgingBench, scaling: scalingBench, 'mcp-load': mcpLoadBench, 'scale-out': scaleOutBench };
const wanted = process.argv.slice(2);
for (const name of wanted) if (!Object.hasOwn(all, name)) throw new Error(`unknown benchmark "${name}" (known: ${Object.keys(all).join(', ')})`);
if (typeof globalThis.gc !== 'function') console.error('note: run with node --expose-gc so GC runs between measurements');

const started = performance.now();
console.log(`# toolgraph benchmarks — node ${process.version}, ${new Date().toISOString()}\n`);
for (const [name, bench] of Object.entries(all)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  const t0 = performance.now();
  console.error(`running ${name}…`);
  const { text, file } = await bench();
  console.log(`${text}\n\n_${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s, written to ${file}_\n`);
}
console.log(`_total: ${((performance.now() - started) / 1000).toFixed(1)} s_`);
