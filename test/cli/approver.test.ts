import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { describeCall, MAX_SHOWN_ARGS, refusingApprover, terminalApprover } from '../../src/cli/approver.js';
import type { ApprovalRequest } from '../../src/schedule/policies/approval.js';

const effects = { readOnly: false, idempotent: false, destructive: true, openWorld: true };
const call = (id: string, args: unknown = {}): ApprovalRequest => ({ id, tool: 'delete_file', args, effects, runId: 'r' });

describe('describeCall', () => {
  it('shows id, tool and compact JSON args; control characters in hostile text are escaped and long args are cut', () => {
    expect(describeCall(call('rm', { path: 'a.txt' }))).toBe('rm: delete_file {"path":"a.txt"}');
    expect(describeCall(call('x\u001b[2J\u009b', { p: '\u001b[31m\u009b' }))).toBe('x\\u001b[2J\\u009b: delete_file {"p":"\\u001b[31m\\u009b"}');
    const shown = describeCall(call('big', { text: 'a'.repeat(1000) }));
    expect(shown.length).toBe('big: delete_file '.length + MAX_SHOWN_ARGS);
    expect(shown.endsWith('…')).toBe(true);
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
