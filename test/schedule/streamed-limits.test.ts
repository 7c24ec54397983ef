import { describe, expect, it } from 'vitest';
import { run } from '../../src/schedule/scheduler.js';
import { tool } from './harness.js';

async function* stream(calls: unknown[]): AsyncIterable<unknown> {
  for (const c of calls) yield c;
}

describe('maxCalls holds for streamed plans', () => {
  it('a streamed call beyond maxCalls fails PLAN_TOO_LARGE without being registered: nothing connects to its id', async () => {
    let executions = 0;
    const echo = tool({ name: 'echo', execute: (args: Record<string, unknown>) => { executions++; return args; } });
    const result = await run(
      stream([
        { id: 'a', tool: 'echo', args: {} },
        { id: 'b', tool: 'echo', args: {} },
        { id: 'c', tool: 'echo', args: { v: '${x}' } },
        { id: 'x', tool: 'echo', args: {} },
        { id: 'a', tool: 'echo', args: {} },
      ]),
      { tools: [echo], maxCalls: 3 },
    );
    expect(result.calls['#3']?.error).toMatchObject({ code: 'PLAN_TOO_LARGE', details: { id: 'x' } });
    expect(result.calls['#4']?.error?.code).toBe('PLAN_TOO_LARGE');
    expect(result.calls['x']).toBeUndefined();
    // The over-limit x never became the x that c waits on.
    expect(result.calls['c']?.error?.code).toBe('UNKNOWN_REF');
    expect(result.calls['a']?.status).toBe('succeeded');
    expect(executions).toBe(2);
  });
});
