import { describe, expect, it } from 'vitest';
import { TraceEntrySchema, type TraceEntry } from '../../src/observe/trace-entry.js';
import { parseTrace, parseTraceWithProblems, toJsonl } from '../../src/observe/trace-jsonl.js';

const sample: TraceEntry[] = [
  { type: 'assistant_message', turn: 1, t: 0, content: 'looking', tool_calls: ['c1', 'c2'] },
  { type: 'tool_call', id: 'c1', name: 'search', args: { q: 'x' }, turn: 1, t: 5 },
  { type: 'tool_call', id: 'c2', name: 'read', args: { path: 'a' }, turn: 1, t: 6, deps: [] },
  { type: 'tool_response', call_id: 'c1', status: 'succeeded', t: 50, duration_ms: 45, result: { hits: [] } },
  { type: 'tool_response', call_id: 'c2', status: 'failed', t: 60, duration_ms: 54, error: { code: 'TOOL_ERROR', message: 'boom' } },
  { type: 'rejoin', turn: 1, t: 61, returned: ['c1', 'c2'] },
  { type: 'event', t: 1, event: { type: 'call_ready', runId: 'r', t: 1, callId: 'c1', tool: 'search' } },
  { type: 'assistant_message', turn: 2, t: 900, content: 'done' },
];

describe('trace JSONL', () => {
  it('round-trips: toJsonl then parseTrace gives the same entries', () => {
    const text = toJsonl(sample);
    expect(text.split('\n')).toHaveLength(sample.length + 1);
    expect(text.endsWith('\n')).toBe(true);
    expect(parseTrace(text)).toEqual(sample);
    expect(toJsonl([])).toBe('');
  });

  it('keeps entries of unknown types and unknown fields, skips blank lines and CRLF', () => {
    const text = '{"type":"reasoning","text":"hm"}\r\n\r\n   \n{"type":"tool_call","id":"a","name":"t","turn":0,"t":1,"extra":true}\n';
    const entries = parseTrace(text);
    expect(entries).toEqual([
      { type: 'reasoning', text: 'hm' },
      { type: 'tool_call', id: 'a', name: 't', turn: 0, t: 1, extra: true },
    ]);
  });

  it('reports every malformed line with its number, never dropping one silently', () => {
    const text = ['{"type":"assistant_message","turn":1,"t":0}', 'not json', '[1,2]', '{"no":"type"}', '{"type":"tool_call","id":"a","turn":1,"t":"soon"}', '{"type":"x"}'].join('\n');
    const { entries, problems } = parseTraceWithProblems(text);
    expect(entries.map((e) => e.type)).toEqual(['assistant_message', 'x']);
    expect(problems.map((p) => p.line)).toEqual([2, 3, 4, 5]);
    expect(problems[0]?.message).toMatch(/^not JSON/);
    expect(problems[2]?.message).toMatch(/string "type"/);
    expect(problems[3]?.message).toMatch(/^tool_call entry: .*(name|t)/);
    expect(() => parseTrace(text, { source: 'run.jsonl' })).toThrow(
      expect.objectContaining({ code: 'PARSE_ERROR', location: 'line 2', message: expect.stringMatching(/^run\.jsonl:2: not JSON.*\(and 3 more malformed lines\)$/) }),
    );
  });

  it('is bounded: a line over maxLineLength is a problem; more than maxLines lines is a PARSE_ERROR', () => {
    const long = JSON.stringify({ type: 'x', pad: 'y'.repeat(200) });
    const { problems } = parseTraceWithProblems(`${long}\n{"type":"x"}`, { maxLineLength: 100 });
    expect(problems).toEqual([{ line: 1, message: expect.stringContaining('the limit is 100') }]);
    expect(() => parseTrace('{"type":"x"}\n{"type":"x"}\n{"type":"x"}', { maxLines: 2 })).toThrow(expect.objectContaining({ code: 'PARSE_ERROR' }));
    expect(() => parseTrace('', { maxLines: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('a __proto__ key in a line stays data and pollutes nothing', () => {
    const [entry] = parseTrace('{"type":"x","__proto__":{"polluted":true}}');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(entry?.type).toBe('x');
  });

  it('TraceEntrySchema rejects a known type with the wrong shape instead of keeping it as unknown', () => {
    expect(TraceEntrySchema.safeParse({ type: 'tool_response', call_id: 'a' }).success).toBe(false);
    expect(TraceEntrySchema.safeParse({ type: 'made_up', anything: 1 }).success).toBe(true);
  });
});
