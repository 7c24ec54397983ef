/**
 * Traces recorded from real runs in virtual time, for the report's tests: two model turns with
 * fan-out, inputs, a conflict (a tool that declares no effects), a full cap, a retry, a hedged
 * copy, a straggler, a failure and the call skipped behind it.
 */
import { createTraceRecorder } from '../../src/observe/trace-recorder.js';
import type { TraceEntry } from '../../src/observe/trace-entry.js';
import { run } from '../../src/schedule/scheduler.js';
import { defineTool } from '../../src/tools/define-tool.js';
import { VirtualClock } from '../schedule/harness.js';

/** A two-turn agent trace that shows every kind of bar and wait. */
export async function richTrace(): Promise<TraceEntry[]> {
  const clock = new VirtualClock();
  const rec = createTraceRecorder({ now: () => clock.now });
  let flaky = 0;
  let slowCopies = 0;
  const readOnly = { readOnly: true, idempotent: true } as const;
  const tools = [
    defineTool({ name: 'search', effects: readOnly, execute: async (args: Record<string, unknown>) => { await clock.sleep(40 + 10 * Number(args['n'] ?? 0)); return { hits: [{ path: `doc${String(args['n'] ?? 0)}.md` }] }; } }),
    defineTool({ name: 'read_file', effects: readOnly, concurrency: 2, execute: async () => { await clock.sleep(30); return 'text'; } }),
    defineTool({ name: 'fetch_url', execute: async () => { await clock.sleep(25); return '<html>'; } }),
    defineTool({ name: 'flaky_api', effects: readOnly, retry: { maxAttempts: 3, initialMs: 10, jitter: 0 }, execute: async () => { await clock.sleep(15); if (flaky++ === 0) throw new Error('503 from upstream'); return { ok: true }; } }),
    defineTool({ name: 'slow_index', effects: readOnly, hedge: { afterMs: 60, maxExtra: 1 }, execute: async (_a, ctx) => { await clock.sleep(slowCopies++ === 0 ? 400 : 50, ctx.signal); return 'indexed'; } }),
    defineTool({ name: 'summarize', effects: readOnly, execute: async () => { await clock.sleep(35); return 'summary'; } }),
    defineTool({ name: 'lookup', effects: readOnly, execute: async () => { await clock.sleep(20); throw new Error('not found'); } }),
  ];
  const turn1 = [
    { id: 's1', tool: 'search', args: { n: 1 } },
    { id: 's2', tool: 'search', args: { n: 2 } },
    { id: 's3', tool: 'search', args: { n: 3 } },
    { id: 'r1', tool: 'read_file', args: { path: '${s1.hits[0].path}' } },
    { id: 'r2', tool: 'read_file', args: { path: '${s2.hits[0].path}' } },
    { id: 'r3', tool: 'read_file', args: { path: '${s3.hits[0].path}' } },
    { id: 'f1', tool: 'fetch_url', args: { url: 'https://example.com/a' } },
    { id: 'f2', tool: 'fetch_url', args: { url: 'https://example.com/b' } },
    { id: 'f3', tool: 'fetch_url', args: { url: 'https://example.com/c' } },
    { id: 'api', tool: 'flaky_api', args: {} },
    { id: 'sum', tool: 'summarize', args: { a: '${r1}', b: '${r2}', c: '${r3}' } },
  ];
  const turn2 = [
    { id: 'idx', tool: 'slow_index', args: { q: 'x' } },
    { id: 'idx2', tool: 'slow_index', args: { q: 'y' } },
    { id: 'look', tool: 'lookup', args: { key: 'k' } },
    { id: 'after', tool: 'summarize', args: { x: '${look}' } },
    { id: 's4', tool: 'search', args: { n: 0 } },
    { id: 's5', tool: 'search', args: { n: 0 } },
    { id: 's6', tool: 'search', args: { n: 30 } },
  ];
  const depsOf = (args: Record<string, unknown>): string[] => [...JSON.stringify(args).matchAll(/\$\{(\w+)/g)].map((m) => m[1] as string);
  for (const [k, calls] of [turn1, turn2].entries()) {
    await clock.run(clock.now + 300); // the model thinks
    rec.recordAssistantMessage({ content: k === 0 ? 'Searching, reading and fetching in parallel.' : 'Indexing and looking up the key.', toolCalls: calls.map((c) => ({ id: c.id, deps: depsOf(c.args) })) });
    const done = run({ calls }, { tools, concurrency: 6, scheduler: clock.scheduler, runId: `turn${k + 1}`, onEvent: (e) => rec.record(e) });
    await clock.run();
    await done;
    // The model was given every result but s5's: s5's work was wasted.
    rec.recordRejoin(k === 1 ? { returned: calls.map((c) => c.id).filter((id) => id !== 's5') } : {});
  }
  await clock.run(clock.now + 300);
  rec.recordAssistantMessage({ content: 'Done.' });
  return rec.entries();
}

/** A one-turn trace of `n` independent calls of a few tools, each with its own duration. */
export async function largeTrace(n: number): Promise<TraceEntry[]> {
  const clock = new VirtualClock();
  const rec = createTraceRecorder({ now: () => clock.now });
  const tools = ['search', 'read_file', 'list_dir', 'grep'].map((name, k) =>
    defineTool({ name, effects: { readOnly: true }, execute: async (args: Record<string, unknown>) => { await clock.sleep(5 + ((Number(args['i']) * 7 + k) % 40)); return null; } }),
  );
  const calls = Array.from({ length: n }, (_, i) => ({ id: `c${i}`, tool: ['search', 'read_file', 'list_dir', 'grep'][i % 4] as string, args: i % 3 === 2 ? { i, from: `\${c${i - 1}}` } : { i } }));
  rec.recordAssistantMessage({ content: 'Many calls.', toolCalls: calls.map((c) => c.id) });
  const done = run({ calls }, { tools, concurrency: 32, scheduler: clock.scheduler, maxCalls: n, onEvent: (e) => rec.record(e) });
  await clock.run();
  await done;
  rec.recordRejoin();
  return rec.entries();
}
