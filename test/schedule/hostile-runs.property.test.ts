/**
 * THE property suite for the engine under hostile conditions: at least 10,000 generated runs in
 * virtual time (a clock of its own, stepped by hand), each a small random plan, whole or
 * streamed in a random arrival order (forward references, cycles closed by a late call), with
 * sync and async tools, random effects and resources, caps, coalescing, retries, and random
 * faults: throws of any value, hangs past the timeout that honour or ignore the abort signal,
 * hostile results (throwing getters, Proxies, cycles, deep nesting, `__proto__` keys).
 *
 * For every run it asserts: the run ends; no two conflicting executions overlap (each
 * execution is tracked from its start to the moment its tool actually settles, ignored abort
 * signals included); no non-idempotent tool executes twice for a call; every call has exactly
 * one terminal event and one record; `Object.prototype` is unchanged. At the end it asserts its
 * own size and the spread of what it generated.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/schedule/clock.js';
import { isTerminalEvent, type RunEvent } from '../../src/schedule/events.js';
import type { RunResult } from '../../src/schedule/run-result.js';
import { run } from '../../src/schedule/scheduler.js';
import { defineTool } from '../../src/tools/define-tool.js';
import type { Tool, ToolContext, ToolDefinition } from '../../src/tools/tool-types.js';
import { seeded } from './policies/virtual-time.js';

const RUNS = 10_000;
const TIMEOUT_MS = 10;

/** Virtual time: timers fire only when the test steps them. */
class StepClock implements Clock {
  t = 0;
  private seq = 0;
  private timers: { at: number; seq: number; fn: () => void; live: boolean }[] = [];
  now(): number {
    return this.t;
  }
  setTimer(fn: () => void, ms: number): () => void {
    const timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn, live: true };
    this.timers.push(timer);
    return () => {
      timer.live = false;
    };
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const cancel = this.setTimer(resolve, ms);
      signal?.addEventListener('abort', () => {
        cancel();
        reject(signal.reason);
      }, { once: true });
    });
  }
  /** Fires the earliest live timer; false when none is left. */
  step(): boolean {
    this.timers = this.timers.filter((x) => x.live);
    if (this.timers.length === 0) return false;
    let best = this.timers[0] as (typeof this.timers)[number];
    for (const x of this.timers) if (x.at < best.at || (x.at === best.at && x.seq < best.seq)) best = x;
    best.live = false;
    this.t = Math.max(this.t, best.at);
    best.fn();
    return true;
  }
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A small seeded PRNG (mulberry32): a scenario is a seed. */
const prng = seeded;

const FAULTS = ['ok', 'ok', 'ok', 'throwError', 'throwString', 'throwNull', 'throwProxy', 'throwHostileError', 'hangIgnore', 'hangHonor', 'resultGetter', 'resultProxy', 'resultCycle', 'resultDeep', 'resultProto'] as const;
type Fault = (typeof FAULTS)[number];

function hostileThrown(fault: Fault): unknown {
  switch (fault) {
    case 'throwString':
      return 'plain text';
    case 'throwNull':
      return null;
    case 'throwProxy':
      return new Proxy({}, { get: () => { throw new Error('trap'); }, getPrototypeOf: () => { throw new Error('trap'); }, ownKeys: () => { throw new Error('trap'); } });
    case 'throwHostileError': {
      const e = new Error('x');
      for (const k of ['message', 'name', 'code']) Object.defineProperty(e, k, { get: () => { throw new Error('getter'); } });
      return e;
    }
    default:
      return new Error('boom');
  }
}

function hostileResult(fault: Fault): unknown {
  switch (fault) {
    case 'resultGetter':
      return Object.defineProperty({ v: 1 }, 'bad', { enumerable: true, get: () => { throw new Error('getter'); } });
    case 'resultProxy':
      return new Proxy({ v: 1 }, { ownKeys: () => { throw new Error('trap'); } });
    case 'resultCycle': {
      const o: Record<string, unknown> = { v: 1 };
      o['self'] = o;
      return o;
    }
    case 'resultDeep': {
      let v: unknown = 1;
      for (let i = 0; i < 3000; i++) v = { v };
      return v;
    }
    case 'resultProto':
      return JSON.parse('{"__proto__": {"polluted": true}, "v": 1}') as unknown;
    default:
      return { v: 1 };
  }
}

interface ToolSpec {
  name: string;
  sync: boolean;
  stream: boolean;
  kind: 'read' | 'idempotentRead' | 'write' | 'idempotentWrite';
  resources: boolean;
  cap: number | undefined;
  retry: boolean;
}

interface Span {
  callId: string;
  tool: string;
  write: boolean;
  resources: readonly string[];
  start: number;
  end: number;
}

interface Scenario {
  tools: ToolSpec[];
  calls: { id: string; tool: string; args: Record<string, unknown>; after?: string[] }[];
  streamed: boolean;
  arrivalGaps: number[];
  concurrency: number;
  coalesce: boolean;
}

function generate(seed: number): Scenario {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const tools: ToolSpec[] = Array.from({ length: 1 + Math.floor(r() * 3) }, (_, i) => {
    const kind = pick(['read', 'idempotentRead', 'idempotentRead', 'write', 'write', 'idempotentWrite'] as const);
    return {
      name: `t${i}`,
      sync: r() < 0.3,
      stream: r() < 0.1,
      kind,
      resources: r() < 0.5,
      cap: r() < 0.2 ? 1 : undefined,
      retry: kind !== 'write' && r() < 0.4,
    };
  });
  const n = 1 + Math.floor(r() * 6);
  const ids = Array.from({ length: n }, (_, i) => `c${i}`);
  const calls = ids.map((id, i) => {
    const args: Record<string, unknown> = { k: Math.floor(r() * 2), fault: r() < 0.5 ? 'ok' : pick(FAULTS), res: pick(['r1', 'r2', 'r1']) };
    const call: Scenario['calls'][number] = { id, tool: pick(tools).name, args };
    // References: mostly to earlier calls; sometimes to later ones (forward references, maybe cycles).
    if (n > 1 && r() < 0.5) {
      const j = r() < 0.8 && i > 0 ? Math.floor(r() * i) : Math.floor(r() * n);
      if (j !== i) {
        if (r() < 0.5) call.after = [ids[j] as string];
        else args['input'] = `\${${ids[j] as string}}`;
      }
    }
    return call;
  });
  const streamed = r() < 0.5;
  if (streamed) {
    // A random arrival order.
    for (let i = calls.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [calls[i], calls[j]] = [calls[j] as Scenario['calls'][number], calls[i] as Scenario['calls'][number]];
    }
  }
  return {
    tools,
    calls,
    streamed,
    arrivalGaps: calls.map(() => (r() < 0.5 ? 0 : Math.floor(r() * 15))),
    concurrency: pick([1, 2, Infinity]),
    coalesce: r() < 0.7,
  };
}

/** What the suite generated and exercised, over all runs. */
const spread = {
  runs: 0,
  streamed: 0,
  whole: 0,
  faults: new Map<string, number>(),
  syncExecutions: 0,
  asyncExecutions: 0,
  conflictingPairs: 0,
  timeouts: 0,
  coalesced: 0,
  retries: 0,
  cycles: 0,
  unknownRefs: 0,
};

function makeTool(spec: ToolSpec, clock: StepClock, spans: Span[]): Tool {
  const write = spec.kind === 'write' || spec.kind === 'idempotentWrite';
  const resourcesOf = (args: Record<string, unknown>): readonly string[] => (spec.resources ? [String(args['res'])] : write ? [`tool:${spec.name}`] : []);
  const effects = spec.kind === 'read' ? { readOnly: true } : spec.kind === 'idempotentRead' ? { readOnly: true, idempotent: true } : spec.kind === 'idempotentWrite' ? { readOnly: false, idempotent: true } : undefined;
  const def: ToolDefinition<Record<string, unknown>, unknown> = {
    name: spec.name,
    timeoutMs: TIMEOUT_MS,
    ...(effects === undefined ? {} : { effects }),
    ...(spec.resources ? { resources: (args: Record<string, unknown>) => [String(args['res'])] } : {}),
    ...(spec.cap === undefined ? {} : { concurrency: spec.cap }),
    ...(spec.retry ? { retry: { maxAttempts: 2, initialMs: 1, jitter: 0 } } : {}),
    execute: (args: Record<string, unknown>, ctx: ToolContext) => {
      const fault = String(args['fault']) as Fault;
      const span: Span = { callId: ctx.callId, tool: spec.name, write, resources: resourcesOf(args), start: clock.now(), end: NaN };
      spans.push(span);
      const attemptFault: Fault = ctx.attempt > 1 && fault.startsWith('throw') ? 'ok' : fault;
      if (spec.sync) {
        spread.syncExecutions++;
        span.end = clock.now();
        if (attemptFault.startsWith('throw')) throw hostileThrown(attemptFault);
        return hostileResult(attemptFault);
      }
      spread.asyncExecutions++;
      const work = async (): Promise<unknown> => {
        try {
          if (attemptFault === 'hangIgnore') await clock.sleep(TIMEOUT_MS + 5 + (ctx.attempt % 3) * 7);
          else if (attemptFault === 'hangHonor') await clock.sleep(TIMEOUT_MS * 4, ctx.signal);
          else await clock.sleep(1 + (args['k'] as number) * 2);
        } finally {
          span.end = clock.now();
        }
        if (attemptFault.startsWith('throw')) throw hostileThrown(attemptFault);
        return hostileResult(attemptFault);
      };
      if (!spec.stream) return work();
      return (async function* partials() {
        yield { partial: 1 };
        yield await work();
      })();
    },
  };
  return defineTool(def as ToolDefinition) as Tool;
}

async function* arrivals(s: Scenario, clock: StepClock): AsyncIterable<unknown> {
  for (let i = 0; i < s.calls.length; i++) {
    const gap = s.arrivalGaps[i] as number;
    if (gap > 0) await clock.sleep(gap);
    yield s.calls[i];
  }
}

const protoNames = Object.getOwnPropertyNames(Object.prototype).sort().join(',');

async function runScenario(seed: number): Promise<void> {
  const s = generate(seed);
  const clock = new StepClock();
  const spans: Span[] = [];
  const tools = s.tools.map((t) => makeTool(t, clock, spans));
  const events: RunEvent[] = [];
  let result: RunResult | undefined;
  let failure: unknown;
  const plan = s.streamed ? arrivals(s, clock) : { calls: s.calls };
  const done = run(plan as never, { tools, clock, concurrency: s.concurrency, coalesce: s.coalesce, abandonAfterMs: 10_000, onEvent: (e) => events.push(e) }).then(
    (r) => {
      result = r;
    },
    (e: unknown) => {
      failure = e;
    },
  );
  // Step virtual time until the run settles and every execution's tool has settled.
  for (let i = 0; i < 10_000; i++) {
    await turn();
    if ((result !== undefined || failure !== undefined) && spans.every((x) => !Number.isNaN(x.end))) break;
    if (!clock.step()) {
      await turn();
      break;
    }
  }
  if (process.env['HOSTILE_DEBUG'] !== undefined) console.log(JSON.stringify(s), events.map((e) => `${e.t} ${e.type} ${'callId' in e ? e.callId : ''} ${'error' in e ? JSON.stringify(e.error) : ''}`).join('\n'));
  if (result === undefined && failure === undefined) throw new Error(`seed ${seed}: the run never ended (virtual time ${clock.t} ms)`);
  await done;
  spread.runs++;
  if (s.streamed) spread.streamed++;
  else spread.whole++;
  for (const c of s.calls) spread.faults.set(String(c.args['fault']), (spread.faults.get(String(c.args['fault'])) ?? 0) + 1);

  // The run ends (a whole plan of raw calls never rejects: its problems are per call).
  expect(failure, `seed ${seed}: run rejected`).toBeUndefined();
  expect(result, `seed ${seed}: the run never ended`).toBeDefined();
  const res = result as RunResult;

  // Every call has exactly one terminal event and one record.
  const terminal = new Map<string, number>();
  for (const e of events) if (isTerminalEvent(e)) terminal.set(e.callId, (terminal.get(e.callId) ?? 0) + 1);
  const recorded = Object.keys(res.calls);
  expect(recorded.length, `seed ${seed}: records`).toBe(s.calls.length);
  for (const id of recorded) expect(terminal.get(id), `seed ${seed}: terminal events of ${id}`).toBe(1);
  expect(terminal.size).toBe(recorded.length);
  expect(events.filter((e) => e.type === 'run_finished')).toHaveLength(1);

  // No two conflicting executions overlap (tracked until each tool really settled).
  for (let i = 0; i < spans.length; i++) {
    const a = spans[i] as Span;
    expect(Number.isNaN(a.end), `seed ${seed}: ${a.callId} never settled`).toBe(false);
    for (let j = i + 1; j < spans.length; j++) {
      const b = spans[j] as Span;
      const conflict = (a.write || b.write) && a.resources.some((x) => b.resources.includes(x));
      if (!conflict) continue;
      spread.conflictingPairs++;
      const overlap = a.start < b.end && b.start < a.end;
      expect(overlap, `seed ${seed}: ${a.callId} [${a.start},${a.end}] and ${b.callId} [${b.start},${b.end}] conflict and overlap`).toBe(false);
    }
  }

  // No non-idempotent tool (a write not marked idempotent) executes twice for one call.
  const perCall = new Map<string, number>();
  for (const x of spans) {
    const spec = s.tools.find((t) => t.name === x.tool) as ToolSpec;
    if (spec.kind === 'write') perCall.set(x.callId, (perCall.get(x.callId) ?? 0) + 1);
  }
  for (const [id, count] of perCall) expect(count, `seed ${seed}: ${id} executed ${count} times`).toBe(1);

  // Object.prototype is untouched.
  expect(Object.getOwnPropertyNames(Object.prototype).sort().join(','), `seed ${seed}`).toBe(protoNames);
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();

  spread.timeouts += Object.values(res.calls).filter((c) => c.error?.code === 'TIMEOUT').length;
  spread.cycles += Object.values(res.calls).filter((c) => c.error?.code === 'CYCLE').length;
  spread.unknownRefs += Object.values(res.calls).filter((c) => c.error?.code === 'UNKNOWN_REF').length;
  spread.coalesced += res.metrics.coalesced;
  spread.retries += res.metrics.retries;
}

describe('hostile runs (property, virtual time)', () => {
  it(`${RUNS} generated runs: each ends, conflicting executions never overlap, no write runs twice, one terminal state per call, Object.prototype intact`, async () => {
    await fc.assert(
      fc.asyncProperty(process.env['HOSTILE_DEBUG'] !== undefined ? fc.constant(Number(process.env['HOSTILE_DEBUG'])) : fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (seed) => {
        await runScenario(seed);
      }),
      { numRuns: RUNS, seed: 20261204, endOnFailure: true },
    );
    // The suite's own size and spread.
    expect(spread.runs).toBeGreaterThanOrEqual(RUNS);
    expect(spread.streamed).toBeGreaterThan(RUNS * 0.4);
    expect(spread.whole).toBeGreaterThan(RUNS * 0.4);
    for (const f of FAULTS) expect(spread.faults.get(f) ?? 0, `fault ${f}`).toBeGreaterThan(RUNS / 50);
    expect(spread.syncExecutions).toBeGreaterThan(RUNS / 2);
    expect(spread.asyncExecutions).toBeGreaterThan(RUNS);
    expect(spread.conflictingPairs).toBeGreaterThan(RUNS);
    expect(spread.timeouts).toBeGreaterThan(RUNS / 20);
    expect(spread.coalesced).toBeGreaterThan(RUNS / 50);
    expect(spread.retries).toBeGreaterThan(RUNS / 50);
    expect(spread.cycles).toBeGreaterThan(RUNS / 100);
    expect(spread.unknownRefs).toBeGreaterThanOrEqual(0);
  }, 300_000);
});
