import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { run } from '../../src/schedule/scheduler.js';
import { EventLog, tool } from './harness.js';

const source = tool({ name: 'source', execute: () => ({ count: 3, items: ['a', 'b'], nested: { ok: true }, title: 'T', nothing: null }) });

describe('placeholders (semantic 4)', () => {
  it('fills whole-value placeholders keeping their type and interpolates text, before the tool starts', async () => {
    const seen: unknown[] = [];
    const sink = tool({
      name: 'sink',
      input: z.object({ n: z.number(), list: z.array(z.string()), obj: z.object({ ok: z.boolean() }), text: z.string(), none: z.null(), first: z.string(), lit: z.string() }),
      execute: (args) => {
        seen.push(args);
        return 'done';
      },
    });
    const result = await run(
      {
        calls: [
          { id: 's', tool: 'source', args: {} },
          {
            id: 'k',
            tool: 'sink',
            args: { n: '${s.count}', list: { $ref: 's', path: '$.items' }, obj: '${s.nested}', text: 'Count: ${s.count} of ${s.title}', none: '${s.nothing}', first: '${s.items[0]}', lit: '$${s.count}' },
          },
        ],
      },
      { tools: [source, sink] },
    );
    const filled = { n: 3, list: ['a', 'b'], obj: { ok: true }, text: 'Count: 3 of T', none: null, first: 'a', lit: '${s.count}' };
    expect(seen).toEqual([filled]);
    expect(result.calls['k']?.args).toEqual(filled);
    expect(result.calls['k']?.status).toBe('succeeded');
  });

  it('INVALID_ARGS when filled args fail the input schema: the tool is not called, dependents are skipped', async () => {
    let called = 0;
    const typed = tool({
      name: 'typed',
      input: z.object({ n: z.string() }),
      execute: () => {
        called++;
        return 1;
      },
    });
    const log = new EventLog();
    const result = await run(
      {
        calls: [
          { id: 's', tool: 'source', args: {} },
          { id: 'k', tool: 'typed', args: { n: '${s.count}' } },
          { id: 'after_k', tool: 'typed', args: { n: 'x' }, after: ['k'] },
        ],
      },
      { tools: [source, typed], onEvent: log.onEvent },
    );
    expect(called).toBe(0);
    expect(result.calls['k']).toMatchObject({ status: 'failed', attempts: 0, args: { n: 3 }, error: { code: 'INVALID_ARGS', callId: 'k', location: 'args.n' } });
    expect(result.calls['after_k']).toMatchObject({ status: 'skipped', error: { details: { cause: 'k' } } });
    expect(log.of('call_started').map((e) => e.callId)).toEqual(['s']);
    log.assertWellFormed(['s', 'k', 'after_k']);
  });

  it('INVALID_ARGS also for literal args that fail the schema (no placeholder involved)', async () => {
    let called = 0;
    const typed = tool({ name: 'typed', input: z.object({ n: z.number().int() }), execute: () => ++called });
    const result = await run({ calls: [{ id: 'bad', tool: 'typed', args: { n: 'x' } }, { id: 'good', tool: 'typed', args: { n: 2 } }] }, { tools: [typed] });
    expect(result.calls['bad']?.error?.code).toBe('INVALID_ARGS');
    expect(result.calls['good']?.status).toBe('succeeded');
    expect(called).toBe(1);
  });

  it('UNRESOLVED_REFERENCE when a path selects nothing: the tool is not called', async () => {
    let called = 0;
    const any = tool({ name: 'any', execute: () => ++called });
    const result = await run(
      {
        calls: [
          { id: 's', tool: 'source', args: {} },
          { id: 'k', tool: 'any', args: { v: '${s.missing.deeper}' } },
          { id: 'idx', tool: 'any', args: { v: '${s.items[5]}' } },
          { id: 'ok', tool: 'any', args: { v: '${s.items[1]}' } },
        ],
      },
      { tools: [source, any] },
    );
    expect(result.calls['k']).toMatchObject({ status: 'failed', attempts: 0, error: { code: 'UNRESOLVED_REFERENCE', callId: 'k', location: 'args.v', details: { ref: 's' } } });
    expect(result.calls['idx']?.error?.code).toBe('UNRESOLVED_REFERENCE');
    expect(result.calls['ok']).toMatchObject({ status: 'succeeded', args: { v: 'b' } });
    expect(called).toBe(1);
  });

  it('never mutates the args object of the plan', async () => {
    const any = tool({ name: 'any', execute: (a) => a });
    const args = { deep: { v: '${s.count}' } };
    const result = await run({ calls: [{ id: 's', tool: 'source', args: {} }, { id: 'k', tool: 'any', args }] }, { tools: [source, any] });
    expect(result.calls['k']?.args).toEqual({ deep: { v: 3 } });
    expect(args).toEqual({ deep: { v: '${s.count}' } });
  });
});
