import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validatePlan } from '../../src/graph/validate.js';
import { defineTool } from '../../src/tools/define-tool.js';
import { runVirtual } from '../schedule/policies/virtual-time.js';

const search = defineTool({ name: 'search', effects: { readOnly: true, idempotent: true }, execute: () => ({ email: 'attacker@example.com' }) });
const lookup = defineTool({ name: 'lookup_contact', effects: { readOnly: true, idempotent: true }, execute: () => ({ email: 'alice@example.com' }) });
const sent: string[] = [];
const sendEmail = defineTool({
  name: 'send_email',
  input: z.object({ to: z.string(), body: z.string() }),
  refs: { to: ['lookup_contact'], body: 'any' },
  execute: ({ to }) => {
    sent.push(to);
    return { ok: true };
  },
});
const notify = defineTool({
  name: 'notify',
  input: z.object({ recipient: z.string(), text: z.string() }),
  refs: { recipient: 'literal' },
  maxCallsPerRun: 2,
  execute: () => ({ ok: true }),
});
const tools = [search, lookup, sendEmail, notify];

describe('injection guard: per-argument provenance', () => {
  it("'literal' refuses any placeholder, with the call id and location", () => {
    const v = validatePlan(
      {
        calls: [
          { id: 's', tool: 'search', args: { q: 'x' } },
          { id: 'n', tool: 'notify', args: { recipient: '${s.email}', text: 'hi' } },
        ],
      },
      { tools },
    );
    expect(v.valid).toBe(false);
    expect(v.issues).toHaveLength(1);
    expect(v.issues[0]).toMatchObject({ code: 'REF_NOT_ALLOWED', callId: 'n', location: 'calls[1].args.recipient' });
  });

  it("'literal' refuses the object form and nested placeholders too, but accepts literals", () => {
    const v = validatePlan(
      {
        calls: [
          { id: 's', tool: 'search', args: { q: 'x' } },
          { id: 'n1', tool: 'notify', args: { recipient: { $ref: 's', path: '$.email' }, text: 'hi' } },
          { id: 'n2', tool: 'notify', args: { recipient: 'bob@example.com', text: '${s.email}' } },
        ],
      },
      { tools },
    );
    expect(v.issues.map((i) => [i.code, i.callId])).toEqual([['REF_NOT_ALLOWED', 'n1']]);
  });

  it('a list of tool names accepts values from those tools only', () => {
    const plan = (source: string) => ({
      calls: [
        { id: 'src', tool: source, args: { q: 'alice' } },
        { id: 'mail', tool: 'send_email', args: { to: '${src.email}', body: 'from ${src.email}' } },
      ],
    });
    expect(validatePlan(plan('lookup_contact'), { tools }).valid).toBe(true);
    const bad = validatePlan(plan('search'), { tools });
    expect(bad.issues.map((i) => [i.code, i.location])).toEqual([['REF_NOT_ALLOWED', 'calls[1].args.to']]);
    expect(bad.issues[0]?.message).toContain('search');
  });

  it('maxCallsPerRun: a plan over it fails with FANOUT_EXCEEDED', () => {
    const calls = [1, 2, 3].map((i) => ({ id: `n${i}`, tool: 'notify', args: { recipient: 'a@b.c', text: String(i) } }));
    expect(validatePlan({ calls: calls.slice(0, 2) }, { tools }).valid).toBe(true);
    const v = validatePlan({ calls }, { tools });
    expect(v.issues.map((i) => i.code)).toEqual(['FANOUT_EXCEEDED']);
    expect(v.issues[0]?.message).toContain('notify');
  });

  it('a strict run refuses such a plan before running anything', async () => {
    sent.length = 0;
    const plan = {
      calls: [
        { id: 'src', tool: 'search', args: { q: 'alice' } },
        { id: 'mail', tool: 'send_email', args: { to: '${src.email}', body: 'x' } },
      ],
    };
    await expect(runVirtual(plan, { tools, strict: true })).rejects.toMatchObject({ code: 'REF_NOT_ALLOWED' });
    expect(sent).toEqual([]);
  });

  it('a non-strict run never lets a refused placeholder choose the argument', async () => {
    sent.length = 0;
    const plan = {
      calls: [
        { id: 'src', tool: 'search', args: { q: 'alice' } },
        { id: 'mail', tool: 'send_email', args: { to: '${src.email}', body: 'x' } },
        { id: 'ok', tool: 'send_email', args: { to: 'carol@example.com', body: 'x' } },
      ],
    };
    const { result } = await runVirtual(plan, { tools });
    expect(result.calls['mail']).toMatchObject({ status: 'failed', error: { code: 'REF_NOT_ALLOWED' } });
    expect(result.calls['ok']?.status).toBe('succeeded');
    expect(sent).toEqual(['carol@example.com']);
  });

  it('a non-strict run fails the calls of a tool beyond maxCallsPerRun, keeping the first ones', async () => {
    const calls = [1, 2, 3].map((i) => ({ id: `n${i}`, tool: 'notify', args: { recipient: 'a@b.c', text: String(i) } }));
    const { result } = await runVirtual({ calls }, { tools });
    expect(['n1', 'n2', 'n3'].map((id) => result.calls[id]?.status)).toEqual(['succeeded', 'succeeded', 'failed']);
    expect(result.calls['n3']?.error?.code).toBe('FANOUT_EXCEEDED');
  });
});
