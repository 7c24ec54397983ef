import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Call } from '../../src/plan/schema.js';
import { run } from '../../src/schedule/scheduler.js';
import { tool } from './harness.js';

const N = 10_000;
const chain = (toolName: string): Call[] =>
  Array.from({ length: N }, (_, i) => ({ id: `c${i}`, tool: toolName, args: i === 0 ? { n: 0 } : { n: `\${c${i - 1}.n}` } }));

describe('long chains of tools that complete at once (semantic 10)', () => {
  it('a 10,000-call chain of synchronous tools completes without overflowing the stack', async () => {
    const inc = tool({ name: 'inc', execute: (args: Record<string, unknown>) => ({ n: (args['n'] as number) + 1 }) });
    const result = await run(chain('inc'), { tools: [inc] });
    expect(result.metrics.succeeded).toBe(N);
    expect(result.calls[`c${N - 1}`]?.result).toEqual({ n: N });
    expect(result.metrics.rounds).toBe(N);
  });

  it('a 10,000-call chain of tools returning already-resolved promises completes', async () => {
    const inc = tool({ name: 'inc', execute: (args: Record<string, unknown>) => Promise.resolve({ n: (args['n'] as number) + 1 }) });
    const result = await run(chain('inc'), { tools: [inc] });
    expect(result.metrics.succeeded).toBe(N);
    expect(result.calls[`c${N - 1}`]?.result).toEqual({ n: N });
  });

  it('a streamed 10,000-call chain of synchronous tools (Subject) completes', async () => {
    const inc = tool({ name: 'inc', execute: (args: Record<string, unknown>) => ({ n: (args['n'] as number) + 1 }) });
    const subject = new Subject<Call>();
    const done = run(subject, { tools: [inc] });
    // Listed in reverse: every call waits on an id not seen yet, then the whole chain unwinds at once.
    const calls = chain('inc');
    for (let i = calls.length - 1; i >= 0; i--) subject.next(calls[i] as Call);
    subject.complete();
    const result = await done;
    expect(result.metrics.succeeded).toBe(N);
    expect(result.calls[`c${N - 1}`]?.result).toEqual({ n: N });
  });

  it('a 10,000-call chain whose first call fails skips the other 9,999 without recursion', async () => {
    const inc = tool({
      name: 'inc',
      execute: (args: Record<string, unknown>) => {
        if (args['n'] === 0) throw new Error('first fails');
        return { n: (args['n'] as number) + 1 };
      },
    });
    const result = await run(chain('inc'), { tools: [inc] });
    expect(result.metrics.failed).toBe(1);
    expect(result.metrics.skipped).toBe(N - 1);
    expect(result.calls[`c${N - 1}`]?.error?.details?.['cause']).toBe('c0');
  });

  it('a 1 → 9,999 fan-out of synchronous tools completes at the default cap', async () => {
    const id = tool({ name: 'id', execute: (args: Record<string, unknown>) => args['v'] });
    const calls: Call[] = [{ id: 'root', tool: 'id', args: { v: 1 } }, ...Array.from({ length: N - 1 }, (_, i) => ({ id: `f${i}`, tool: 'id', args: { v: '${root}' } }))];
    const result = await run(calls, { tools: [id] });
    expect(result.metrics.succeeded).toBe(N);
    expect(result.calls[`f${N - 2}`]?.result).toBe(1);
    expect(result.metrics.rounds).toBe(2);
  });
});
