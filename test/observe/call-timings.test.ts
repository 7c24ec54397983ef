import { describe, expect, it } from 'vitest';
import { computeCallMetrics } from '../../src/observe/call-metrics.js';
import { callTimingsFromEvents, callTimingsFromResult, callTimingsFromTrace } from '../../src/observe/call-timings.js';
import { analyzeTrace } from '../../src/observe/analyze-trace.js';
import { parsePlan } from '../../src/graph/validate.js';
import type { RunEvent } from '../../src/schedule/events.js';
import type { RunResult } from '../../src/schedule/run-result.js';
import { FINE_TUNED } from '../fixtures/observe/seed-traces.js';

const base = { runId: 'r' };
const events: RunEvent[] = [
  { type: 'run_started', ...base, t: 0, calls: 3 },
  { type: 'call_ready', ...base, t: 0, callId: 'a', tool: 'search' },
  { type: 'call_started', ...base, t: 1, callId: 'a', tool: 'search', attempt: 1, args: {} },
  { type: 'call_retry', ...base, t: 20, callId: 'a', tool: 'search', attempt: 1, delayMs: 5, error: { code: 'TOOL_ERROR', message: 'x' } },
  { type: 'call_started', ...base, t: 25, callId: 'a', tool: 'search', attempt: 2, args: {} },
  { type: 'call_succeeded', ...base, t: 60, callId: 'a', tool: 'search', result: 1, durationMs: 35, attempts: 2 },
  { type: 'call_started', ...base, t: 60, callId: 'b', tool: 'read', attempt: 1, args: {} },
  { type: 'call_failed', ...base, t: 100, callId: 'b', tool: 'read', attempts: 1, error: { code: 'TIMEOUT', message: 'slow' } },
  { type: 'call_skipped', ...base, t: 100, callId: 'c', tool: 'write', cause: 'b', error: { code: 'SKIPPED', message: 's' } },
];

describe('call timings', () => {
  it('from events: first start (retries included), terminal time and status, deps from a plan', () => {
    const plan = parsePlan({ calls: [{ id: 'a', tool: 'search', args: {} }, { id: 'b', tool: 'read', args: { x: '${a}' } }, { id: 'c', tool: 'write', args: {}, after: ['b'] }] });
    const timings = callTimingsFromEvents(events, plan);
    expect(timings).toEqual([
      { id: 'a', tool: 'search', startedMs: 1, endedMs: 60, status: 'succeeded', deps: [] },
      { id: 'b', tool: 'read', startedMs: 60, endedMs: 100, status: 'failed', deps: ['a'] },
      { id: 'c', tool: 'write', endedMs: 100, status: 'skipped', deps: ['b'] },
    ]);
    expect(computeCallMetrics({ calls: timings })).toMatchObject({ makespanMs: 99, criticalPathMs: 99, rounds: 2 });
  });

  it('deps may be a Map or a record (own keys only)', () => {
    expect(callTimingsFromEvents(events, new Map([['b', ['a']]]))[1]?.deps).toEqual(['a']);
    const record = { c: ['b'] } as Record<string, readonly string[]>;
    const timings = callTimingsFromEvents(events, record);
    expect(timings[2]?.deps).toEqual(['b']);
    expect(timings[0]?.deps).toBeUndefined();
    expect(callTimingsFromEvents([{ ...base, type: 'call_ready', t: 0, callId: 'toString', tool: 't' }], {})[0]?.deps).toBeUndefined();
  });

  it('from a RunResult', () => {
    const result: RunResult = {
      runId: 'r',
      order: ['a', 'b'],
      calls: { a: { id: 'a', tool: 't', status: 'succeeded', args: {}, startedMs: 0, endedMs: 5, attempts: 1 }, b: { id: 'b', tool: 't', status: 'skipped', args: {}, attempts: 0 } },
      metrics: {} as RunResult['metrics'],
      diagnostics: [],
    };
    expect(callTimingsFromResult(result, { b: ['a'] })).toEqual([
      { id: 'a', tool: 't', status: 'succeeded', startedMs: 0, endedMs: 5 },
      { id: 'b', tool: 't', status: 'skipped', deps: ['a'] },
    ]);
  });

  it('from a trace: start = t - duration_ms; implicit deps on the previous turn\'s calls; explicit deps win', () => {
    const timings = callTimingsFromTrace(FINE_TUNED);
    expect(timings).toHaveLength(6);
    expect(timings[0]).toMatchObject({ id: 'call_1', tool: 'shell', turn: 1, startedMs: 800, endedMs: 1100, deps: [] });
    expect(timings[4]).toMatchObject({ id: 'call_5', turn: 2, startedMs: 1900, endedMs: 2200, deps: ['call_1', 'call_2', 'call_3', 'call_4'] });
    const m = analyzeTrace(FINE_TUNED).metrics;
    expect(m).toMatchObject({ makespanMs: 1400, criticalPathMs: 600, maxParallelism: 4, rounds: 2 });
    const explicit = callTimingsFromTrace([
      { type: 'tool_call', id: 'x', name: 't', turn: 1, t: 0, deps: [] },
      { type: 'tool_call', id: 'y', name: 't', turn: 2, t: 0, deps: [] },
    ]);
    expect(explicit[1]?.deps).toEqual([]);
  });

  it('from a trace: repeated ids are made unique, unknown responses ignored, unanswered calls flagged, never-run calls have no start', () => {
    const timings = callTimingsFromTrace([
      { type: 'tool_call', id: 'a', name: 't', turn: 1, t: 0 },
      { type: 'tool_response', call_id: 'ghost', status: 'succeeded', t: 1, duration_ms: 1 },
      { type: 'tool_response', call_id: 'a', status: 'succeeded', t: 10, duration_ms: 10 },
      { type: 'tool_call', id: 'a', name: 't', turn: 2, t: 20 },
      { type: 'tool_response', call_id: 'a', status: 'skipped', t: 20, duration_ms: 0 },
      { type: 'tool_call', id: 'b', name: 't', turn: 2, t: 20 },
    ]);
    expect(timings.map((c) => [c.id, c.traceId, c.startedMs, c.endedMs, c.unanswered])).toEqual([
      ['a', 'a', 0, 10, false],
      ['a#2', 'a', undefined, 20, false],
      ['b', 'b', undefined, undefined, true],
    ]);
  });

  it('from a trace: a rejoin entry gives rejoin latency and late/unreturned waste', () => {
    const trace = [
      { type: 'assistant_message', turn: 1, t: 0 },
      { type: 'tool_call', id: 'a', name: 't', turn: 1, t: 0 },
      { type: 'tool_call', id: 'b', name: 't', turn: 1, t: 0 },
      { type: 'tool_call', id: 'c', name: 't', turn: 1, t: 0 },
      { type: 'tool_response', call_id: 'a', status: 'succeeded', t: 100, duration_ms: 100 },
      { type: 'tool_response', call_id: 'c', status: 'succeeded', t: 120, duration_ms: 120 },
      { type: 'rejoin', turn: 1, t: 150, returned: ['a'] },
      { type: 'tool_response', call_id: 'b', status: 'succeeded', t: 900, duration_ms: 900 },
    ];
    const m = analyzeTrace(trace).metrics;
    expect(m.rejoinLatencyMs).toBe(50);
    expect(m.waste).toEqual([
      { id: 'b', reason: 'late', durationMs: 900 },
      { id: 'c', reason: 'unconsumed', durationMs: 120 },
    ]);
  });
});
