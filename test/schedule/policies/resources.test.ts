import { Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { defaultResources, HazardTracker, type HazardSubject } from '../../../src/schedule/policies/resources.js';
import { fakeTool, fileRead, fileWrite, inv, overlaps, type Invocation } from './fake-tools.js';
import { runVirtual, VirtualTime } from './virtual-time.js';

interface Subject extends HazardSubject {
  readonly id: string;
  finished: boolean;
}

function subject(index: number, write: boolean, resources: string[] | undefined): Subject {
  return { id: `c${index}`, index, write, resources, finished: false };
}

describe('HazardTracker', () => {
  it('orders read-after-write, write-after-read and write-after-write by plan order, naming the latest earlier conflicting call', () => {
    const t = new HazardTracker<Subject>();
    const w0 = subject(0, true, ['file:a']);
    const r1 = subject(1, false, ['file:a']);
    const r2 = subject(2, false, ['file:a']);
    const w3 = subject(3, true, ['file:a']);
    for (const s of [w0, r1, r2, w3]) t.track(s);
    expect(t.blocker(w0)).toBeUndefined();
    expect(t.blocker(r1)).toBe(w0); // RAW
    expect(t.blocker(r2)).toBe(w0);
    expect(t.blocker(w3)).toBe(r2); // WAR (and WAW behind it)
    expect(t.blocker(w3, (o) => o !== r2 && o !== r1)).toBe(w0); // WAW
    w0.finished = true;
    expect(t.blocker(r1)).toBeUndefined(); // reads of one resource run together
    expect(t.blocker(r2)).toBeUndefined();
    expect(t.blocker(w3)).toBe(r2);
    r2.finished = true;
    expect(t.blocker(w3)).toBe(r1);
    r1.finished = true;
    expect(t.blocker(w3)).toBeUndefined();
  });

  it('calls on disjoint resources never block each other, and a later call never blocks an earlier one', () => {
    const t = new HazardTracker<Subject>();
    const a = subject(0, true, ['file:a']);
    const b = subject(1, true, ['file:b']);
    const a2 = subject(2, true, ['file:a', 'file:c']);
    for (const s of [a, b, a2]) t.track(s);
    expect(t.blocker(b)).toBeUndefined();
    expect(t.blocker(a)).toBeUndefined();
    expect(t.blocker(a2)).toBe(a);
  });

  it('a call with unknown resources blocks later writes (and later calls when it writes) until it learns them', () => {
    const t = new HazardTracker<Subject>();
    const u = subject(0, true, undefined);
    const read = subject(1, false, ['file:z']);
    const write = subject(2, true, ['file:z']);
    for (const s of [u, read, write]) t.track(s);
    expect(t.blocker(read)).toBe(u);
    expect(t.blocker(write)).toBe(read); // after the read (WAR)
    expect(t.blocker(write, (other) => other !== read)).toBe(u); // and after the unknown write
    t.learn(u, ['file:a']);
    expect(t.blocker(read)).toBeUndefined();
    expect(t.blocker(write)).toBe(read);
  });

  it('an unknown read blocks later writes but not later reads', () => {
    const t = new HazardTracker<Subject>();
    const u = subject(0, false, undefined);
    const read = subject(1, false, ['file:a']);
    const write = subject(2, true, ['file:a']);
    for (const s of [u, read, write]) t.track(s);
    expect(t.blocker(read)).toBeUndefined();
    expect(t.blocker(write)).toBe(read);
    expect(t.blocker(write, (other) => other !== read)).toBe(u);
  });

  it('knownConflicts keeps the edges that order the calls, with their resources', () => {
    const w0 = subject(0, true, ['file:a', 'file:b']);
    const r1 = subject(1, false, ['file:a']);
    const r2 = subject(2, false, ['file:a']);
    const w3 = subject(3, true, ['file:a']);
    const other = subject(4, true, ['file:c']);
    const w5 = subject(5, true, ['file:b']);
    const edges = HazardTracker.knownConflicts([w0, r1, r2, w3, other, w5]).map((e) => [e.from.id, e.to.id, e.resources]);
    expect(edges).toEqual(
      expect.arrayContaining([
        ['c0', 'c1', ['file:a']],
        ['c0', 'c2', ['file:a']],
        ['c1', 'c3', ['file:a']],
        ['c2', 'c3', ['file:a']],
        ['c0', 'c5', ['file:b']],
      ]),
    );
    expect(edges).toHaveLength(5);
  });

  it('default resources: a write touches tool:<name>, a read nothing', () => {
    expect(defaultResources('send_email', true)).toEqual(['tool:send_email']);
    expect(defaultResources('search', false)).toEqual([]);
  });
});

describe('hazards in a run (virtual time)', () => {
  function setup() {
    const time = new VirtualTime();
    const log: Invocation[] = [];
    const tools = [
      fileWrite(time, log, 'write_file'),
      fileRead(time, log, 'read_file'),
      fakeTool(time, log, 'append_log'), // a write with default resources
      fakeTool(time, log, 'send_email'), // another write with default resources
      fakeTool(time, log, 'search', { effects: { readOnly: true, idempotent: true } }), // a read with no resources
    ];
    return { time, log, tools };
  }

  it('read-after-write: the read starts when the earlier write ends', async () => {
    const { time, log, tools } = setup();
    await runVirtual({ calls: [
      { id: 'w', tool: 'write_file', args: { path: 'a', ms: 40 } },
      { id: 'r', tool: 'read_file', args: { path: 'a', ms: 5 } },
    ] }, { tools }, time);
    expect(inv(log, 'r').start).toBe(40);
  });

  it('write-after-read: the write starts when the earlier read ends', async () => {
    const { time, log, tools } = setup();
    await runVirtual({ calls: [
      { id: 'r', tool: 'read_file', args: { path: 'a', ms: 30 } },
      { id: 'w', tool: 'write_file', args: { path: 'a', ms: 5 } },
    ] }, { tools }, time);
    expect(inv(log, 'w').start).toBe(30);
  });

  it('write-after-write keeps plan order even when the later write is faster', async () => {
    const { time, log, tools } = setup();
    await runVirtual({ calls: [
      { id: 'w1', tool: 'write_file', args: { path: 'a', ms: 50 } },
      { id: 'w2', tool: 'write_file', args: { path: 'a', ms: 1 } },
      { id: 'w3', tool: 'write_file', args: { path: 'a', ms: 1 } },
    ] }, { tools }, time);
    expect(log.map((e) => [e.callId, e.start])).toEqual([['w1', 0], ['w2', 50], ['w3', 51]]);
  });

  it('the metrics count a wait behind a conflicting call as a link of the chain: the ordered writes are the critical path', async () => {
    const { time, tools } = setup();
    const { result } = await runVirtual({ calls: [
      { id: 'w1', tool: 'write_file', args: { path: 'a', ms: 50 } },
      { id: 'r', tool: 'read_file', args: { path: 'b', ms: 10 } },
      { id: 'w2', tool: 'write_file', args: { path: 'a', ms: 30, from: '${r.path}' } },
    ] }, { tools }, time);
    expect(result.metrics).toMatchObject({ makespanMs: 80, criticalPathMs: 80, makespanOverCriticalPath: 1, rounds: 2 });
  });

  it('reads of one resource run together, between the writes around them', async () => {
    const { time, log, tools } = setup();
    const { result } = await runVirtual({ calls: [
      { id: 'w1', tool: 'write_file', args: { path: 'a', ms: 10 } },
      { id: 'r1', tool: 'read_file', args: { path: 'a', ms: 20 } },
      { id: 'r2', tool: 'read_file', args: { path: 'a', ms: 30 } },
      { id: 'r3', tool: 'read_file', args: { path: 'a', ms: 25 } },
      { id: 'w2', tool: 'write_file', args: { path: 'a', ms: 10 } },
    ] }, { tools }, time);
    expect(['r1', 'r2', 'r3'].map((id) => inv(log, id).start)).toEqual([10, 10, 10]);
    expect(inv(log, 'w2').start).toBe(40);
    expect(result.metrics.maxParallelism).toBe(3);
  });

  it('calls on different resources run at once', async () => {
    const { time, log, tools } = setup();
    await runVirtual({ calls: [
      { id: 'a', tool: 'write_file', args: { path: 'a', ms: 10 } },
      { id: 'b', tool: 'write_file', args: { path: 'b', ms: 10 } },
      { id: 'ra', tool: 'read_file', args: { path: 'c', ms: 10 } },
    ] }, { tools }, time);
    expect(log.map((e) => e.start)).toEqual([0, 0, 0]);
  });

  it('default resources: writes of one tool never overlap, writes of two tools and reads without resources do', async () => {
    const { time, log, tools } = setup();
    await runVirtual({ calls: [
      { id: 'l1', tool: 'append_log', args: { ms: 10 } },
      { id: 'l2', tool: 'append_log', args: { ms: 10 } },
      { id: 'e1', tool: 'send_email', args: { ms: 10 } },
      { id: 's1', tool: 'search', args: { ms: 10 } },
    ] }, { tools }, time);
    expect(inv(log, 'l1').start).toBe(0);
    expect(inv(log, 'l2').start).toBe(10);
    expect(inv(log, 'e1').start).toBe(0);
    expect(inv(log, 's1').start).toBe(0);
  });

  it('a call whose args wait on placeholders holds back later writes of any tool until its args are filled', async () => {
    const { time, log, tools } = setup();
    await runVirtual({ calls: [
      { id: 'find', tool: 'search', args: { ms: 30 } },
      { id: 'edit', tool: 'write_file', args: { path: 'x-${find.by}', ms: 50 } },
      { id: 'other', tool: 'write_file', args: { path: 'b', ms: 10 } },
      { id: 'mail', tool: 'send_email', args: { ms: 10 } },
      { id: 'look', tool: 'search', args: { ms: 10 } },
    ] }, { tools }, time);
    // Until `edit` knows it touches file:x-find, it may touch anything: writes after it wait.
    expect(inv(log, 'other').start).toBe(30);
    expect(inv(log, 'mail').start).toBe(30);
    // Once known, the writes on other resources run alongside it; reads without resources never waited.
    expect(inv(log, 'edit').start).toBe(30);
    expect(overlaps(inv(log, 'other'), inv(log, 'edit'))).toBe(true);
    expect(inv(log, 'look').start).toBe(0);
  });

  it('a call whose args wait on placeholders still waits for an earlier conflicting write once its args are filled', async () => {
    const { time, log, tools } = setup();
    await runVirtual({ calls: [
      { id: 'w', tool: 'write_file', args: { path: 'find', ms: 100 } },
      { id: 'find', tool: 'search', args: { ms: 10 } },
      { id: 'same', tool: 'read_file', args: { path: '${find.by}', ms: 5 } },
      { id: 'other', tool: 'read_file', args: { path: '${find.tool}', ms: 5 } },
    ] }, { tools }, time);
    expect(inv(log, 'same').start).toBe(100); // file:find is written by the earlier `w`
    expect(inv(log, 'other').start).toBe(10); // file:search is not
  });

  it('no deadlock when an earlier call depends on a later one on the same resource', async () => {
    const { time, log, tools } = setup();
    const { result } = await runVirtual({ calls: [
      { id: 'late', tool: 'append_log', args: { text: '${early.by}', ms: 10 } },
      { id: 'early', tool: 'append_log', args: { ms: 10 } },
    ] }, { tools }, time);
    expect(result.order.map((id) => result.calls[id]?.status)).toEqual(['succeeded', 'succeeded']);
    expect(log.map((e) => e.callId)).toEqual(['early', 'late']);
  });

  it('no deadlock when a streamed call that arrives later closes the wait (earlier → late arrival → parked write → earlier)', async () => {
    const { time, log, tools } = setup();
    // A waits on C, which has not arrived; B (same resource, after A) is parked behind A. Then C
    // arrives and waits on B: B must now go first, then C, then A.
    const plan = new Observable<unknown>((subscriber) => {
      subscriber.next({ id: 'A', tool: 'append_log', args: { text: '${C.by}', ms: 10 } });
      subscriber.next({ id: 'B', tool: 'append_log', args: { ms: 10 } });
      time.at(5, () => {
        subscriber.next({ id: 'C', tool: 'append_log', args: { text: '${B.by}', ms: 10 } });
        subscriber.complete();
      });
    });
    const { result } = await runVirtual(plan, { tools }, time);
    expect(result.order.map((id) => result.calls[id]?.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(log.map((e) => e.callId)).toEqual(['B', 'C', 'A']);
    for (let i = 0; i < log.length; i++) for (let j = i + 1; j < log.length; j++) expect(overlaps(log[i] as Invocation, log[j] as Invocation)).toBe(false);
  });

  it('no deadlock when a write between them chains the wait (earlier → later → middle → earlier)', async () => {
    const { time, log, tools } = setup();
    const { result } = await runVirtual({ calls: [
      { id: 'c0', tool: 'append_log', args: { text: '${c2.by}', ms: 10 } },
      { id: 'c1', tool: 'append_log', args: { ms: 10 } },
      { id: 'c2', tool: 'append_log', args: { ms: 10 } },
    ] }, { tools }, time);
    expect(result.order.map((id) => result.calls[id]?.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    // Writes of one tool still never overlap.
    for (let i = 0; i < log.length; i++) for (let j = i + 1; j < log.length; j++) expect(overlaps(log[i] as Invocation, log[j] as Invocation)).toBe(false);
    expect(log.map((e) => e.callId)).toEqual(['c1', 'c2', 'c0']);
  });
});
