/**
 * Tools whose arguments are a plan (`run_plan`): the placeholders inside belong to that plan,
 * so the run that calls such a tool must not read them as references to its own calls. A
 * marker on the tool says so; {@link parseCallFor} parses such a call without compiling its
 * arguments.
 */
import { parseCall, type ParseCallResult } from '../plan/parse-call.js';

/** Marks a tool whose arguments hold a plan (placeholders in them are left alone). */
export const PLAN_ARGS = Symbol.for('toolgraph.planArgs');

/** Marks a definition as one whose arguments hold a plan. */
export function markPlanArgs<T extends object>(definition: T): T {
  Object.defineProperty(definition, PLAN_ARGS, { value: true, enumerable: true });
  return definition;
}

/** True for a tool marked by {@link markPlanArgs}. */
export function holdsPlanArgs(tool: unknown): boolean {
  return typeof tool === 'object' && tool !== null && (tool as Record<symbol, unknown>)[PLAN_ARGS] === true;
}

/**
 * Parses one call: like `parseCall`, except that the arguments of a tool marked by
 * {@link markPlanArgs} are kept as written, with no placeholder compiled.
 *
 * @example
 * parseCallFor(raw, 0, registry)
 */
export function parseCallFor(raw: unknown, index: number, tools: ReadonlyMap<string, unknown>): ParseCallResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return parseCall(raw, index);
  const source = raw as Record<string, unknown>;
  const name = source['tool'];
  if (typeof name !== 'string' || !holdsPlanArgs(tools.get(name))) return parseCall(raw, index);
  const args = source['args'];
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return parseCall(raw, index);
  const parsed = parseCall({ ...source, args: {} }, index);
  if (parsed.call === undefined) return parsed;
  return { call: { ...parsed.call, args: args as Record<string, unknown> }, issues: parsed.issues };
}
