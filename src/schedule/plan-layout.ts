/**
 * What the run engine reads of a compiled plan on every call — its inputs, its dependents and
 * its fill program — packed into a few flat arrays in plan order, built once per plan and
 * reused by every run of it. A compiled plan otherwise keeps these in small arrays of its own
 * per call, scattered over the heap with the rest of the parse (about 2 KB per call), and
 * reading them cost a cache miss each; calls become ready roughly in plan order, so here
 * neighbouring calls share cache lines.
 */
import type { ValidPlan } from '../graph/validate.js';
import type { FillProgram } from '../plan/compile-args.js';

/** A compiled plan's edges and fill programs in compressed-row form. */
export interface PlanLayout {
  /** Inputs of call `i`: `inputs[inputStart[i]]` … `inputs[inputStart[i + 1] - 1]`, in `dependsOn` order. */
  readonly inputStart: Int32Array;
  readonly inputs: Int32Array;
  /** Dependents of call `i`: `dependents[dependentStart[i]]` … `dependents[dependentStart[i + 1] - 1]`, in plan order. */
  readonly dependentStart: Int32Array;
  readonly dependents: Int32Array;
  /** Fill program of call `i`: `program[programStart[i]]` … `program[programStart[i + 1] - 1]` (see {@link FillProgram}). */
  readonly programStart: Int32Array;
  readonly program: FillProgram;
}

const layouts = new WeakMap<ValidPlan, PlanLayout>();

/**
 * The layout of `plan`, built on first use and kept as long as the plan is.
 *
 * @example
 * const layout = planLayout(parsePlan({ calls: [{ id: 'a', tool: 't', args: {} }, { id: 'b', tool: 't', args: { x: '${a}' } }] }))
 * layout.dependents.subarray(layout.dependentStart[0], layout.dependentStart[1]) // Int32Array [1]
 */
export function planLayout(plan: ValidPlan): PlanLayout {
  let layout = layouts.get(plan);
  if (layout === undefined) {
    layout = buildLayout(plan);
    layouts.set(plan, layout);
  }
  return layout;
}

function buildLayout(plan: ValidPlan): PlanLayout {
  const deps = plan.dag.deps;
  const n = deps.length;
  const inputStart = new Int32Array(n + 1);
  const dependentStart = new Int32Array(n + 1);
  let edges = 0;
  for (let i = 0; i < n; i++) {
    const mine = deps[i] as readonly number[];
    edges += mine.length;
    inputStart[i + 1] = edges;
    for (let k = 0; k < mine.length; k++) {
      const slot = (mine[k] as number) + 1;
      dependentStart[slot] = (dependentStart[slot] as number) + 1;
    }
  }
  for (let i = 0; i < n; i++) dependentStart[i + 1] = (dependentStart[i + 1] as number) + (dependentStart[i] as number);
  const inputs = new Int32Array(edges);
  const dependents = new Int32Array(edges);
  const cursor = dependentStart.slice(0, n);
  // Visiting calls in plan order lists each call's dependents in plan order.
  for (let i = 0; i < n; i++) {
    const mine = deps[i] as readonly number[];
    const at = inputStart[i] as number;
    for (let k = 0; k < mine.length; k++) {
      const d = mine[k] as number;
      inputs[at + k] = d;
      dependents[cursor[d] as number] = i;
      cursor[d] = (cursor[d] as number) + 1;
    }
  }
  const programStart = new Int32Array(n + 1);
  const program: (number | string)[] = [];
  for (let i = 0; i < n; i++) {
    const own = plan.calls[i]?.compiled.program ?? [];
    for (let k = 0; k < own.length; k++) program.push(own[k] as number | string);
    programStart[i + 1] = program.length;
  }
  return { inputStart, inputs, dependentStart, dependents, programStart, program };
}
