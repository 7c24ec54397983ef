/**
 * Plan validation: every problem at once, each with a code, the call id and a JSON location.
 * Order of checks: shape and size, each call on its own, ids, references, tools, cycles.
 * Nothing here recurses over the input.
 */
import type { ZodType } from 'zod';
import { PlanError, type Issue } from '../errors.js';
import { argLocation, parseCall, type ParsedCall } from '../plan/parse-call.js';
import type { Reference } from '../plan/reference.js';
import { toolRegistry } from '../tools/define-tool.js';
import type { Tool, ToolsInput } from '../tools/tool-types.js';
import { analyzeDag, type DagAnalysis } from './analyze.js';
import { findCycles, topologicalOrder, type IndexDag } from './dag.js';

/** Most calls a plan may have unless configured. @default 10000 */
export const DEFAULT_MAX_CALLS = 10_000;

/** Options of {@link validatePlan}. */
export interface ValidateOptions {
  /** Tools to check names and arguments against (`UNKNOWN_TOOL`, `INVALID_ARGS`, `REF_NOT_ALLOWED`, `FANOUT_EXCEEDED`). */
  readonly tools?: ToolsInput | ReadonlyMap<string, Tool>;
  /** Most calls accepted (`PLAN_TOO_LARGE` above it). @default 10000 */
  readonly maxCalls?: number;
  /** Latency estimates per tool name for the critical path. @default 1 per call, or the tool's `latencyMs` */
  readonly latencyMs?: Readonly<Record<string, number>>;
}

/** A plan that passed validation, compiled and analyzed. */
export interface ValidPlan {
  /** The calls in plan order. */
  readonly calls: readonly ParsedCall[];
  /** Call id → position. */
  readonly indexOf: ReadonlyMap<string, number>;
  /** Dependencies in index form. */
  readonly dag: IndexDag;
  /** Levels, width, critical path and ranks. */
  readonly analysis: DagAnalysis;
}

/** A one-line summary of a valid plan. */
export interface PlanSummary {
  /** Number of calls. */
  readonly calls: number;
  /** Number of dependency edges. */
  readonly edges: number;
  /** Number of topological levels (sequential rounds). */
  readonly levels: number;
  /** Length of the critical path (calls, or ms when latencies are given). */
  readonly criticalPath: number;
  /** The most calls that can run at once by level. */
  readonly maxWidth: number;
}

/** The outcome of {@link validatePlan}. */
export interface PlanValidation {
  /** True when there are no issues. */
  readonly valid: boolean;
  /** Every problem found. */
  readonly issues: readonly Issue[];
  /** The compiled plan, when valid. */
  readonly plan: ValidPlan | undefined;
}

function listKnown(ids: Iterable<string>): string {
  const all = [...ids];
  const shown = all.slice(0, 10).join(', ');
  return all.length > 10 ? `${shown}, … ${all.length - 10} more` : shown;
}

/** Extracts the array of calls from a plan object or a bare array. */
export function planCalls(input: unknown): { calls: readonly unknown[] | undefined; issue: Issue | undefined } {
  if (Array.isArray(input)) return { calls: input, issue: undefined };
  if (typeof input === 'object' && input !== null && Object.hasOwn(input, 'calls')) {
    const calls = (input as Record<string, unknown>)['calls'];
    if (Array.isArray(calls)) {
      const extra = Object.keys(input).filter((k) => k !== 'calls');
      if (extra.length > 0) {
        return { calls, issue: { code: 'INVALID_PLAN', message: `plan: unknown key ${JSON.stringify(extra[0])} (a plan has only "calls")`, location: extra[0] as string } };
      }
      return { calls, issue: undefined };
    }
    return { calls: undefined, issue: { code: 'INVALID_PLAN', message: 'calls: expected an array of calls', location: 'calls' } };
  }
  return { calls: undefined, issue: { code: 'INVALID_PLAN', message: 'plan: expected { "calls": [...] } or an array of calls', location: '' } };
}

/** Where each reference to `id` sits in a call, for messages. */
function refSites(call: ParsedCall, id: string): { location: string; text: string }[] {
  const out: { location: string; text: string }[] = [];
  for (const site of call.compiled.sites) {
    const refs: Reference[] = site.kind === 'ref' ? [site.ref] : site.template.parts.filter((p): p is Reference => typeof p !== 'string');
    for (const ref of refs) if (ref.id === id) out.push({ location: argLocation(call, site.at), text: ref.text });
  }
  call.after.forEach((a, j) => {
    if (a === id) out.push({ location: `${call.location}.after[${j}]`, text: a });
  });
  return out;
}

const pickCache = new WeakMap<object, Map<string, ZodType>>();

/** The part of a tool's input schema that can be checked before placeholders are filled. */
function checkableSchema(schema: ZodType, placeholderKeys: ReadonlySet<string>): ZodType | undefined {
  if (placeholderKeys.size === 0) return schema;
  const s = schema as unknown as { shape?: Record<string, unknown>; pick?: (mask: Record<string, true>) => ZodType };
  if (typeof s.shape !== 'object' || s.shape === null || typeof s.pick !== 'function') return undefined;
  const key = [...placeholderKeys].sort().join('\u0000');
  let cache = pickCache.get(schema);
  if (cache === undefined) {
    cache = new Map();
    pickCache.set(schema, cache);
  }
  let picked = cache.get(key);
  if (picked === undefined) {
    const mask: Record<string, true> = {};
    for (const k of Object.keys(s.shape)) if (!placeholderKeys.has(k)) mask[k] = true;
    picked = s.pick.call(schema, mask);
    cache.set(key, picked);
  }
  return picked;
}

function checkTools(calls: readonly ParsedCall[], byId: ReadonlyMap<string, ParsedCall>, tools: ReadonlyMap<string, Tool>, issues: Issue[]): void {
  const perTool = new Map<string, number>();
  for (const call of calls) {
    const tool = tools.get(call.tool);
    if (tool === undefined) {
      issues.push({
        code: 'UNKNOWN_TOOL',
        callId: call.id,
        location: `${call.location}.tool`,
        message: `${call.location}.tool: no tool named ${JSON.stringify(call.tool)} (known: ${listKnown(tools.keys())})`,
      });
      continue;
    }
    perTool.set(tool.name, (perTool.get(tool.name) ?? 0) + 1);
    if (tool.input !== undefined) {
      const schema = checkableSchema(tool.input, call.compiled.placeholderKeys);
      if (schema !== undefined) {
        let subject: Record<string, unknown> = call.args as Record<string, unknown>;
        if (call.compiled.placeholderKeys.size > 0) {
          subject = {};
          for (const k of Object.keys(call.args)) {
            if (!call.compiled.placeholderKeys.has(k)) Object.defineProperty(subject, k, { value: call.args[k], enumerable: true, writable: true, configurable: true });
          }
        }
        const parsed = schema.safeParse(subject);
        if (!parsed.success) {
          for (const zi of parsed.error.issues) {
            const location = argLocation(call, zi.path.filter((p): p is string | number => typeof p !== 'symbol'));
            issues.push({ code: 'INVALID_ARGS', callId: call.id, location, message: `${location}: ${zi.message} (tool ${tool.name})` });
          }
        }
      }
    }
    if (tool.refs !== undefined) {
      for (const site of call.compiled.sites) {
        const top = site.at[0];
        if (typeof top !== 'string' || !Object.hasOwn(tool.refs, top)) continue;
        const policy = tool.refs[top];
        const refs: Reference[] = site.kind === 'ref' ? [site.ref] : site.template.parts.filter((p): p is Reference => typeof p !== 'string');
        for (const ref of refs) {
          const source = byId.get(ref.id);
          const allowed = policy === 'any' || (Array.isArray(policy) && source !== undefined && policy.includes(source.tool));
          if (!allowed) {
            const location = argLocation(call, site.at);
            const why = policy === 'literal' ? 'takes only literal values' : `takes values only from ${(policy as readonly string[]).join(', ')}`;
            issues.push({
              code: 'REF_NOT_ALLOWED',
              callId: call.id,
              location,
              message: `${location}: argument "${top}" of ${tool.name} ${why}, but ${ref.text} feeds it from ${source === undefined ? 'an unknown call' : `"${ref.id}" (${source.tool})`}`,
            });
          }
        }
      }
    }
  }
  for (const [name, count] of perTool) {
    const max = tools.get(name)?.maxCallsPerRun;
    if (max !== undefined && count > max) {
      issues.push({ code: 'FANOUT_EXCEEDED', message: `plan has ${count} calls of ${name}; at most ${max} are allowed per run`, location: 'calls' });
    }
  }
}

/**
 * Validates a plan and reports every problem at once. Never throws for bad input.
 *
 * @example
 * const { valid, issues } = validatePlan({ calls: [{ id: 'a', tool: 't', args: { x: '${b}' } }] })
 * // valid: false, issues[0].code: 'UNKNOWN_REF', issues[0].location: 'calls[0].args.x'
 */
export function validatePlan(input: unknown, options: ValidateOptions = {}): PlanValidation {
  const issues: Issue[] = [];
  const { calls: rawCalls, issue } = planCalls(input);
  if (issue !== undefined) issues.push(issue);
  if (rawCalls === undefined) return { valid: false, issues, plan: undefined };
  const maxCalls = options.maxCalls ?? DEFAULT_MAX_CALLS;
  if (rawCalls.length > maxCalls) {
    issues.push({ code: 'PLAN_TOO_LARGE', location: 'calls', message: `plan has ${rawCalls.length} calls; the limit is ${maxCalls} (raise it with maxCalls)` });
    return { valid: false, issues, plan: undefined };
  }
  const calls: ParsedCall[] = [];
  const byId = new Map<string, ParsedCall>();
  for (let i = 0; i < rawCalls.length; i++) {
    const parsed = parseCall(rawCalls[i], i);
    issues.push(...parsed.issues);
    const call = parsed.call;
    if (call === undefined) continue;
    const first = byId.get(call.id);
    if (first !== undefined) {
      issues.push({ code: 'DUPLICATE_ID', callId: call.id, location: `${call.location}.id`, message: `${call.location}.id: "${call.id}" is already the id of ${first.location}; ids must be unique` });
      continue;
    }
    byId.set(call.id, call);
    calls.push(call);
  }
  const indexOf = new Map<string, number>();
  calls.forEach((c, i) => indexOf.set(c.id, i));
  const deps: number[][] = [];
  for (const call of calls) {
    const mine: number[] = [];
    for (const dep of call.deps) {
      if (dep === call.id) {
        for (const site of refSites(call, dep)) {
          issues.push({ code: 'SELF_REF', callId: call.id, location: site.location, message: `${site.location}: ${site.text} refers to its own call "${call.id}"` });
        }
        continue;
      }
      const at = indexOf.get(dep);
      if (at === undefined) {
        const hint = [...indexOf.keys()].find((k) => k.startsWith(`${dep}.`));
        for (const site of refSites(call, dep)) {
          issues.push({
            code: 'UNKNOWN_REF',
            callId: call.id,
            location: site.location,
            message: `${site.location}: ${site.text} refers to no call (known: ${listKnown(indexOf.keys())})${hint === undefined ? '' : `; ids with "." need the object form {"$ref": "${hint}"}`}`,
          });
        }
        continue;
      }
      mine.push(at);
    }
    deps.push(mine);
  }
  if (options.tools !== undefined) {
    const registry = options.tools instanceof Map && [...options.tools.values()].every((t) => (t as Tool).__toolgraph === true)
      ? (options.tools as ReadonlyMap<string, Tool>)
      : toolRegistry(options.tools as ToolsInput);
    checkTools(calls, byId, registry, issues);
  }
  const dag: IndexDag = { deps };
  const { leftover } = topologicalOrder(dag);
  if (leftover.length > 0) {
    for (const cycle of findCycles(dag, leftover)) {
      const ids = cycle.map((i) => (calls[i] as ParsedCall).id);
      const first = calls[cycle[0] as number] as ParsedCall;
      issues.push({
        code: 'CYCLE',
        callId: first.id,
        location: first.location,
        cycle: ids,
        message: `${first.location}: calls ${[...ids, ids[0]].join(' → ')} form a cycle (each needs the one before it); break it by removing one reference`,
      });
    }
  }
  if (issues.length > 0) return { valid: false, issues, plan: undefined };
  const latency = options.latencyMs;
  const analysis = analyzeDag(dag, (i) => {
    const tool = (calls[i] as ParsedCall).tool;
    if (latency !== undefined && Object.hasOwn(latency, tool)) return latency[tool] as number;
    return 1;
  });
  return { valid: true, issues, plan: { calls, indexOf, dag, analysis } };
}

/**
 * Validates a plan and returns it compiled; throws a {@link PlanError} carrying every issue.
 *
 * @example
 * const plan = parsePlan(JSON.parse(text), { tools })
 * plan.analysis.criticalPathLength
 */
export function parsePlan(input: unknown, options: ValidateOptions = {}): ValidPlan {
  const result = validatePlan(input, options);
  if (!result.valid || result.plan === undefined) throw new PlanError(result.issues);
  return result.plan;
}

/**
 * Summarizes a valid plan in the numbers `toolgraph validate` prints.
 */
export function summarizePlan(plan: ValidPlan): PlanSummary {
  let edges = 0;
  for (const d of plan.dag.deps) edges += d.length;
  return {
    calls: plan.calls.length,
    edges,
    levels: plan.analysis.depth,
    criticalPath: plan.analysis.criticalPathLength,
    maxWidth: plan.analysis.maxWidth,
  };
}
