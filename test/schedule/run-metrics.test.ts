import { describe, expect, it } from 'vitest';
import { RunMetricsAccumulator, type SettledCall } from '../../src/schedule/run-metrics.js';
import type { CallStatus } from '../../src/schedule/events.js';

let next = 0;
type TestCall = SettledCall & { readonly deps: readonly number[] };

function call(status: CallStatus, startedMs: number | undefined, endedMs: number, deps: SettledCall[] = [], coalescedWith?: string): TestCall {
  return { index: next++, status, startedMs: startedMs ?? NaN, endedMs, deps: deps.map((d) => d.index), coalescedWith };
}

const counters = { retries: 1, hedges: 2, coalesced: 3 };

describe('RunMetricsAccumulator', () => {
  it('accumulates counts, makespan, critical path and rounds as calls settle (hand-computed)', () => {
    next = 0;
    const m = new RunMetricsAccumulator();
    // a [0,10]  b [0,20]  c <- a,b [20,50]  d <- a [10,15]  e <- d failed [15,22]  f <- e skipped
    const a = call('succeeded', 0, 10);
    const b = call('succeeded', 0, 20);
    const d = call('succeeded', 10, 15, [a]);
    const e = call('failed', 15, 22, [d]);
    const f = call('skipped', undefined, 22, [e]);
    const c = call('succeeded', 20, 50, [a, b]);
    for (const x of [a, b, d, e, f, c]) m.settled(x, x.deps);
    expect(m.snapshot(6, counters)).toEqual({
      calls: 6,
      succeeded: 4,
      failed: 1,
      skipped: 1,
      cancelled: 0,
      rejected: 0,
      makespanMs: 50,
      criticalPathMs: 50, // b + c
      makespanOverCriticalPath: 1,
      maxParallelism: 0,
      rounds: 3, // a → d → e
      dependencyDepth: 3, // the same number under the name that says what it counts
      retries: 1,
      hedges: 2,
      coalesced: 3,
    });
    expect([m.pathOf(f.index), m.roundOf(f.index), m.pathOf(c.index), m.roundOf(c.index)]).toEqual([22, 3, 50, 2]);
  });

  it('a coalesced call adds no duration and no round; an unsettled input adds nothing', () => {
    next = 0;
    const m = new RunMetricsAccumulator();
    const running = call('succeeded', 0, 999); // never settled here

    const leader = call('succeeded', 0, 30);
    const follower = call('succeeded', 5, 30, [], 'leader');
    const skipped = call('skipped', undefined, 3, [running]);
    for (const x of [leader, follower, skipped]) m.settled(x, x.deps);
    const s = m.snapshot(3, counters);
    expect(s).toMatchObject({ makespanMs: 30, criticalPathMs: 30, rounds: 1, succeeded: 2, skipped: 1 });
    expect([m.pathOf(follower.index), m.roundOf(follower.index), m.pathOf(skipped.index), m.roundOf(skipped.index)]).toEqual([0, 0, 0, 0]);
  });

  it('grows past its first size: a 1,000-call chain has 1,000 rounds', () => {
    next = 0;
    const m = new RunMetricsAccumulator();
    let previous: TestCall | undefined;
    for (let i = 0; i < 1000; i++) {
      const c = call('succeeded', i, i + 1, previous === undefined ? [] : [previous]);
      m.settled(c, c.deps);
      previous = c;
    }
    expect(m.snapshot(1000, counters)).toMatchObject({ rounds: 1000, criticalPathMs: 1000, makespanMs: 1000 });
  });

  it('a wait behind a conflicting call links the chains like an input (path and round), without being one', () => {
    next = 0;
    const m = new RunMetricsAccumulator();
    // w1 [0,50] writes file:a; w2 [50,80] waits behind it; r [0,10] is w2's data input.
    const w1 = call('succeeded', 0, 50);
    const r = call('succeeded', 0, 10);
    const w2 = call('succeeded', 50, 80, [r]);
    m.settled(w1, w1.deps);
    m.settled(r, r.deps);
    m.waitedBehind(w2.index, w1.index);
    m.settled(w2, w2.deps);
    expect([m.pathOf(w2.index), m.roundOf(w2.index)]).toEqual([80, 2]);
    expect(m.snapshot(3, counters)).toMatchObject({ criticalPathMs: 80, makespanOverCriticalPath: 1, rounds: 2 });
    // A call past the first size of the arrays, held twice: the longer chain counts.
    const far = { index: 500, status: 'succeeded' as const, startedMs: 80, endedMs: 90, coalescedWith: undefined };
    m.waitedBehind(500, r.index);
    m.waitedBehind(500, w2.index);
    m.waitedBehind(500, r.index);
    m.settled(far, []);
    expect([m.pathOf(500), m.roundOf(500)]).toEqual([90, 3]);
  });

  it('peak parallelism is the most calls executing at once, as reported', () => {
    const m = new RunMetricsAccumulator();
    for (const n of [1, 2, 3, 2, 1, 2]) m.executing(n);
    expect(m.snapshot(0, counters)).toMatchObject({ maxParallelism: 3, makespanMs: 0, criticalPathMs: 0, makespanOverCriticalPath: 1, rounds: 0 });
  });
});

describe('RunMetricsAccumulator with packed input lists', () => {
  it('reads only its own range of a shared list: the same metrics as lists of its own', () => {
    // a, b, then c <- a, b and d <- c, with inputs packed as [ | | 0 1 | 2 ].
    const packed = Int32Array.from([0, 1, 2]);
    const starts = [0, 0, 0, 2, 3];
    const calls: SettledCall[] = [0, 1, 2, 3].map((index) => ({ index, status: 'succeeded', startedMs: index * 10, endedMs: index * 10 + 10, coalescedWith: undefined }));
    const own = [[], [], [0, 1], [2]];
    const packedRun = new RunMetricsAccumulator();
    const ownRun = new RunMetricsAccumulator();
    for (const c of calls) {
      packedRun.settled(c, packed, starts[c.index], starts[c.index + 1]);
      ownRun.settled(c, own[c.index] as number[]);
    }
    expect(packedRun.snapshot(4, counters)).toEqual(ownRun.snapshot(4, counters));
    expect([packedRun.roundOf(3), packedRun.pathOf(3)]).toEqual([3, 30]);
  });
});
