import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMalformedCall, type MalformedCall } from '../../src/formats/format-types.js';
import { createOpenAIChatStreamParser, parseOpenAIChat, renderOpenAIChatResults } from '../../src/formats/openai-chat.js';
import { streamItems } from '../../src/formats/stream-items.js';
import { validatePlan } from '../../src/graph/validate.js';
import { SAMPLE_CALLS, cutsArb, feed, fixture, oneByOne, openAIChunks, splitAt } from './helpers.js';

const A = 'call_DdmO9pD3xa9XTPNJ32zg2hcA';
const B = 'call_ABYxq5aAvN0VsnTeP0kK1KSD';
const C = 'call_ZpTJ0Ebx6gU3q5i1yjK0Cpa2';

function wholeOf(calls = SAMPLE_CALLS): unknown {
  return { choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.args } })) }, finish_reason: 'tool_calls' }] };
}

describe('parseOpenAIChat', () => {
  it('reads a real-shaped response into canonical calls, resolving a positional ${2}', () => {
    const parsed = parseOpenAIChat(fixture('openai-chat-response.json'));
    expect(parsed.problems).toEqual([]);
    expect(parsed.stopReason).toBe('tool_calls');
    expect(parsed.calls).toEqual([
      { id: A, tool: 'search_docs', args: { query: 'rate limits', k: 3 } },
      { id: B, tool: 'read_file', args: { path: `\${${A}.hits[0].path}` } },
      { id: C, tool: 'write_note', args: { text: `Limit: \${${B}.limit} ("quoted" é)` } },
    ]);
    const v = validatePlan({ calls: parsed.calls });
    expect(v.issues).toEqual([]);
    expect(v.plan?.analysis.depth).toBe(3);
  });

  it('accepts the bare message and keeps assistant text', () => {
    const parsed = parseOpenAIChat({ role: 'assistant', content: 'Looking.', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '' } }] });
    expect(parsed.text).toBe('Looking.');
    expect(parsed.calls).toEqual([{ id: 'c1', tool: 'f', args: {} }]);
  });

  it('keeps malformed calls (bad JSON, missing name, non-object args, duplicate id) while good ones parse', () => {
    const parsed = parseOpenAIChat({
      choices: [{ message: { tool_calls: [
        { id: 'ok1', type: 'function', function: { name: 'search', arguments: '{"q":"x"}' } },
        { id: 'bad_json', type: 'function', function: { name: 'search', arguments: '{"q":' } },
        { id: 'no_name', type: 'function', function: { arguments: '{}' } },
        { id: 'arr', type: 'function', function: { name: 'search', arguments: '[1,2]' } },
        { id: 'ok1', type: 'function', function: { name: 'search', arguments: '{}' } },
        { id: 'ok2', type: 'function', function: { name: 'read', arguments: '{"p":"${ok1}"}' } },
      ] } }],
    });
    expect(parsed.calls.map((c) => c.id)).toEqual(['ok1', 'ok2']);
    expect(parsed.items.map((i) => i.id)).toEqual(['ok1', 'bad_json', 'no_name', 'arr', 'ok1:dup2', 'ok2']);
    const problems = parsed.problems as MalformedCall[];
    expect(problems.map((p) => [p.id, p.error.code, p.error.location])).toEqual([
      ['bad_json', 'MALFORMED_CALL', 'choices[0].message.tool_calls[1].function.arguments'],
      ['no_name', 'MALFORMED_CALL', 'choices[0].message.tool_calls[2].name'],
      ['arr', 'MALFORMED_CALL', 'choices[0].message.tool_calls[3].function.arguments'],
      ['ok1:dup2', 'MALFORMED_CALL', 'choices[0].message.tool_calls[4].id'],
    ]);
    expect(problems[0]?.error.message).toMatch(/not valid JSON/);
    expect(problems[2]?.error.message).toMatch(/must be a JSON object, got an array/);
    expect(problems[3]?.error.message).toMatch(/used by an earlier call/);
    expect(parsed.ids.providerId('ok1:dup2')).toBe('ok1');
    for (const p of problems) expect(Object.hasOwn(p, 'args')).toBe(false);
  });

  it('maps unsafe and hostile ids deterministically and renders results with the original ids', () => {
    const weird = 'call 1/ä?';
    const huge = 'x'.repeat(5000);
    const parsed = parseOpenAIChat({ choices: [{ message: { tool_calls: [
      { id: weird, type: 'function', function: { name: '__proto__', arguments: '{"__proto__":{"polluted":1},"constructor":"c"}' } },
      { id: huge, type: 'function', function: { name: 'f', arguments: '{"u":{"$ref":"call 1/ä?","path":"$.a"}}' } },
      { id: '__proto__', type: 'function', function: { name: 'g', arguments: '{}' } },
    ] } }] });
    const [a, b, c] = parsed.calls;
    expect(a?.id).toMatch(/^[A-Za-z0-9_.:-]{1,128}$/);
    expect(a?.id).toBe(parseOpenAIChat({ choices: [{ message: { tool_calls: [{ id: weird, function: { name: 'h', arguments: '{}' } }] } }] }).calls[0]?.id);
    expect(b?.id.length).toBeLessThanOrEqual(128);
    expect(c?.id).toBe('__proto__');
    expect(a?.tool).toBe('__proto__');
    expect(Object.hasOwn(a?.args ?? {}, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(b?.args).toEqual({ u: { $ref: a?.id, path: '$.a' } });
    const messages = renderOpenAIChatResults(parsed.items.map((i) => ({ id: parsed.ids.providerId(i.id), tool: 'f', status: 'succeeded' as const, result: 'ok' })));
    expect(messages.map((m) => m.tool_call_id)).toEqual([weird, huge, '__proto__']);
  });

  it('turns arguments over maxArgsChars into a malformed call', () => {
    const parsed = parseOpenAIChat(wholeOf([{ id: 'c', name: 'f', args: JSON.stringify({ a: 'y'.repeat(100) }) }]), { maxArgsChars: 50 });
    expect(parsed.calls).toEqual([]);
    expect(parsed.problems[0]?.error.message).toMatch(/limit is 50/);
    expect(() => parseOpenAIChat({}, { maxArgsChars: 0 })).toThrow(/Expected `maxArgsChars` to be a positive integer, got `0`/);
  });
});

describe('createOpenAIChatStreamParser', () => {
  it('streams the recorded fixture into the same calls as the whole response', () => {
    const chunks = fixture('openai-chat-stream.json') as unknown[];
    const parser = createOpenAIChatStreamParser();
    const { items, perPush } = feed(parser, chunks);
    expect(items).toEqual(parseOpenAIChat(fixture('openai-chat-response.json')).calls);
    // call 0 completes when index 1 starts (chunk 3), call 1 when index 2 starts, call 2 at finish_reason
    expect(perPush).toEqual([0, 0, 0, 1, 0, 1, 0, 1, 0]);
    expect(parser.result().stopReason).toBe('tool_calls');
  });

  it('never emits a call on the first prefix that parses as JSON', () => {
    const parser = createOpenAIChatStreamParser();
    const [start, ...rest] = openAIChunks([{ id: 'c1', name: 'count', args: '' }], [['1']], false);
    expect(parser.push(start)).toEqual([]);
    expect(parser.push(rest[0])).toEqual([]); // "1" parses as JSON, but more may follow
    expect(parser.push({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '' } }] } }] })).toEqual([]);
    const done = parser.push({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '2' } }] } }] });
    expect(done).toEqual([]);
    const [item] = parser.push({ choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] });
    expect(item !== undefined && isMalformedCall(item) && item.error.message).toMatch(/got a number/);
    const p2 = createOpenAIChatStreamParser();
    expect(feed(p2, openAIChunks([{ id: 'c', name: 'f', args: '' }], [['{"a":1}', ' ']], false)).perPush.every((n) => n === 0)).toBe(true);
  });

  it('ends incomplete calls as malformed when the stream stops without finish_reason', () => {
    const parser = createOpenAIChatStreamParser();
    const { items } = feed(parser, openAIChunks([{ id: 'c1', name: 'f', args: '{"a":1}' }], [['{"a":1}']], false));
    expect(items).toHaveLength(1);
    expect(items[0] !== undefined && isMalformedCall(items[0]) && items[0].error.message).toMatch(/no finish_reason/);
  });

  it('gives the same calls for any split of the arguments, one character at a time included', () => {
    const whole = parseOpenAIChat(wholeOf()).calls;
    expect(feed(createOpenAIChatStreamParser(), openAIChunks(SAMPLE_CALLS, SAMPLE_CALLS.map((c) => oneByOne(c.args)))).items).toEqual(whole);
    fc.assert(
      fc.property(cutsArb, cutsArb, cutsArb, (c0, c1, c2) => {
        const pieces = [splitAt(SAMPLE_CALLS[0]!.args, c0), splitAt(SAMPLE_CALLS[1]!.args, c1), splitAt(SAMPLE_CALLS[2]!.args, c2)];
        expect(feed(createOpenAIChatStreamParser(), openAIChunks(SAMPLE_CALLS, pieces)).items).toEqual(whole);
      }),
    );
  });

  it('bounds the per-call buffer', () => {
    const big = JSON.stringify({ a: 'z'.repeat(300) });
    const { items } = feed(createOpenAIChatStreamParser({ maxArgsChars: 100 }), openAIChunks([{ id: 'c', name: 'f', args: big }, { id: 'd', name: 'g', args: '{}' }], [splitAt(big, [50, 120, 200])]));
    expect(items[0] !== undefined && isMalformedCall(items[0]) && items[0].error.message).toMatch(/over 100 characters \(308 received\)/);
    expect(items[1]).toEqual({ id: 'd', tool: 'g', args: {} });
  });

  it('streamItems yields calls as they complete from an async stream', async () => {
    async function* source() {
      for (const c of fixture('openai-chat-stream.json') as unknown[]) yield c;
    }
    const out = [];
    for await (const item of streamItems(createOpenAIChatStreamParser(), source())) out.push(item.id);
    expect(out).toEqual([A, B, C]);
  });
});

describe('renderOpenAIChatResults', () => {
  it('renders results in call order as tool messages', () => {
    expect(
      renderOpenAIChatResults([
        { id: A, tool: 'search_docs', status: 'succeeded', result: { hits: [{ path: 'a.md' }] } },
        { id: B, tool: 'read_file', status: 'failed', error: { code: 'TIMEOUT', message: 'read_file did not finish within 30000 ms' } },
        { id: C, tool: 'write_note', status: 'running' },
      ]),
    ).toEqual([
      { role: 'tool', tool_call_id: A, content: '{"hits":[{"path":"a.md"}]}' },
      { role: 'tool', tool_call_id: B, content: 'Error (TIMEOUT): read_file did not finish within 30000 ms. You can retry or continue without it.' },
      { role: 'tool', tool_call_id: C, content: 'Still running: write_note has not finished yet; the result will follow in the next turn.' },
    ]);
  });
});
