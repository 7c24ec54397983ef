import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatencyEstimator } from '../../src/schedule/latency-estimator.js';

describe('LatencyEstimator', () => {
  it('starts from the prior, else the default, and then follows a moving average (hand-computed)', () => {
    const e = new LatencyEstimator({ defaultMs: 3, alpha: 0.5 });
    expect(e.estimate('search')).toBe(3);
    expect(e.estimate('search', 40)).toBe(40);
    e.observe('search', 100);
    expect(e.estimate('search', 40)).toBe(100); // the first observation replaces the prior
    e.observe('search', 50);
    expect(e.estimate('search')).toBe(75);
    e.observe('search', 25);
    expect(e.estimate('search')).toBe(50);
    expect(e.samples('search')).toBe(3);
    expect(e.samples('read')).toBe(0);
  });

  it('ignores durations that are negative, NaN or infinite', () => {
    const e = new LatencyEstimator();
    for (const ms of [-1, Number.NaN, Infinity, -Infinity]) e.observe('t', ms);
    expect(e.samples('t')).toBe(0);
    e.of('t').observe(Number.NaN);
    expect(e.samples('t')).toBe(0);
  });

  it('percentiles read only the last `window` observations', () => {
    const e = new LatencyEstimator({ window: 4 });
    for (const ms of [1000, 1000, 1, 2, 3, 4]) e.observe('t', ms);
    expect(e.percentile('t', 100)).toBe(4);
    expect(e.percentile('t', 50)).toBe(2);
    expect(e.percentile('none', 50)).toBeUndefined();
  });

  it('observing through `of(tool)` is the same as observing by name (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ tool: fc.constantFrom('a', 'b'), ms: fc.oneof(fc.double({ min: 0, max: 1e4, noNaN: true }), fc.constant(-1)) }), { maxLength: 80 }),
        fc.integer({ min: 1, max: 16 }),
        (observations, window) => {
          const byName = new LatencyEstimator({ window });
          const byRecord = new LatencyEstimator({ window });
          const records = { a: byRecord.of('a'), b: byRecord.of('b') };
          for (const { tool, ms } of observations) {
            byName.observe(tool, ms);
            records[tool].observe(ms);
          }
          for (const tool of ['a', 'b']) {
            expect(byRecord.samples(tool)).toBe(byName.samples(tool));
            expect(byRecord.estimate(tool, 7)).toBe(byName.estimate(tool, 7));
            expect(byRecord.percentile(tool, 95)).toBe(byName.percentile(tool, 95));
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
