/**
 * The plan as a @dagrejs/graphlib graph, for rendering and for users who want graph algorithms.
 * Edges run from the call that produces a value to the call that waits on it, labelled with
 * what they carry.
 */
import { Graph } from '@dagrejs/graphlib';
import type { ParsedCall } from '../plan/parse-call.js';
import { argLocation } from '../plan/parse-call.js';
import type { Reference } from '../plan/reference.js';
import type { ValidPlan } from './validate.js';

/** What an edge carries. */
export interface EdgeLabel {
  /** `data`: the target reads the source's result; `after`: order only; `hazard`: a resource conflict found before running. */
  readonly kind: 'data' | 'after' | 'hazard';
  /** For data edges: each reference, with its location in the target and its path. */
  readonly refs: readonly { readonly location: string; readonly path: string }[];
  /** For hazard edges: the resources both calls touch. */
  readonly resources?: readonly string[];
}

/** What a node holds. */
export interface NodeLabel {
  /** The call's id. */
  readonly id: string;
  /** The tool's name. */
  readonly tool: string;
  /** Position in the plan. */
  readonly index: number;
  /** Topological level. */
  readonly level: number;
}

/** A static conflict between two calls (from issue-4 resources), drawn as a dashed edge. */
export interface HazardEdge {
  /** The earlier call. */
  readonly from: string;
  /** The later call, which waits. */
  readonly to: string;
  /** Resources both touch. */
  readonly resources: readonly string[];
}

function refsOf(call: ParsedCall, id: string): { location: string; path: string }[] {
  const out: { location: string; path: string }[] = [];
  for (const site of call.compiled.sites) {
    const refs: Reference[] = site.kind === 'ref' ? [site.ref] : site.template.parts.filter((p): p is Reference => typeof p !== 'string');
    for (const ref of refs) if (ref.id === id) out.push({ location: argLocation(call, site.at), path: ref.path.source });
  }
  return out;
}

/**
 * Builds the labelled graph of a valid plan.
 *
 * @example
 * const g = buildGraph(parsePlan(plan))
 * g.edges().map((e) => g.edge(e)) // [{ kind: 'data', refs: [...] }, ...]
 */
export function buildGraph(plan: ValidPlan, hazards: readonly HazardEdge[] = []): Graph {
  const graph = new Graph({ directed: true, multigraph: true });
  for (const call of plan.calls) {
    const label: NodeLabel = { id: call.id, tool: call.tool, index: call.index, level: plan.analysis.levels[call.index] ?? 0 };
    graph.setNode(call.id, label);
  }
  for (const call of plan.calls) {
    for (const dep of call.deps) {
      const refs = refsOf(call, dep);
      if (refs.length > 0) graph.setEdge(dep, call.id, { kind: 'data', refs } satisfies EdgeLabel, 'data');
      if (call.after.includes(dep)) graph.setEdge(dep, call.id, { kind: 'after', refs: [] } satisfies EdgeLabel, 'after');
    }
  }
  for (const h of hazards) graph.setEdge(h.from, h.to, { kind: 'hazard', refs: [], resources: h.resources } satisfies EdgeLabel, 'hazard');
  return graph;
}
