import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasCallShape } from '../../src/plan/call-shape.js';
import { CallSchema } from '../../src/plan/schema.js';

const idLike = fc.oneof(
  fc.constantFrom('a', 'search.v2', 'x:1', 'a-b_c', '', 'a b', 'é', 'x'.repeat(128), 'x'.repeat(129), '__proto__'),
  fc.string({ maxLength: 6 }),
);
const anyValue = fc.oneof(fc.constant(undefined), fc.constant(null), fc.integer(), fc.boolean(), fc.string({ maxLength: 4 }), fc.array(fc.integer(), { maxLength: 2 }));
const argsLike = fc.oneof(
  fc.dictionary(fc.string({ maxLength: 4 }), anyValue, { maxKeys: 3 }),
  fc.constant(Object.create(null) as Record<string, unknown>),
  fc.constant(new Map()),
  fc.constant(new Date(0)),
  fc.constant([]),
  anyValue,
);
const afterLike = fc.oneof(fc.array(idLike, { maxLength: 3 }), anyValue);
const toolLike = fc.oneof(fc.constantFrom('t', '', 'x'.repeat(256), 'x'.repeat(257), '😀'.repeat(128), '😀'.repeat(129)), anyValue);

const callLike = fc.record(
  { id: fc.oneof(idLike, anyValue), tool: toolLike, args: argsLike, after: afterLike, extra: anyValue },
  { requiredKeys: [] },
);

describe('hasCallShape', () => {
  it('accepts exactly what CallSchema accepts', () => {
    fc.assert(
      fc.property(callLike, (raw) => {
        expect(hasCallShape(raw), JSON.stringify(raw)).toBe(CallSchema.safeParse(raw).success);
      }),
      { numRuns: 2000 },
    );
  });

  it('counts tool names in code points, like zod', () => {
    for (const [tool, ok] of [['😀'.repeat(256), true], ['😀'.repeat(257), false], ['x'.repeat(257), false]] as const) {
      const raw = { id: 'a', tool, args: {} };
      expect(hasCallShape(raw)).toBe(ok);
      expect(CallSchema.safeParse(raw).success).toBe(ok);
    }
  });

  it('refuses non-objects', () => {
    for (const v of [null, undefined, 1, 'x', [], [{ id: 'a', tool: 't', args: {} }]]) expect(hasCallShape(v)).toBe(false);
  });
});
