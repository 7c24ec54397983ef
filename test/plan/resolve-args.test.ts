import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ToolgraphError } from '../../src/errors.js';
import { compileArgs } from '../../src/plan/compile-args.js';
import type { Selection } from '../../src/plan/reference.js';
import { MISSING } from '../../src/plan/reference.js';
import { fillArgs, fillFromInputs, resolveArgs, type ResultLookup, type ResultSource } from '../../src/plan/resolve-args.js';

const results: Record<string, unknown> = {
  search: { hits: [{ path: 'a.md', score: 0.9 }, { path: 'b.md', score: 0.5 }], total: 2, meta: { q: 'x' } },
  user: { id: 42, name: 'Ada', tags: ['x', 'y'], active: false, nothing: null },
  text: 'hello',
  count: 7,
};

const lookup: ResultLookup = (id): Selection => (Object.hasOwn(results, id) ? { found: true, value: results[id] } : { found: false });

function fill(args: Record<string, unknown>, callId = 'c') {
  const compiled = compileArgs(args);
  expect(compiled.problems).toEqual([]);
  return resolveArgs(callId, args, compiled, lookup);
}

function filled(args: Record<string, unknown>): Record<string, unknown> {
  const r = fill(args);
  if (!r.ok) throw r.error;
  return r.args;
}

describe('resolveArgs: type preservation', () => {
  it('a whole-string placeholder keeps the value type', () => {
    expect(filled({ n: '${search.total}' })).toEqual({ n: 2 });
    expect(filled({ o: '${search.meta}' })).toEqual({ o: { q: 'x' } });
    expect(filled({ a: '${user.tags}' })).toEqual({ a: ['x', 'y'] });
    expect(filled({ b: '${user.active}' })).toEqual({ b: false });
    expect(filled({ z: '${user.nothing}' })).toEqual({ z: null });
    expect(filled({ s: '${text}' })).toEqual({ s: 'hello' });
    expect(filled({ all: '${count}' })).toEqual({ all: 7 });
  });

  it('the object form keeps the value type', () => {
    expect(filled({ id: { $ref: 'user', path: '$.id' } })).toEqual({ id: 42 });
    expect(filled({ whole: { $ref: 'search' } })).toEqual({ whole: results['search'] });
    expect(filled({ paths: { $ref: 'search', path: '$.hits[*].path' } })).toEqual({ paths: ['a.md', 'b.md'] });
  });

  it('placeholders at any depth and inside arrays are filled', () => {
    const args = {
      user: { id: '${user.id}', profile: { name: '${user.name}', keep: 1 } },
      list: [1, '${count}', { deep: [{ $ref: 'search', path: '$.hits[1].score' }] }],
      literal: { untouched: [1, 2] },
    };
    expect(filled(args)).toEqual({
      user: { id: 42, profile: { name: 'Ada', keep: 1 } },
      list: [1, 7, { deep: [0.5] }],
      literal: { untouched: [1, 2] },
    });
  });

  it('two placeholders in the same container are both filled', () => {
    expect(filled({ o: { a: '${user.id}', b: '${count}' } })).toEqual({ o: { a: 42, b: 7 } });
  });
});

describe('resolveArgs: interpolation and escaping', () => {
  it('strings go in as they are, other values as compact JSON', () => {
    expect(filled({ t: 'Hi ${user.name}, you have ${count} (${user.tags}) ${search.meta} ${user.nothing} ${user.active}' })).toEqual({
      t: 'Hi Ada, you have 7 (["x","y"]) {"q":"x"} null false',
    });
  });

  it('$${ stays a literal ${ and is unescaped', () => {
    expect(filled({ t: 'price: $${amount}, user ${user.id}' })).toEqual({ t: 'price: ${amount}, user 42' });
    expect(filled({ t: '$${only}' })).toEqual({ t: '${only}' });
  });

  it('strings without placeholders are left alone', () => {
    const args = { t: 'costs $5 {braces}', n: 1 };
    const r = fill(args);
    expect(r.ok && r.args).toEqual(args);
  });
});

describe('resolveArgs: unresolved references', () => {
  it.each([
    [{ user: { id: '${user.missing}' } }, 'args.user.id', '$.missing', 'user'],
    [{ q: 'find ${search.hits[5].path}' }, 'args.q', '$.hits[5].path', 'search'],
    [{ list: [0, { $ref: 'search', path: '$.hits[*].nope' }] }, 'args.list[1]', '$.hits[*].nope', 'search'],
    [{ x: '${ghost.a}' }, 'args.x', '$.a', 'ghost'],
  ])('%j fails with UNRESOLVED_REFERENCE at %s', (args, location, path, ref) => {
    const r = fill(args, 'the_call');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(ToolgraphError.isInstance(r.error)).toBe(true);
    expect(r.error.code).toBe('UNRESOLVED_REFERENCE');
    expect(r.error.callId).toBe('the_call');
    expect(r.error.location).toBe(location);
    expect(r.error.details).toEqual({ ref, path });
    expect(r.error.message).toContain(location);
  });

  it('the message names the path when the result exists but the path selects nothing', () => {
    const r = fill({ a: '${search.hits[9]}' });
    expect(!r.ok && r.error.message).toContain('$.hits[9]');
  });
});

describe('resolveArgs: safety', () => {
  it("never mutates the caller's arguments", () => {
    const args = { a: { b: ['${count}', { c: '${user.id}' }] }, d: 'x' };
    const before = structuredClone(args);
    const out = filled(args);
    expect(args).toEqual(before);
    expect(out).not.toBe(args);
    expect(out['a']).not.toBe(args.a);
  });

  it('an own "__proto__" key stays an own key and pollutes no prototype', () => {
    const args = JSON.parse('{"__proto__": {"polluted": "${user.id}"}, "x": {"__proto__": "${count}"}}') as Record<string, unknown>;
    const out = filled(args);
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ polluted: 42 });
    const x = out['x'] as Record<string, unknown>;
    expect(Object.getOwnPropertyDescriptor(x, '__proto__')?.value).toBe(7);
    expect(Object.getPrototypeOf(x)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('a result holding "__proto__" is copied in as data, not as a prototype', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}}') as unknown;
    const r = resolveArgs('c', { v: '${h}' }, compileArgs({ v: '${h}' }), () => ({ found: true, value: hostile }));
    expect(r.ok && r.args['v']).toBe(hostile);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('each container on the way to several placeholders is copied once, and the copies hold every value', () => {
    const inner = ['${count}', 'keep', '${user.id}'];
    const args = { a: { list: inner, other: { x: 1 } }, b: '${text}' };
    const out = filled(args);
    expect(out).toEqual({ a: { list: [7, 'keep', 42], other: { x: 1 } }, b: 'hello' });
    expect(inner).toEqual(['${count}', 'keep', '${user.id}']);
    // Containers without placeholders are shared, not copied.
    expect((out['a'] as Record<string, unknown>)['other']).toBe(args.a.other);
  });

  it('arguments without placeholders are returned as they are', () => {
    const args = { a: 1 };
    const r = fill(args);
    expect(r.ok && r.args).toBe(args);
  });
});

describe('fillArgs (the scheduler form)', () => {
  it('asks its source by input position for whole-value placeholders, and by id alone inside text', () => {
    const asked: [string, number][] = [];
    const source: ResultSource = {
      resultAt: () => {
        throw new Error('fillArgs never reads by position');
      },
      resultOf(id, position) {
        asked.push([id, position]);
        return Object.hasOwn(results, id) ? results[id] : MISSING;
      },
    };
    const args = { a: '${user.id}', b: { $ref: 'search', path: '$.total' }, c: 'n=${count}', d: ['${user.name}'] };
    const out = fillArgs('c', args, compileArgs(args), source);
    expect(out).toEqual({ a: 42, b: 2, c: 'n=7', d: ['Ada'] });
    expect(asked).toEqual([
      ['user', 0],
      ['search', 1],
      ['count', -1],
      ['user', 0],
    ]);
  });

  it('returns the UNRESOLVED_REFERENCE error instead of throwing', () => {
    const args = { a: '${gone.x}' };
    const out = fillArgs('c', args, compileArgs(args), { resultAt: () => MISSING, resultOf: () => MISSING });
    expect(out).toBeInstanceOf(ToolgraphError);
    expect(out instanceof ToolgraphError && [out.code, out.callId, out.location]).toEqual(['UNRESOLVED_REFERENCE', 'c', 'args.a']);
  });
});

describe('fillFromInputs (a compiled plan whose inputs are kept in order)', () => {
  const ids = ['c0', 'c1', 'c2'];
  const json = fc.jsonValue({ maxDepth: 2 });
  const placeholder = fc.oneof(
    fc.constantFrom(...ids).map((id) => `\${${id}}`),
    fc.constantFrom(...ids).map((id) => `\${${id}.a}`),
    fc.constantFrom(...ids).map((id) => `x \${${id}} y`),
    fc.constantFrom(...ids).map((id) => ({ $ref: id })),
  );
  const leaf = fc.oneof(placeholder, fc.string({ maxLength: 3 }), fc.integer());
  const { tree } = fc.letrec((tie) => ({
    tree: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('tree'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('a', 'b', 'in', '__proto__'), tie('tree'), { maxKeys: 3 })),
  }));
  const argsArb = fc.dictionary(fc.constantFrom('p', 'q', 'in'), tree, { minKeys: 1, maxKeys: 3 });
  const resultsArb = fc.record({ c0: fc.option(json, { nil: undefined }), c1: fc.option(json, { nil: undefined }), c2: fc.option(json, { nil: undefined }) });

  it('fills exactly what fillArgs fills, and fails the same way (property)', () => {
    fc.assert(
      fc.property(argsArb, resultsArb, (args, results) => {
        const compiled = compileArgs(args);
        fc.pre(compiled.problems.length === 0);
        const byId = (id: string): unknown => {
          const v = (results as Record<string, unknown>)[id];
          return v === undefined ? MISSING : v;
        };
        const idSource: ResultSource = { resultAt: () => MISSING, resultOf: (id) => byId(id) };
        const positionSource: ResultSource = { resultAt: (p) => byId(compiled.dependsOn[p] as string), resultOf: (id) => byId(id) };
        const before = structuredClone(args);
        const expected = fillArgs('c', args, compiled, idSource);
        const actual = fillFromInputs('c', args, compiled, positionSource);
        if (expected instanceof ToolgraphError) {
          expect(actual).toBeInstanceOf(ToolgraphError);
          expect(actual instanceof ToolgraphError && [actual.code, actual.location, actual.message]).toEqual([expected.code, expected.location, expected.message]);
        } else {
          expect(actual).toEqual(expected);
        }
        expect(args).toEqual(before);
      }),
      { numRuns: 300 },
    );
  });

  it('reads whole-result inputs by position and evaluates paths and templates by id', () => {
    const asked: string[] = [];
    const args = { a: '${c1}', b: '${c0.a}', c: 'n=${c1}' };
    const compiled = compileArgs(args);
    const values: Record<string, unknown> = { c0: { a: 'A' }, c1: 5 };
    const out = fillFromInputs('c', args, compiled, {
      resultAt: (p) => {
        asked.push(`#${p}`);
        return values[compiled.dependsOn[p] as string];
      },
      resultOf: (id) => {
        asked.push(id);
        return values[id];
      },
    });
    expect(out).toEqual({ a: 5, b: 'A', c: 'n=5' });
    expect(asked).toEqual(['#0', 'c0', 'c1']);
  });
});

describe('compileArgs', () => {
  it('records for each site its whole-value reference, input position and the prefix the site before walks', () => {
    const c = compileArgs({ a: { l: ['${x}', '${y.v}'], m: 'at ${x}' }, b: { $ref: 'y' } });
    expect(c.sites.map((s) => [s.at, s.shared, s.whole?.id, s.dep])).toEqual([
      [['a', 'l', 0], 0, 'x', 0],
      [['a', 'l', 1], 2, 'y', 1],
      [['a', 'm'], 1, undefined, -1],
      [['b'], 0, 'y', 1],
    ]);
  });


  it('lists dependencies once in first-use order and the top-level keys holding placeholders', () => {
    const c = compileArgs({ a: '${x.a} ${y}', b: [{ $ref: 'x' }], c: 'plain', d: { e: '${z}' } });
    expect(c.dependsOn).toEqual(['x', 'y', 'z']);
    expect([...c.placeholderKeys].sort()).toEqual(['a', 'b', 'd']);
    expect(c.problems).toEqual([]);
  });

  it('reports every bad placeholder with its location', () => {
    const c = compileArgs({ a: '${', b: { c: [{ $ref: 'x', path: '$.__proto__' }] } });
    expect(c.problems.map((p) => [p.code, p.at])).toEqual([
      ['INVALID_REF', ['a']],
      ['UNSAFE_PATH', ['b', 'c', 0]],
    ]);
  });

  it('refuses args that are themselves a reference', () => {
    expect(compileArgs({ $ref: 'x' }).problems.map((p) => p.code)).toEqual(['INVALID_REF']);
  });

  it('refuses arguments nested deeper than 64 levels without recursing', () => {
    let v: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) v = [v];
    const c = compileArgs({ v });
    expect(c.problems.map((p) => p.code)).toEqual(['INVALID_PLAN']);
  });
});
