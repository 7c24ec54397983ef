import { describe, expect, it } from 'vitest';
import { fakeTool, type Invocation } from './fake-tools.js';
import { eventsOf, runVirtual, VirtualTime } from './virtual-time.js';

function setup() {
  const time = new VirtualTime();
  const log: Invocation[] = [];
  const tools = [
    fakeTool(time, log, 'search', { effects: { readOnly: true, idempotent: true } }),
    fakeTool(time, log, 'random_sample', { effects: { readOnly: true } }), // read, not idempotent
    fakeTool(time, log, 'put', { effects: { idempotent: true } }), // idempotent write
    fakeTool(time, log, 'post'),
  ];
  return { time, log, tools };
}

describe('coalescing', () => {
  it('equal resolved args (key order irrelevant) execute once; both get the result; metrics count it', async () => {
    const { time, log, tools } = setup();
    const { result, events } = await runVirtual({ calls: [
      { id: 'a', tool: 'search', args: { q: 'x', opts: { limit: 5, lang: 'en' } } },
      { id: 'b', tool: 'search', args: { opts: { lang: 'en', limit: 5 }, q: 'x' } },
      { id: 'c', tool: 'search', args: { q: 'y', opts: { limit: 5, lang: 'en' } } },
    ] }, { tools }, time);
    expect(log.map((e) => e.callId)).toEqual(['a', 'c']);
    expect(result.calls['b']).toMatchObject({ status: 'succeeded', result: { by: 'a' } });
    expect(result.calls['a']?.result).toEqual(result.calls['b']?.result);
    expect(result.metrics.coalesced).toBe(1);
    expect(eventsOf(events, 'call_succeeded').find((e) => e.callId === 'b')?.coalescedWith).toBe('a');
  });

  it('args equal only once filled are coalesced too', async () => {
    const { time, log, tools } = setup();
    const { result } = await runVirtual({ calls: [
      { id: 's', tool: 'search', args: { q: 'seed' } },
      { id: 'a', tool: 'search', args: { q: '${s.tool}' } },
      { id: 'b', tool: 'search', args: { q: 'search' } },
    ] }, { tools }, time);
    expect(log.map((e) => e.callId)).toEqual(['s', 'b']);
    expect(result.calls['a']?.result).toEqual(result.calls['b']?.result);
    expect(result.metrics.coalesced).toBe(1);
  });

  it('a call identical to one that already finished takes its result', async () => {
    const { time, log, tools } = setup();
    const { result } = await runVirtual({ calls: [
      { id: 'a', tool: 'search', args: { q: 'x' } },
      { id: 'gate', tool: 'search', args: { q: 'gate', ms: 50 } },
      { id: 'b', tool: 'search', args: { q: 'x' }, after: ['gate'] },
    ] }, { tools }, time);
    expect(log.map((e) => e.callId).sort()).toEqual(['a', 'gate']);
    expect(result.calls['b']).toMatchObject({ status: 'succeeded', result: { by: 'a' } });
  });

  it.each(['random_sample', 'put', 'post'])('never coalesces %s (not both read-only and idempotent)', async (tool) => {
    const { time, log, tools } = setup();
    const { result } = await runVirtual({ calls: [
      { id: 'a', tool, args: { q: 'x' } },
      { id: 'b', tool, args: { q: 'x' } },
    ] }, { tools }, time);
    expect(log.map((e) => e.callId).sort()).toEqual(['a', 'b']);
    expect(result.metrics.coalesced).toBe(0);
  });

  it('coalesce: false turns it off', async () => {
    const { time, log, tools } = setup();
    await runVirtual({ calls: [
      { id: 'a', tool: 'search', args: { q: 'x' } },
      { id: 'b', tool: 'search', args: { q: 'x' } },
    ] }, { tools, coalesce: false }, time);
    expect(log).toHaveLength(2);
  });

  it('when the shared execution fails, the follower fails too, and says why', async () => {
    const time = new VirtualTime();
    const log: Invocation[] = [];
    const tool = fakeTool(time, log, 'search', { effects: { readOnly: true, idempotent: true }, fail: () => new Error('index down') });
    const { result } = await runVirtual({ calls: [
      { id: 'a', tool: 'search', args: { q: 'x' } },
      { id: 'b', tool: 'search', args: { q: 'x' } },
    ] }, { tools: [tool] }, time);
    expect(log).toHaveLength(1);
    expect(result.calls['b']).toMatchObject({ status: 'failed', error: { callId: 'b' } });
    expect(result.calls['b']?.error?.message).toContain('coalesced with "a"');
  });
});
