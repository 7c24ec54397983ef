import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/schedule/canonical-json.js';
import { run } from '../../src/schedule/scheduler.js';
import { serializeToolError } from '../../src/schedule/serialize-error.js';
import { MAX_SNAPSHOT_DEPTH, snapshot } from '../../src/schedule/snapshot.js';
import { EventLog, tool } from './harness.js';

function deep(levels: number): unknown {
  let v: unknown = 'bottom';
  for (let i = 0; i < levels; i++) v = { next: v };
  return v;
}

const throwingGetter = (): unknown => Object.defineProperty({ ok: 1 }, 'bad', { enumerable: true, get: () => { throw new Error('getter'); } });
const throwingProxy = (): unknown => new Proxy({}, { ownKeys: () => { throw new Error('trap'); }, get: () => { throw new Error('trap'); }, getPrototypeOf: () => { throw new Error('trap'); } });
const hostileError = (): unknown => {
  const e = new Error('x');
  for (const k of ['message', 'name', 'code']) Object.defineProperty(e, k, { get: () => { throw new Error('getter'); } });
  return e;
};

describe('hostile results are contained', () => {
  const hostile: [string, () => unknown, boolean][] = [
    ['a throwing getter', throwingGetter, true],
    ['a Proxy whose traps throw', throwingProxy, true],
    ['nesting 50,000 deep', () => deep(50_000), true],
    ['a toJSON that throws inside an array', () => [{ toJSON: () => { throw new Error('toJSON'); } }], false],
  ];
  for (const [what, make, fails] of hostile) {
    it(`a result with ${what}: the call fails with a code (or succeeds with plain data), the others go on, run() resolves`, async () => {
      const bad = tool({ name: 'bad', execute: () => make() });
      const use = tool({ name: 'use', execute: (args: Record<string, unknown>) => canonicalJson(args).length });
      const ok = tool({ name: 'ok', execute: () => 'fine' });
      const log = new EventLog();
      const result = await run(
        { calls: [{ id: 'b', tool: 'bad', args: {} }, { id: 'u', tool: 'use', args: { v: '${b}' } }, { id: 'k', tool: 'ok', args: {} }] },
        { tools: [bad, use, ok], onEvent: log.onEvent },
      );
      log.assertWellFormed(['b', 'u', 'k']);
      expect(result.calls['k']?.status).toBe('succeeded');
      const b = result.calls['b'];
      expect(b?.status).toBe(fails ? 'failed' : 'succeeded');
      if (fails) {
        // Read as a result (INVALID_OUTPUT), or already when asked whether it is a promise (TOOL_ERROR).
        expect(['INVALID_OUTPUT', 'TOOL_ERROR']).toContain(b?.error?.code);
        expect(result.calls['u']?.status).toBe('skipped');
      } else {
        // The toJSON case: copied as data (a function is kept), and the consumer's key read is contained.
        expect(b?.status).toBe('succeeded');
        expect(['succeeded', 'failed']).toContain(result.calls['u']?.status);
      }
    });
  }

  it('a deep result is refused at the snapshot depth, not by a stack overflow', () => {
    expect(() => snapshot(deep(MAX_SNAPSHOT_DEPTH + 1))).toThrow(/deeper than/);
    expect(snapshot(deep(MAX_SNAPSHOT_DEPTH - 1))).toEqual(deep(MAX_SNAPSHOT_DEPTH - 1));
  });

  it('a cyclic result is copied as a cycle, frozen', () => {
    const a: Record<string, unknown> = { n: 1 };
    a['self'] = a;
    const s = snapshot(a) as Record<string, unknown>;
    expect(s['self']).toBe(s);
    expect(s).not.toBe(a);
    expect(Object.isFrozen(s)).toBe(true);
  });
});

describe('whatever a tool throws is serialized safely', () => {
  const thrown: [string, () => unknown][] = [
    ['a string', () => 'plain'],
    ['null', () => null],
    ['undefined', () => undefined],
    ['an Error whose getters throw', hostileError],
    ['a Proxy whose traps throw', throwingProxy],
    ['an object nested 100,000 deep', () => deep(100_000)],
    ['a cyclic object', () => { const o: Record<string, unknown> = {}; o['o'] = o; return o; }],
    ['a symbol', () => Symbol('s')],
  ];
  for (const [what, make] of thrown) {
    it(`${what}: serializeToolError returns strings and never throws`, () => {
      const e = serializeToolError(make(), 'c');
      expect(e.code).toBe('TOOL_ERROR');
      expect(typeof e.message).toBe('string');
      expect(e.callId).toBe('c');
    });

    it(`${what}: the call fails TOOL_ERROR, its retry decision does not throw, the run resolves`, async () => {
      let attempts = 0;
      const bad = tool({ name: 'bad', retry: { maxAttempts: 2, initialMs: 0 }, execute: () => { attempts++; throw make(); } });
      const ok = tool({ name: 'ok', execute: () => 'fine' });
      const result = await run({ calls: [{ id: 'b', tool: 'bad', args: {} }, { id: 'k', tool: 'ok', args: {} }] }, { tools: [bad, ok] });
      expect(result.calls['b']?.status).toBe('failed');
      expect(result.calls['b']?.error?.code).toBe('TOOL_ERROR');
      expect(result.calls['k']?.status).toBe('succeeded');
      expect(attempts).toBeGreaterThanOrEqual(1);
    });
  }
});
