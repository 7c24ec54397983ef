import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isApprovalPolicy, isDecision, needsApproval, type ApprovalDecision, type ApprovalPolicy, type ApprovalRequest } from '../../../src/schedule/policies/approval.js';
import { fakeTool, fileRead, fileWrite, inv, type Invocation } from './fake-tools.js';
import { eventsOf, runVirtual, VirtualTime } from './virtual-time.js';

function setup() {
  const time = new VirtualTime();
  const log: Invocation[] = [];
  const tools = [
    fileRead(time, log, 'read_file'),
    fileWrite(time, log, 'delete_file'), // destructive by default
    fileWrite(time, log, 'edit_file', { effects: { destructive: false }, input: z.object({ path: z.string(), ms: z.number().optional(), text: z.string().optional() }) }),
    fakeTool(time, log, 'search', { effects: { readOnly: true, idempotent: true } }),
  ];
  return { time, log, tools };
}

const effects = (e: Partial<ApprovalRequest['effects']>): ApprovalRequest['effects'] => ({ readOnly: false, idempotent: false, destructive: true, openWorld: true, ...e });
const request = (e: Partial<ApprovalRequest['effects']>, args: unknown = {}): ApprovalRequest => ({ id: 'c', tool: 't', args, runId: 'r', effects: effects(e) });

describe('approval policy', () => {
  it.each<[ApprovalPolicy, boolean, boolean, boolean]>([
    ['destructive', true, false, false],
    ['writes', true, true, false],
    ['none', false, false, false],
  ])('%s: destructive write %s, other write %s, read %s', (policy, destructive, write, read) => {
    expect(needsApproval(policy, request({}))).toBe(destructive);
    expect(needsApproval(policy, request({ destructive: false }))).toBe(write);
    expect(needsApproval(policy, request({ readOnly: true, destructive: false }))).toBe(read);
  });

  it('a predicate sees the call', () => {
    const policy = (call: ApprovalRequest): boolean => (call.args as { amount: number }).amount > 100;
    expect(needsApproval(policy, request({ readOnly: true }, { amount: 500 }))).toBe(true);
    expect(needsApproval(policy, request({}, { amount: 5 }))).toBe(false);
  });

  it('recognises well-formed decisions only', () => {
    expect(isDecision('approve')).toBe(true);
    expect(isDecision({ reject: 'no' })).toBe(true);
    expect(isDecision({ edit: { path: 'b' } })).toBe(true);
    for (const bad of ['yes', true, null, { reject: 1 }, { edit: [1] }, { edit: 'x' }, {}]) expect(isDecision(bad)).toBe(false);
  });
});

describe('approvals in a run', () => {
  it('asks with the filled args, as soon as they are filled', async () => {
    const { time, log, tools } = setup();
    const asked: { at: number; call: ApprovalRequest }[] = [];
    const { result, events } = await runVirtual({ calls: [
      { id: 'find', tool: 'search', args: { ms: 25 } },
      { id: 'del', tool: 'delete_file', args: { path: 'tmp/${find.by}.log' } },
    ] }, {
      tools,
      runId: 'run-1',
      approve: (call) => {
        asked.push({ at: time.now(), call });
        return 'approve';
      },
    }, time);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ at: 25, call: { id: 'del', tool: 'delete_file', args: { path: 'tmp/find.log' }, runId: 'run-1', effects: { destructive: true } } });
    expect(eventsOf(events, 'approval_requested')).toMatchObject([{ callId: 'del', args: { path: 'tmp/find.log' }, t: 25 }]);
    expect(result.calls['del']?.status).toBe('succeeded');
    expect(inv(log, 'del').args).toEqual({ path: 'tmp/find.log' });
  });

  it('several approvals are pending at once while reads keep running', async () => {
    const { time, log, tools } = setup();
    const asked: string[] = [];
    const { result } = await runVirtual({ calls: [
      { id: 'del_a', tool: 'delete_file', args: { path: 'a' } },
      { id: 'del_b', tool: 'delete_file', args: { path: 'b' } },
      { id: 'r1', tool: 'read_file', args: { path: 'c', ms: 10 } },
      { id: 'r2', tool: 'read_file', args: { path: 'd', ms: 10 }, after: ['r1'] },
      { id: 'r3', tool: 'read_file', args: { path: 'e', ms: 10 }, after: ['r2'] },
    ] }, {
      tools,
      approve: (call) => {
        asked.push(call.id);
        return new Promise<ApprovalDecision>((resolve) => time.at(100, () => resolve('approve')));
      },
    }, time);
    expect(asked).toEqual(['del_a', 'del_b']);
    expect(['r1', 'r2', 'r3'].map((id) => inv(log, id).end)).toEqual([10, 20, 30]);
    expect(inv(log, 'del_a').start).toBe(100);
    expect(inv(log, 'del_b').start).toBe(100);
    expect(result.metrics.succeeded).toBe(5);
  });

  it('a rejected call ends `rejected` with the reason, never runs, and its dependents are skipped', async () => {
    const { time, log, tools } = setup();
    const { result, events } = await runVirtual({ calls: [
      { id: 'del', tool: 'delete_file', args: { path: 'db.sqlite' } },
      { id: 'after_del', tool: 'search', args: { q: '${del.path}' } },
      { id: 'next', tool: 'search', args: {}, after: ['after_del'] },
      { id: 'keep', tool: 'delete_file', args: { path: 'tmp.txt' } },
    ] }, { tools, approve: (call) => (call.args as { path: string }).path === 'db.sqlite' ? { reject: 'never delete the database' } : 'approve' }, time);
    expect(result.calls['del']).toMatchObject({ status: 'rejected', attempts: 0, error: { code: 'REJECTED' } });
    expect(eventsOf(events, 'call_rejected')).toMatchObject([{ callId: 'del', reason: 'never delete the database' }]);
    expect(result.calls['after_del']).toMatchObject({ status: 'skipped', error: { code: 'SKIPPED', details: { cause: 'del' } } });
    expect(result.calls['after_del']?.error?.message).toContain('rejected');
    expect(result.calls['next']?.status).toBe('skipped');
    expect(result.calls['keep']?.status).toBe('succeeded');
    expect(log.map((e) => e.callId)).toEqual(['keep']);
    expect(result.metrics.rejected).toBe(1);
    expect(eventsOf(events, 'call_rejected').length + eventsOf(events, 'call_succeeded').length + eventsOf(events, 'call_skipped').length).toBe(4);
  });

  it('edit replaces the args, which are validated again and key the idempotency key', async () => {
    const { time, log, tools } = setup();
    const { result } = await runVirtual({ calls: [
      { id: 'e1', tool: 'edit_file', args: { path: 'a', text: 'x' } },
      { id: 'e2', tool: 'edit_file', args: { path: 'b', text: 'y' } },
    ] }, {
      tools,
      requireApproval: 'writes',
      approve: (call) => (call.id === 'e1' ? { edit: { path: 'a2', text: 'reviewed' } } : { edit: { path: 42 } }),
    }, time);
    expect(result.calls['e1']).toMatchObject({ status: 'succeeded', args: { path: 'a2', text: 'reviewed' } });
    expect(inv(log, 'e1').args).toEqual({ path: 'a2', text: 'reviewed' });
    expect(result.calls['e2']).toMatchObject({ status: 'failed', error: { code: 'INVALID_ARGS', location: 'args.path' } });
    expect(log.map((e) => e.callId)).toEqual(['e1']);
    // The key hashes the edited args: a second run with the original args gets another key.
    const again = setup();
    await runVirtual({ calls: [{ id: 'e1', tool: 'edit_file', args: { path: 'a', text: 'x' } }] }, { tools: again.tools, runId: result.runId }, again.time);
    expect(inv(again.log, 'e1').key).not.toBe(inv(log, 'e1').key);
  });

  it("edited resources order the call: an edit onto a busy file waits for it", async () => {
    const { time, log, tools } = setup();
    await runVirtual({ calls: [
      { id: 'slow', tool: 'edit_file', args: { path: 'busy', ms: 50 } },
      { id: 'del', tool: 'delete_file', args: { path: 'idle' } },
    ] }, { tools, approve: () => ({ edit: { path: 'busy' } }) }, time);
    expect(inv(log, 'del').start).toBe(50);
  });

  it('an edit away from a resource frees it: a later write of the old resource starts at once', async () => {
    const { time, log, tools } = setup();
    await runVirtual({ calls: [
      { id: 'e1', tool: 'edit_file', args: { path: 'a', ms: 10 } },
      { id: 'e2', tool: 'edit_file', args: { path: 'a', ms: 10 } },
    ] }, {
      tools,
      requireApproval: (call) => call.id === 'e1',
      approve: () => new Promise<ApprovalDecision>((resolve) => time.at(20, () => resolve({ edit: { path: 'c', ms: 10 } }))),
    }, time);
    // e2 waits behind e1 on file:a until the edit moves e1 to file:c; then both run at once.
    expect(inv(log, 'e1').start).toBe(20);
    expect(inv(log, 'e2').start).toBe(20);
  });

  it('an edit onto a resource a later call is already writing waits for that call (no overlap)', async () => {
    const { time, log, tools } = setup();
    await runVirtual({ calls: [
      { id: 'e1', tool: 'edit_file', args: { path: 'a', ms: 10 } },
      { id: 'e2', tool: 'edit_file', args: { path: 'b', ms: 50 } },
    ] }, {
      tools,
      requireApproval: (call) => call.id === 'e1',
      approve: () => new Promise<ApprovalDecision>((resolve) => time.at(20, () => resolve({ edit: { path: 'b', ms: 10 } }))),
    }, time);
    expect(inv(log, 'e2').start).toBe(0);
    expect(inv(log, 'e1').start).toBe(50);
  });

  it.each<[string, ApprovalPolicy | undefined, string[]]>([
    ['default (destructive)', undefined, ['del']],
    ['destructive', 'destructive', ['del']],
    ['writes', 'writes', ['del', 'edit']],
    ['none', 'none', []],
    ['a predicate', (call) => call.tool === 'read_file', ['read']],
  ])('policy %s decides who asks', async (_label, policy, expected) => {
    const { time, tools } = setup();
    const asked: string[] = [];
    const { result } = await runVirtual({ calls: [
      { id: 'del', tool: 'delete_file', args: { path: 'a' } },
      { id: 'edit', tool: 'edit_file', args: { path: 'b' } },
      { id: 'read', tool: 'read_file', args: { path: 'c' } },
      { id: 'find', tool: 'search', args: {} },
    ] }, { tools, ...(policy === undefined ? {} : { requireApproval: policy }), approve: (call) => (asked.push(call.id), 'approve') }, time);
    expect(asked.sort()).toEqual(expected);
    expect(result.metrics.succeeded).toBe(4);
  });

  it('without an approver nothing asks', async () => {
    const { time, tools } = setup();
    const { result, events } = await runVirtual({ calls: [{ id: 'del', tool: 'delete_file', args: { path: 'a' } }] }, { tools }, time);
    expect(eventsOf(events, 'approval_requested')).toEqual([]);
    expect(result.calls['del']?.status).toBe('succeeded');
  });

  it.each<[string, (call: ApprovalRequest) => ApprovalDecision | Promise<ApprovalDecision>, RegExp]>([
    ['throws', () => { throw new Error('approver offline'); }, /approver offline/],
    ['rejects', () => Promise.reject(new Error('timeout asking')), /timeout asking/],
    ['answers nonsense', () => 'yes' as unknown as ApprovalDecision, /not a decision/],
  ])('an approver that %s rejects the call with the reason', async (_label, approve, reason) => {
    const { time, log, tools } = setup();
    const { result, events } = await runVirtual({ calls: [
      { id: 'del', tool: 'delete_file', args: { path: 'a' } },
      { id: 'find', tool: 'search', args: {} },
    ] }, { tools, approve }, time);
    expect(result.calls['del']?.status).toBe('rejected');
    expect(eventsOf(events, 'call_rejected')[0]?.reason).toMatch(reason);
    expect(result.calls['find']?.status).toBe('succeeded');
    expect(log.map((e) => e.callId)).toEqual(['find']);
  });

  it('a policy predicate that throws rejects the call instead of breaking the run', async () => {
    const { time, log, tools } = setup();
    const { result, events } = await runVirtual({ calls: [
      { id: 'find', tool: 'search', args: { ms: 5 } },
      { id: 'del', tool: 'delete_file', args: { path: '${find.by}' } },
      { id: 'other', tool: 'search', args: { ms: 20 } },
    ] }, { tools, requireApproval: (call) => { if (call.tool === 'delete_file') throw new Error('policy bug'); return false; }, approve: () => 'approve' }, time);
    expect(result.calls['del']?.status).toBe('rejected');
    expect(eventsOf(events, 'call_rejected')[0]?.reason).toMatch(/policy bug/);
    expect(result.calls['other']?.status).toBe('succeeded');
    expect(log.map((e) => e.callId).sort()).toEqual(['find', 'other']);
  });

  it('an approval answered after the run was cancelled runs nothing', async () => {
    const { time, log, tools } = setup();
    const controller = new AbortController();
    time.at(10, () => controller.abort());
    const { result } = await runVirtual({ calls: [{ id: 'del', tool: 'delete_file', args: { path: 'a' } }] }, {
      tools,
      signal: controller.signal,
      approve: () => new Promise<ApprovalDecision>((resolve) => time.at(50, () => resolve('approve'))),
    }, time);
    time.scheduler.flush();
    await new Promise((r) => setImmediate(r));
    expect(result.calls['del']?.status).toBe('cancelled');
    expect(log).toEqual([]);
  });
});

describe('requireApproval without an approver', () => {
  it('is refused up front, naming both options, instead of silently asking nobody', async () => {
    const { run } = await import('../../../src/schedule/scheduler.js');
    const plan = { calls: [{ id: 'w', tool: 'w', args: {} }] };
    const tools = [{ name: 'w', execute: () => 'done' }];
    await expect(run(plan, { tools, requireApproval: 'writes' })).rejects.toThrow(/expected `approve` when `requireApproval` is set/);
    await expect(run(plan, { tools, requireApproval: 'none' })).resolves.toMatchObject({ calls: { w: { status: 'succeeded' } } });
  });
});

describe('a requireApproval that is not a policy', () => {
  it('is refused up front (a typo would otherwise ask nobody and run the destructive call)', async () => {
    const { run } = await import('../../../src/schedule/scheduler.js');
    const plan = { calls: [{ id: 'w', tool: 'w', args: {} }] };
    let ran = 0;
    const tools = [{ name: 'w', execute: () => ++ran }];
    for (const typo of ['all', 'write', 42]) {
      await expect(run(plan, { tools, approve: () => 'approve', requireApproval: typo as ApprovalPolicy })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining("'destructive', 'writes', 'none' or a function") as unknown });
    }
    expect(ran).toBe(0);
    await expect(run(plan, { tools, approve: () => 'approve', requireApproval: () => true })).resolves.toMatchObject({ calls: { w: { status: 'succeeded' } } });
  });
});

describe('isApprovalPolicy', () => {
  it('accepts the three named policies and functions, nothing else', () => {
    for (const ok of ['destructive', 'writes', 'none', () => true]) expect(isApprovalPolicy(ok)).toBe(true);
    for (const bad of ['all', 'write', 'Destructive', '', 42, null, undefined, {}]) expect(isApprovalPolicy(bad)).toBe(false);
  });
});
