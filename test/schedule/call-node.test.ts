import { describe, expect, it } from 'vitest';
import { addExecution, CallNode, connect, Execution, removeExecution } from '../../src/schedule/call-node.js';

const node = (index = 0) => new CallNode(index, `c${index}`, 't', undefined, undefined, false, undefined);
const sideOf = (n: CallNode): unknown => (n as unknown as { more: unknown }).more;

describe('CallNode', () => {
  it('reads the fields few calls use as their defaults, and clearing them makes nothing', () => {
    const n = node();
    expect([n.unknownDeps, n.parked, n.blockedOn, n.followers, n.coalescedWith, n.edited, n.resources, n.cancelTimer]).toEqual([0, undefined, undefined, undefined, undefined, false, undefined, undefined]);
    // What the engine does to every call as it ends.
    n.cancelTimer = undefined;
    n.followers = undefined;
    n.parked = undefined;
    n.unknownDeps = 0;
    n.edited = false;
    n.blockedOn = undefined;
    n.coalescedWith = undefined;
    n.resources = undefined;
    expect(sideOf(n)).toBeUndefined();
  });

  it('keeps each of them once set, apart from the others', () => {
    const n = node();
    const other = node(1);
    const cancel = () => undefined;
    n.unknownDeps = 2;
    n.parked = [other];
    n.blockedOn = other;
    n.followers = [other];
    n.coalescedWith = 'c1';
    n.edited = true;
    n.resources = ['file:a'];
    n.cancelTimer = cancel;
    expect([n.unknownDeps, n.parked, n.blockedOn, n.followers, n.coalescedWith, n.edited, n.resources, n.cancelTimer]).toEqual([2, [other], other, [other], 'c1', true, ['file:a'], cancel]);
    n.unknownDeps--;
    n.parked = undefined;
    expect([n.unknownDeps, n.parked, n.blockedOn]).toEqual([1, undefined, other]);
    expect(sideOf(other)).toBeUndefined();
  });

  it('keeps the idempotency key until it is reset (an approver edited the args), and after being detached', () => {
    const n = new CallNode(0, 'a', 't', undefined, undefined, false, undefined);
    n.args = { q: 1 };
    const key = n.idempotencyKey('run_1');
    expect(key).toMatch(/^[0-9a-f]{40}$/);
    n.args = { q: 2 };
    expect(n.idempotencyKey('run_1')).toBe(key);
    n.resetKey();
    const edited = n.idempotencyKey('run_1');
    expect(edited).not.toBe(key);
    n.attempts = 1;
    n.detach('run_1');
    expect([n.args, n.idempotencyKey('run_1')]).toEqual([undefined, edited]);
  });

  it('detaching a call whose args have no canonical form (a cycle) does not throw; asking for its key later does, with the reason', () => {
    const n = node();
    const cyclic: Record<string, unknown> = { name: 'root' };
    cyclic['self'] = cyclic;
    n.args = { tree: cyclic };
    n.attempts = 1;
    expect(() => n.detach('run_1')).not.toThrow();
    expect(n.args).toBeUndefined();
    expect(() => n.idempotencyKey('run_1')).toThrow(/cycle/);
  });

  it('connects edges both ways and tracks an attempt and a hedged copy', () => {
    const a = node(0);
    const b = node(1);
    connect(a, b);
    expect([a.dependents, b.deps]).toEqual([[1], [0]]);
    const first = new Execution(b, 'r', 1, false);
    const copy = new Execution(b, 'r', 1, true);
    addExecution(b, first);
    addExecution(b, copy);
    expect([b.exec, b.copy]).toEqual([first, copy]);
    removeExecution(b, first);
    expect([b.exec, b.copy]).toEqual([copy, undefined]);
  });
});
