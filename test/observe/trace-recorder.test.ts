import { describe, expect, it } from 'vitest';
import { Subject } from 'rxjs';
import { analyzeParallelization } from '../../src/observe/parallelization.js';
import { countSequentialRounds } from '../../src/observe/sequential-rounds.js';
import { createTraceRecorder } from '../../src/observe/trace-recorder.js';
import { parseTrace } from '../../src/observe/trace-jsonl.js';
import { boundValue } from '../../src/observe/bound-value.js';
import type { RunEvent } from '../../src/schedule/events.js';
import { run } from '../../src/schedule/scheduler.js';

/** A settable fake clock. */
function fakeClock(start = 1000): { now: () => number; set: (t: number) => void } {
  let t = start;
  return { now: () => t, set: (v) => (t = v) };
}

const ev = {
  started: (runId: string, t: number): RunEvent => ({ type: 'run_started', runId, t, calls: 0 }),
  start: (callId: string, tool: string, t: number, args: unknown = {}): RunEvent => ({ type: 'call_started', runId: 'r', callId, tool, t, attempt: 1, args }),
  ok: (callId: string, tool: string, t: number, result: unknown = null): RunEvent => ({ type: 'call_succeeded', runId: 'r', callId, tool, t, result, durationMs: 0, attempts: 1 }),
  fail: (callId: string, tool: string, t: number): RunEvent => ({ type: 'call_failed', runId: 'r', callId, tool, t, attempts: 1, error: { code: 'TOOL_ERROR', message: 'boom' } }),
  skip: (callId: string, tool: string, t: number, cause: string): RunEvent => ({ type: 'call_skipped', runId: 'r', callId, tool, t, cause, error: { code: 'SKIPPED', message: `skipped: ${cause} failed` } }),
};

describe('createTraceRecorder', () => {
  it('turns events and model turns into assistant_message / tool_call / tool_response entries on one clock', () => {
    const clock = fakeClock(1000);
    const rec = createTraceRecorder({ now: clock.now });
    rec.beginTurn();
    clock.set(1800);
    rec.recordAssistantMessage({ content: 'fan out', toolCalls: ['a', { id: 'b', deps: ['a'] }, 'c'] });
    rec.record(ev.started('r', 0)); // run starts at trace time 800
    rec.record(ev.start('a', 'search', 1, { q: 'x' }));
    rec.record(ev.fail('a', 'search', 101));
    rec.record(ev.skip('b', 'read', 101, 'a'));
    rec.record(ev.start('c', 'ls', 2));
    rec.record(ev.ok('c', 'ls', 52, ['f']));
    clock.set(1910);
    rec.recordRejoin();
    clock.set(2710);
    rec.recordAssistantMessage({ content: 'done' });
    const entries = rec.entries();
    expect(entries).toEqual([
      { type: 'assistant_message', turn: 1, t: 800, content: 'fan out', tool_calls: ['a', 'b', 'c'] },
      { type: 'tool_call', id: 'a', name: 'search', args: { q: 'x' }, turn: 1, t: 801 },
      { type: 'tool_call', id: 'c', name: 'ls', args: {}, turn: 1, t: 802 },
      { type: 'tool_call', id: 'b', name: 'read', turn: 1, t: 901, deps: ['a'] },
      { type: 'tool_response', call_id: 'c', status: 'succeeded', t: 852, duration_ms: 50, result: ['f'] },
      { type: 'tool_response', call_id: 'a', status: 'failed', t: 901, duration_ms: 100, error: { code: 'TOOL_ERROR', message: 'boom' } },
      { type: 'tool_response', call_id: 'b', status: 'skipped', t: 901, duration_ms: 0, error: { code: 'SKIPPED', message: 'skipped: a failed' } },
      { type: 'rejoin', turn: 1, t: 910, returned: ['a', 'b', 'c'] },
      { type: 'assistant_message', turn: 2, t: 1710, content: 'done' },
    ]);
    expect(parseTrace(rec.toJsonl())).toEqual(entries);
    expect(analyzeParallelization(entries).calls_per_batch).toEqual([3]);
    expect(countSequentialRounds(entries)).toBe(1);
  });

  it('files a call that started while the response was streaming under that response\'s turn', () => {
    const clock = fakeClock(0);
    const rec = createTraceRecorder({ now: clock.now });
    rec.recordAssistantMessage({ toolCalls: ['a'] }); // turn 1
    rec.record(ev.started('r', 0));
    rec.record(ev.start('a', 't', 0));
    rec.record(ev.ok('a', 't', 10));
    rec.beginTurn(); // turn 2: the model streams; b starts before the response is complete
    clock.set(5);
    rec.record({ ...ev.started('r2', 0) });
    rec.record({ ...ev.start('b', 't', 0), runId: 'r2' });
    clock.set(20);
    rec.recordAssistantMessage({ toolCalls: ['b'] });
    rec.record({ ...ev.ok('b', 't', 30), runId: 'r2' });
    rec.recordAssistantMessage({ content: 'done' });
    const entries = rec.entries();
    expect(entries.map((e) => `${e.type}:${String((e as { turn?: number }).turn ?? '')}`)).toEqual([
      'assistant_message:1', 'tool_call:1', 'tool_response:', 'assistant_message:2', 'tool_call:2', 'tool_response:', 'assistant_message:3',
    ]);
    expect(entries[4]).toMatchObject({ id: 'b', t: 5 });
    expect(analyzeParallelization(entries).calls_per_batch).toEqual([1, 1]);
  });

  it('is an rxjs Observer, writes raw events when asked, and bounds results', () => {
    const rec = createTraceRecorder({ now: () => 0, includeEvents: true, maxValueChars: 20 });
    const events = new Subject<RunEvent>();
    events.subscribe(rec.observer);
    events.next(ev.started('r', 0));
    events.next(ev.start('a', 't', 0));
    events.next(ev.ok('a', 't', 5, { text: 'x'.repeat(100) }));
    events.complete();
    const entries = rec.entries();
    expect(entries.filter((e) => e.type === 'event')).toHaveLength(3);
    const response = entries.find((e) => e.type === 'tool_response') as { result: string; result_truncated: boolean };
    expect(response.result_truncated).toBe(true);
    expect(response.result).toMatch(/^\{"text":"x{11}…\[truncated, \d+ chars\]$/);
    const noResults = createTraceRecorder({ now: () => 0, includeResults: false });
    noResults.record(ev.ok('z', 't', 1, 'secret'));
    expect(JSON.stringify(noResults.entries())).not.toContain('secret');
  });

  it('records a real run: one tool_call and one tool_response per call', async () => {
    const rec = createTraceRecorder();
    rec.recordAssistantMessage({ toolCalls: ['s', 'r'] });
    const tools = [
      { name: 'search', execute: () => ({ hits: ['a.ts'] }) },
      { name: 'read', execute: (args: { path?: unknown }) => `contents of ${String(args.path)}` },
    ];
    const result = await run({ calls: [{ id: 's', tool: 'search', args: {} }, { id: 'r', tool: 'read', args: { path: '${s.hits[0]}' } }] }, { tools, onEvent: (e) => rec.record(e) });
    expect(result.calls['r']?.status).toBe('succeeded');
    const entries = rec.entries();
    expect(entries.filter((e) => e.type === 'tool_call').map((e) => (e as { id: string }).id)).toEqual(['s', 'r']);
    expect(entries.find((e) => e.type === 'tool_call' && (e as { id: string }).id === 'r')).toMatchObject({ args: { path: 'a.ts' } });
    expect(entries.filter((e) => e.type === 'tool_response').map((e) => (e as { status: string }).status)).toEqual(['succeeded', 'succeeded']);
    expect(parseTrace(rec.toJsonl())).toEqual(entries);
  });

  it('boundValue: small values pass through, unserializable ones become a marker', () => {
    expect(boundValue({ a: 1 })).toEqual({ value: { a: 1 }, truncated: false });
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(boundValue(cyclic)).toEqual({ value: expect.stringMatching(/^\[not serializable/), truncated: true });
    expect(boundValue(10n)).toMatchObject({ truncated: true });
  });
});
