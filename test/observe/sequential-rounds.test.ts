import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countSequentialRounds } from '../../src/observe/sequential-rounds.js';
import type { TraceLike } from '../../src/observe/trace-entry.js';
import { BASELINE, FINE_TUNED } from '../fixtures/observe/seed-traces.js';

const call = (id: string): TraceLike => ({ type: 'tool_call', id });
const resp = (id: string): TraceLike => ({ type: 'tool_response', call_id: id });

describe('countSequentialRounds', () => {
  it('the seed examples: 8 rounds one per turn, 2 rounds for [4, 2]', () => {
    expect(countSequentialRounds(BASELINE)).toBe(8);
    expect(countSequentialRounds(FINE_TUNED)).toBe(2);
  });

  it('parallel calls answered in any order are one round', () => {
    expect(countSequentialRounds([call('a'), call('b'), call('c'), resp('c'), resp('a'), resp('b')])).toBe(1);
  });

  it('a call made while a round is open joins that round', () => {
    expect(countSequentialRounds([call('a'), resp('a'), call('b'), call('c'), resp('b'), call('d'), resp('c'), resp('d')])).toBe(2);
  });

  it('responses to unknown or already-answered ids are ignored, not a crash', () => {
    expect(countSequentialRounds([resp('ghost'), call('a'), resp('a'), resp('a'), resp('zzz')])).toBe(1);
    expect(countSequentialRounds([{ type: 'tool_response' }, { type: 'tool_call' }, { type: 'tool_call', id: 42 }])).toBe(0);
  });

  it('a round still open at the end counts (the seed would not count it)', () => {
    expect(countSequentialRounds([call('a'), resp('a'), call('b')])).toBe(2);
    expect(countSequentialRounds([call('a'), call('b'), resp('a')])).toBe(1);
  });

  it('property: rounds ≤ tool calls', () => {
    const entry = fc.oneof(fc.constantFrom('a', 'b', 'c', 'd').map(call), fc.constantFrom('a', 'b', 'c', 'x').map(resp), fc.constant({ type: 'assistant_message' }));
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 80 }), (trace) => {
        const calls = trace.filter((e) => e.type === 'tool_call').length;
        expect(countSequentialRounds(trace)).toBeLessThanOrEqual(calls);
      }),
    );
  });

  it('property: batches of calls, each answered in any order before the next batch, give one round per batch', () => {
    const batches = fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 6 }), { maxLength: 8 });
    fc.assert(
      fc.property(batches, fc.func(fc.integer()), (bs, key) => {
        const trace: TraceLike[] = [];
        bs.forEach((b, k) => {
          const ids = b.map((x) => `${k}-${x}`);
          trace.push(...ids.map(call));
          trace.push(...[...ids].sort((p, q) => key(p) - key(q) || p.localeCompare(q)).map(resp));
        });
        expect(countSequentialRounds(trace)).toBe(bs.length);
      }),
    );
  });
});
