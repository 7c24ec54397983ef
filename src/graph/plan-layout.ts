/**
 * What the run engine reads of a compiled plan on every call — its inputs, its dependents, its
 * fill program and its tool — and a topological order of the calls (for ranks), packed into a
 * few flat arrays in plan order, built once per plan and reused by every run of it. `parsePlan()` packs it while it parses (each call's program is
 * appended as it is compiled). A compiled plan otherwise keeps these in small arrays of its
 * own per call, scattered over the heap with the rest of the parse (about 2 KB per call), and
 * reading them cost a cache miss each; calls become ready roughly in plan order, so here
 * neighbouring calls share cache lines.
 */
import type { FillProgram } from '../plan/compile-args.js';
import { dependents } from './dag.js';
import type { ValidPlan } from './validate.js';

/** A compiled plan's edges and fill programs in compressed-row form, its topological order and each call's tool. */
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
  /**
   * Every call once, each after all of its inputs (a topological order): plan order itself
   * when the plan lists every call after its inputs, as models mostly write them (then passes
   * over it read the other arrays in sequence).
   */
  readonly order: Int32Array;
  /** The tool of call `i` is `tools[toolOf[i]]`. */
  readonly toolOf: Int32Array;
  /** The tool names the plan uses, each once, in order of first use. */
  readonly tools: readonly string[];
}

/**
 * Packs a plan's edges, fill programs, a topological order and each call's tool. `deps[i]`
 * are call i's inputs (in `dependsOn` order), `children[i]` the calls that read call i, in plan
 * order; `program` holds every call's fill program one after another, call i's from
 * `programStart[i]` to `programStart[i + 1]`; `order` lists every call after its inputs;
 * `toolNames[i]` is call i's tool. The parser calls this with data it just made (so nothing
 * is read cold).
 *
 * @example
 * packLayout([[], [0]], [[1], []], [0, 0, 0, 1, 'x'], Int32Array.of(0, 0, 5), [0, 1], ['search', 'read'])
 */
export function packLayout(
  deps: readonly (readonly number[])[],
  children: readonly (readonly number[])[],
  program: FillProgram,
  programStart: Int32Array,
  order: readonly number[],
  toolNames: readonly string[],
): PlanLayout {
  const input = packEdges(deps);
  const dependent = packEdges(children);
  const tools: string[] = [];
  const toolOf = new Int32Array(toolNames.length);
  // Plans name a few tools, mostly in runs: compare with the last one before searching.
  let last = -1;
  for (let i = 0; i < toolNames.length; i++) {
    const name = toolNames[i] as string;
    if (last < 0 || tools[last] !== name) {
      last = tools.indexOf(name);
      if (last < 0) last = tools.push(name) - 1;
    }
    toolOf[i] = last;
  }
  return { inputStart: input.start, inputs: input.flat, dependentStart: dependent.start, dependents: dependent.flat, programStart, program, order: listedInOrder(deps) ? identity(deps.length) : Int32Array.from(order), toolOf, tools };
}

/** True when every call's inputs are listed before it. */
function listedInOrder(deps: readonly (readonly number[])[]): boolean {
  for (let i = 0; i < deps.length; i++) {
    const own = deps[i] as readonly number[];
    for (let k = 0; k < own.length; k++) if ((own[k] as number) >= i) return false;
  }
  return true;
}

function identity(n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

/** Lists in compressed-row form: list i is `flat[start[i]]` … `flat[start[i + 1] - 1]`. */
function packEdges(lists: readonly (readonly number[])[]): { start: Int32Array; flat: Int32Array } {
  const n = lists.length;
  const start = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) start[i + 1] = (start[i] as number) + (lists[i] as readonly number[]).length;
  const flat = new Int32Array(start[n] as number);
  for (let i = 0; i < n; i++) flat.set(lists[i] as readonly number[], start[i] as number);
  return { start, flat };
}

const layouts = new WeakMap<ValidPlan, PlanLayout>();

/**
 * The layout of `plan`: the one `parsePlan()` packed, or, for a plan put together some other
 * way, one built on first use and kept as long as the plan is.
 *
 * @example
 * const layout = planLayout(parsePlan({ calls: [{ id: 'a', tool: 't', args: {} }, { id: 'b', tool: 't', args: { x: '${a}' } }] }))
 * layout.dependents.subarray(layout.dependentStart[0], layout.dependentStart[1]) // Int32Array [1]
 */
export function planLayout(plan: ValidPlan): PlanLayout {
  const own = (plan as Partial<ValidPlan>).layout;
  if (own !== undefined) return own;
  let layout = layouts.get(plan);
  if (layout === undefined) {
    layout = buildLayout(plan);
    layouts.set(plan, layout);
  }
  return layout;
}

function buildLayout(plan: ValidPlan): PlanLayout {
  const n = plan.calls.length;
  const programStart = new Int32Array(n + 1);
  const program: (number | string)[] = [];
  for (let i = 0; i < n; i++) {
    const own = plan.calls[i]?.compiled.program ?? [];
    for (let k = 0; k < own.length; k++) program.push(own[k] as number | string);
    programStart[i + 1] = program.length;
  }
  return packLayout(plan.dag.deps, dependents(plan.dag), program, programStart, plan.analysis.order, plan.calls.map((c) => c.tool));
}
