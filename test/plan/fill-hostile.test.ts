import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ToolgraphError } from '../../src/errors.js';
import { compileArgs } from '../../src/plan/compile-args.js';
import { MISSING } from '../../src/plan/reference.js';
import { fillArgs, fillFromInputs, type ResultSource } from '../../src/plan/resolve-args.js';

const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', '__lookupSetter__', 'isPrototypeOf', '0', 'length', 'then'];
const hostileKey = fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 6 }));

/** Object.prototype and Array.prototype as they are now: own names and descriptors. */
function snapshot(): string {
  const describe = (o: object): string => JSON.stringify(Reflect.ownKeys(o).map((k) => [String(k), typeof Object.getOwnPropertyDescriptor(o, k)?.value]));
  return describe(Object.prototype) + describe(Array.prototype) + describe(Function.prototype);
}

function source(results: Record<string, unknown>): ResultSource {
  return {
    resultAt: () => MISSING,
    resultOf: (id) => (Object.hasOwn(results, id) ? results[id] : MISSING),
  };
}

/** Args built with JSON.parse, so `__proto__` keys are own keys, as in a plan read from text. */
const argsTree = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, fc.constantFrom('${r}', '${r.x}', 'x ${r} y', 'plain', { $ref: 'r' }), tie('object'), fc.array(tie('node'), { maxLength: 3 })),
  object: fc.array(fc.tuple(hostileKey, tie('node')), { maxLength: 4 }),
})).node;

function toJsonText(node: unknown): string {
  if (Array.isArray(node) && node.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string')) {
    return `{${(node as [string, unknown][]).map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`).join(',')}}`;
  }
  if (Array.isArray(node)) return `[${node.map(toJsonText).join(',')}]`;
  return JSON.stringify(node);
}

describe('filling args creates own properties only', () => {
  it('no plan and no result with hostile keys changes Object.prototype (1,000 generated plans and results)', () => {
    const before = snapshot();
    let filled = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(hostileKey, argsTree), { minLength: 1, maxLength: 4 }), fc.dictionary(hostileKey, fc.jsonValue({ maxDepth: 2 })), (pairs, result) => {
        const args = JSON.parse(toJsonText(pairs)) as Record<string, unknown>;
        const text = JSON.stringify(args);
        const compiled = compileArgs(args);
        if (compiled.problems.length > 0) return;
        const r = JSON.parse(`{"x": ${JSON.stringify(result)}, "__proto__": {"polluted": 1}}`) as Record<string, unknown>;
        const out = fillArgs('c', args, compiled, source({ r }));
        const aligned = fillFromInputs('c', args, compiled, source({ r }));
        expect(JSON.stringify(args)).toBe(text); // the plan's args are never mutated
        for (const o of [out, aligned]) {
          if (o instanceof ToolgraphError) continue;
          filled++;
          // Every key of the plan is an own key of the filled args, with the same prototype.
          for (const key of Object.keys(args)) expect(Object.hasOwn(o, key)).toBe(true);
          expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
        }
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
    expect(snapshot()).toBe(before);
    expect(filled).toBeGreaterThan(500);
  });

  it('a placeholder under "__proto__" fills an own "__proto__" key and leaves the prototype alone', () => {
    const args = JSON.parse('{"__proto__": {"isAdmin": "${r}"}, "constructor": {"prototype": "${r}"}}') as Record<string, unknown>;
    const compiled = compileArgs(args);
    const out = fillArgs('c', args, compiled, source({ r: true })) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ isAdmin: true });
    expect((out['constructor'] as Record<string, unknown>)['prototype']).toBe(true);
    expect(({} as Record<string, unknown>)['isAdmin']).toBeUndefined();
    expect(Object.prototype.constructor).toBe(Object);
  });
});

describe('filling is contained: hostile results give a code, never a throw', () => {
  const compiledOf = (args: Record<string, unknown>) => compileArgs(args);
  const fill = (args: Record<string, unknown>, r: unknown): unknown => fillArgs('c', args, compiledOf(args), source({ r }));

  it('a getter that throws, a Proxy trap that throws, a revoked Proxy: UNREADABLE_RESULT', () => {
    const getter = Object.defineProperty({}, 'x', { enumerable: true, get: () => { throw new Error('boom'); } });
    const trap = new Proxy({}, { get: () => { throw 'thrown string'; }, has: () => { throw null; }, getOwnPropertyDescriptor: () => { throw undefined; }, ownKeys: () => { throw 1; } });
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const toJson = { toJSON: () => { throw new Error('no'); } };
    const nasty = Object.defineProperty(new Error('x'), 'message', { get: () => { throw new Error('message getter'); } });
    const throwsNasty = Object.defineProperty({}, 'x', { enumerable: true, get: () => { throw nasty; } });
    const cases: [Record<string, unknown>, unknown][] = [
      [{ a: '${r.x}' }, getter],
      [{ a: 'in text ${r}' }, getter],
      [{ a: '${r.x}' }, trap],
      [{ a: 'text ${r}' }, trap],
      [{ a: { $ref: 'r', path: '$..x' } }, trap],
      [{ a: '${r.x}' }, proxy],
      [{ a: 'text ${r}' }, proxy],
      [{ a: 'text ${r}' }, toJson],
      [{ a: '${r.x}' }, throwsNasty],
    ];
    for (const [args, r] of cases) {
      const out = fill(args, r);
      expect(out, JSON.stringify(args)).toBeInstanceOf(ToolgraphError);
      const error = out as ToolgraphError;
      expect(error.code).toBe('UNREADABLE_RESULT');
      expect(error.callId).toBe('c');
      expect(error.location).toBe('args.a');
    }
  });

  it('a cyclic result interpolated into text: UNREADABLE_RESULT', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = cyclic;
    expect((fill({ s: 'see ${r}' }, cyclic) as ToolgraphError).code).toBe('UNREADABLE_RESULT');
    // The whole value is passed by reference without being read: that is fine.
    expect(fill({ s: '${r}' }, cyclic)).toEqual({ s: cyclic });
  });

  it('results nested 100,000 deep: whole values pass, interpolation is refused with a code, nothing overflows', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100_000; i++) deep = { c: deep };
    expect((fill({ s: 'text ${r}' }, deep) as ToolgraphError).code).toBe('UNREADABLE_RESULT');
    expect((fill({ s: { $ref: 'r', path: '$..c' } }, deep) as Record<string, unknown>)['s']).toHaveLength(100_000);
    let wide: unknown = 1;
    for (let i = 0; i < 999; i++) wide = [wide];
    expect(fill({ s: 'text ${r}' }, wide)).toEqual({ s: `text ${JSON.stringify(wide)}` });
  });

  it('a path over its budget: PATH_TOO_COSTLY with the location and the reference', () => {
    const chain = JSON.parse(`${'['.repeat(300)}1${']'.repeat(300)}`) as unknown;
    const out = fill({ q: { $ref: 'r', path: '$..*..*..*' } }, chain) as ToolgraphError;
    expect(out).toBeInstanceOf(ToolgraphError);
    expect(out.code).toBe('PATH_TOO_COSTLY');
    expect(out.location).toBe('args.q');
    expect(out.details).toMatchObject({ ref: 'r', path: '$..*..*..*' });
  });
});
