import { describe, expect, it } from 'vitest';
import { run } from '../../../src/schedule/scheduler.js';
import { ToolgraphError } from '../../../src/errors.js';
import { MemoryJournal, MemoryResultCache } from '../../../src/journal/memory-journal.js';
import { DEDUPES_BY_KEY, type Journal, type JournalRecord, type RecordedOutcome } from '../../../src/journal/journal-types.js';
import { RunEventSchema, type RunEvent } from '../../../src/schedule/events.js';
import type { ToolDefinition } from '../../../src/tools/tool-types.js';

/** A plan: two writes, a read of the first's result, and a write that reads both. */
const plan = {
  calls: [
    { id: 'a', tool: 'write', args: { v: 1 } },
    { id: 'b', tool: 'write', args: { v: 2 } },
    { id: 'c', tool: 'double', args: { x: '${a.v}' } },
    { id: 'd', tool: 'write', args: { v: '${c}' } },
  ],
};

function tools(log: string[], options: { failOn?: number; idempotent?: boolean } = {}): ToolDefinition<any, any>[] {
  return [
    {
      name: 'write',
      effects: { idempotent: options.idempotent ?? false },
      resources: ({ v }: { v: number }) => [`row:${v}`], // a and b write different rows: no hazard orders them
      execute: async ({ v }: { v: number }, { callId }) => {
        log.push(callId);
        if (v === options.failOn) throw new Error(`cannot write ${v}`);
        return { v: v * 10 };
      },
    },
    { name: 'double', effects: { readOnly: true }, execute: ({ x }: { x: number }, { callId }) => (log.push(callId), x * 2) },
  ];
}

async function runLogged(journalOptions: object, runId: string, log: string[], toolOptions?: Parameters<typeof tools>[1]) {
  const events: RunEvent[] = [];
  const result = await run(plan, { tools: tools(log, toolOptions), runId, ...journalOptions, onEvent: (e) => events.push(RunEventSchema.parse(e)) });
  return { result, events };
}

describe('resultCache', () => {
  it('a re-run with the same run id executes nothing that succeeded; cached results fill references', async () => {
    const resultCache = new MemoryResultCache();
    const first: string[] = [];
    const one = await runLogged({ resultCache }, 'r1', first);
    expect(first.sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(resultCache.size).toBe(4);
    const second: string[] = [];
    const two = await runLogged({ resultCache }, 'r1', second);
    expect(second).toEqual([]);
    expect(two.result.calls['d']?.result).toEqual({ v: 200 });
    expect(two.result.calls['d']?.args).toEqual({ v: 20 });
    expect(Object.values(two.result.calls).map((c) => c.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    const succeeded = two.events.filter((e) => e.type === 'call_succeeded');
    expect(succeeded.map((e) => e.type === 'call_succeeded' && e.cached)).toEqual([true, true, true, true]);
    expect(two.events.filter((e) => e.type === 'call_started')).toHaveLength(4);
    expect(one.events.some((e) => e.type === 'call_succeeded' && e.cached === true)).toBe(false);
  });

  it('another run id misses (the key includes the run id)', async () => {
    const resultCache = new MemoryResultCache();
    await runLogged({ resultCache }, 'r1', []);
    const log: string[] = [];
    await runLogged({ resultCache }, 'r2', log);
    expect(log.sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('failures are not cached: they are decided again, and their dependents run once they succeed', async () => {
    const resultCache = new MemoryResultCache();
    const first: string[] = [];
    const one = await runLogged({ resultCache }, 'r1', first, { failOn: 1 });
    expect(one.result.calls['a']?.status).toBe('failed');
    expect(one.result.calls['d']?.status).toBe('skipped');
    const second: string[] = [];
    const two = await runLogged({ resultCache }, 'r1', second);
    expect(second.sort()).toEqual(['a', 'c', 'd']);
    expect(two.result.calls['d']?.result).toEqual({ v: 200 });
  });

  it('an asynchronous cache (promises from get and set) works the same', async () => {
    const map = new Map<string, RecordedOutcome>();
    let gets = 0;
    const resultCache = {
      get: async (key: string) => (gets++, map.get(key)),
      set: async (key: string, outcome: RecordedOutcome) => void map.set(key, outcome),
    };
    await runLogged({ resultCache }, 'r1', []);
    await new Promise((r) => setImmediate(r));
    const log: string[] = [];
    const two = await runLogged({ resultCache }, 'r1', log);
    expect(log).toEqual([]);
    expect(gets).toBe(8);
    expect(two.result.calls['d']?.result).toEqual({ v: 200 });
  });

  it('refuses journal and resultCache together, and a cache without get/set', async () => {
    await expect(run(plan, { tools: tools([]), journal: new MemoryJournal(), resultCache: new MemoryResultCache() })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(run(plan, { tools: tools([]), resultCache: { get: () => undefined } as never })).rejects.toThrow(/missing set/);
  });

  it('a bounded memory cache drops its oldest entry', () => {
    const cache = new MemoryResultCache({ maxEntries: 2 });
    cache.set('x', { status: 'succeeded', result: 1 });
    cache.set('y', { status: 'succeeded', result: 2 });
    cache.set('z', { status: 'succeeded', result: 3 });
    expect([cache.get('x'), cache.get('y')?.status, cache.size]).toEqual([undefined, 'succeeded', 2]);
  });
});

/** A journal that remembers what the first run did up to a point: starts of `started`, nothing else. */
function crashedJournal(startedIds: readonly string[], runId: string, finished: Record<string, unknown> = {}): Promise<MemoryJournal> {
  // Records what a run that died would have left: run once with a tool that never ends for the started ids.
  const journal = new MemoryJournal();
  const controller = new AbortController();
  const log: string[] = [];
  const hang: ToolDefinition<any, any>[] = tools(log).map((t) => ({
    ...t,
    execute: (args: any, ctx: any) => (startedIds.includes(ctx.callId) ? new Promise(() => undefined) : Object.hasOwn(finished, ctx.callId) ? finished[ctx.callId] : new Promise(() => undefined)),
  }));
  const done = run(plan, { tools: hang, runId, journal, signal: controller.signal, concurrency: Infinity });
  return new Promise((resolve) =>
    setImmediate(() => {
      controller.abort();
      void done.then(() => resolve(journal));
    }),
  );
}

describe('journal', () => {
  it('resumes: succeeded calls are not run again; a write that started with no outcome ends OUTCOME_UNKNOWN and its dependents are skipped', async () => {
    // a finished; b started and the process "died": b is a non-idempotent write.
    const journal = await crashedJournal(['b'], 'job', { a: { v: 10 }, c: 20 });
    const log: string[] = [];
    const { result, events } = await runLogged({ journal }, 'job', log);
    expect(result.calls['a']?.status).toBe('succeeded');
    expect(result.calls['b']?.status).toBe('failed');
    expect(result.calls['b']?.error?.code).toBe('OUTCOME_UNKNOWN');
    expect(result.calls['b']?.error?.message).toMatch(/started in an earlier run of job/);
    expect(log.includes('b')).toBe(false);
    expect(log.includes('a')).toBe(false);
    expect(events.some((e) => e.type === 'call_failed' && e.callId === 'b' && e.error.code === 'OUTCOME_UNKNOWN')).toBe(true);
    // Sticky: a third run still does not run b.
    const again: string[] = [];
    const third = await runLogged({ journal }, 'job', again);
    expect(again.includes('b')).toBe(false);
    expect(third.result.calls['b']?.error?.code).toBe('OUTCOME_UNKNOWN');
  });

  it('an idempotent tool that started with no outcome runs again', async () => {
    const journal = await crashedJournal(['a', 'b'], 'job');
    const log: string[] = [];
    const { result } = await runLogged({ journal }, 'job', log, { idempotent: true });
    expect(log.sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(result.calls['d']?.result).toEqual({ v: 200 });
  });

  it("the user's onUnknownOutcome decides: 'run', or a function per call", async () => {
    const journal = await crashedJournal(['a', 'b'], 'job');
    const seen: string[] = [];
    const log: string[] = [];
    const { result } = await runLogged({ journal, onUnknownOutcome: (call: { callId: string; start: { runId: string } }) => (seen.push(`${call.callId}@${call.start.runId}`), call.callId === 'a' ? 'run' : 'fail') }, 'job', log);
    expect(seen.sort()).toEqual(['a@job', 'b@job']);
    expect(log.includes('a') && !log.includes('b')).toBe(true);
    expect(result.calls['b']?.error?.code).toBe('OUTCOME_UNKNOWN');
    const all: string[] = [];
    await runLogged({ journal: await crashedJournal(['a', 'b'], 'job2'), onUnknownOutcome: 'run' }, 'job2', all);
    expect(all.sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('a tool marked DEDUPES_BY_KEY runs again by default (its execute returns the first outcome for the key)', async () => {
    const journal = await crashedJournal(['a', 'b'], 'job');
    const log: string[] = [];
    const marked = tools(log).map((t) => (t.name === 'write' ? { ...t, [DEDUPES_BY_KEY]: true } : t));
    const result = await run(plan, { tools: marked, runId: 'job', journal });
    expect(log.sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(result.calls['d']?.status).toBe('succeeded');
  });

  it('records the start before the tool runs: an asynchronous started() is awaited', async () => {
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const records = new Map<string, JournalRecord>();
    const journal: Journal = {
      lookup: async (key) => records.get(key),
      started: async (key, info) => {
        order.push(`started ${info.callId}`);
        await gate;
        records.set(key, { state: 'started', start: info });
      },
      finished: (key, outcome) => void records.set(key, { state: 'finished', outcome }),
    };
    const done = run({ calls: [{ id: 'w', tool: 'write', args: { v: 1 } }] }, { tools: [{ name: 'write', execute: () => order.push('executed w') }], runId: 'x', journal });
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['started w']);
    release();
    const result = await done;
    expect(order).toEqual(['started w', 'executed w']);
    expect(result.calls['w']?.status).toBe('succeeded');
    expect([...records.values()][0]?.state).toBe('finished');
  });

  it('a journal that throws fails only that call, with JOURNAL_ERROR', async () => {
    const journal: Journal = {
      lookup: (key) => {
        if (key.length > 0 && calls++ === 0) throw new Error('disk on fire');
        return undefined;
      },
      started: () => undefined,
      finished: () => undefined,
    };
    let calls = 0;
    const result = await run({ calls: [{ id: 'x', tool: 't', args: {} }, { id: 'y', tool: 't', args: { n: 1 } }] }, { tools: [{ name: 't', effects: { readOnly: true }, execute: () => 'ok' }], journal, concurrency: 1 });
    expect(result.calls['x']?.error?.code).toBe('JOURNAL_ERROR');
    expect(result.calls['x']?.error?.message).toMatch(/disk on fire/);
    expect(result.calls['y']?.status).toBe('succeeded');
  });

  it('a timed-out write leaves only its start: the next run ends it OUTCOME_UNKNOWN instead of writing again', async () => {
    const journal = new MemoryJournal();
    const log: string[] = [];
    const slow = [{ name: 'write', timeoutMs: 5, execute: (_a: unknown, { callId }: { callId: string }) => (log.push(callId), new Promise(() => undefined)) }];
    const one = await run({ calls: [{ id: 'w', tool: 'write', args: {} }] }, { tools: slow, runId: 'j', journal });
    expect(one.calls['w']?.error?.code).toBe('TIMEOUT');
    const two = await run({ calls: [{ id: 'w', tool: 'write', args: {} }] }, { tools: slow, runId: 'j', journal });
    expect(two.calls['w']?.error?.code).toBe('OUTCOME_UNKNOWN');
    expect(log).toEqual(['w']);
  });

  it('a failure recorded in the journal is decided again', async () => {
    const journal = new MemoryJournal();
    const one = await runLogged({ journal }, 'f', [], { failOn: 2 });
    expect(one.result.calls['b']?.status).toBe('failed');
    const log: string[] = [];
    const two = await runLogged({ journal }, 'f', log);
    expect(log).toEqual(['b']);
    expect(two.result.calls['b']?.status).toBe('succeeded');
    expect(ToolgraphError.isInstance(two)).toBe(false);
  });
});
