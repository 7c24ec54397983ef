import { describe, expect, it } from 'vitest';
import { buildReportModel } from '../../src/report/report-model.js';
import { parseTrace } from '../../src/observe/trace-jsonl.js';
import { toJsonl } from '../../src/observe/trace-jsonl.js';
import { richTrace } from './fixture-trace.js';

describe('buildReportModel', () => {
  it('reads every call with its executions, waits and why from a recorded trace (through JSONL)', async () => {
    const model = buildReportModel(parseTrace(toJsonl(await richTrace())));
    const by = new Map(model.calls.map((c) => [c.id, c]));
    expect(model.calls).toHaveLength(18);
    expect(model.turns.map((t) => [t.turn, t.calls.length])).toEqual([[1, 11], [2, 7], [3, 0]]);
    // The retry: two executions, the first failed and was retried.
    expect(by.get('api')?.executions.map((e) => [e.attempt, e.hedge, e.error])).toEqual([[1, false, 'TOOL_ERROR'], [2, false, undefined]]);
    // The hedge: a second copy of attempt 1.
    expect(by.get('idx')?.executions.some((e) => e.hedge)).toBe(true);
    // fetch_url declares no effects: its calls waited behind each other.
    expect(by.get('f2')?.waits.map((w) => w.text)).toEqual(['conflict with f1 on tool:fetch_url']);
    expect(by.get('f2')?.why).toMatch(/^ready at [\d.]+ ms, then held back: conflict with f1 on tool:fetch_url$/);
    // read_file's cap of 2 held the third read back.
    expect(model.calls.filter((c) => c.waits.some((w) => w.reason === 'cap' && w.text === "read_file's concurrency cap (2) was full"))).toHaveLength(1);
    // Inputs: sum waited for its three reads.
    expect(by.get('sum')?.deps).toEqual(['r1', 'r2', 'r3']);
    expect(by.get('sum')?.waits[0]?.reason).toBe('input');
    expect(by.get('sum')?.why).toBe('started when its inputs r1, r2, r3 had finished');
    // A failure and the call skipped behind it.
    expect(by.get('look')?.status).toBe('failed');
    expect(by.get('after')?.status).toBe('skipped');
    expect(by.get('after')?.executions).toEqual([]);
    // The critical path and the straggler come from the trace's metrics.
    expect(model.calls.filter((c) => c.critical).length).toBeGreaterThan(0);
    expect(by.get('s6')?.stragglerRatio).toBeGreaterThan(3);
    expect(by.get('s5')?.wasted).toBe('unconsumed');
  });
});
