import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import { NonRetryableError } from '../../../src/errors.js';
import { backoffDelay, isRetryable } from '../../../src/schedule/policies/retry.js';
import { fakeTool, type Invocation } from './fake-tools.js';
import { eventsOf, runVirtual, VirtualTime } from './virtual-time.js';

class CodedError extends Error {
  constructor(readonly code: string) {
    super(`failed with ${code}`);
  }
}

function setup(failUntil: number, thrown: (attempt: number) => unknown = () => new Error('flaky')) {
  const time = new VirtualTime();
  const log: Invocation[] = [];
  const fail = (_a: unknown, attempt: number): unknown => (attempt < failUntil ? thrown(attempt) : undefined);
  const retry = { maxAttempts: 4, initialMs: 100, factor: 2, maxMs: 250, jitter: 0 };
  const tools = [
    fakeTool(time, log, 'get', { effects: { readOnly: true }, retry, fail }),
    fakeTool(time, log, 'put', { effects: { idempotent: true }, retry, fail }),
    fakeTool(time, log, 'post', { fail }), // not idempotent: never retried
  ];
  return { time, log, tools };
}

describe('backoffDelay and isRetryable', () => {
  it('grows by factor, is capped, and jitter only shortens it', () => {
    const r = { initialMs: 100, factor: 2, maxMs: 1000, jitter: 0 };
    expect([1, 2, 3, 4, 5].map((i) => backoffDelay(r, i, () => 0.9))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffDelay({ ...r, jitter: 0.5 }, 1, () => 0.5)).toBe(75);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 0.9999, noNaN: true }), (i, jitter, x) => {
        const d = backoffDelay({ ...r, jitter }, i, () => x);
        const base = Math.min(1000, 100 * 2 ** (i - 1));
        expect(d).toBeLessThanOrEqual(base);
        expect(d).toBeGreaterThanOrEqual(base * (1 - jitter) - 1e-9);
      }),
    );
  });

  it('refuses NonRetryableError, listed codes and toolgraph final codes', () => {
    const e = { code: 'TOOL_ERROR', message: 'x' };
    expect(isRetryable(new Error('x'), e, {})).toBe(true);
    expect(isRetryable(new NonRetryableError('x'), e, {})).toBe(false);
    expect(isRetryable(new CodedError('E_AUTH'), { ...e, details: { code: 'E_AUTH' } }, { nonRetryableCodes: ['E_AUTH'] })).toBe(false);
    expect(isRetryable(undefined, { code: 'TIMEOUT', message: 't' }, { nonRetryableCodes: ['TIMEOUT'] })).toBe(false);
    expect(isRetryable(undefined, { code: 'INVALID_OUTPUT', message: 'o' }, {})).toBe(false);
  });
});

describe('retries in a run (virtual time)', () => {
  it('backs off between attempts; call_retry events carry the next attempt and the delay', async () => {
    const { time, log, tools } = setup(99);
    const { result, events } = await runVirtual({ calls: [{ id: 'g', tool: 'get', args: { ms: 10 } }] }, { tools }, time);
    // attempts run 10 ms; waits 100, 200, then capped at 250
    expect(log.map((e) => [e.attempt, e.start])).toEqual([[1, 0], [2, 110], [3, 320], [4, 580]]);
    expect(eventsOf(events, 'call_retry').map((e) => [e.attempt, e.delayMs, e.t])).toEqual([[2, 100, 10], [3, 200, 120], [4, 250, 330]]);
    expect(result.calls['g']).toMatchObject({ status: 'failed', attempts: 4, error: { message: 'flaky' } });
    expect(result.metrics.retries).toBe(3);
  });

  it('jitter uses the run`s random source', async () => {
    const { time, log } = setup(2);
    const tool = fakeTool(time, log, 'j', { effects: { readOnly: true }, retry: { initialMs: 100, jitter: 0.5 }, fail: (_a, attempt) => (attempt < 2 ? new Error('x') : undefined) });
    const { events } = await runVirtual({ calls: [{ id: 'c', tool: 'j', args: {} }] }, { tools: [tool], random: () => 0.5 }, time);
    expect(eventsOf(events, 'call_retry')[0]?.delayMs).toBe(75);
    expect(log.map((e) => e.start)).toEqual([0, 85]);
  });

  it('retries reads and idempotent writes until they succeed; ctx.attempt counts up', async () => {
    const { time, log, tools } = setup(3);
    const { result } = await runVirtual({ calls: [
      { id: 'g', tool: 'get', args: {} },
      { id: 'p', tool: 'put', args: { path: 'a' } },
    ] }, { tools }, time);
    expect(result.calls['g']).toMatchObject({ status: 'succeeded', attempts: 3 });
    expect(result.calls['p']).toMatchObject({ status: 'succeeded', attempts: 3 });
    expect(log.filter((e) => e.callId === 'p').map((e) => e.attempt)).toEqual([1, 2, 3]);
  });

  it('never retries a non-idempotent write', async () => {
    const { time, log, tools } = setup(2);
    const { result, events } = await runVirtual({ calls: [{ id: 'w', tool: 'post', args: {} }] }, { tools }, time);
    expect(result.calls['w']).toMatchObject({ status: 'failed', attempts: 1 });
    expect(eventsOf(events, 'call_retry')).toEqual([]);
    expect(log).toHaveLength(1);
  });

  it.each<[string, () => unknown, string[]]>([
    ['a NonRetryableError', () => new NonRetryableError('account locked'), []],
    ['an error whose code is in nonRetryableCodes', () => new CodedError('E_AUTH'), ['E_AUTH']],
  ])('%s stops retries at once', async (_label, thrown, codes) => {
    const time = new VirtualTime();
    const log: Invocation[] = [];
    const tool = fakeTool(time, log, 'get', { effects: { readOnly: true }, retry: { maxAttempts: 5, nonRetryableCodes: codes }, fail: thrown });
    const { result, events } = await runVirtual({ calls: [{ id: 'g', tool: 'get', args: {} }] }, { tools: [tool] }, time);
    expect(result.calls['g']).toMatchObject({ status: 'failed', attempts: 1 });
    expect(eventsOf(events, 'call_retry')).toEqual([]);
    expect(log).toHaveLength(1);
  });

  it('retries a timed-out attempt of an idempotent tool, unless TIMEOUT is listed', async () => {
    for (const [codes, attempts] of [[[], 2], [['TIMEOUT'], 1]] as const) {
      const time = new VirtualTime();
      const log: Invocation[] = [];
      const tool = fakeTool(time, log, 'get', { effects: { readOnly: true }, timeoutMs: 50, retry: { maxAttempts: 2, initialMs: 10, jitter: 0, nonRetryableCodes: codes }, latency: () => 1000 });
      const { result } = await runVirtual({ calls: [{ id: 'g', tool: 'get', args: {} }] }, { tools: [tool] }, time);
      expect(result.calls['g']).toMatchObject({ status: 'failed', attempts, error: { code: 'TIMEOUT' } });
      expect(log.every((e) => e.aborted && e.end === e.start + 50)).toBe(true);
    }
  });

  it('never retries a result that fails the output schema', async () => {
    const time = new VirtualTime();
    const log: Invocation[] = [];
    const tool = fakeTool(time, log, 'get', { effects: { readOnly: true }, retry: { maxAttempts: 3 }, output: z.object({ rows: z.array(z.number()) }) });
    const { result } = await runVirtual({ calls: [{ id: 'g', tool: 'get', args: {} }] }, { tools: [tool] }, time);
    expect(result.calls['g']).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'INVALID_OUTPUT' } });
  });
});

describe('idempotency keys', () => {
  const plan = {
    calls: [
      { id: 'p1', tool: 'put', args: { path: 'a', n: 1 } },
      { id: 'p2', tool: 'put', args: { n: 1, path: 'a' } },
      { id: 'p3', tool: 'put', args: { path: 'b', n: 1 } },
    ],
  };

  it('is identical across retries, and across re-runs with the same run id', async () => {
    const first = setup(3);
    await runVirtual(plan, { tools: first.tools, runId: 'run-7' }, first.time);
    const keys = (log: Invocation[], id: string): string[] => log.filter((e) => e.callId === id).map((e) => e.key);
    expect(keys(first.log, 'p1')).toHaveLength(3);
    expect(new Set(keys(first.log, 'p1')).size).toBe(1);
    const again = setup(1);
    await runVirtual(plan, { tools: again.tools, runId: 'run-7' }, again.time);
    for (const id of ['p1', 'p2', 'p3']) expect(keys(again.log, id)[0]).toBe(keys(first.log, id)[0]);
    const other = setup(1);
    await runVirtual(plan, { tools: other.tools, runId: 'run-8' }, other.time);
    for (const id of ['p1', 'p2', 'p3']) expect(keys(other.log, id)[0]).not.toBe(keys(first.log, id)[0]);
  });

  it('differs for different args and for different call ids', async () => {
    const { time, log, tools } = setup(1);
    await runVirtual(plan, { tools, runId: 'r' }, time);
    const key = (id: string): string => log.find((e) => e.callId === id)?.key ?? '';
    expect(new Set([key('p1'), key('p2'), key('p3')]).size).toBe(3);
    expect(key('p1')).toMatch(/^[0-9a-f]{40}$/);
  });
});
