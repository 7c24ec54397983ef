import { describe, expect, it } from 'vitest';
import { buildReportModel } from '../../src/report/report-model.js';
import { chromeTrace } from '../../src/report/chrome-trace.js';
import { richTrace } from './fixture-trace.js';

describe('chromeTrace', () => {
  it('writes one complete event per execution and per wait, on tracks where none overlaps', async () => {
    const model = buildReportModel(await richTrace());
    const trace = chromeTrace(model);
    const execs = model.calls.reduce((n, c) => n + c.executions.length, 0);
    const calls = trace.traceEvents.filter((e) => e.ph === 'X' && e.cat !== 'wait' && e.cat !== 'model' && e.cat !== 'turn');
    expect(calls).toHaveLength(execs);
    expect(calls.filter((e) => e.name.endsWith('(hedge)')).length).toBeGreaterThan(0);
    expect(calls.filter((e) => e.name.endsWith('(attempt 2)'))).toHaveLength(1);
    expect(trace.traceEvents.filter((e) => e.cat === 'wait').length).toBeGreaterThan(0);
    expect(trace.traceEvents.filter((e) => e.cat === 'turn')).toHaveLength(2);
    // No two events on one track overlap.
    const byTrack = new Map<number, { ts: number; end: number }[]>();
    for (const e of trace.traceEvents) {
      if (e.ph !== 'X' || e.tid === 0) continue;
      const list = byTrack.get(e.tid) ?? [];
      list.push({ ts: e.ts as number, end: (e.ts as number) + (e.dur as number) });
      byTrack.set(e.tid, list);
    }
    for (const list of byTrack.values()) {
      list.sort((a, b) => a.ts - b.ts);
      for (let i = 1; i < list.length; i++) expect((list[i] as { ts: number }).ts).toBeGreaterThanOrEqual((list[i - 1] as { end: number }).end - 1e-6);
    }
    expect(JSON.parse(JSON.stringify(trace))).toEqual(trace);
  });
});
