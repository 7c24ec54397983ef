import { describe, expect, it } from 'vitest';
import { lastValueFrom, toArray } from 'rxjs';
import { defineTool, execute, run } from '../../src/index.js';

class Interrupt extends Error {}
const isInterrupt = (error: unknown): boolean => error instanceof Interrupt;

describe('isControlFlowError', () => {
  it('an approver that throws a control-flow error rejects run() with that same object, and the call never runs', async () => {
    const signal = new Interrupt('ask the human');
    let deleted = 0;
    const del = defineTool({ name: 'delete', execute: () => ++deleted });
    const read = defineTool({ name: 'read', effects: { readOnly: true }, execute: () => new Promise(() => undefined) });
    const pending = run(
      [
        { id: 'r', tool: 'read', args: {} },
        { id: 'd', tool: 'delete', args: {} },
      ],
      { tools: [del, read], approve: () => { throw signal; }, isControlFlowError: isInterrupt },
    );
    await expect(pending).rejects.toBe(signal);
    expect(deleted).toBe(0);
  });

  it('a tool that throws a control-flow error errors execute() with it; siblings are cancelled, not failed with it', async () => {
    const signal = new Interrupt('pause');
    let aborted = false;
    const slow = defineTool({
      name: 'slow',
      effects: { readOnly: true },
      execute: (_args, { signal: abort }) => new Promise((_resolve, reject) => abort.addEventListener('abort', () => { aborted = true; reject(abort.reason); })),
    });
    const pause = defineTool({ name: 'pause', effects: { readOnly: true }, execute: async () => { throw signal; } });
    const events = lastValueFrom(execute([{ id: 's', tool: 'slow', args: {} }, { id: 'p', tool: 'pause', args: {} }], { tools: [slow, pause], isControlFlowError: isInterrupt }).pipe(toArray()));
    await expect(events).rejects.toBe(signal);
    expect(aborted).toBe(true);
  });

  it('errors it does not claim stay contained in their call (REJECTED for an approver, TOOL_ERROR for a tool)', async () => {
    const del = defineTool({ name: 'delete', execute: () => 'gone' });
    const boom = defineTool({ name: 'boom', effects: { readOnly: true }, execute: () => { throw new Error('disk full'); } });
    const result = await run([{ id: 'd', tool: 'delete', args: {} }, { id: 'b', tool: 'boom', args: {} }], {
      tools: [del, boom],
      approve: () => { throw new Error('approver down'); },
      isControlFlowError: isInterrupt,
    });
    expect(result.calls.d?.status).toBe('rejected');
    expect(result.calls.b?.status).toBe('failed');
    expect(result.calls.b?.error?.code).toBe('TOOL_ERROR');
  });

  it('without the option a control-flow-looking error is contained as before', async () => {
    const pause = defineTool({ name: 'pause', effects: { readOnly: true }, execute: () => { throw new Interrupt('pause'); } });
    const result = await run([{ id: 'p', tool: 'pause', args: {} }], { tools: [pause] });
    expect(result.calls.p?.status).toBe('failed');
  });
});
