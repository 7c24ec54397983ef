import { describe, expect, it } from 'vitest';
import { buildGraph, type EdgeLabel } from '../../src/graph/build-graph.js';
import { renderGraph } from '../../src/graph/render-graph.js';
import { parsePlan } from '../../src/graph/validate.js';

const plan = parsePlan({
  calls: [
    { id: 'search', tool: 'search_docs', args: { q: 'x' } },
    { id: 'me', tool: 'whoami', args: {} },
    { id: 'read', tool: 'read_file', args: { path: '${search.hits[0].path}', user: { $ref: 'me', path: '$.id' } }, after: ['me'] },
  ],
});

describe('buildGraph', () => {
  it('has one node per call and labelled data and after edges', () => {
    const g = buildGraph(plan);
    expect(g.nodes()).toEqual(['search', 'me', 'read']);
    const edges = g.edges().map((e) => ({ from: e.v, to: e.w, ...(g.edge(e) as EdgeLabel) }));
    expect(edges).toEqual([
      { from: 'search', to: 'read', kind: 'data', refs: [{ location: 'calls[2].args.path', path: '$.hits[0].path' }] },
      { from: 'me', to: 'read', kind: 'data', refs: [{ location: 'calls[2].args.user', path: '$.id' }] },
      { from: 'me', to: 'read', kind: 'after', refs: [] },
    ]);
  });

  it('adds hazard edges', () => {
    const g = buildGraph(plan, [{ from: 'search', to: 'me', resources: ['file:a'] }]);
    expect(g.edge('search', 'me', 'hazard')).toEqual({ kind: 'hazard', refs: [], resources: ['file:a'] });
  });
});

describe('renderGraph', () => {
  it('mermaid: nodes, solid data edges labelled with path and argument, dotted after edges', () => {
    const text = renderGraph(buildGraph(plan), 'mermaid');
    expect(text.split('\n')).toEqual([
      'flowchart TD',
      '  n0["search<br/><i>search_docs</i>"]',
      '  n1["me<br/><i>whoami</i>"]',
      '  n2["read<br/><i>read_file</i>"]',
      '  n0 -->|"$.hits[0].path → args.path"| n2',
      '  n1 -->|"$.id → args.user"| n2',
      '  n1 -.->|"after"| n2',
    ]);
  });

  it('dot: a digraph with labelled, styled edges', () => {
    const text = renderGraph(buildGraph(plan), 'dot');
    expect(text).toMatch(/^digraph plan \{/);
    expect(text).toContain('n0 [label="search\\nsearch_docs"];');
    expect(text).toContain('n0 -> n2 [label="$.hits[0].path → args.path", style=solid];');
    expect(text).toContain('n1 -> n2 [label="after", style=dotted];');
    expect(text.trimEnd().endsWith('}')).toBe(true);
  });

  it('json: nodes with levels and edges with labels', () => {
    const json = JSON.parse(renderGraph(buildGraph(plan), 'json')) as { nodes: { id: string; level: number }[]; edges: { from: string; kind: string }[] };
    expect(json.nodes.map((n) => [n.id, n.level])).toEqual([
      ['search', 0],
      ['me', 0],
      ['read', 1],
    ]);
    expect(json.edges.map((e) => [e.from, e.kind])).toEqual([
      ['search', 'data'],
      ['me', 'data'],
      ['me', 'after'],
    ]);
  });

  describe('hostile ids, tools and paths cannot break the syntax', () => {
    const hostileTool = 'x"]; evil["<script>|`md`\n  n9 --> n0 %% "\\';
    // Ids are limited to [A-Za-z0-9_.:-], so hostile text comes through tool names and quoted path names.
    const hostile = parsePlan({
      calls: [
        { id: 'a', tool: hostileTool, args: {} },
        { id: 'b:-.x', tool: '"]', args: {} },
        { id: 'c', tool: 't', args: { 'we"ird\'] key': { $ref: 'a', path: "$['q\"uote\\'s ]|\"]']" } }, after: ['b:-.x'] },
      ],
    });

    it('mermaid: every label is one quoted string on its own line', () => {
      const lines = renderGraph(buildGraph(hostile), 'mermaid').split('\n');
      expect(lines).toHaveLength(1 + 3 + 2);
      for (const line of lines.slice(1, 4)) expect(line).toMatch(/^ {2}n\d+\["[^"\n]*"\]$/);
      for (const line of lines.slice(4)) expect(line).toMatch(/^ {2}n\d+ -(->|\.->)\|"[^"|`\n]*"\| n\d+$/);
      expect(lines.join('\n')).not.toContain('<script>');
    });

    it('dot: every quoted string is closed on its own line', () => {
      const lines = renderGraph(buildGraph(hostile), 'dot').split('\n');
      expect(lines).toHaveLength(3 + 3 + 2 + 1);
      for (const line of lines.slice(3, -1)) {
        // Remove escaped characters, then quotes must pair up.
        const unescaped = line.replace(/\\./g, '');
        expect((unescaped.match(/"/g) ?? []).length % 2, line).toBe(0);
        expect(line).toMatch(/;$/);
      }
    });

    it('json: round-trips the hostile strings exactly', () => {
      const json = JSON.parse(renderGraph(buildGraph(hostile), 'json')) as { nodes: { tool: string }[] };
      expect(json.nodes[0]!.tool).toBe(hostileTool);
    });
  });
});
