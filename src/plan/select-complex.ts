/**
 * Evaluation of paths with wildcards, unions, slices or recursive descent: our own iterative
 * evaluator over the compiled segments (never recursive, whatever the depth of the result).
 * It selects what jsonpath-plus selects for the same path, in the same order, but its work is
 * bounded: at most `maxSteps` steps and `maxMatches` values (else `PATH_TOO_COSTLY`), and one
 * `..` costs a step per node of the value it walks. Only paths that passed our grammar reach it.
 */
import { PathFault, readFault } from './path-fault.js';
import type { PathSegment, Selection } from './reference.js';
import { addSteps } from './work-steps.js';

/** Bounds on the work of one path evaluation. */
export interface PathLimits {
  /** Most values one segment may select (and the path return). @default 100000 */
  readonly maxMatches: number;
  /** Most steps (a node visited, a child looked at, a value selected). @default 1000000 */
  readonly maxSteps: number;
}

/** The limits used when none are given. */
export const DEFAULT_PATH_LIMITS: PathLimits = Object.freeze({ maxMatches: 100_000, maxSteps: 1_000_000 });

/** Names that can be used in a complex path (kept from the grammar the engine accepted). */
const ENGINE_SAFE_NAME = /^[\p{L}\p{N}_\- ]+$/u;

/** True when a name can be used in a path with wildcards, unions, slices or `..`. */
export function isEngineSafeName(name: string): boolean {
  return ENGINE_SAFE_NAME.test(name);
}

/** Checks limits given by a caller (positive integers). */
export function pathLimits(limits: Partial<PathLimits> | undefined): PathLimits {
  if (limits === undefined) return DEFAULT_PATH_LIMITS;
  const out = { ...DEFAULT_PATH_LIMITS, ...limits };
  for (const key of ['maxMatches', 'maxSteps'] as const) {
    const v = out[key];
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`Expected \`${key}\` to be a positive integer, got \`${String(v)}\``);
  }
  return out;
}

function isObject(v: unknown): v is object {
  return typeof v === 'object' && v !== null;
}

/** One evaluation's budget: throws a PathFault when a limit is passed. */
class Budget {
  steps = 0;
  constructor(readonly limits: PathLimits) {}

  spend(n: number): void {
    this.steps += n;
    if (this.steps > this.limits.maxSteps) {
      throw new PathFault('PATH_TOO_COSTLY', `evaluating the path took more than ${this.limits.maxSteps} steps (maxSteps)`);
    }
  }

  emit(out: unknown[], value: unknown): void {
    out.push(value);
    this.spend(1);
    if (out.length > this.limits.maxMatches) {
      throw new PathFault('PATH_TOO_COSTLY', `the path selects more than ${this.limits.maxMatches} values (maxMatches)`);
    }
  }
}

/** Selects own property `key` of `node` (a name, or an index written as a union member). */
function member(node: unknown, key: string | number, out: unknown[], budget: Budget): void {
  if (!isObject(node)) return;
  if (Array.isArray(node) && typeof key === 'number') {
    if (key < node.length && Object.hasOwn(node, key)) budget.emit(out, node[key]);
    return;
  }
  if (Object.hasOwn(node, key)) budget.emit(out, (node as Record<string | number, unknown>)[key]);
}

/** Every child of `node`: array elements in order, or the values of its own enumerable keys. */
function children(node: unknown, out: unknown[], budget: Budget): void {
  if (Array.isArray(node)) {
    const n = node.length;
    budget.spend(n);
    for (let i = 0; i < n; i++) budget.emit(out, node[i]);
  } else if (isObject(node)) {
    const keys = Object.keys(node);
    budget.spend(keys.length);
    for (const key of keys) budget.emit(out, (node as Record<string, unknown>)[key]);
  }
}

function index(node: unknown, i: number, out: unknown[], budget: Budget): void {
  if (Array.isArray(node)) {
    const at = i < 0 ? node.length + i : i;
    if (at >= 0 && at < node.length && Object.hasOwn(node, at)) budget.emit(out, node[at]);
  } else if (i >= 0) member(node, String(i), out, budget);
}

function slice(node: unknown, start: number | undefined, end: number | undefined, out: unknown[], budget: Budget): void {
  if (!Array.isArray(node)) return;
  const len = node.length;
  const norm = (k: number): number => Math.min(Math.max(k < 0 ? k + len : k, 0), len);
  const from = norm(start ?? 0);
  const to = norm(end ?? len);
  for (let i = from; i < to; i++) {
    budget.spend(1);
    if (Object.hasOwn(node, i)) budget.emit(out, node[i]);
  }
}

const EXIT = Symbol('exit');

/**
 * `..name` / `..*` from `node`: at `node` and then at every object below it, in pre-order
 * (as jsonpath-plus walks), the named own property or every child. A cycle is a fault.
 */
function descend(node: unknown, name: string | undefined, out: unknown[], budget: Budget): void {
  if (!isObject(node)) return;
  const onPath = new Set<object>();
  const stack: unknown[] = [node];
  while (stack.length > 0) {
    const top = stack.pop();
    budget.spend(1);
    if (top === EXIT) {
      onPath.delete(stack.pop() as object);
      continue;
    }
    const current = top as object;
    if (onPath.has(current)) throw new PathFault('UNREADABLE_RESULT', 'the result is cyclic (an object contains itself), so ".." cannot walk it');
    if (name === undefined) children(current, out, budget);
    else member(current, name, out, budget);
    onPath.add(current);
    stack.push(current, EXIT);
    if (Array.isArray(current)) {
      budget.spend(current.length);
      for (let i = current.length - 1; i >= 0; i--) {
        const child: unknown = current[i];
        if (isObject(child)) stack.push(child);
      }
    } else {
      const keys = Object.keys(current);
      budget.spend(keys.length);
      for (let i = keys.length - 1; i >= 0; i--) {
        const child = (current as Record<string, unknown>)[keys[i] as string];
        if (isObject(child)) stack.push(child);
      }
    }
  }
}

function step(segment: PathSegment, node: unknown, out: unknown[], budget: Budget): void {
  switch (segment.kind) {
    case 'name':
      member(node, segment.name, out, budget);
      break;
    case 'index':
      index(node, segment.index, out, budget);
      break;
    case 'wildcard':
      children(node, out, budget);
      break;
    case 'union':
      for (const m of segment.members) member(node, m, out, budget);
      break;
    case 'slice':
      slice(node, segment.start, segment.end, out, budget);
      break;
    case 'descend':
      descend(node, segment.name, out, budget);
      break;
  }
}

let evaluationCount = 0;

/** How many complex-path evaluations ran in this process (tests prove a path never got this far). */
export function evaluations(): number {
  return evaluationCount;
}

/**
 * Every match of `segments` over `value`, in order: the matches, or a {@link PathFault} when a
 * limit was passed or reading the value threw. Never throws.
 */
export function evaluateSegments(segments: readonly PathSegment[], value: unknown, limits: PathLimits = DEFAULT_PATH_LIMITS): unknown[] | PathFault {
  const budget = new Budget(limits);
  evaluationCount++;
  try {
    let current: unknown[] = [value];
    for (const segment of segments) {
      const next: unknown[] = [];
      for (const node of current) {
        budget.spend(1);
        step(segment, node, next, budget);
      }
      current = next;
      if (current.length === 0) break;
    }
    return current;
  } catch (error) {
    return readFault(error);
  } finally {
    addSteps(budget.steps);
  }
}

/**
 * Selects every match of a non-simple path. No match is `{ found: false }`; a fault is
 * `{ found: false, problem }`; otherwise the matches as an array, in document order.
 */
export function evaluateComplexPath(segments: readonly PathSegment[], value: unknown, limits: PathLimits = DEFAULT_PATH_LIMITS): Selection {
  if (typeof value !== 'object' || value === null) return { found: false };
  const matches = evaluateSegments(segments, value, limits);
  if (matches instanceof PathFault) return { found: false, problem: matches };
  return matches.length === 0 ? { found: false } : { found: true, value: matches };
}
