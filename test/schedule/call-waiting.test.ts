import { describe, expect, it } from 'vitest';
import { run } from '../../src/schedule/scheduler.js';
import { defineTool } from '../../src/tools/define-tool.js';
import { EventLog, VirtualClock, timedTool } from './harness.js';

function waits(log: EventLog): Record<string, unknown>[] {
  return log.of('call_waiting').map(({ type: _type, runId: _r, t: _t, ...rest }) => rest);
}

describe('call_waiting', () => {
  it('names the input a call waits for, and how many are left', async () => {
    const clock = new VirtualClock();
    const slow = timedTool(clock, 'slow', 10);
    const log = new EventLog();
    const done = run(
      { calls: [{ id: 'a', tool: 'slow', args: {} }, { id: 'b', tool: 'slow', args: {} }, { id: 'c', tool: 'slow', args: { x: '${a}', y: '${b}' } }] },
      { tools: [slow], scheduler: clock.scheduler, onEvent: log.onEvent },
    );
    await clock.run();
    await done;
    expect(waits(log)).toEqual([{ callId: 'c', tool: 'slow', reason: 'input', on: 'a', inputs: 2 }]);
  });

  it('names the conflicting call and the resource, for a tool that declares no effects', async () => {
    const clock = new VirtualClock();
    const fetchUrl = defineTool({ name: 'fetch_url', execute: async () => clock.sleep(10) });
    const log = new EventLog();
    const done = run({ calls: [0, 1, 2].map((i) => ({ id: `f${i}`, tool: 'fetch_url', args: { i } })) }, { tools: [fetchUrl], scheduler: clock.scheduler, onEvent: log.onEvent });
    await clock.run();
    const result = await done;
    expect(waits(log)).toEqual([
      { callId: 'f1', tool: 'fetch_url', reason: 'conflict', on: 'f0', resource: 'tool:fetch_url' },
      // f2 parks behind the latest earlier conflicting call, f1, and is woken by it alone.
      { callId: 'f2', tool: 'fetch_url', reason: 'conflict', on: 'f1', resource: 'tool:fetch_url' },
    ]);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['SERIALIZED_BY_DEFAULT_EFFECTS']);
    expect(result.diagnostics[0]?.message).toBe('3 calls of fetch_url ran one at a time because the tool declares no effects, so each call is taken to write tool:fetch_url');
    expect(result.diagnostics[0]?.fix).toContain('effects: { readOnly: true }');
  });

  it('gives the same diagnostic without a listener (no events are built then)', async () => {
    const clock = new VirtualClock();
    const fetchUrl = defineTool({ name: 'fetch_url', execute: async () => clock.sleep(10) });
    const done = run({ calls: [0, 1, 2].map((i) => ({ id: `f${i}`, tool: 'fetch_url', args: { i } })) }, { tools: [fetchUrl], scheduler: clock.scheduler });
    await clock.run();
    expect((await done).diagnostics.map((d) => d.code)).toEqual(['SERIALIZED_BY_DEFAULT_EFFECTS']);
  });

  it('reports the global cap, then the tool cap, for calls held back', async () => {
    const clock = new VirtualClock();
    const work = timedTool(clock, 'work', 10);
    const log = new EventLog();
    const done = run({ calls: [0, 1, 2].map((i) => ({ id: `w${i}`, tool: 'work', args: { i } })) }, { tools: [work], concurrency: 2, scheduler: clock.scheduler, onEvent: log.onEvent });
    await clock.run();
    const result = await done;
    expect(waits(log)).toEqual([{ callId: 'w2', tool: 'work', reason: 'cap', scope: 'global', limit: 2 }]);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['CAP_BOUND']);
    expect(result.diagnostics[0]?.message).toBe("the run's concurrency of 2 held 1 call back: all 2 slots were busy for 50% of the run");

    const log2 = new EventLog();
    const capped = timedTool(clock, 'capped', 10, undefined, { concurrency: 1 });
    const done2 = run({ calls: [0, 1].map((i) => ({ id: `c${i}`, tool: 'capped', args: { i } })) }, { tools: [capped], scheduler: clock.scheduler, onEvent: log2.onEvent });
    await clock.run();
    const result2 = await done2;
    expect(waits(log2)).toEqual([{ callId: 'c1', tool: 'capped', reason: 'cap', scope: 'tool', limit: 1 }]);
    expect(result2.diagnostics.map((d) => d.code)).toEqual(['TOOL_CAP_BOUND']);
  });

  it('reports a rate limit', async () => {
    const clock = new VirtualClock();
    const api = timedTool(clock, 'api', 1, undefined, { rateLimit: { limit: 1, intervalMs: 100 } });
    const log = new EventLog();
    const done = run({ calls: [0, 1].map((i) => ({ id: `r${i}`, tool: 'api', args: { i } })) }, { tools: [api], scheduler: clock.scheduler, onEvent: log.onEvent });
    await clock.run();
    const result = await done;
    expect(waits(log)).toEqual([{ callId: 'r1', tool: 'api', reason: 'rate_limit', scope: 'tool', limit: 1 }]);
    expect(api.starts.map((s) => s.t)).toEqual([0, 100]);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['RATE_LIMITED']);
  });

  it('reports an approval wait, and counts it apart from scheduling loss', async () => {
    const clock = new VirtualClock();
    const work = timedTool(clock, 'work', 10);
    const write = defineTool({ name: 'write', effects: { readOnly: false, destructive: true }, execute: async () => clock.sleep(10) });
    const log = new EventLog();
    const done = run(
      { calls: [{ id: 'a', tool: 'work', args: {} }, { id: 'w', tool: 'write', args: { x: '${a}' } }] },
      { tools: [work, write], scheduler: clock.scheduler, onEvent: log.onEvent, approve: async () => { await clock.sleep(1000); return 'approve' as const; } },
    );
    await clock.run();
    const result = await done;
    expect(waits(log)).toEqual([
      { callId: 'w', tool: 'write', reason: 'input', on: 'a', inputs: 1 },
      { callId: 'w', tool: 'write', reason: 'approval' },
    ]);
    expect(result.metrics.approvalWaitMs).toBe(1000);
    expect(result.metrics.makespanMs).toBe(1020);
    // The person's second is a link of w's chain: the schedule lost nothing.
    expect(result.metrics.criticalPathMs).toBe(1020);
    expect(result.metrics.makespanOverCriticalPath).toBe(1);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['APPROVAL_WAIT']);
  });

  it('flags a straggler with a fix that fits the tool', async () => {
    const clock = new VirtualClock();
    const get = timedTool(clock, 'get', (args) => (args['i'] === 3 ? 100 : 10));
    const done = run({ calls: [0, 1, 2, 3].map((i) => ({ id: `g${i}`, tool: 'get', args: { i } })) }, { tools: [get], scheduler: clock.scheduler });
    await clock.run();
    const result = await done;
    expect(result.diagnostics).toEqual([
      { code: 'STRAGGLER', message: 'call g3 (get) took 100 ms, 10.0× the median of 10 ms', fix: 'set timeoutMs on get so a stuck call fails sooner, and look at why g3 was slow', tool: 'get', calls: ['g3'] },
    ]);
  });

  it('a listener that cancels the run when a call waits leaves every call ended exactly once', async () => {
    for (const reason of ['input', 'conflict', 'cap'] as const) {
      const clock = new VirtualClock();
      const fetchUrl = defineTool({ name: 'fetch_url', execute: async () => clock.sleep(10) });
      const controller = new AbortController();
      const log = new EventLog();
      const done = run(
        { calls: [{ id: 'a', tool: 'fetch_url', args: {} }, { id: 'b', tool: 'fetch_url', args: {} }, { id: 'c', tool: 'fetch_url', args: { x: '${a}' } }] },
        {
          tools: [fetchUrl],
          concurrency: reason === 'cap' ? 1 : 8,
          requireApproval: 'none',
          signal: controller.signal,
          scheduler: clock.scheduler,
          onEvent: (e) => {
            log.onEvent(e);
            if (e.type === 'call_waiting' && e.reason === reason) controller.abort();
          },
        },
      );
      await clock.run();
      const result = await done;
      expect(log.of('call_waiting').some((e) => e.reason === reason)).toBe(true);
      const terminal = log.events.filter((e) => e.type.startsWith('call_') && ['call_succeeded', 'call_failed', 'call_skipped', 'call_cancelled', 'call_rejected'].includes(e.type));
      expect(terminal.map((e) => (e as { callId: string }).callId).sort()).toEqual(['a', 'b', 'c']);
      expect(result.order.every((id) => result.calls[id]?.status !== undefined)).toBe(true);
      expect(result.metrics.cancelled).toBeGreaterThan(0);
    }
  });
});
