import { describe, expect, it } from 'vitest';
import { latencyAwareGrade } from '../../src/observe/latency-aware-grade.js';
import { BASELINE, batchedTrace, FINE_TUNED } from '../fixtures/observe/seed-traces.js';

describe('latencyAwareGrade', () => {
  it('0.1 bonus for at most 3 rounds, 0.05 for at most 5, none above', () => {
    expect(latencyAwareGrade(FINE_TUNED, 1)).toEqual({ score: 1.1, subscores: { correctness: 1, efficiency: 0.1 }, rounds: 2 });
    expect(latencyAwareGrade(batchedTrace([['a'], ['b'], ['c']]), 0.5).subscores.efficiency).toBe(0.1);
    expect(latencyAwareGrade(batchedTrace([['a'], ['b'], ['c'], ['d']]), 0.5).subscores.efficiency).toBe(0.05);
    expect(latencyAwareGrade(batchedTrace([['a'], ['b'], ['c'], ['d'], ['e']]), 0.5).subscores.efficiency).toBe(0.05);
    const six = latencyAwareGrade(batchedTrace([['a'], ['b'], ['c'], ['d'], ['e'], ['f']]), 0.5);
    expect(six).toEqual({ score: 0.5, subscores: { correctness: 0.5, efficiency: 0 }, rounds: 6 });
    expect(latencyAwareGrade(BASELINE, 1).score).toBe(1);
  });

  it('thresholds are configurable and checked in ascending order whatever order they are given in', () => {
    const options = { thresholds: [{ maxRounds: 8, bonus: 0.01 }, { maxRounds: 1, bonus: 0.5 }] };
    expect(latencyAwareGrade(BASELINE, 0, options).subscores.efficiency).toBe(0.01);
    expect(latencyAwareGrade(batchedTrace([['a', 'b']]), 0, options).subscores.efficiency).toBe(0.5);
    expect(latencyAwareGrade(FINE_TUNED, 0, { thresholds: [] }).subscores.efficiency).toBe(0);
  });

  it('a trace with no tool calls has 0 rounds and earns the top bonus, as in the seed', () => {
    expect(latencyAwareGrade([{ type: 'assistant_message' }], 0).subscores.efficiency).toBe(0.1);
  });

  it('rejects a non-finite correctness or a bad threshold with INVALID_OPTION', () => {
    expect(() => latencyAwareGrade([], Number.NaN)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => latencyAwareGrade([], 1, { thresholds: [{ maxRounds: -1, bonus: 0.1 }] })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});
