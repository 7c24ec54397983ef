import fc from 'fast-check';
import { JSONPath } from 'jsonpath-plus';
import { describe, expect, it } from 'vitest';
import { compilePath, type CompiledPath, type PathSegment } from '../../src/plan/reference.js';
import { PathFault } from '../../src/plan/path-fault.js';
import { DEFAULT_PATH_LIMITS, evaluateSegments } from '../../src/plan/select-complex.js';
import { workSteps } from '../../src/plan/work-steps.js';

function compiled(path: string, limits?: { maxMatches?: number; maxSteps?: number }): CompiledPath {
  const r = compilePath(path, limits === undefined ? {} : { limits });
  if (!r.ok) throw new Error(r.problem.message);
  return r.value;
}

/** The jsonpath-plus expression of our segments (how the old engine was called). */
function enginePath(segments: readonly PathSegment[]): string {
  let out = '$';
  for (const s of segments) {
    if (s.kind === 'name') out += `['${s.name}']`;
    else if (s.kind === 'index') out += s.index >= 0 ? `[${s.index}]` : s.index === -1 ? '[-1:]' : `[${s.index}:${s.index + 1}]`;
    else if (s.kind === 'wildcard') out += '[*]';
    else if (s.kind === 'union') out += `[${s.members.map((m) => (typeof m === 'number' ? String(m) : `'${m}'`)).join(',')}]`;
    else if (s.kind === 'slice') out += `[${s.start ?? ''}:${s.end ?? ''}]`;
    else out += s.name === undefined ? '..*' : `..['${s.name}']`;
  }
  return out;
}

const key = fc.constantFrom('a', 'b', 'c d', '0', '1');
// No string leaves: jsonpath-plus indexes into strings ("x"[0] is "x"); we follow only objects and
// arrays, as simple paths always did ($.name.length selects nothing).
const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.integer({ min: 0, max: 9 }), fc.constantFrom(null, true), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
})).value;
const segmentText = fc.oneof(
  key.map((k) => `['${k}']`),
  fc.integer({ min: -3, max: 3 }).map((i) => `[${i}]`),
  fc.constant('[*]'),
  fc.constant('.*'),
  fc.tuple(key, key).map(([x, y]) => `['${x}','${y}']`),
  fc.tuple(fc.nat(3), fc.nat(3)).map(([x, y]) => `[${x},${y}]`),
  fc.tuple(fc.option(fc.integer({ min: -3, max: 3 })), fc.option(fc.integer({ min: -3, max: 3 }))).map(([x, y]) => `[${x ?? ''}:${y ?? ''}]`),
  key.map((k) => `..['${k}']`),
  fc.constant('..*'),
);

describe('complex paths: our evaluator selects what jsonpath-plus selects', () => {
  it('same matches in the same order, for 1,500 random paths over random values', () => {
    let complex = 0;
    fc.assert(
      fc.property(fc.array(segmentText, { minLength: 1, maxLength: 4 }), fc.oneof(fc.array(json, { maxLength: 4 }), fc.dictionary(key, json, { maxKeys: 4 })), (parts, doc) => {
        const r = compilePath(`$${parts.join('')}`);
        if (!r.ok) return; // negative union members and the like are refused by the grammar
        if (r.value.simple) return;
        complex++;
        const expected = JSONPath({ path: enginePath(r.value.segments), json: doc as object, eval: false, wrap: true }) as unknown[];
        const got = r.value.select(doc);
        if (expected.length === 0) expect(got).toEqual({ found: false });
        else expect(got).toEqual({ found: true, value: expected });
      }),
      { numRuns: 1500 },
    );
    expect(complex).toBeGreaterThan(700);
  });
});

/** A value of about `bytes` characters of JSON: nested objects and arrays. */
function kilobyte(bytes: number): unknown {
  const items: unknown[] = [];
  while (JSON.stringify(items).length < bytes) items.push({ a: [1, { b: 2 }], c: { d: [3] } });
  return { items };
}

describe('complex paths: bounded work', () => {
  it('a 12-character path over a 1 KB value stops with PATH_TOO_COSTLY, within its step budget', () => {
    // 250 nested arrays (1 KB of JSON): each "..*" multiplies the matches by the depth.
    const value = JSON.parse(`${'['.repeat(250)}1${']'.repeat(250)}`) as unknown;
    expect(JSON.stringify(value).length).toBeLessThanOrEqual(1024);
    const path = compiled('$..*..*..*..*');
    expect(path.source.length).toBeLessThanOrEqual(13);
    const before = workSteps();
    const r = path.select(value);
    const spent = workSteps() - before;
    expect(r.found).toBe(false);
    if (!r.found) expect(r.problem?.code).toBe('PATH_TOO_COSTLY');
    expect(spent).toBeLessThanOrEqual(DEFAULT_PATH_LIMITS.maxSteps + 64);
  });

  it('the same path over a wide 1 KB value is answered', () => {
    expect(compiled('$..*..*..*..*').select(kilobyte(1024)).found).toBe(true);
  });

  it('maxMatches and maxSteps are configurable and each gives PATH_TOO_COSTLY', () => {
    const value = { xs: Array.from({ length: 100 }, (_, i) => i) };
    expect(compiled('$.xs[*]').select(value)).toMatchObject({ found: true });
    const few = compiled('$.xs[*]', { maxMatches: 10 }).select(value);
    expect(few).toMatchObject({ found: false, problem: { code: 'PATH_TOO_COSTLY' } });
    const short = compiled('$..*', { maxSteps: 50 }).select(value);
    expect(short).toMatchObject({ found: false, problem: { code: 'PATH_TOO_COSTLY' } });
    expect(() => compilePath('$[*]', { limits: { maxSteps: 0 } })).toThrow(RangeError);
  });

  it('one ".." is linear: 10 times the nodes is about 10 times the steps', () => {
    const tree = (n: number): unknown => ({ list: Array.from({ length: n }, (_, i) => ({ id: i, sub: { x: [i] } })) });
    const cost = (n: number): number => {
      const value = tree(n);
      const before = workSteps();
      const r = compiled('$..id').select(value);
      expect(r.found).toBe(true);
      return workSteps() - before;
    };
    const ratio = cost(10_000) / cost(1_000);
    expect(ratio).toBeGreaterThan(9);
    expect(ratio).toBeLessThan(11);
  });

  it('random paths over random values never throw and never pass their step budget', () => {
    fc.assert(
      fc.property(fc.array(segmentText, { minLength: 1, maxLength: 8 }), fc.array(json, { maxLength: 6 }), (parts, doc) => {
        const r = compilePath(`$${parts.join('')}`, { limits: { maxSteps: 2000 } });
        if (!r.ok) return;
        const before = workSteps();
        const got = r.value.select(doc);
        expect(workSteps() - before).toBeLessThanOrEqual(2000 + 8);
        if (!got.found && got.problem !== undefined) expect(got.problem.code).toBe('PATH_TOO_COSTLY');
      }),
      { numRuns: 1000 },
    );
  });
});

describe('complex paths: contained reads', () => {
  it('a cyclic value is UNREADABLE_RESULT for "..", not an endless walk', () => {
    const a: Record<string, unknown> = { id: 1 };
    a['self'] = { back: a };
    expect(compiled('$..id').select(a)).toMatchObject({ found: false, problem: { code: 'UNREADABLE_RESULT' } });
    // A value shared twice (not a cycle) is walked twice, as jsonpath-plus does.
    const shared = { id: 7 };
    expect(compiled('$..id').select({ x: shared, y: shared })).toEqual({ found: true, value: [7, 7] });
  });

  it('throwing getters, Proxy traps and revoked proxies are UNREADABLE_RESULT, simple or complex', () => {
    const getter = Object.defineProperty({}, 'x', { enumerable: true, get: () => { throw new Error('boom'); } });
    const trap = new Proxy({}, { ownKeys: () => { throw new Error('trap'); }, getOwnPropertyDescriptor: () => { throw new Error('trap'); } });
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    for (const value of [getter, trap, proxy, { deep: getter }, [trap]]) {
      for (const path of ['$..*', '$[*].x', '$.x', '$.deep.x', '$[0].x', '$..x']) {
        const r = compiled(path).select(value);
        if (!r.found && r.problem !== undefined) expect(r.problem.code).toBe('UNREADABLE_RESULT');
      }
    }
    expect(compiled('$.x').select(getter)).toMatchObject({ found: false, problem: { code: 'UNREADABLE_RESULT' } });
    expect(compiled('$[*]').select(trap)).toMatchObject({ found: false, problem: { code: 'UNREADABLE_RESULT' } });
    expect(compiled('$.a').select(proxy)).toMatchObject({ found: false, problem: { code: 'UNREADABLE_RESULT' } });
  });

  it('evaluateSegments returns a fault object, never throws', () => {
    const hostile = new Proxy([], { get: () => { throw 'not an error'; } });
    const r = evaluateSegments([{ kind: 'wildcard' }], hostile);
    expect(r).toBeInstanceOf(PathFault);
  });
});
