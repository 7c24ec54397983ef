import { describe, expect, it } from 'vitest';
import { run } from '../../src/schedule/scheduler.js';
import { defineTool } from '../../src/tools/define-tool.js';
import type { ToolDefinition } from '../../src/tools/tool-types.js';
import { VirtualClock } from './harness.js';

interface Span {
  id: string;
  start: number;
  end: number;
}

/** A write tool (default resources: `tool:w`) that ignores its abort signal and records each execution's span. */
function stubborn(clock: VirtualClock, ms: (attempt: number) => number, extra: Partial<ToolDefinition> = {}) {
  const spans: Span[] = [];
  const t = defineTool({
    name: 'w',
    timeoutMs: 10,
    ...extra,
    async execute(_args: unknown, ctx) {
      const span = { id: `${ctx.callId}#${spans.length}`, start: clock.now, end: NaN };
      spans.push(span);
      await clock.sleep(ms(spans.length)); // no signal: the tool does not stop when aborted
      span.end = clock.now;
      return 'done';
    },
  });
  return { t, spans };
}

function assertNoOverlap(spans: readonly Span[]): void {
  for (const a of spans) for (const b of spans) if (a !== b) expect(a.end <= b.start || b.end <= a.start, `${a.id} [${a.start},${a.end}] overlaps ${b.id} [${b.start},${b.end}]`).toBe(true);
}

describe('a timed-out call keeps its resources until its execution settles', () => {
  it('a conflicting call waits for the execution that ignored its signal, not for the timeout', async () => {
    const clock = new VirtualClock();
    const { t, spans } = stubborn(clock, (n) => (n === 1 ? 50 : 1));
    const done = run({ calls: [{ id: 'a', tool: 'w', args: {} }, { id: 'b', tool: 'w', args: {} }] }, { tools: [t], scheduler: clock.scheduler });
    await clock.run();
    const result = await done;
    expect(result.calls['a']?.error?.code).toBe('TIMEOUT');
    expect(result.calls['b']?.status).toBe('succeeded');
    expect(spans).toHaveLength(2);
    expect(spans[1]?.start).toBe(50);
    assertNoOverlap(spans);
  });

  it('after abandonAfterMs the run stops waiting and reports the abandoned execution', async () => {
    const clock = new VirtualClock();
    const { t, spans } = stubborn(clock, (n) => (n === 1 ? 1000 : 1));
    const done = run({ calls: [{ id: 'a', tool: 'w', args: {} }, { id: 'b', tool: 'w', args: {} }] }, { tools: [t], scheduler: clock.scheduler, abandonAfterMs: 100 });
    await clock.run();
    const result = await done;
    expect(result.calls['a']?.error).toMatchObject({ code: 'TIMEOUT', details: { abandoned: true, abandonAfterMs: 100 } });
    expect(spans[1]?.start).toBe(110);
  });

  it('its own retry waits for the timed-out attempt to settle', async () => {
    const clock = new VirtualClock();
    const { t, spans } = stubborn(clock, (n) => (n === 1 ? 50 : 1), { effects: { readOnly: false, idempotent: true }, retry: { maxAttempts: 2, initialMs: 0 } });
    const done = run({ calls: [{ id: 'a', tool: 'w', args: {} }] }, { tools: [t], scheduler: clock.scheduler });
    await clock.run();
    const result = await done;
    expect(result.calls['a']?.status).toBe('succeeded');
    expect(spans.map((s) => s.start)).toEqual([0, 50]);
    assertNoOverlap(spans);
  });

  it('a timeout fires for a streaming tool whose iterator never waits on anything', async () => {
    const clock = new VirtualClock();
    let yielded = 0;
    const spin = defineTool({
      name: 'spin',
      effects: { readOnly: true },
      timeoutMs: 10,
      async *execute() {
        for (;;) {
          yielded++;
          yield yielded;
        }
      },
    });
    const done = run({ calls: [{ id: 's', tool: 'spin', args: {} }] }, { tools: [spin], scheduler: clock.scheduler });
    await clock.run();
    const result = await done;
    expect(result.calls['s']?.error?.code).toBe('TIMEOUT');
    expect(yielded).toBeGreaterThan(0);
  });
});
