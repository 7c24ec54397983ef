import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runBuilt, runInProcess } from '../helpers/built-cli.js';

const plan = JSON.stringify({
  calls: [
    { id: 'search', tool: 'search', args: { q: 'x' } },
    { id: 'read', tool: 'read_file', args: { path: '${search.hits[0].path}' } },
    { id: 'note', tool: 'write', args: { text: 'done' }, after: ['read'] },
  ],
});

describe('toolgraph graph (in-process)', () => {
  it('mermaid by default, edges labelled', async () => {
    const out = await runInProcess(['graph', '-'], plan);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('flowchart TD');
    expect(out.stdout).toContain('n0 -->|"$.hits[0].path → args.path"| n1');
    expect(out.stdout).toContain('n1 -.->|"after"| n2');
  });

  it('--format dot and --format=json', async () => {
    const dot = await runInProcess(['graph', '--format', 'dot', '-'], plan);
    expect(dot.code).toBe(0);
    expect(dot.stdout).toContain('n0 -> n1 [label="$.hits[0].path → args.path", style=solid];');
    const json = await runInProcess(['graph', '--format=json', '-'], plan);
    expect(json.code).toBe(0);
    const graph = JSON.parse(json.stdout) as { edges: { from: string; to: string; kind: string }[] };
    expect(graph.edges.map((e) => `${e.from}>${e.to}:${e.kind}`)).toEqual(['search>read:data', 'read>note:after']);
  });

  it('the examples render', async () => {
    for (const file of ['examples/research.plan.json', 'examples/file-planning.plan.json']) {
      const out = await runInProcess(['graph', file, '--format', 'json']);
      expect(out.code).toBe(0);
      expect((JSON.parse(out.stdout) as { edges: unknown[] }).edges.length).toBeGreaterThan(0);
    }
  });

  it('an invalid plan: exit 1, every issue, no graph', async () => {
    const out = await runInProcess(['graph', '-'], JSON.stringify([{ id: 'a', tool: 't', args: { x: '${b}', y: '${a}' } }]));
    expect(out.code).toBe(1);
    expect(out.stdout.trimEnd().split('\n').map((l) => l.split(' ')[0])).toEqual(['UNKNOWN_REF', 'SELF_REF']);
    expect(out.stderr).toBe('2 problems found; no graph printed\n');
  });

  it('not JSON: exit 1 with the position', async () => {
    const out = await runInProcess(['graph', '-'], '[\n  {"id": }\n]');
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('stdin:2:10: not JSON');
  });

  it.each([
    [['graph'], 'missing the plan file'],
    [['graph', '--format', 'svg', '-'], 'or an output (mermaid, dot, json), got `svg`'],
    [['graph', '--output', 'svg', '-'], 'expected --output to be one of mermaid, dot, json, got `svg`'],
    [['graph', '--color', '-'], "Unknown option '--color'"],
  ])('bad usage %j: exit 2 with the usage text', async (argv, message) => {
    const out = await runInProcess(argv, plan);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(message);
    expect(out.stderr).toContain('usage: toolgraph graph <file|->');
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('toolgraph graph (built executable)', () => {
  beforeAll(async () => {
    await ensureBuilt();
  });

  it('renders dot from stdin', async () => {
    const out = await runBuilt(['graph', '-', '--format', 'dot'], plan);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^digraph plan \{/);
    expect(out.stdout).toContain('style=dotted');
  });

  it('bad usage exits 2 without a stack trace', async () => {
    const out = await runBuilt(['graph', '--format', 'png', 'x.json']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('usage: toolgraph graph');
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });
});
