import fc from 'fast-check';
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/graph/validate.js';
import type { Call } from '../../src/plan/schema.js';
import { isTerminalEvent } from '../../src/schedule/events.js';
import type { RunResult } from '../../src/schedule/run-result.js';
import { run } from '../../src/schedule/scheduler.js';
import type { Tool } from '../../src/tools/tool-types.js';
import { EventLog, VirtualClock, tool } from './harness.js';

interface Spec {
  readonly deps: number[];
  readonly viaAfter: boolean[];
  readonly ms: number;
  readonly fail: boolean;
  readonly tool: number;
}

const TOOLS = 3;

/** A random DAG: each call depends only on earlier ones (plan order is a topological order). */
const specsArb = fc
  .array(
    fc.record({
      deps: fc.uniqueArray(fc.nat(40), { maxLength: 3 }),
      viaAfter: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
      ms: fc.integer({ min: 0, max: 30 }),
      fail: fc.integer({ min: 0, max: 6 }).map((x) => x === 0),
      tool: fc.integer({ min: 0, max: TOOLS - 1 }),
    }),
    { minLength: 1, maxLength: 12 },
  )
  .map((raw): Spec[] => raw.map((s, i) => ({ ...s, deps: i === 0 ? [] : [...new Set(s.deps.map((d) => d % i))] })));

const capsArb = fc.record({
  global: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.constant(Infinity)),
  perTool: fc.array(fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }), { minLength: TOOLS, maxLength: TOOLS }),
});

/** Limits beyond caps: a rate limit on t1 and a timeout on t2 (never equal to a latency, so no ties). */
const limitsArb = fc.record({
  rate: fc.option(fc.record({ limit: fc.integer({ min: 1, max: 2 }), intervalMs: fc.integer({ min: 5, max: 40 }) }), { nil: undefined }),
  timeoutMs: fc.option(fc.integer({ min: 0, max: 30 }).map((x) => x + 0.5), { nil: undefined }),
});

type Limits = { rate?: { limit: number; intervalMs: number } | undefined; timeoutMs?: number | undefined };

function toCalls(specs: readonly Spec[]): Call[] {
  return specs.map((s, i) => {
    const refs = s.deps.filter((_, k) => s.viaAfter[k] !== true);
    const after = s.deps.filter((_, k) => s.viaAfter[k] === true);
    return { id: `c${i}`, tool: `t${s.tool}`, args: { i, ms: s.ms, fail: s.fail, inputs: refs.map((d) => `\${c${d}.v}`) }, ...(after.length > 0 ? { after: after.map((d) => `c${d}`) } : {}) };
  });
}

/** What must happen: a call fails when it fails itself (or outlives t2's timeout) with all inputs done; it is skipped when an input did not succeed. */
function expected(specs: readonly Spec[], limits: Limits = {}): { status: string; v?: number }[] {
  const out: { status: string; v?: number }[] = [];
  specs.forEach((s, i) => {
    if (s.deps.some((d) => out[d]?.status !== 'succeeded')) out.push({ status: 'skipped' });
    else if (s.fail || (s.tool === 2 && limits.timeoutMs !== undefined && s.ms > limits.timeoutMs)) out.push({ status: 'failed' });
    else {
      const refs = s.deps.filter((_, k) => s.viaAfter[k] !== true);
      out.push({ status: 'succeeded', v: i + refs.reduce((sum, d) => sum + (out[d]?.v as number), 0) });
    }
  });
  return out;
}

/** Tools that wait their call's `ms` of virtual time and count how many run at once. */
function makeTools(clock: VirtualClock, perTool: readonly (number | undefined)[], limits: Limits = {}) {
  const stats = { running: 0, peak: 0, perRunning: new Array<number>(TOOLS).fill(0), perPeak: new Array<number>(TOOLS).fill(0), starts: Array.from({ length: TOOLS }, () => [] as number[]) };
  const tools: Tool[] = Array.from({ length: TOOLS }, (_, k) =>
    tool({
      name: `t${k}`,
      ...(perTool[k] === undefined ? {} : { concurrency: perTool[k] }),
      ...(k === 1 && limits.rate !== undefined ? { rateLimit: limits.rate } : {}),
      ...(k === 2 && limits.timeoutMs !== undefined ? { timeoutMs: limits.timeoutMs } : {}),
      execute: async (args: Record<string, unknown>, ctx) => {
        stats.starts[k]?.push(clock.now);
        stats.running++;
        stats.perRunning[k] = (stats.perRunning[k] as number) + 1;
        stats.peak = Math.max(stats.peak, stats.running);
        stats.perPeak[k] = Math.max(stats.perPeak[k] as number, stats.perRunning[k] as number);
        // A call stops counting when it returns or when its signal aborts (a timed-out call frees its slot at once).
        let counted = true;
        const release = (): void => {
          if (!counted) return;
          counted = false;
          stats.running--;
          stats.perRunning[k] = (stats.perRunning[k] as number) - 1;
        };
        ctx.signal.addEventListener('abort', release, { once: true });
        try {
          await clock.sleep(args['ms'] as number, ctx.signal);
        } finally {
          release();
        }
        if (args['fail'] === true) throw new Error(`c${String(args['i'])} fails`);
        return { v: (args['i'] as number) + (args['inputs'] as number[]).reduce((a, b) => a + b, 0) };
      },
    }),
  );
  return { tools, stats };
}

function ancestors(specs: readonly Spec[], i: number): Set<number> {
  const seen = new Set<number>();
  const stack = [...(specs[i]?.deps ?? [])];
  while (stack.length > 0) {
    const d = stack.pop() as number;
    if (seen.has(d)) continue;
    seen.add(d);
    stack.push(...(specs[d]?.deps ?? []));
  }
  return seen;
}

function outcome(result: RunResult): { status: string; v?: unknown }[] {
  return result.order.map((id) => {
    const c = result.calls[id];
    return c?.status === 'succeeded' ? { status: c.status, v: (c.result as { v: unknown }).v } : { status: c?.status ?? 'missing' };
  });
}

describe('scheduler properties over random DAGs, latencies, failures and caps (virtual time)', () => {
  it('inputs first, caps and rate limits hold, one terminal event per call, failures and timeouts skip exactly their transitive dependents', async () => {
    await fc.assert(
      fc.asyncProperty(specsArb, capsArb, limitsArb, fc.boolean(), async (specs, caps, limits, compiled) => {
        const clock = new VirtualClock();
        const { tools, stats } = makeTools(clock, caps.perTool, limits);
        const log = new EventLog();
        const calls = toCalls(specs);
        // The plan as JSON, or compiled first by parsePlan() (the engine then reads its packed layout).
        const plan = compiled ? parsePlan({ calls }, { tools }) : { calls };
        const done = run(plan, { tools, concurrency: caps.global, scheduler: clock.scheduler, onEvent: log.onEvent });
        await clock.run();
        const result = await done;

        // One terminal event per call, schema-valid events, monotonic t, run_finished last.
        log.assertWellFormed(calls.map((c) => c.id));

        // No call starts before all its inputs succeeded.
        const succeededAt = new Map<string, number>();
        log.events.forEach((e, k) => {
          if (e.type === 'call_succeeded') succeededAt.set(e.callId, k);
          if (e.type === 'call_started') {
            const i = Number(e.callId.slice(1));
            for (const d of specs[i]?.deps ?? []) {
              const at = succeededAt.get(`c${d}`);
              expect(at !== undefined && at < k, `c${i} started before c${d} succeeded`).toBe(true);
              expect(e.t).toBeGreaterThanOrEqual(result.calls[`c${d}`]?.endedMs as number);
            }
          }
        });

        // No cap is ever exceeded.
        expect(stats.peak).toBeLessThanOrEqual(caps.global);
        caps.perTool.forEach((cap, k) => {
          if (cap !== undefined) expect(stats.perPeak[k]).toBeLessThanOrEqual(cap);
        });
        expect(result.metrics.maxParallelism).toBeLessThanOrEqual(caps.global);
        if (limits.rate !== undefined) {
          const times = stats.starts[1] ?? [];
          for (let k = limits.rate.limit; k < times.length; k++) expect((times[k] as number) - (times[k - limits.rate.limit] as number)).toBeGreaterThanOrEqual(limits.rate.intervalMs);
        }

        // Statuses and values are exactly what the DAG implies; skips name a failed ancestor.
        expect(outcome(result)).toEqual(expected(specs, limits));
        specs.forEach((spec, i) => {
          const c = result.calls[`c${i}`];
          const timesOut = spec.tool === 2 && limits.timeoutMs !== undefined && spec.ms > limits.timeoutMs;
          if (c?.status === 'failed') expect(c.error?.code).toBe(timesOut ? 'TIMEOUT' : 'TOOL_ERROR');
          if (c?.status === 'failed' && timesOut) expect((c.endedMs as number) - (c.startedMs as number)).toBe(limits.timeoutMs);
        });
        specs.forEach((_, i) => {
          const c = result.calls[`c${i}`];
          if (c?.status !== 'skipped') return;
          const cause = c.error?.details?.['cause'] as string;
          expect(result.calls[cause]?.status).toBe('failed');
          expect(ancestors(specs, i).has(Number(cause.slice(1)))).toBe(true);
        });

        // Makespan is never below the critical path; nothing is left running.
        expect(result.metrics.makespanMs).toBeGreaterThanOrEqual(result.metrics.criticalPathMs);
        expect(clock.pendingTimers).toBe(0);
      }),
      { numRuns: 120 },
    );
  });

  it('uncapped, with no failures, makespan equals the critical path (the scheduler adds no delay)', async () => {
    await fc.assert(
      fc.asyncProperty(specsArb, async (raw) => {
        const specs = raw.map((s) => ({ ...s, fail: false }));
        const clock = new VirtualClock();
        const { tools } = makeTools(clock, [undefined, undefined, undefined]);
        const done = run({ calls: toCalls(specs) }, { tools, concurrency: Infinity, scheduler: clock.scheduler });
        await clock.run();
        const result = await done;
        // Earliest possible finish of every call, from the specs alone.
        const finish: number[] = [];
        specs.forEach((s, i) => finish.push(Math.max(0, ...s.deps.map((d) => finish[d] as number)) + s.ms));
        specs.forEach((_, i) => expect(result.calls[`c${i}`]?.endedMs).toBe(finish[i]));
        expect(result.metrics.criticalPathMs).toBe(Math.max(...finish));
      }),
      { numRuns: 80 },
    );
  });

  it('streamed plans (in any arrival order, AsyncIterable or Subject) give the same statuses and results as whole plans', async () => {
    await fc.assert(
      fc.asyncProperty(
        specsArb,
        capsArb,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 12, maxLength: 12 }),
        fc.constantFrom('iterable', 'subject'),
        async (specs, caps, keys, kind) => {
          const calls = toCalls(specs);
          const whole = await (async () => {
            const clock = new VirtualClock();
            const { tools } = makeTools(clock, caps.perTool);
            const done = run({ calls }, { tools, concurrency: caps.global, scheduler: clock.scheduler });
            await clock.run();
            return done;
          })();
          const shuffled = calls.map((c, k) => ({ c, key: keys[k] ?? 0 })).sort((a, b) => a.key - b.key).map((x) => x.c);
          const clock = new VirtualClock();
          const { tools, stats } = makeTools(clock, caps.perTool);
          const log = new EventLog();
          let source: unknown;
          if (kind === 'subject') {
            const subject = new Subject<Call>();
            source = subject;
            clock.scheduler.schedule(() => {
              for (const c of shuffled) subject.next(c);
              subject.complete();
            }, 0);
          } else {
            source = (async function* () {
              for (const c of shuffled) {
                await clock.sleep(1);
                yield c;
              }
            })();
          }
          const done = run(source, { tools, concurrency: caps.global, scheduler: clock.scheduler, onEvent: log.onEvent });
          await clock.run();
          const streamed = await done;
          const byId = (r: RunResult) => Object.fromEntries(r.order.map((id) => [id, { status: r.calls[id]?.status, result: r.calls[id]?.result }]));
          expect(byId(streamed)).toEqual(byId(whole));
          expect(streamed.order).toEqual(shuffled.map((c) => c.id));
          expect(log.events.filter(isTerminalEvent)).toHaveLength(calls.length);
          expect(stats.peak).toBeLessThanOrEqual(caps.global);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('with fc.scheduler ordering completions at random: inputs first, caps hold, outcomes as the DAG implies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), specsArb, capsArb, async (s, specs, caps) => {
        const running = { all: 0, peak: 0, per: new Array<number>(TOOLS).fill(0), perPeak: new Array<number>(TOOLS).fill(0) };
        const succeeded = new Set<string>();
        const tools = Array.from({ length: TOOLS }, (_, k) =>
          tool({
            name: `t${k}`,
            ...(caps.perTool[k] === undefined ? {} : { concurrency: caps.perTool[k] }),
            execute: (args: Record<string, unknown>, ctx) => {
              const i = args['i'] as number;
              for (const d of specs[i]?.deps ?? []) expect(succeeded.has(`c${d}`), `c${i} started before c${d} succeeded`).toBe(true);
              running.all++;
              running.per[k] = (running.per[k] as number) + 1;
              running.peak = Math.max(running.peak, running.all);
              running.perPeak[k] = Math.max(running.perPeak[k] as number, running.per[k] as number);
              return s.schedule(Promise.resolve(), ctx.callId).then(() => {
                running.all--;
                running.per[k] = (running.per[k] as number) - 1;
                if (args['fail'] === true) throw new Error('fails');
                return { v: i + (args['inputs'] as number[]).reduce((a, b) => a + b, 0) };
              });
            },
          }),
        );
        const done = run({ calls: toCalls(specs) }, { tools, concurrency: caps.global, onEvent: (e) => e.type === 'call_succeeded' && succeeded.add(e.callId) });
        // Releases scheduled completions one at a time, in random order, until the run ends.
        const result = await s.waitFor(done);
        expect(running.peak).toBeLessThanOrEqual(caps.global);
        caps.perTool.forEach((cap, k) => {
          if (cap !== undefined) expect(running.perPeak[k]).toBeLessThanOrEqual(cap);
        });
        expect(outcome(result)).toEqual(expected(specs));
      }),
      { numRuns: 100 },
    );
  });

  it('aborting at a random moment: one terminal event per call, nothing starts after, every running signal aborts, no timer left', async () => {
    await fc.assert(
      fc.asyncProperty(specsArb, capsArb, fc.integer({ min: 0, max: 80 }), async (specs, caps, abortAt) => {
        const clock = new VirtualClock();
        const { tools, stats } = makeTools(clock, caps.perTool);
        const controller = new AbortController();
        const log = new EventLog();
        const calls = toCalls(specs);
        const done = run({ calls }, { tools, concurrency: caps.global, scheduler: clock.scheduler, signal: controller.signal, onEvent: log.onEvent });
        clock.scheduler.schedule(() => controller.abort(), abortAt);
        await clock.run();
        const result = await done;
        log.assertWellFormed(calls.map((c) => c.id));
        // Nothing starts after the abort.
        for (const e of log.of('call_started')) expect(e.t).toBeLessThanOrEqual(abortAt);
        const startsAfter = stats.starts.flat().filter((t) => t > abortAt);
        expect(startsAfter).toEqual([]);
        expect(stats.running).toBe(0); // every running sleep was aborted (or finished)
        for (const id of result.order) {
          const c = result.calls[id];
          if (c?.status === 'cancelled') expect(c.endedMs).toBe(abortAt);
          if (c?.status === 'succeeded' || c?.status === 'failed') expect(c.endedMs as number).toBeLessThanOrEqual(abortAt);
        }
        expect(clock.pendingTimers).toBe(0);
        // The run ends at the abort at the latest.
        expect(log.events.at(-1)?.t).toBeLessThanOrEqual(abortAt);
        if (result.metrics.cancelled > 0) expect(log.events.at(-1)?.t).toBe(abortAt);
      }),
      { numRuns: 80 },
    );
  });
});
