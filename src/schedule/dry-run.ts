/**
 * `dryRun()`: the schedule of a plan without running anything — its rounds, the resource
 * conflicts that can be known before running, and the calls that would ask for approval.
 */
import type { Issue } from '../errors.js';
import { validatePlan, type ValidateOptions } from '../graph/validate.js';
import type { ParsedCall } from '../plan/parse-call.js';
import { toolRegistry } from '../tools/define-tool.js';
import type { Tool, ToolsInput } from '../tools/tool-types.js';
import { validateWith } from '../tools/tool-schema.js';
import { needsApproval, type ApprovalPolicy, type ApprovalRequest } from './policies/approval.js';
import { defaultResources, HazardTracker, MAX_RESOURCES_PER_CALL, type HazardSubject } from './policies/resources.js';

/** Options of {@link dryRun}: the tools, and the approval policy the run would use. */
export interface DryRunOptions extends Omit<ValidateOptions, 'tools'> {
  /** The tools the run would use (needed for effects, resources and approvals). */
  readonly tools: ToolsInput;
  /** Which calls would ask an approver. @default 'destructive' */
  readonly requireApproval?: ApprovalPolicy;
  /** The run id shown to a predicate policy. @default 'dry-run' */
  readonly runId?: string;
}

/** A conflict known before running: `to` waits for `from` because both touch `resources`. */
export interface DryRunConflict {
  /** The earlier call. */
  readonly from: string;
  /** The later call, which waits. */
  readonly to: string;
  /** Resources both touch. */
  readonly resources: readonly string[];
}

/** What {@link dryRun} returns. */
export interface DryRunResult {
  /** True when the plan passed validation and every `resources()` worked (an invalid plan leaves the rest empty). */
  readonly valid: boolean;
  /** Call ids by round: round 0 needs nothing, round k needs something from round k-1. */
  readonly rounds: readonly (readonly string[])[];
  /** Resource conflicts among calls whose resources are known from literal args. */
  readonly conflicts: readonly DryRunConflict[];
  /** Calls that would ask for approval, in plan order. */
  readonly wouldAsk: readonly string[];
  /** Calls whose resources depend on placeholders: known only at run time (until then they conflict with later writes). */
  readonly unknownResources: readonly string[];
  /** Validation issues, plus resource functions that threw. */
  readonly issues: readonly Issue[];
}

class Subject implements HazardSubject {
  readonly finished = false;
  constructor(
    readonly index: number,
    readonly id: string,
    readonly write: boolean,
    public resources: readonly string[] | undefined,
  ) {}
}

/** Resources of a call with literal args, or an issue when `resources()` misbehaves. */
function resourcesOf(call: ParsedCall, tool: Tool, args: unknown): { resources?: readonly string[]; issue?: Issue } {
  const write = !tool.resolvedEffects.readOnly;
  if (tool.resources === undefined) return { resources: defaultResources(tool.name, write) };
  try {
    const out: unknown = tool.resources(args as never);
    if (Array.isArray(out) && out.length <= MAX_RESOURCES_PER_CALL && out.every((r) => typeof r === 'string')) return { resources: out as string[] };
    return { issue: { code: 'TOOL_ERROR', callId: call.id, location: call.location, message: `${call.location}: resources() of ${tool.name} must return at most ${MAX_RESOURCES_PER_CALL} strings` } };
  } catch (error) {
    return { issue: { code: 'TOOL_ERROR', callId: call.id, location: call.location, message: `${call.location}: resources() of ${tool.name} threw: ${error instanceof Error ? error.message : String(error)}` } };
  }
}

/** True when `from` (transitively) waits on `to`'s result: the dependency orders them, not the hazard. */
function dependsOn(deps: readonly (readonly number[])[], from: number, to: number): boolean {
  const stack = [...(deps[from] ?? [])];
  const seen = new Set<number>();
  while (stack.length > 0) {
    const d = stack.pop() as number;
    if (d === to) return true;
    if (seen.has(d)) continue;
    seen.add(d);
    for (const x of deps[d] ?? []) stack.push(x);
  }
  return false;
}

/**
 * Runs nothing and returns the schedule a run would follow: rounds (topological levels),
 * conflicts known from literal args, the calls that would ask for approval, and the calls
 * whose resources are known only at run time. A predicate policy sees the args as written
 * (placeholders unfilled); a predicate that throws counts as "would ask".
 *
 * @example
 * const plan = dryRun(modelPlan, { tools: [readFile, writeFile, deleteFile] })
 * plan.rounds      // [['read_a', 'read_b'], ['edit_a'], ['delete_b']]
 * plan.conflicts   // [{ from: 'read_b', to: 'delete_b', resources: ['file:b'] }]
 * plan.wouldAsk    // ['delete_b']
 */
export function dryRun(input: unknown, options: DryRunOptions): DryRunResult {
  const tools = toolRegistry(options.tools);
  const validation = validatePlan(input, { ...options, tools });
  const plan = validation.plan;
  if (!validation.valid || plan === undefined) {
    return { valid: false, rounds: [], conflicts: [], wouldAsk: [], unknownResources: [], issues: validation.issues };
  }
  const issues: Issue[] = [...validation.issues];
  const rounds: string[][] = Array.from({ length: plan.analysis.depth }, () => []);
  plan.calls.forEach((call, i) => (rounds[plan.analysis.levels[i] ?? 0] as string[]).push(call.id));
  const policy = options.requireApproval ?? 'destructive';
  const runId = options.runId ?? 'dry-run';
  const wouldAsk: string[] = [];
  const unknownResources: string[] = [];
  const subjects: Subject[] = [];
  for (const call of plan.calls) {
    const tool = tools.get(call.tool) as Tool; // validation checked every tool exists
    const write = !tool.resolvedEffects.readOnly;
    const literal = call.compiled.sites.length === 0;
    let args: unknown = call.args;
    if (literal && tool.input !== undefined) {
      const parsed = validateWith(tool.input, call.args);
      if (parsed.ok) args = parsed.value;
    }
    const request: ApprovalRequest = { id: call.id, tool: tool.name, args, effects: tool.resolvedEffects, runId };
    let asks: boolean;
    try {
      asks = needsApproval(policy, request);
    } catch {
      asks = true;
    }
    if (asks) wouldAsk.push(call.id);
    if (!write && tool.resources === undefined) continue; // a read that touches nothing
    if (!literal) {
      unknownResources.push(call.id);
      continue;
    }
    const found = resourcesOf(call, tool, args);
    if (found.issue !== undefined) issues.push(found.issue);
    if (found.resources !== undefined) subjects.push(new Subject(call.index, call.id, write, found.resources));
  }
  const conflicts: DryRunConflict[] = [];
  for (const edge of HazardTracker.knownConflicts(subjects)) {
    // A call that waits on a later call's result runs after it whatever the plan order says.
    if (dependsOn(plan.dag.deps, edge.from.index, edge.to.index)) continue;
    conflicts.push({ from: edge.from.id, to: edge.to.id, resources: edge.resources });
  }
  conflicts.sort((a, b) => (plan.indexOf.get(a.to) as number) - (plan.indexOf.get(b.to) as number) || (plan.indexOf.get(a.from) as number) - (plan.indexOf.get(b.from) as number));
  return { valid: issues.length === 0, rounds, conflicts, wouldAsk, unknownResources, issues };
}
