import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CallIdRegistry, safeCallId } from '../../src/formats/call-ids.js';
import { parseOpenAIChat } from '../../src/formats/openai-chat.js';
import { collectOutcomes, outcomeText, truncateText } from '../../src/formats/render-outcome.js';
import { rewriteRefIds, rewriteTemplateIds } from '../../src/formats/rewrite-refs.js';
import { createSseDecoder } from '../../src/formats/sse.js';
import { run } from '../../src/schedule/scheduler.js';
import { defineTool } from '../../src/tools/define-tool.js';
import { CALL_ID_PATTERN } from '../../src/plan/schema.js';
import { cutsArb, splitAt } from './helpers.js';

describe('call ids', () => {
  it('maps any provider id to a safe id, deterministically and without collisions', () => {
    fc.assert(fc.property(fc.array(fc.string({ maxLength: 300 }), { maxLength: 20 }), (raw) => {
      const reg = new CallIdRegistry();
      const ids = raw.map((r, i) => reg.assign(r, String(i + 1)));
      for (const a of ids) expect(a.id).toMatch(CALL_ID_PATTERN);
      expect(new Set(ids.map((a) => a.id)).size).toBe(ids.length);
      ids.forEach((a, i) => {
        if (raw[i] !== '') expect(reg.providerId(a.id)).toBe(raw[i]);
      });
      for (const r of raw) expect(safeCallId(r)).toBe(safeCallId(r));
    }));
  });

  it('gives generated ids when the provider has none and marks them', () => {
    const reg = new CallIdRegistry();
    expect(reg.assign(undefined, '1').id).toBe('1');
    expect(reg.assign(42, '2').id).toBe('2');
    expect(reg.isGenerated('1')).toBe(true);
    expect(reg.assign('1', '3')).toEqual({ id: '1:2', providerId: '1', duplicate: false });
  });
});

describe('reference rewriting', () => {
  it('rewrites template ids and $ref objects, leaving $${ escapes alone', () => {
    const resolve = (id: string) => (id === '1' ? 'call_a' : id === '2' ? 'has.dot' : undefined);
    expect(rewriteTemplateIds('x ${1.a} $${1} ${3}', resolve)).toBe('x ${call_a.a} $${1} ${3}');
    expect(rewriteTemplateIds('${2.items[0]}', resolve)).toEqual({ $ref: 'has.dot', path: '$.items[0]' });
    expect(rewriteRefIds({ a: [{ $ref: '1', path: '$.x' }], b: { c: '${1}' } }, resolve)).toEqual({ a: [{ $ref: 'call_a', path: '$.x' }], b: { c: '${call_a}' } });
  });

  it('does not treat forward or self positional references as positions', () => {
    const parsed = parseOpenAIChat({ tool_calls: [
      { id: 'a', function: { name: 'f', arguments: '{"x":"${1}","y":"${2}"}' } },
      { id: 'b', function: { name: 'g', arguments: '{"x":"${1}","y":"${2}"}' } },
    ] });
    expect(parsed.calls.map((c) => c.args)).toEqual([{ x: '${1}', y: '${2}' }, { x: '${a}', y: '${2}' }]);
  });

  it('handles deeply nested arguments without recursion', () => {
    let deep: unknown = '${1}';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const out = rewriteRefIds({ d: deep }, () => 'z') as { d: unknown };
    let v: unknown = out.d;
    let depth = 0;
    while (Array.isArray(v)) {
      v = v[0];
      depth++;
    }
    expect(depth).toBe(100_000);
    expect(v).toBe('${z}');
  });
});

describe('outcome text', () => {
  it('truncates without splitting a surrogate pair and says how much was cut', () => {
    expect(truncateText('ab😀cd', 3)).toBe('ab\n… [truncated: 4 of 6 characters cut]');
    expect(outcomeText({ id: 'x', tool: 't', status: 'succeeded', result: 'y'.repeat(20_000) }).text).toMatch(/\n… \[truncated: 3616 of 20000 characters cut\]$/);
    expect(outcomeText({ id: 'x', tool: 't', status: 'succeeded', result: undefined }).text).toBe('(no output)');
    expect(outcomeText({ id: 'x', tool: 't', status: 'succeeded', result: 12 }).text).toBe('12');
  });
});

describe('malformed calls through the scheduler', () => {
  it('a malformed call ends failed with its code while the good calls run; results go back with provider ids', async () => {
    const echo = defineTool({ name: 'echo', execute: async (args: Record<string, unknown>) => args });
    const parsed = parseOpenAIChat({ tool_calls: [
      { id: 'call one', function: { name: 'echo', arguments: '{"v":1}' } },
      { id: 'call_2', function: { name: 'echo', arguments: '{"v":' } },
      { id: 'call_3', function: { name: 'echo', arguments: '{"w":"${1.v}"}' } },
    ] });
    const result = await run(parsed.items, { tools: [echo] });
    const outcomes = collectOutcomes(parsed.items, result.calls, parsed.ids);
    expect(outcomes.map((o) => [o.id, o.status, o.error?.code])).toEqual([
      ['call one', 'succeeded', undefined],
      ['call_2', 'failed', 'MALFORMED_CALL'],
      ['call_3', 'succeeded', undefined],
    ]);
    expect(outcomes[2]?.result).toEqual({ w: 1 });
  });
});

describe('createSseDecoder', () => {
  it('decodes events split anywhere, skipping [DONE] and comments', () => {
    const text = ': keep-alive\n\ndata: {"a":"x\\ny"}\r\n\nevent: e\ndata: {"b":[1,\ndata: 2]}\n\ndata: [DONE]\n\n';
    fc.assert(fc.property(cutsArb, (cuts) => {
      const sse = createSseDecoder();
      const out = splitAt(text, cuts).flatMap((p) => sse.push(p));
      out.push(...sse.end());
      expect(out).toEqual([{ a: 'x\ny' }, { b: [1, 2] }]);
    }));
    expect(() => createSseDecoder().push('data: nope\n\n')).toThrow(/not JSON/);
    expect(() => createSseDecoder({ maxEventChars: 5 }).push('data: 123456\n')).toThrow(/over 5 characters/);
  });
});
