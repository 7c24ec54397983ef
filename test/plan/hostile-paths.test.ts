import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { compilePath, parseTemplate } from '../../src/plan/reference.js';
import { validatePlan } from '../../src/graph/validate.js';
import { evaluations } from '../../src/plan/select-complex.js';

// Every path in the corpus must be refused before any evaluation: the evaluator counts its runs.
const engine = { get calls(): number { return evaluations(); } };
const startCalls = engine.calls;

interface HostilePath {
  readonly path: string;
  readonly why: string;
}

const corpus = JSON.parse(readFileSync(new URL('../fixtures/hostile-paths.json', import.meta.url), 'utf8')) as HostilePath[];
const sample = { a: { b: [1, 2] }, constructor: { constructor: 'x' }, items: [{ x: 1 }] };

describe('hostile path corpus', () => {
  it('holds at least 50 distinct entries, each with a reason', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(50);
    expect(new Set(corpus.map((e) => e.path)).size).toBe(corpus.length);
    for (const e of corpus) expect(e.why.length).toBeGreaterThan(0);
    expect(corpus.some((e) => e.path.length >= 10_000)).toBe(true);
  });

  it.each(corpus.map((e) => [e.why, e.path] as const))('%s: refused by compilePath', (_why, path) => {
    const r = compilePath(path);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(['UNSAFE_PATH', 'INVALID_REF']).toContain(r.problem.code);
    expect(engine.calls).toBe(startCalls);
  });

  it.each(corpus.map((e) => [e.why, e.path] as const))('%s: refused by validatePlan in the object form', (_why, path) => {
    const r = validatePlan({
      calls: [
        { id: 'a', tool: 't', args: {} },
        { id: 'b', tool: 't', args: { x: { $ref: 'a', path } } },
      ],
    });
    expect(r.valid).toBe(false);
    expect(r.issues).toHaveLength(1);
    expect(['UNSAFE_PATH', 'INVALID_REF']).toContain(r.issues[0]!.code);
    expect(r.issues[0]!.location).toBe('calls[1].args.x');
    expect(r.issues[0]!.callId).toBe('b');
    expect(engine.calls).toBe(startCalls);
  });

  it('no entry is accepted in the template form either', () => {
    for (const { path } of corpus) {
      const body = path.startsWith('$') ? path.slice(1) : `.${path}`;
      const r = parseTemplate(`\${a${body}}`);
      // A "}" inside a payload can end the placeholder early; whatever parses must not be whole.
      if (r?.ok) expect(r.value.whole, path).toBe(false);
    }
    expect(engine.calls).toBe(startCalls);
  });

  it('control: the counted evaluator is what complex paths use, so the refusals above are meaningful', () => {
    const r = compilePath('$.items[*].x');
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.select(sample)).toEqual({ found: true, value: [1] });
    expect(engine.calls).toBe(startCalls + 1);
  });
});
