import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAnthropicStreamParser, parseAnthropic, renderAnthropicResults } from '../../src/formats/anthropic.js';
import { isMalformedCall } from '../../src/formats/format-types.js';
import { collectOutcomes } from '../../src/formats/render-outcome.js';
import { validatePlan } from '../../src/graph/validate.js';
import { SAMPLE_CALLS, anthropicEvents, cutsArb, feed, fixture, oneByOne, splitAt } from './helpers.js';

const A = 'toolu_01A09q90qw90lq917835lq9';
const B = 'toolu_01B4j3k2l1m0n9b8v7c6x5z4';
const C = 'toolu_01C7h6g5f4d3s2a1q0w9e8r7';

function wholeOf(calls = SAMPLE_CALLS): unknown {
  return { type: 'message', role: 'assistant', content: calls.map((c) => ({ type: 'tool_use', id: c.id, name: c.name, input: JSON.parse(c.args) as unknown })), stop_reason: 'tool_use' };
}

describe('parseAnthropic', () => {
  it('reads tool_use blocks, text, object references and positional ${2}', () => {
    const parsed = parseAnthropic(fixture('anthropic-message.json'));
    expect(parsed.text).toBe("I'll look up the weather in both cities, then compare.");
    expect(parsed.stopReason).toBe('tool_use');
    expect(parsed.calls).toEqual([
      { id: A, tool: 'get_weather', args: { location: 'San Francisco, CA', unit: 'celsius' } },
      { id: B, tool: 'get_weather', args: { location: 'New York, NY', unit: 'celsius' } },
      { id: C, tool: 'compare', args: { a: { $ref: A, path: '$.temperature' }, b: `\${${B}.temperature}` } },
    ]);
    expect(validatePlan(parsed.calls).valid).toBe(true);
  });

  it('keeps malformed blocks (input not an object, missing name) next to good ones', () => {
    const parsed = parseAnthropic({ content: [
      { type: 'tool_use', id: 'toolu_1', name: 'f', input: 'oops' },
      { type: 'tool_use', id: 'toolu_2', input: {} },
      { type: 'tool_use', id: 'toolu_3', name: 'g', input: { x: 1 } },
      { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'q' } },
    ] });
    expect(parsed.calls).toEqual([{ id: 'toolu_3', tool: 'g', args: { x: 1 } }]);
    expect(parsed.problems.map((p) => [p.id, p.error.location])).toEqual([['toolu_1', 'content[0].input'], ['toolu_2', 'content[1].name']]);
  });
});

describe('createAnthropicStreamParser', () => {
  it('streams the recorded fixture (with text, ping and empty deltas) into the whole response calls', () => {
    const { items, perPush } = feed(createAnthropicStreamParser(), fixture('anthropic-stream.json') as unknown[]);
    expect(items).toEqual(parseAnthropic(fixture('anthropic-message.json')).calls);
    const stops = (fixture('anthropic-stream.json') as { type: string; index?: number }[]).map((e, i) => (e.type === 'content_block_stop' && e.index !== 0 ? i : -1)).filter((i) => i >= 0);
    expect(perPush.flatMap((n, i) => (n > 0 ? [i] : []))).toEqual(stops);
  });

  it('completes a block only at content_block_stop, not when its JSON first parses', () => {
    const parser = createAnthropicStreamParser();
    const events = anthropicEvents([{ id: 't1', name: 'f', args: '' }], [['{"a":1}']], false);
    for (const e of events) expect(parser.push(e)).toEqual([]);
    expect(parser.push({ type: 'content_block_stop', index: 0 })).toEqual([{ id: 't1', tool: 'f', args: { a: 1 } }]);
  });

  it('uses the start block input when no delta comes, and reports blocks left open at the end', () => {
    const parser = createAnthropicStreamParser();
    parser.push({ type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 't0', name: 'now', input: {} } });
    expect(parser.push({ type: 'content_block_stop', index: 0 })).toEqual([{ id: 't0', tool: 'now', args: {} }]);
    parser.push({ type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 't1', name: 'f', input: {} } });
    parser.push({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"a":' } });
    const [left] = parser.end();
    expect(left !== undefined && isMalformedCall(left) && left.error.message).toMatch(/stream ended before this tool_use block stopped/);
  });

  it('gives the same calls for any split of the input JSON', () => {
    const whole = parseAnthropic(wholeOf()).calls;
    expect(feed(createAnthropicStreamParser(), anthropicEvents(SAMPLE_CALLS, SAMPLE_CALLS.map((c) => oneByOne(c.args)))).items).toEqual(whole);
    fc.assert(
      fc.property(cutsArb, cutsArb, cutsArb, (c0, c1, c2) => {
        const pieces = [splitAt(SAMPLE_CALLS[0]!.args, c0), splitAt(SAMPLE_CALLS[1]!.args, c1), splitAt(SAMPLE_CALLS[2]!.args, c2)];
        expect(feed(createAnthropicStreamParser(), anthropicEvents(SAMPLE_CALLS, pieces)).items).toEqual(whole);
      }),
    );
  });

  it('bounds the per-block buffer', () => {
    const { items } = feed(createAnthropicStreamParser({ maxArgsChars: 10 }), anthropicEvents([{ id: 't', name: 'f', args: '{"a":"0123456789"}' }], [['{"a":"0123', '456789"}']]));
    expect(items[0] !== undefined && isMalformedCall(items[0]) && items[0].error.message).toMatch(/over 10 characters \(18 received\)/);
  });
});

describe('renderAnthropicResults', () => {
  it('renders ONE user message of tool_result blocks in call order, is_error on failures', () => {
    const parsed = parseAnthropic({ content: [
      { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} },
      { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: 'bad' },
      { type: 'tool_use', id: 'toolu_3', name: 'compare', input: {} },
      { type: 'tool_use', id: 'toolu_4', name: 'slow', input: {} },
      { type: 'tool_use', id: 'toolu_5', name: 'delete_all', input: {} },
    ] });
    const outcomes = collectOutcomes(parsed.items, {
      toolu_1: { tool: 'get_weather', status: 'succeeded', result: { temperature: 18 } },
      toolu_3: { tool: 'compare', status: 'skipped', error: { code: 'SKIPPED', message: 'skipped because "toolu_2" failed' } },
      toolu_5: { tool: 'delete_all', status: 'rejected', error: { code: 'REJECTED', message: 'rejected: too risky' } },
    }, parsed.ids);
    const message = renderAnthropicResults(outcomes);
    expect(message.role).toBe('user');
    expect(message.content.map((b) => [b.tool_use_id, b.is_error ?? false])).toEqual([
      ['toolu_1', false], ['toolu_2', true], ['toolu_3', true], ['toolu_4', false], ['toolu_5', true],
    ]);
    expect(message.content[0]?.content).toBe('{"temperature":18}');
    expect(message.content[1]?.content).toMatch(/^Error \(MALFORMED_CALL\): content\[1\]\.input: the arguments must be a JSON object, got a string\. Fix the call and send it again\.$/);
    expect(message.content[2]?.content).toBe('Skipped: compare did not run (skipped because "toolu_2" failed). Fix what it depends on, or call it again with the values written out.');
    expect(message.content[3]?.content).toMatch(/^Still running: slow/);
    expect(message.content[4]?.content).toMatch(/^Rejected: delete_all was not approved \(rejected: too risky\)/);
  });
});
