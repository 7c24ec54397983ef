import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/schedule/canonical-json.js';
import { run } from '../../src/schedule/scheduler.js';
import { defineTool } from '../../src/tools/define-tool.js';

/** State JSON cannot see: two instances write as `{}`. */
class Secret {
  readonly #value: number;
  constructor(value: number) {
    this.#value = value;
  }
  get value(): number {
    return this.#value;
  }
}

/** Pairs of args canonical JSON writes the same but that are different values. */
const unfaithful: [string, unknown, unknown][] = [
  ['Maps', new Map([[1, 2]]), new Map([[3, 4]])],
  ['Sets', new Set([1]), new Set([2])],
  ['BigInts', 1n, '1'],
  ['NaN and null', NaN, null],
  ['Infinity and null', Infinity, null],
  ['undefined and a missing key', undefined, 'absent'],
  ['functions', () => 1, () => 2],
  ['class instances', new Secret(1), new Secret(2)],
  ['an undefined array element and null', [undefined], [null]],
];

describe('coalescing merges calls only when their resolved args are equal JSON values', () => {
  for (const [what, a, b] of unfaithful) {
    it(`${what} are never coalesced`, async () => {
      let executions = 0;
      const look = defineTool({ name: 'look', effects: { readOnly: true, idempotent: true }, execute: (args: Record<string, unknown>) => { executions++; return Object.keys(args).length; } });
      const argsA = { v: a };
      const argsB = b === 'absent' ? {} : { v: b };
      const result = await run([{ id: 'a', tool: 'look', args: argsA }, { id: 'b', tool: 'look', args: argsB }], { tools: [look] });
      expect(result.metrics.coalesced).toBe(0);
      expect(executions).toBe(2);
    });
  }

  it('equal JSON args (keys in any order) are still coalesced', async () => {
    let executions = 0;
    const look = defineTool({ name: 'look', effects: { readOnly: true, idempotent: true }, execute: () => ++executions });
    const result = await run([{ id: 'a', tool: 'look', args: { x: 1, y: [1, 'a'] } }, { id: 'b', tool: 'look', args: { y: [1, 'a'], x: 1 } }], { tools: [look] });
    expect(result.metrics.coalesced).toBe(1);
    expect(executions).toBe(1);
  });

  it('canonicalJson exact refuses what plain canonicalJson writes lossily', () => {
    for (const [, a] of unfaithful) expect(() => canonicalJson({ v: a }, true)).toThrow();
    expect(canonicalJson({ b: 1, a: [true, null] }, true)).toBe('{"a":[true,null],"b":1}');
  });
});
