import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { describeCall, MAX_SHOWN_VALUE, refusingApprover, terminalApprover, whyAsk } from '../../src/cli/approver.js';
import type { ApprovalRequest } from '../../src/schedule/policies/approval.js';

const effects = { readOnly: false, idempotent: false, destructive: true, openWorld: true };
const call = (id: string, args: unknown = {}): ApprovalRequest => ({ id, tool: 'delete_file', args, effects, runId: 'r' });

describe('describeCall', () => {
  it('shows id, tool and compact JSON args; control and bidi characters in hostile text are escaped', () => {
    expect(describeCall(call('rm', { path: 'a.txt' }))).toBe('rm: delete_file {"path":"a.txt"}');
    expect(describeCall(call('x\u001b[2J\u009b', { p: '\u001b[31m\u009b' }))).toBe('x\\u001b[2J\\u009b: delete_file {"p":"\\u001b[31m\\u009b"}');
    expect(describeCall(call('bidi\u202e', { 'k\u2066': 'gnp.exe\u202e\u200f\u061c' }))).toBe('bidi\\u202e: delete_file {"k\\u2066":"gnp.exe\\u202e\\u200f\\u061c"}');
  });

  it('shows every argument in sorted order; a long value is elided in the middle with its length, never cut at the end', () => {
    const shown = describeCall(call('big', { z: 'end', text: `${'a'.repeat(1000)}rm -rf /`, a: 'start', nested: { y: 1, x: 'b'.repeat(500) } }));
    expect(shown.startsWith('big: delete_file {"a":"start","nested":{"x":"bbb')).toBe(true);
    expect(shown).toContain('"text":"aaa');
    expect(shown).toContain(`…(${JSON.stringify(`${'a'.repeat(1000)}rm -rf /`).length} characters)…`);
    expect(shown).toContain('rm -rf /","z":"end"}');
    expect(shown).toContain('"y":1}');
    expect(shown.length).toBeLessThan(4 * MAX_SHOWN_VALUE + 100);
  });

  it('a model cannot hide an argument behind many long ones: 1,000 arguments are all named', () => {
    const args = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${String(i).padStart(4, '0')}`, 'x'.repeat(2000)]));
    args['zz_dangerous'] = 'yes';
    const shown = describeCall(call('many', args));
    for (let i = 0; i < 1000; i++) expect(shown).toContain(`"k${String(i).padStart(4, '0')}":`);
    expect(shown.endsWith('"zz_dangerous":"yes"}')).toBe(true);
  });

  it('hostile args (cyclic, throwing getters) still give a question', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    const getter = Object.defineProperty({}, 'g', { enumerable: true, get: () => { throw new Error('no'); } });
    expect(describeCall(call('c', { a: cyclic, b: getter }))).toBe('c: delete_file {"a":{"self":"[unserializable: cyclic]"},"b":"[unserializable: reading it threw: no]"}');
  });
});

describe('terminalApprover', () => {
  it('asks one question at a time, in order, and reads y / yes (any case) as approval', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const asked: string[] = [];
    output.on('data', (c: Buffer) => asked.push(c.toString()));
    const calls: string[] = [];
    const approver = terminalApprover({ input, output, beforeAsk: () => calls.push('before'), afterAsk: () => calls.push('after') });
    const decisions = Promise.all([approver.approve(call('a')), approver.approve(call('b')), approver.approve(call('c'))]);
    await new Promise((r) => setImmediate(r));
    expect(asked).toHaveLength(1); // the second question waits for the first answer
    input.write('YES\nno\n y \n');
    expect(await decisions).toEqual(['approve', { reject: 'declined by the person at the terminal' }, 'approve']);
    expect(asked.filter((t) => t.startsWith('approve '))).toHaveLength(3);
    expect(calls).toEqual(['before', 'after', 'before', 'after', 'before', 'after']);
    approver.close();
  });

  it('refuses what is still open when the input ends or the approver is closed', async () => {
    const input = new PassThrough();
    const approver = terminalApprover({ input, output: new PassThrough() });
    const first = approver.approve(call('a'));
    await new Promise((r) => setImmediate(r));
    input.end();
    expect(await first).toEqual({ reject: expect.stringContaining('terminal closed') as unknown });
    expect(await approver.approve(call('b'))).toEqual({ reject: expect.stringContaining('terminal closed') as unknown });
    const other = terminalApprover({ input: new PassThrough(), output: new PassThrough() });
    const pending = other.approve(call('c'));
    await new Promise((r) => setImmediate(r));
    other.close();
    expect(await pending).toEqual({ reject: expect.stringContaining('terminal closed') as unknown });
  });
});

describe('refusingApprover', () => {
  it('refuses and says how to allow the call', async () => {
    expect(await refusingApprover().approve(call('a'))).toEqual({ reject: expect.stringContaining('--yes') as unknown });
  });
});

describe('why a call asks, and approving a whole tool', () => {
  it('whyAsk names a tool without effects as destructive by default, and escapes its name', () => {
    expect(whyAsk('fetch_url', new Set(['fetch_url']))).toBe('`fetch_url` declares no effects, so it counts as destructive; declare `effects: { readOnly: true }` if it only reads');
    expect(whyAsk('delete_file', new Set())).toBe('`delete_file` writes (its effects say so) and the approval policy asks for it');
    expect(whyAsk('x\u001b[2J', new Set(['x\u001b[2J']))).not.toContain('\u001b');
  });

  it('the refusing approver says why and how to allow it', async () => {
    const decision = await refusingApprover(new Set(['delete_file'])).approve(call('a'));
    expect(decision).toEqual({ reject: '`delete_file` declares no effects, so it counts as destructive; declare `effects: { readOnly: true }` if it only reads; it needs approval and there is no terminal to ask: rerun with --yes to allow it, or in a terminal' });
  });

  it('a approves this call and every later call of the same tool without asking; other tools still ask', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const asked: string[] = [];
    output.on('data', (c: Buffer) => asked.push(c.toString()));
    const approver = terminalApprover({ input, output, undeclared: new Set(['delete_file']) });
    const other: ApprovalRequest = { ...call('o'), tool: 'send_mail' };
    const decisions = Promise.all([approver.approve(call('a')), approver.approve(call('b')), approver.approve(other), approver.approve(call('c'))]);
    await new Promise((r) => setImmediate(r));
    input.write('all\nn\n');
    expect(await decisions).toEqual(['approve', 'approve', { reject: 'declined by the person at the terminal' }, 'approve']);
    expect(asked.filter((t) => t.startsWith('approve ')).map((t) => t.split(':')[0])).toEqual(['approve a', 'approve o']);
    // The reason is told once, before the first question about the tool.
    expect(asked.filter((t) => t.includes('declares no effects'))).toHaveLength(1);
    approver.close();
  });
});
