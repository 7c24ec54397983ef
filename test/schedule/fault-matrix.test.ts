/**
 * Fault-injection matrix: generated plans over fake tools that log every invocation with its
 * idempotency key, with faults at random places (throw retryable, throw non-retryable, hang
 * past the timeout, slow, succeed then lose the reply, malformed output, run aborted midway),
 * approvals that approve, reject or edit, and plan orders where an earlier call waits on a
 * later one. Every scenario runs in virtual time, so "every run ends" is checkable.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NonRetryableError } from '../../src/errors.js';
import { isTerminalEvent, type RunEvent } from '../../src/schedule/events.js';
import type { ApprovalDecision } from '../../src/schedule/policies/approval.js';
import { defineTool } from '../../src/tools/define-tool.js';
import type { Tool, ToolDefinition } from '../../src/tools/tool-types.js';
import { seeded, VirtualTime } from './policies/virtual-time.js';
import { run } from '../../src/schedule/scheduler.js';

const SCENARIOS = 240;
const FAULTS = ['none', 'throw_retryable', 'throw_nonretryable', 'hang', 'slow', 'lost_reply', 'malformed'] as const;
type Fault = (typeof FAULTS)[number];
const TOOLS = ['write', 'write_idem', 'append', 'read', 'search'] as const;
type ToolName = (typeof TOOLS)[number];
const IDEMPOTENT: ReadonlySet<string> = new Set(['write_idem', 'read', 'search']);
const WRITES: ReadonlySet<string> = new Set(['write', 'write_idem', 'append']);
const TIMEOUT_MS = 100;

interface Entry {
  readonly tool: string;
  readonly callId: string;
  readonly attempt: number;
  readonly key: string;
  readonly args: { path?: string };
  readonly start: number;
  end: number | undefined;
}

interface Scenario {
  readonly seed: number;
  readonly calls: { id: string; tool: ToolName; args: Record<string, unknown>; after?: string[] }[];
  readonly faults: ReadonlyMap<string, { fault: Fault; everyAttempt: boolean }>;
  readonly abortAt: number | undefined;
  readonly approver: boolean;
  readonly concurrency: number;
  readonly reordered: boolean;
}

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)] as T;
}

function generate(seed: number): Scenario {
  const random = seeded(seed);
  const n = 2 + Math.floor(random() * 11);
  // A topological order that is mostly plan order; some swaps make earlier calls wait on later ones.
  const topo = Array.from({ length: n }, (_, i) => i);
  const reordered = random() < 0.25;
  if (reordered) {
    for (let s = 0; s < 2; s++) {
      const i = Math.floor(random() * n);
      const j = Math.floor(random() * n);
      [topo[i], topo[j]] = [topo[j] as number, topo[i] as number];
    }
  }
  const pos = new Array<number>(n);
  topo.forEach((call, p) => (pos[call] = p));
  const faults = new Map<string, { fault: Fault; everyAttempt: boolean }>();
  const calls: Scenario['calls'] = [];
  for (let i = 0; i < n; i++) {
    const id = `c${i}`;
    const tool = pick(random, TOOLS);
    const earlier = topo.slice(0, pos[i]).map((k) => `c${k}`);
    const args: Record<string, unknown> = { path: pick(random, ['a', 'b', 'c']) };
    const call: Scenario['calls'][number] = { id, tool, args };
    if (earlier.length > 0 && random() < 0.35) args['path'] = `\${${pick(random, earlier)}.path}`;
    if (earlier.length > 0 && random() < 0.25) call.after = [pick(random, earlier)];
    calls.push(call);
    const fault = random() < 0.45 ? 'none' : pick(random, FAULTS.slice(1));
    faults.set(id, { fault, everyAttempt: random() < 0.3 });
  }
  return {
    seed,
    calls,
    faults,
    abortAt: random() < 0.2 ? Math.floor(random() * 200) : undefined,
    approver: random() < 0.3,
    concurrency: pick(random, [1, 2, 4, Infinity]),
    reordered,
  };
}

function makeTools(s: Scenario, time: VirtualTime, log: Entry[]): Tool[] {
  const random = seeded(s.seed ^ 0x5eed);
  const output = z.object({ ok: z.literal(true), path: z.string(), by: z.string() });
  const fileResources = (a: { path?: string }): string[] => [`file:${String(a.path)}`];
  const defs: Record<ToolName, Partial<ToolDefinition>> = {
    write: { resources: fileResources },
    write_idem: { effects: { idempotent: true }, resources: fileResources, retry: { maxAttempts: 3, initialMs: 5, jitter: 0.5 } },
    append: { effects: { destructive: false } },
    read: { effects: { readOnly: true, idempotent: true }, resources: fileResources, retry: { maxAttempts: 3, initialMs: 5 }, hedge: { afterMs: 40, maxExtra: 0.3 } },
    search: { effects: { readOnly: true, idempotent: true }, retry: { maxAttempts: 2, initialMs: 5 } },
  };
  return TOOLS.map((name) =>
    defineTool({
      name,
      ...defs[name],
      input: z.object({ path: z.string() }),
      output,
      timeoutMs: TIMEOUT_MS,
      async execute(args: { path: string }, ctx) {
        const entry: Entry = { tool: name, callId: ctx.callId, attempt: ctx.attempt, key: ctx.idempotencyKey, args, start: time.now(), end: undefined };
        log.push(entry);
        const planned = s.faults.get(ctx.callId) ?? { fault: 'none', everyAttempt: false };
        const fault: Fault = planned.everyAttempt || ctx.attempt === 1 ? planned.fault : 'none';
        try {
          switch (fault) {
            case 'none':
              await time.sleep(5 + Math.floor(random() * 20), ctx.signal);
              return { ok: true as const, path: args.path, by: ctx.callId };
            case 'slow':
              await time.sleep(50 + Math.floor(random() * 45), ctx.signal);
              return { ok: true as const, path: args.path, by: ctx.callId };
            case 'hang':
              await time.sleep(100 * TIMEOUT_MS, ctx.signal);
              return { ok: true as const, path: args.path, by: ctx.callId };
            case 'throw_retryable':
              await time.sleep(3, ctx.signal);
              throw new Error('transient failure');
            case 'throw_nonretryable':
              await time.sleep(3, ctx.signal);
              throw new NonRetryableError('permanent failure');
            case 'lost_reply':
              await time.sleep(8, ctx.signal);
              // The side effect happened (logged above); the reply is lost.
              throw Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });
            case 'malformed':
              await time.sleep(4, ctx.signal);
              return { ok: 'yes', path: 42 } as unknown as { ok: true; path: string; by: string };
          }
        } finally {
          entry.end = time.now();
        }
      },
    } as ToolDefinition<{ path: string }, { ok: true; path: string; by: string }>) as unknown as Tool,
  );
}

function resources(e: Entry): string[] {
  if (e.tool === 'append') return ['tool:append'];
  if (e.tool === 'search') return [];
  return [`file:${String(e.args.path)}`];
}

function conflict(a: Entry, b: Entry): boolean {
  if (!WRITES.has(a.tool) && !WRITES.has(b.tool)) return false;
  const ra = resources(a);
  return resources(b).some((r) => ra.includes(r));
}

async function runScenario(s: Scenario): Promise<{ events: RunEvent[]; log: Entry[]; settled: boolean; time: VirtualTime; error: unknown }> {
  const time = new VirtualTime();
  const log: Entry[] = [];
  const events: RunEvent[] = [];
  const random = seeded(s.seed ^ 0xa11);
  const controller = new AbortController();
  if (s.abortAt !== undefined) time.at(s.abortAt, () => controller.abort());
  const approve = (call: { args: unknown }): Promise<ApprovalDecision> =>
    new Promise<ApprovalDecision>((resolve, reject) => {
      const x = random();
      time.at(Math.floor(random() * 30), () => {
        if (x < 0.6) resolve('approve');
        else if (x < 0.8) resolve({ reject: 'not today' });
        else if (x < 0.9) resolve({ edit: { ...(call.args as object), path: 'edited' } });
        else reject(new Error('approver offline'));
      });
    });
  const outcome = await time.drive(
    run({ calls: s.calls }, {
      tools: makeTools(s, time, log),
      scheduler: time.scheduler,
      runId: `run-${s.seed}`,
      concurrency: s.concurrency,
      signal: controller.signal,
      random,
      onEvent: (e) => events.push(e),
      ...(s.approver ? { approve, requireApproval: 'writes' as const } : {}),
    }),
  );
  return { events, log, settled: outcome.settled, time, error: outcome.error };
}

const scenarios = Array.from({ length: SCENARIOS }, (_, k) => generate(1000 + k));

describe('fault-injection matrix', () => {
  it('has at least 200 scenarios, covering every fault, aborts, approvals and reordered plans', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(200);
    const faultCount = new Map<Fault, number>();
    for (const s of scenarios) for (const f of new Set([...s.faults.values()].map((v) => v.fault))) faultCount.set(f, (faultCount.get(f) ?? 0) + 1);
    for (const f of FAULTS) expect(faultCount.get(f) ?? 0, f).toBeGreaterThanOrEqual(20);
    expect(scenarios.filter((s) => s.abortAt !== undefined).length).toBeGreaterThanOrEqual(20);
    expect(scenarios.filter((s) => s.approver).length).toBeGreaterThanOrEqual(20);
    expect(scenarios.filter((s) => s.reordered).length).toBeGreaterThanOrEqual(20);
  });

  it.each(scenarios.map((s) => [s.seed, s] as const))('scenario %i', async (_seed, s) => {
    const { events, log, settled, error } = await runScenario(s);
    // Every run ends (virtual time: no timer left and not finished would mean a hang).
    expect(settled, 'the run hung').toBe(true);
    expect(error).toBeUndefined();
    expect(events.at(-1)?.type).toBe('run_finished');

    // Every call ends in exactly one terminal state.
    const terminal = new Map<string, number>();
    for (const e of events) if (isTerminalEvent(e)) terminal.set(e.callId, (terminal.get(e.callId) ?? 0) + 1);
    for (const call of s.calls) expect(terminal.get(call.id), `terminal events of ${call.id}`).toBe(1);
    expect(terminal.size).toBe(s.calls.length);

    // Nothing is still running after the run ended.
    expect(log.filter((e) => e.end === undefined)).toEqual([]);

    const toolOf = new Map(s.calls.map((c) => [c.id, c.tool]));
    // Zero duplicate executions of non-idempotent tools; retries only on idempotent tools.
    for (const [id, tool] of toolOf) {
      if (IDEMPOTENT.has(tool)) continue;
      expect(log.filter((e) => e.callId === id).length, `executions of ${id} (${tool})`).toBeLessThanOrEqual(1);
    }
    for (const e of events) {
      if (e.type === 'call_retry') expect(IDEMPOTENT.has(e.tool), `retry of ${e.callId} (${e.tool})`).toBe(true);
      if (e.type === 'call_started' && e.hedge === true) expect(e.tool).toBe('read');
    }

    // One idempotency key per call, across retries and hedged copies.
    for (const id of toolOf.keys()) expect(new Set(log.filter((e) => e.callId === id).map((e) => e.key)).size).toBeLessThanOrEqual(1);

    // Zero overlapping executions of conflicting calls.
    for (let i = 0; i < log.length; i++) {
      for (let j = i + 1; j < log.length; j++) {
        const a = log[i] as Entry;
        const b = log[j] as Entry;
        if (a.callId === b.callId || !conflict(a, b)) continue;
        const overlap = a.start < (b.end as number) && b.start < (a.end as number);
        expect(overlap, `${a.callId} [${a.start}, ${a.end}) and ${b.callId} [${b.start}, ${b.end}) overlap on ${resources(a).join()}`).toBe(false);
      }
    }
  });
});
