import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/graph/validate.js';
import { run } from '../../src/schedule/scheduler.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Which of `refs` still hold their target after full collections (a WeakRef's target lives until the current job ends). */
async function stillAlive(refs: readonly WeakRef<object>[]): Promise<number[]> {
  for (let i = 0; i < 10; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    collectGarbage();
  }
  return refs.flatMap((ref, i) => (ref.deref() === undefined ? [] : [i]));
}

describe('RunEngine after a run', () => {
  it('keeps nothing of a finished run alive: results, args, tools and the RunResult can be collected', async () => {
    let result: object | undefined;
    let args: object | undefined;
    let tool: { name: string; execute: (a: { n: number }) => object } | undefined = {
      name: 'big',
      execute: (a) => {
        result = { n: a.n, payload: new Array(10_000).fill(a.n) };
        return result;
      },
    };
    const plan = parsePlan({ calls: [{ id: 'a', tool: 'big', args: { n: 1 } }, { id: 'b', tool: 'big', args: { n: 2, from: '${a.n}' } }] }, { tools: [tool] });
    let outcome = await run(plan, { tools: [tool], concurrency: Infinity });
    expect(outcome.calls['b']?.status).toBe('succeeded');
    args = outcome.calls['b']?.args as object;
    const refs = [new WeakRef(result as object), new WeakRef(args), new WeakRef(tool), new WeakRef(outcome)];
    result = undefined;
    args = undefined;
    tool = undefined;
    outcome = undefined as unknown as typeof outcome;
    expect(await stillAlive(refs)).toEqual([]);
  });

  it('a run after a finished one is unaffected by what the engine kept', async () => {
    const tools = [{ name: 't', execute: (a: { n: number; x?: number }) => a.n + (a.x ?? 0) }];
    const plan = { calls: [{ id: 'a', tool: 't', args: { n: 1 } }, { id: 'b', tool: 't', args: { n: 2, x: '${a}' } }] };
    const first = await run(plan, { tools });
    const second = await run(plan, { tools });
    expect([first.calls['b']?.result, second.calls['b']?.result]).toEqual([3, 3]);
    expect(second.metrics.succeeded).toBe(2);
  });
});
