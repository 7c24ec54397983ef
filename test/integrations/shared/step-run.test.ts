import { describe, expect, it } from 'vitest';
import { defineTool } from '../../../src/index.js';
import { StepRun, ToolgraphCallError } from '../../../src/integrations/shared/step-run.js';

class Interrupt extends Error {}

describe('StepRun', () => {
  it('starts a call as soon as it is added, before the step ends, and answers by the framework id', async () => {
    const started: string[] = [];
    const echo = defineTool({ name: 'echo', effects: { readOnly: true }, execute: ({ v }: { v: unknown }) => (started.push(String(v)), v) });
    const step = new StepRun({ tools: [echo] });
    step.add({ id: 'call 1', name: 'echo', argsJson: '{"v":1}' });
    await Promise.resolve();
    expect(started).toEqual(['1']);
    step.add({ id: 'call 2', name: 'echo', args: { v: '${1}' } });
    step.end();
    expect(await step.result('call 2')).toBe(1);
    expect((await step.outcome('call 1')).id).toBe('call 1');
  });

  it('a call that did not succeed throws a ToolgraphCallError whose text is what the model is told', async () => {
    const step = new StepRun({ tools: [] });
    step.add({ id: 'a', name: 'missing', args: {} });
    step.add({ id: 'b', name: 'missing', argsJson: '{oops' });
    step.end();
    const a = await step.result('a').catch((error: unknown) => error);
    expect(a).toBeInstanceOf(ToolgraphCallError);
    expect(String(a)).toMatch(/^Error \(UNKNOWN_TOOL\)/);
    const b = await step.result('b').catch((error: unknown) => error);
    expect(String(b)).toMatch(/^Error \(MALFORMED_CALL\): calls\[1\]\.argsJson: the arguments are not valid JSON/);
    await expect(step.outcome('nope')).rejects.toThrow(/no call with id "nope"/);
  });

  it('a control-flow error reaches every waiter as itself, not as a cancellation', async () => {
    const signal = new Interrupt('ask');
    const slow = defineTool({ name: 'slow', effects: { readOnly: true }, execute: (_a, { signal: abort }) => new Promise((_r, reject) => abort.addEventListener('abort', () => reject(abort.reason))) });
    const del = defineTool({ name: 'del', execute: () => 'gone' });
    const step = new StepRun({ tools: [slow, del], approve: () => { throw signal; }, isControlFlowError: (e) => e instanceof Interrupt });
    step.add({ id: 's', name: 'slow', args: {} });
    step.add({ id: 'd', name: 'del', args: {} });
    step.end();
    await expect(step.outcome('s')).rejects.toBe(signal);
    await expect(step.outcome('d')).rejects.toBe(signal);
    await expect(step.done).rejects.toBe(signal);
  });

  it('a run aborted by its signal tells each waiting call it was cancelled', async () => {
    const controller = new AbortController();
    const slow = defineTool({ name: 'slow', effects: { readOnly: true }, execute: (_a, { signal: abort }) => new Promise((_r, reject) => abort.addEventListener('abort', () => reject(abort.reason))) });
    const step = new StepRun({ tools: [slow], signal: controller.signal });
    step.add({ id: 's', name: 'slow', args: {} });
    step.end();
    controller.abort();
    expect((await step.outcome('s')).status).toBe('cancelled');
  });
});
