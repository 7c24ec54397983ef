import { describe, expect, it } from 'vitest';
import { collectCalls, createCallCollector } from '../../src/formats/collect-calls.js';
import { isMalformedCall, run, defineTool, collectOutcomes } from '../../src/index.js';

describe('collectCalls', () => {
  it('reads parsed args and JSON args alike, in order', () => {
    const parsed = collectCalls([
      { id: 'call_a', name: 'search', args: { q: 'x' } },
      { id: 'call_b', name: 'read', argsJson: '{"path":"README.md"}' },
    ]);
    expect(parsed.calls).toEqual([
      { id: 'call_a', tool: 'search', args: { q: 'x' } },
      { id: 'call_b', tool: 'read', args: { path: 'README.md' } },
    ]);
    expect(parsed.problems).toEqual([]);
  });

  it('rewrites positional references to the earlier call ids, in templates and $ref objects', () => {
    const parsed = collectCalls([
      { id: 'call_a', name: 'search', args: {} },
      { id: 'call_b', name: 'read', args: { path: '${1.hits[0]}', meta: { $ref: '1', path: '$.n' } } },
    ]);
    expect(parsed.calls[1]?.args).toEqual({ path: '${call_a.hits[0]}', meta: { $ref: 'call_a', path: '$.n' } });
  });

  it('maps unsafe framework ids and keeps the original for results; references to them follow', () => {
    const parsed = collectCalls([
      { id: 'call 1/x', name: 'search', args: {} },
      { id: 'call_2', name: 'read', args: { q: { $ref: 'call 1/x' } } },
    ]);
    const first = parsed.items[0];
    expect(first?.id).not.toBe('call 1/x');
    expect(parsed.ids.providerId(first?.id ?? '')).toBe('call 1/x');
    expect(parsed.calls[1]?.args).toEqual({ q: { $ref: first?.id } });
  });

  it('reports every bad call with its location and keeps the good ones', () => {
    const parsed = collectCalls([
      { id: 'a', name: 'search', argsJson: '{"q":' },
      { id: 'b', name: '', args: {} },
      { id: 'c', name: 'read', args: [1] },
      { id: 'a', name: 'read', args: {} },
      { id: 'e', name: 'read', argsJson: 42 },
      { id: 'f', name: 'read', args: { ok: true } },
    ]);
    expect(parsed.calls.map((c) => c.id)).toEqual(['f']);
    expect(parsed.problems.map((p) => p.error.location)).toEqual(['calls[0].argsJson', 'calls[1].name', 'calls[2].args', 'calls[3].id', 'calls[4]']);
    expect(parsed.problems.every((p) => p.error.code === 'MALFORMED_CALL')).toBe(true);
    expect(parsed.problems[0]?.error.message).toMatch(/not valid JSON/);
    expect(parsed.problems[3]?.error.message).toMatch(/used by an earlier call/);
  });

  it('bounds argument size', () => {
    const collector = createCallCollector({ maxArgsChars: 10 });
    const item = collector.add({ id: 'a', name: 'search', argsJson: JSON.stringify({ q: 'x'.repeat(100) }) });
    expect(isMalformedCall(item)).toBe(true);
  });

  it('its items run as a plan: a malformed call fails, its dependents are skipped, the rest runs', async () => {
    const parsed = collectCalls([
      { id: 'a', name: 'num', args: {} },
      { id: 'b', name: 'num', argsJson: 'nope' },
      { id: 'c', name: 'echo', args: { v: '${a}' } },
      { id: 'd', name: 'echo', args: { v: '${b}' } },
    ]);
    const num = defineTool({ name: 'num', effects: { readOnly: true }, execute: () => 7 });
    const echo = defineTool({ name: 'echo', effects: { readOnly: true }, execute: ({ v }: { v: unknown }) => v });
    const result = await run(parsed.items, { tools: [num, echo] });
    const outcomes = collectOutcomes(parsed.items, result.calls, parsed.ids);
    expect(outcomes.map((o) => o.status)).toEqual(['succeeded', 'failed', 'succeeded', 'skipped']);
    expect(outcomes[2]?.result).toBe(7);
  });
});
