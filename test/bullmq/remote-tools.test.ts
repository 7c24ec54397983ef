import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToolWorker, remoteTools, redisJournal, type RemoteTools } from '../../src/bullmq/index.js';
import { run } from '../../src/schedule/scheduler.js';
import { MemoryJournal } from '../../src/journal/memory-journal.js';
import { ensureBuilt } from '../helpers/built-cli.js';
import { linesOf, startWorker, waitFor, type Child } from '../helpers/bullmq-processes.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
// @ts-expect-error: a plain ES module shared with the worker processes
import fixtureTools, { chainPlan, expectedValue } from '../fixtures/bullmq-tools.mjs';

const redis = await startRedis();
if (typeof redis === 'string') console.warn(`skipping the toolgraph/bullmq tests: ${redis}`);

describe.skipIf(typeof redis === 'string')('remoteTools with createToolWorker (real redis-server, workers in child processes)', () => {
  const server = redis as RedisServer;
  const connection = { host: '127.0.0.1', port: server.port, maxRetriesPerRequest: null };
  const dir = mkdtempSync(join(tmpdir(), 'toolgraph-bullmq-'));
  const log = join(dir, 'executions.log');
  let worker: Child;
  let remote: RemoteTools;

  beforeAll(async () => {
    await ensureBuilt();
    worker = await startWorker(server.url, 'basic', log, ['--concurrency', '8']);
    remote = remoteTools(fixtureTools, { connection, queueName: 'basic' });
  });
  afterAll(async () => {
    await remote?.close();
    await worker?.stop();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a plan on the worker: references filled across jobs, each call executed once', async () => {
    const result = await run(chainPlan(40), { tools: remote.tools, runId: 'basic-1', concurrency: 16 });
    for (let i = 0; i < 40; i++) expect(result.calls[`c${i}`]?.result).toEqual({ n: i, value: expectedValue(i) });
    const lines = linesOf(log).filter((l) => /^c\d+ /.test(l));
    expect(lines).toHaveLength(40);
    expect(new Set(lines).size).toBe(40);
  });

  it('a repeated run id reuses the finished jobs: nothing runs again, results come back', async () => {
    const before = linesOf(log).length;
    const result = await run(chainPlan(40), { tools: remote.tools, runId: 'basic-1', concurrency: 16 });
    expect(linesOf(log).length).toBe(before);
    expect(result.calls['c39']?.result).toEqual({ n: 39, value: expectedValue(39) });
  });

  it("a timeout reaches the job: the worker's tool sees its signal abort", async () => {
    const waitTool = (fixtureTools as { name: string }[]).find((t) => t.name === 'wait_for_abort') as object;
    const timed = remoteTools([{ ...waitTool, timeoutMs: 300 } as never], { connection, queueName: 'basic' });
    try {
      const result = await run({ calls: [{ id: 'slow', tool: 'wait_for_abort', args: { tag: 't1' } }] }, { tools: timed.tools, runId: 'basic-2' });
      expect(result.calls['slow']?.error?.code).toBe('TIMEOUT');
      await waitFor('the worker to log the abort', () => linesOf(log).includes('slow aborted t1'), 20_000);
    } finally {
      await timed.close();
    }
  });

  it('cancelling the run reaches the job', async () => {
    const controller = new AbortController();
    const done = run({ calls: [{ id: 'held', tool: 'wait_for_abort', args: { tag: 't2' } }] }, { tools: remote.tools, runId: 'basic-3', signal: controller.signal });
    await waitFor('the worker to start the job', () => linesOf(log).includes('held started t2'), 20_000);
    controller.abort();
    expect((await done).calls['held']?.status).toBe('cancelled');
    await waitFor('the worker to log the abort', () => linesOf(log).includes('held aborted t2'), 20_000);
  });

  it("the worker checks args with the tool's schema, and the error comes back with its code", async () => {
    // The coordinator's definition has no schema, so only the worker can refuse the args.
    const loose = remoteTools([{ name: 'append', execute: () => undefined }], { connection, queueName: 'basic' });
    try {
      const result = await run({ calls: [{ id: 'bad', tool: 'append', args: { n: 'seven' } }] }, { tools: loose.tools, runId: 'basic-4' });
      expect(result.calls['bad']?.error).toMatchObject({ code: 'INVALID_ARGS', callId: 'bad', location: 'args.n' });
      expect(result.calls['bad']?.error?.message).toMatch(/args\.n/);
    } finally {
      await loose.close();
    }
  });

  it('an unknown tool on the worker fails with UNKNOWN_TOOL, not a hang', async () => {
    const other = remoteTools([{ name: 'nope', effects: { readOnly: true }, execute: () => undefined }], { connection, queueName: 'basic' });
    try {
      const result = await run({ calls: [{ id: 'x', tool: 'nope', args: {} }] }, { tools: other.tools, runId: 'basic-5' });
      expect(result.calls['x']?.error?.code).toBe('UNKNOWN_TOOL');
    } finally {
      await other.close();
    }
  });

  it("the worker keeps each tool's concurrency and rate limit", async () => {
    let running = 0;
    let most = 0;
    const started: string[] = [];
    const gates: Array<() => void> = [];
    const capped = {
      name: 'capped',
      effects: { readOnly: true },
      concurrency: 2,
      execute: async (_a: unknown, { callId }: { callId: string }) => {
        running++;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
        return callId;
      },
    };
    const limited = { name: 'limited', effects: { readOnly: true }, rateLimit: { limit: 3, intervalMs: 600_000 }, execute: (_a: unknown, { callId }: { callId: string }) => (started.push(callId), callId) };
    const worker = createToolWorker('caps', [capped, limited], { connection, concurrency: 16 });
    await worker.waitUntilReady();
    // remoteTools leaves the caps to the workers: only the worker's gates hold these calls back.
    const remoteCaps = remoteTools([capped, limited], { connection, queueName: 'caps' });
    try {
      const calls = Array.from({ length: 6 }, (_, i) => ({ id: `k${i}`, tool: 'capped', args: { i } }));
      const done = run({ calls }, { tools: remoteCaps.tools, runId: 'caps-1', concurrency: 16 });
      // Release one call at a time once two are running: never more than two at once.
      for (let released = 0; released < 6; released++) {
        await waitFor('a call of the capped tool to run', () => gates.length > 0, 20_000);
        expect(running).toBeLessThanOrEqual(2);
        (gates.shift() as () => void)();
      }
      const result = await done;
      expect(Object.values(result.calls).map((c) => c.status)).toEqual(Array(6).fill('succeeded'));
      expect(most).toBe(2);
      const controller = new AbortController();
      const limitedRun = run({ calls: Array.from({ length: 5 }, (_, i) => ({ id: `l${i}`, tool: 'limited', args: { i } })) }, { tools: remoteCaps.tools, runId: 'caps-2', signal: controller.signal });
      await waitFor('three starts', () => started.length === 3, 20_000);
      // The window is ten minutes: the other two wait for it. They are still waiting when the run is cancelled.
      await new Promise((r) => setTimeout(r, 200));
      expect(started).toHaveLength(3);
      controller.abort();
      const limitedResult = await limitedRun;
      expect(Object.values(limitedResult.calls).filter((c) => c.status === 'succeeded')).toHaveLength(3);
    } finally {
      await remoteCaps.close();
      await worker.close();
    }
  });

  it('the Redis journal resumes a run: started-without-outcome writes end OUTCOME_UNKNOWN unless the tool dedupes by key', async () => {
    const journal = redisJournal({ connection: { host: '127.0.0.1', port: server.port } });
    try {
      const local = [{ name: 'w', execute: () => 'done' }];
      const plan = { calls: [{ id: 'a', tool: 'w', args: {} }] };
      const key = (await new Promise<string>((resolve) => void run(plan, { tools: [{ name: 'w', execute: (_a: unknown, ctx: { idempotencyKey: string }) => (resolve(ctx.idempotencyKey), 'x') }], runId: 'rj', journal: new MemoryJournal() })));
      await journal.started(key, { runId: 'rj', callId: 'a', tool: 'w', attempt: 1 });
      const first = await run(plan, { tools: local, runId: 'rj', journal });
      expect(first.calls['a']?.error?.code).toBe('OUTCOME_UNKNOWN');
      const ok = await run(plan, { tools: local, runId: 'rj2', journal });
      expect(ok.calls['a']?.status).toBe('succeeded');
      const again: string[] = [];
      const cached = await run(plan, { tools: [{ name: 'w', execute: () => (again.push('ran'), 'done') }], runId: 'rj2', journal });
      expect(cached.calls['a']?.result).toBe('done');
      expect(again).toEqual([]);
    } finally {
      await journal.close();
    }
  });
});
