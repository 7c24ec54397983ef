/**
 * Plan validation: every problem at once, each with a code, the call id and a JSON location.
 * Order of checks: shape and size, each call on its own, ids, references, tools, cycles.
 * Nothing here recurses over the input.
 */
import { PlanError, ToolgraphError, type Issue } from '../errors.js';
import { argLocation, parseCall, type ParsedCall } from '../plan/parse-call.js';
import { parseCallFor } from '../protocol/plan-args.js';
import type { Reference } from '../plan/reference.js';
import { toolRegistry } from '../tools/define-tool.js';
import type { Tool, ToolsInput } from '../tools/tool-types.js';
import { analyzeDag, type DagAnalysis } from './analyze.js';
import { checkTools } from './check-tools.js';
import { findCycles, topologicalOrder, type IndexDag } from './dag.js';
import { packLayout, type PlanLayout } from './plan-layout.js';

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
  /** The edges and fill programs packed for the scheduler (see {@link PlanLayout}). */
  readonly layout: PlanLayout;
  /** Levels, width, critical path and ranks. */
  readonly analysis: DagAnalysis;
}

/**
 * Plans made by {@link validatePlan} (and so {@link parsePlan}). Membership is the only proof
 * that a plan is compiled: a JSON value cannot be in a WeakSet, so an object from model text
 * with `dag`, `layout`, `analysis` or `compiled` keys is never mistaken for one.
 */
const compiledPlans = new WeakSet<object>();

/**
 * True only for a plan compiled by {@link parsePlan} or {@link validatePlan} in this process,
 * whatever its shape: anything else (a look-alike object) is validated like any plan.
 *
 * @example
 * isCompiledPlan(parsePlan(plan))                                  // true
 * isCompiledPlan(JSON.parse(JSON.stringify(parsePlan(plan))))      // false
 */
export function isCompiledPlan(plan: unknown): plan is ValidPlan {
  return typeof plan === 'object' && plan !== null && compiledPlans.has(plan);
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
  const shown: string[] = [];
  let total = 0;
  for (const id of ids) {
    if (shown.length < 10) shown.push(id);
    total++;
  }
  return total > 10 ? `${shown.join(', ')}, … ${total - 10} more` : shown.join(', ');
}

/**
 * What an UNKNOWN_REF message says, computed once per plan (not once per unknown reference,
 * which made validation of a plan with many distinct unknown references quadratic): the
 * known ids, and for an id with dots, the id that a dotted reference most likely meant.
 */
class UnknownRefHints {
  private known: string | undefined;
  private dotted: Map<string, string> | undefined;
  constructor(private readonly indexOf: ReadonlyMap<string, number>) {}

  knownText(): string {
    return (this.known ??= listKnown(this.indexOf.keys()));
  }

  /** The first id (plan order) that starts with `dep.`. */
  dottedId(dep: string): string | undefined {
    if (this.dotted === undefined) {
      this.dotted = new Map();
      for (const id of this.indexOf.keys()) {
        for (let at = id.indexOf('.'); at !== -1; at = id.indexOf('.', at + 1)) {
          const prefix = id.slice(0, at);
          if (!this.dotted.has(prefix)) this.dotted.set(prefix, id);
        }
      }
    }
    return this.dotted.get(dep);
  }
}

/** Extracts the array of calls from a plan object or a bare array. */
export function planCalls(input: unknown): { calls: readonly unknown[] | undefined; issue: Issue | undefined } {
  if (Array.isArray(input)) return { calls: input, issue: undefined };
  if (typeof input === 'object' && input !== null && Object.hasOwn(input, 'calls')) {
    const calls = (input as Record<string, unknown>)['calls'];
    if (Array.isArray(calls)) {
      const extra = Object.keys(input).filter((k) => k !== 'calls');
      if (extra.length > 0) {
        const names = extra.map((k) => JSON.stringify(k)).join(', ');
        const message = `plan: unknown key${extra.length > 1 ? 's' : ''} ${names} (a plan has only "calls")`;
        return { calls, issue: { code: 'INVALID_PLAN', message, location: extra[0] as string } };
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

/**
 * Validates a plan and reports every problem at once. Never throws for a bad plan; throws
 * `INVALID_OPTION` for bad options (a negative `maxCalls`, a NaN latency, an invalid tool).
 *
 * @example
 * const { valid, issues } = validatePlan({ calls: [{ id: 'a', tool: 't', args: { x: '${b}' } }] })
 * // valid: false, issues[0].code: 'UNKNOWN_REF', issues[0].location: 'calls[0].args.x'
 */
export function validatePlan(input: unknown, options: ValidateOptions = {}): PlanValidation {
  const maxCalls = checkOptions(options);
  const issues: Issue[] = [];
  const { calls: rawCalls, issue } = planCalls(input);
  if (issue !== undefined) issues.push(issue);
  if (rawCalls === undefined) return { valid: false, issues, plan: undefined };
  if (rawCalls.length > maxCalls) {
    issues.push({ code: 'PLAN_TOO_LARGE', location: 'calls', message: `calls: plan has ${rawCalls.length} calls; the limit is ${maxCalls} (raise it with maxCalls)` });
    return { valid: false, issues, plan: undefined };
  }
  const calls: ParsedCall[] = [];
  const duplicates: ParsedCall[] = [];
  const malformedIds = new Set<string>();
  const byId = new Map<string, ParsedCall>();
  const program: (number | string)[] = [];
  const programEnds: number[] = [];
  const registry = options.tools === undefined ? undefined : asRegistry(options.tools);
  for (let i = 0; i < rawCalls.length; i++) {
    const parsed = registry === undefined ? parseCall(rawCalls[i], i) : parseCallFor(rawCalls[i], i, registry);
    issues.push(...parsed.issues);
    const call = parsed.call;
    if (call === undefined) {
      // References to a malformed call are not also reported as UNKNOWN_REF: its INVALID_PLAN says why.
      const id = parsed.issues[0]?.callId;
      if (id !== undefined) malformedIds.add(id);
      continue;
    }
    const first = byId.get(call.id);
    if (first !== undefined) {
      issues.push({ code: 'DUPLICATE_ID', callId: call.id, location: `${call.location}.id`, message: `${call.location}.id: "${call.id}" is already the id of ${first.location}; ids must be unique` });
      duplicates.push(call);
      continue;
    }
    byId.set(call.id, call);
    calls.push(call);
    // Its fill program joins the plan's packed one now, while it is still in the cache.
    const own = call.compiled.program;
    for (let k = 0; k < own.length; k++) program.push(own[k] as number | string);
    programEnds.push(program.length);
  }
  const indexOf = new Map<string, number>();
  calls.forEach((c, i) => indexOf.set(c.id, i));
  const hints = new UnknownRefHints(indexOf);
  const deps: number[][] = calls.map((call) => resolveDeps(call, indexOf, malformedIds, issues, hints));
  // A duplicate is not part of the graph, but its references are still checked.
  for (const call of duplicates) resolveDeps(call, indexOf, malformedIds, issues, hints);
  if (registry !== undefined) checkTools(calls, byId, registry, issues);
  const dag: IndexDag = { deps };
  const pass = topologicalOrder(dag);
  const { leftover } = pass;
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
  // Plans name a few tools, mostly in runs: the last tool's estimate is reused.
  let lastTool: string | undefined;
  let lastEstimate = 1;
  const estimate = (i: number): number => {
    const tool = (calls[i] as ParsedCall).tool;
    if (tool !== lastTool) {
      lastTool = tool;
      lastEstimate = latency !== undefined && Object.hasOwn(latency, tool) ? (latency[tool] as number) : (registry?.get(tool)?.latencyMs ?? 1);
    }
    return lastEstimate;
  };
  const analysis = analyzeDag(dag, estimate, pass);
  const programStart = new Int32Array(calls.length + 1);
  programStart.set(programEnds, 1);
  const layout = packLayout(
    deps,
    pass.children,
    program,
    programStart,
    pass.order,
    calls.map((c) => c.tool),
  );
  const plan: ValidPlan = { calls, indexOf, dag, analysis, layout };
  compiledPlans.add(plan);
  return { valid: true, issues, plan };
}

/** Checks the options (a programming mistake, so it throws `INVALID_OPTION`); returns maxCalls. */
function checkOptions(options: ValidateOptions): number {
  const maxCalls = options.maxCalls ?? DEFAULT_MAX_CALLS;
  if (!Number.isInteger(maxCalls) || maxCalls < 0) {
    throw new ToolgraphError('INVALID_OPTION', `expected \`maxCalls\` to be a non-negative integer, got \`${String(maxCalls)}\``);
  }
  if (options.latencyMs !== undefined) {
    for (const [tool, ms] of Object.entries(options.latencyMs)) {
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
        throw new ToolgraphError('INVALID_OPTION', `expected \`latencyMs[${JSON.stringify(tool)}]\` to be a non-negative number, got \`${String(ms)}\``);
      }
    }
  }
  return maxCalls;
}

function asRegistry(tools: NonNullable<ValidateOptions['tools']>): ReadonlyMap<string, Tool> {
  if (tools instanceof Map && [...tools.values()].every((t) => (t as Tool).__toolgraph === true)) return tools as ReadonlyMap<string, Tool>;
  return toolRegistry(tools as ToolsInput);
}

/** Turns a call's dependency ids into indices, reporting self and unknown references. */
function resolveDeps(call: ParsedCall, indexOf: ReadonlyMap<string, number>, malformedIds: ReadonlySet<string>, issues: Issue[], hints: UnknownRefHints): number[] {
  const mine: number[] = [];
  for (const dep of call.deps) {
    if (dep === call.id) {
      for (const site of refSites(call, dep)) {
        issues.push({ code: 'SELF_REF', callId: call.id, location: site.location, message: `${site.location}: ${site.text} refers to its own call "${call.id}"` });
      }
      continue;
    }
    const at = indexOf.get(dep);
    if (at !== undefined) {
      mine.push(at);
      continue;
    }
    if (malformedIds.has(dep)) continue;
    const hint = hints.dottedId(dep);
    for (const site of refSites(call, dep)) {
      issues.push({
        code: 'UNKNOWN_REF',
        callId: call.id,
        location: site.location,
        message: `${site.location}: ${site.text} refers to no call (known: ${hints.knownText()})${hint === undefined ? '' : `; ids with "." need the object form {"$ref": "${hint}"}`}`,
      });
    }
  }
  return mine;
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
