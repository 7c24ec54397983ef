import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { rejoin } from '../../src/rejoin/rejoin.js';
import { clockFromScheduler } from '../../src/schedule/clock.js';
import { execute } from '../../src/schedule/scheduler.js';
import { settle } from '../helpers/virtual-time.js';

/** A read-only tool whose latency is `args.ms`, in the scheduler's virtual time. */
function timedTool(scheduler: VirtualTimeScheduler) {
  return {
    name: 'wait',
    effects: { readOnly: true },
    execute: (args: Record<string, unknown>, ctx: { signal: AbortSignal }) =>
      new Promise((resolve, reject) => {
        const sub = scheduler.schedule(() => resolve({ waited: args['ms'] }), args['ms'] as number);
        ctx.signal.addEventListener('abort', () => {
          sub.unsubscribe();
          reject(new Error('aborted'));
        });
      }),
  };
}

const plan = {
  calls: [
    { id: 'fast', tool: 'wait', args: { ms: 10 } },
    { id: 'medium', tool: 'wait', args: { ms: 50 } },
    { id: 'slow', tool: 'wait', args: { ms: 500 } },
  ],
};

describe('rejoin', () => {
  it("'all' waits for every call", async () => {
    const scheduler = new VirtualTimeScheduler();
    const handle = rejoin(execute(plan, { tools: [timedTool(scheduler)], scheduler }), { clock: clockFromScheduler(scheduler) });
    const snap = await settle(scheduler, handle.snapshot);
    expect(snap.outcomes.map((o) => o.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(await handle.late).toEqual([]);
  });

  it('{ first: 2 } hands back two results and a running entry; the late result follows', async () => {
    const scheduler = new VirtualTimeScheduler();
    const handle = rejoin(execute(plan, { tools: [timedTool(scheduler)], scheduler }), { policy: { first: 2 }, clock: clockFromScheduler(scheduler) });
    const snap = await settle(scheduler, handle.snapshot);
    expect(snap.outcomes.map((o) => [o.id, o.status])).toEqual([
      ['fast', 'succeeded'],
      ['medium', 'succeeded'],
      ['slow', 'running'],
    ]);
    const late = await settle(scheduler, handle.late);
    expect(late).toHaveLength(1);
    expect(late[0]).toMatchObject({ id: 'slow', status: 'succeeded', result: { waited: 500 } });
  });

  it('{ deadlineMs } rejoins at the deadline with what has finished', async () => {
    const scheduler = new VirtualTimeScheduler();
    const handle = rejoin(execute(plan, { tools: [timedTool(scheduler)], scheduler }), { policy: { deadlineMs: 100 }, clock: clockFromScheduler(scheduler) });
    const snap = await settle(scheduler, handle.snapshot);
    expect(snap.rejoinedAtMs).toBe(100);
    expect(snap.rejoinLatencyMs).toBe(50);
    expect(snap.outcomes.filter((o) => o.status === 'running').map((o) => o.id)).toEqual(['slow']);
  });

  it("inFlight: 'cancel' cancels what is still running and reports it", async () => {
    const scheduler = new VirtualTimeScheduler();
    const handle = rejoin(execute(plan, { tools: [timedTool(scheduler)], scheduler }), { policy: { first: 1 }, inFlight: 'cancel', clock: clockFromScheduler(scheduler) });
    await settle(scheduler, handle.snapshot);
    const late = await handle.late;
    expect(late.map((o) => [o.id, o.status])).toEqual([
      ['medium', 'cancelled'],
      ['slow', 'cancelled'],
    ]);
  });

  it('a custom policy sees the state', async () => {
    const scheduler = new VirtualTimeScheduler();
    const seen: number[] = [];
    const handle = rejoin(execute(plan, { tools: [timedTool(scheduler)], scheduler }), {
      policy: (s) => {
        seen.push(s.finished);
        return s.succeeded >= 1 && s.pending.length === 2;
      },
      clock: clockFromScheduler(scheduler),
    });
    const snap = await settle(scheduler, handle.snapshot);
    expect(seen[0]).toBe(1);
    expect(snap.outcomes.filter((o) => o.status === 'running')).toHaveLength(2);
  });
});
