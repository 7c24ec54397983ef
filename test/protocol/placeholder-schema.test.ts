import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { admitPlaceholders, PLACEHOLDER_PATTERN } from '../../src/protocol/placeholder-schema.js';
import { parseTemplate } from '../../src/plan/reference.js';

const pattern = new RegExp(PLACEHOLDER_PATTERN);
/** Strings made of the grammar's own characters, so that many of them parse. */
const id = fc.stringMatching(/^[A-Za-z0-9_:-]{1,6}$/);
const segment = fc.constantFrom('.a', '.b_1', '[0]', '[-1]', '[*]', "['x y']", '["q"]', "['x}y']", '["{"]', "['it\\'s']", '.*', '[0,1]', '[1:3]', '..a', '[', '.', ']', '$', '{', '}', ' ');
const grammarish = fc.oneof(
  fc.tuple(id, fc.array(segment, { maxLength: 5 }), fc.constantFrom('}', '}', '} ', '')).map(([i, segs, end]) => `\${${i}${segs.join('')}${end}`),
  fc.array(fc.constantFrom('$', '{', '}', 'a', '1', '_', '-', ':', '.', '[', ']', '*', "'", ' '), { maxLength: 16 }).map((parts) => `\${${parts.join('')}`),
);

describe('PLACEHOLDER_PATTERN', () => {
  it('property: every string the grammar parses as one whole placeholder matches the pattern', () => {
    let wholes = 0;
    fc.assert(
      fc.property(grammarish, (text) => {
        const parsed = parseTemplate(text);
        if (parsed?.ok === true && parsed.value.whole) {
          wholes++;
          expect(pattern.test(text)).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
    // The generator reaches whole placeholders often enough for the property to mean something.
    expect(wholes).toBeGreaterThan(50);
  });
});

describe('admitPlaceholders', () => {
  it('widens every non-string position at any depth, keeps literal arguments and plain strings as they are', () => {
    const schema = {
      type: 'object',
      properties: {
        n: { type: 'integer', description: 'count' },
        s: { type: 'string' },
        list: { type: 'array', items: { type: 'object', properties: { v: { type: 'boolean' } } } },
        fixed: { type: 'number' },
      },
    };
    const out = admitPlaceholders(schema, { fixed: 'literal' }) as { properties: Record<string, Record<string, unknown>> };
    expect(out.properties['n']).toEqual({ description: 'count', anyOf: [{ type: 'integer' }, expect.objectContaining({ pattern: PLACEHOLDER_PATTERN })] });
    expect(out.properties['s']).toEqual({ type: 'string' });
    expect(out.properties['fixed']).toEqual({ type: 'number' });
    const list = out.properties['list'] as { anyOf: [{ items: { anyOf: [{ properties: { v: { anyOf: unknown[] } } }] } }] };
    expect(list.anyOf[0].items.anyOf[0].properties.v.anyOf).toHaveLength(2);
    // The input is not changed.
    expect(schema.properties.n).toEqual({ type: 'integer', description: 'count' });
  });
});
