import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeParallelization } from '../../src/observe/parallelization.js';
import type { TraceLike } from '../../src/observe/trace-entry.js';
import { BASELINE, FINE_TUNED } from '../fixtures/observe/seed-traces.js';

/** A random trace: an arbitrary interleaving of calls, responses, assistant messages and unknown entries. */
const entryArb: fc.Arbitrary<TraceLike> = fc.oneof(
  fc.constantFrom('a', 'b', 'c', 'd', 'e').map((id) => ({ type: 'tool_call', id })),
  fc.constantFrom('a', 'b', 'c', 'x').map((id) => ({ type: 'tool_response', call_id: id })),
  fc.constant({ type: 'assistant_message' }),
  fc.constant({ type: 'reasoning_summary' }),
);

describe('analyzeParallelization', () => {
  it('reproduces the seed: baseline 8 batches of 1, fine-tuned [4, 2]', () => {
    expect(analyzeParallelization(BASELINE)).toEqual({ num_batches: 8, calls_per_batch: [1, 1, 1, 1, 1, 1, 1, 1], max_parallelism: 1, total_calls: 8 });
    expect(analyzeParallelization(FINE_TUNED)).toEqual({ num_batches: 2, calls_per_batch: [4, 2], max_parallelism: 4, total_calls: 6 });
  });

  it('counts a trailing batch with no assistant_message after it (the seed would drop it)', () => {
    const trace = [{ type: 'tool_call', id: 'a' }, { type: 'assistant_message' }, { type: 'tool_call', id: 'b' }, { type: 'tool_call', id: 'c' }];
    expect(analyzeParallelization(trace)).toEqual({ num_batches: 2, calls_per_batch: [1, 2], max_parallelism: 2, total_calls: 3 });
  });

  it('an empty trace, and assistant messages with no calls, give no batches', () => {
    expect(analyzeParallelization([])).toEqual({ num_batches: 0, calls_per_batch: [], max_parallelism: 0, total_calls: 0 });
    expect(analyzeParallelization([{ type: 'assistant_message' }, { type: 'assistant_message' }]).num_batches).toBe(0);
  });

  it('ignores responses and unknown entry types', () => {
    const trace = [{ type: 'tool_call', id: 'a' }, { type: 'tool_response', call_id: 'a' }, { type: 'weird' }, { type: 'tool_call', id: 'b' }, { type: 'assistant_message' }];
    expect(analyzeParallelization(trace).calls_per_batch).toEqual([2]);
  });

  it('property: no call is lost; max ≤ total; every batch is non-empty', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { maxLength: 60 }), (trace) => {
        const s = analyzeParallelization(trace);
        const calls = trace.filter((e) => e.type === 'tool_call').length;
        expect(s.total_calls).toBe(calls);
        expect(s.calls_per_batch.reduce((a, b) => a + b, 0)).toBe(s.total_calls);
        expect(s.max_parallelism).toBeLessThanOrEqual(s.total_calls);
        expect(s.num_batches).toBe(s.calls_per_batch.length);
        expect(s.calls_per_batch.every((b) => b > 0)).toBe(true);
      }),
    );
  });

  it('property: shuffling entries between two assistant messages changes nothing', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { maxLength: 60 }), fc.integer(), (trace, seed) => {
        // Shuffle within each segment delimited by assistant messages (a deterministic permutation from the seed).
        const shuffled: TraceLike[] = [];
        let segment: TraceLike[] = [];
        const flush = (): void => {
          const keyed = segment.map((e, i) => ({ e, k: Math.sin(seed + i * 7919) }));
          keyed.sort((a, b) => a.k - b.k);
          shuffled.push(...keyed.map((x) => x.e));
          segment = [];
        };
        for (const e of trace) {
          if (e.type === 'assistant_message') {
            flush();
            shuffled.push(e);
          } else segment.push(e);
        }
        flush();
        expect(analyzeParallelization(shuffled)).toEqual(analyzeParallelization(trace));
      }),
    );
  });
});
