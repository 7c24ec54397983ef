/**
 * Text renderings of the plan graph: Mermaid, Graphviz DOT and JSON. Labels are escaped, so
 * hostile ids or paths cannot break out of the syntax.
 */
import type { Graph } from '@dagrejs/graphlib';
import type { EdgeLabel, NodeLabel } from './build-graph.js';

/** Output formats of {@link renderGraph}. */
export type GraphFormat = 'mermaid' | 'dot' | 'json';

function edgeText(label: EdgeLabel): string {
  if (label.kind === 'after') return 'after';
  if (label.kind === 'hazard') return `conflict: ${(label.resources ?? []).join(', ')}`;
  return label.refs.map((r) => `${r.path} → ${r.location.replace(/^calls\[\d+\]\./, '')}`).join('; ');
}

/** Mermaid entity codes (`#34;`) for every character that could end a quoted label or start markup. */
function mermaidText(text: string): string {
  return text.replace(/["<>&#|`\p{Cc}\u2028\u2029]/gu, (c) => `#${c.codePointAt(0)};`);
}

/** DOT escapes inside a quoted string: backslash, quote, and line breaks as `\n`. */
function dotText(text: string): string {
  return text.replace(/[\\"]/g, '\\$&').replace(/\r\n|[\n\r\u2028\u2029]/g, '\\n').replace(/\p{Cc}/gu, ' ');
}

interface JsonGraph {
  nodes: NodeLabel[];
  edges: ({ from: string; to: string } & EdgeLabel)[];
}

function toJson(graph: Graph): JsonGraph {
  return {
    nodes: graph.nodes().map((n) => graph.node(n) as NodeLabel),
    edges: graph.edges().map((e) => ({ from: e.v, to: e.w, ...(graph.edge(e) as EdgeLabel) })),
  };
}

/**
 * Renders a graph from {@link buildGraph}. Data edges are solid, `after` edges dotted and
 * conflicts dashed.
 *
 * @example
 * renderGraph(buildGraph(plan), 'mermaid')
 * // flowchart TD
 * //   n0["search<br/>search_docs"]
 * //   n0 -->|"$.hits[0].path → args.path"| n1
 */
export function renderGraph(graph: Graph, format: GraphFormat): string {
  if (format === 'json') return JSON.stringify(toJson(graph), null, 2);
  const nodes = graph.nodes();
  const key = new Map<string, string>();
  nodes.forEach((n, i) => key.set(n, `n${i}`));
  const lines: string[] = [];
  if (format === 'mermaid') {
    lines.push('flowchart TD');
    for (const n of nodes) {
      const label = graph.node(n) as NodeLabel;
      lines.push(`  ${key.get(n)}["${mermaidText(label.id)}<br/><i>${mermaidText(label.tool)}</i>"]`);
    }
    for (const e of graph.edges()) {
      const label = graph.edge(e) as EdgeLabel;
      const arrow = label.kind === 'data' ? '-->' : '-.->';
      lines.push(`  ${key.get(e.v)} ${arrow}|"${mermaidText(edgeText(label))}"| ${key.get(e.w)}`);
    }
    return lines.join('\n');
  }
  lines.push('digraph plan {', '  rankdir=TB;', '  node [shape=box, fontname="Helvetica"];');
  for (const n of nodes) {
    const label = graph.node(n) as NodeLabel;
    lines.push(`  ${key.get(n)} [label="${dotText(label.id)}\\n${dotText(label.tool)}"];`);
  }
  for (const e of graph.edges()) {
    const label = graph.edge(e) as EdgeLabel;
    const style = label.kind === 'data' ? 'solid' : label.kind === 'after' ? 'dotted' : 'dashed';
    const color = label.kind === 'hazard' ? ', color="red"' : '';
    lines.push(`  ${key.get(e.v)} -> ${key.get(e.w)} [label="${dotText(edgeText(label))}", style=${style}${color}];`);
  }
  lines.push('}');
  return lines.join('\n');
}
