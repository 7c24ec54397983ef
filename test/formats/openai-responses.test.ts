import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMalformedCall } from '../../src/formats/format-types.js';
import { createOpenAIResponsesStreamParser, parseOpenAIResponses, renderOpenAIResponsesResults } from '../../src/formats/openai-responses.js';
import { SAMPLE_CALLS, cutsArb, feed, fixture, oneByOne, responsesEvents, splitAt } from './helpers.js';

function wholeOf(calls = SAMPLE_CALLS): unknown {
  return { object: 'response', status: 'completed', output: calls.map((c, i) => ({ type: 'function_call', id: `fc_${i}`, call_id: c.id, name: c.name, arguments: c.args, status: 'completed' })) };
}

describe('parseOpenAIResponses', () => {
  it('reads function_call items by call_id, skipping reasoning and message items', () => {
    const parsed = parseOpenAIResponses(fixture('openai-responses-response.json'));
    expect(parsed.text).toBe('Checking both.');
    expect(parsed.stopReason).toBe('completed');
    expect(parsed.calls).toEqual([
      { id: 'call_12345xyz', tool: 'get_weather', args: { latitude: 48.8566, longitude: 2.3522 } },
      { id: 'call_67890abc', tool: 'send_email', args: { to: 'bob@email.com', body: 'Paris: ${call_12345xyz.temperature} degrees' } },
    ]);
  });

  it('reads a bare output array and keeps bad arguments as malformed', () => {
    const parsed = parseOpenAIResponses([{ type: 'function_call', call_id: 'c1', name: 'f', arguments: 'not json' }, { type: 'function_call', call_id: 'c2', name: 'g', arguments: '{}' }]);
    expect(parsed.calls).toEqual([{ id: 'c2', tool: 'g', args: {} }]);
    expect(parsed.problems[0]?.error.location).toBe('[0].arguments');
  });
});

describe('createOpenAIResponsesStreamParser', () => {
  it('streams the recorded events into the whole response calls, each once, at arguments.done', () => {
    const { items, perPush } = feed(createOpenAIResponsesStreamParser(), fixture('openai-responses-stream.json') as unknown[]);
    expect(items).toEqual(parseOpenAIResponses(fixture('openai-responses-response.json')).calls);
    expect(perPush).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0]);
  });

  it('waits for a done event even when the deltas already parse', () => {
    const parser = createOpenAIResponsesStreamParser();
    for (const e of responsesEvents([{ id: 'c1', name: 'f', args: '{"a":1}' }], [['{"a":1}']], false)) expect(parser.push(e)).toEqual([]);
    const [left] = parser.end();
    expect(left !== undefined && isMalformedCall(left) && left.error.message).toMatch(/stream ended before this function call was done/);
  });

  it('falls back to response.completed for items without done events', () => {
    const parser = createOpenAIResponsesStreamParser();
    for (const e of responsesEvents([{ id: 'c1', name: 'f', args: '{"a":1}' }], [['{"a"', ':1}']], false)) parser.push(e);
    const got = parser.push({ type: 'response.completed', response: { status: 'completed', output: [{ type: 'function_call', id: 'fc_0', call_id: 'c1', name: 'f', arguments: '{"a":1}' }] } });
    expect(got).toEqual([{ id: 'c1', tool: 'f', args: { a: 1 } }]);
    expect(parser.end()).toEqual([]);
  });

  it('gives the same calls for any split of the arguments', () => {
    const whole = parseOpenAIResponses(wholeOf()).calls;
    const deltasOnly = (pieces: string[][]) => responsesEvents(SAMPLE_CALLS, pieces).map((e) => {
      const ev = e as { type: string; item?: Record<string, unknown> };
      return ev.type === 'response.output_item.done' ? { ...ev, item: { ...ev.item, arguments: undefined } } : e;
    });
    expect(feed(createOpenAIResponsesStreamParser(), deltasOnly(SAMPLE_CALLS.map((c) => oneByOne(c.args)))).items).toEqual(whole);
    fc.assert(
      fc.property(cutsArb, cutsArb, cutsArb, (c0, c1, c2) => {
        const pieces = [splitAt(SAMPLE_CALLS[0]!.args, c0), splitAt(SAMPLE_CALLS[1]!.args, c1), splitAt(SAMPLE_CALLS[2]!.args, c2)];
        expect(feed(createOpenAIResponsesStreamParser(), deltasOnly(pieces)).items).toEqual(whole);
      }),
    );
  });
});

describe('renderOpenAIResponsesResults', () => {
  it('renders function_call_output items in order, truncating big results with a marker', () => {
    const out = renderOpenAIResponsesResults(
      [
        { id: 'call_12345xyz', tool: 'get_weather', status: 'succeeded', result: 'x'.repeat(50) },
        { id: 'call_67890abc', tool: 'send_email', status: 'cancelled', error: { code: 'CANCELLED', message: 'cancelled: run aborted' } },
      ],
      { maxResultChars: 20 },
    );
    expect(out[0]).toEqual({ type: 'function_call_output', call_id: 'call_12345xyz', output: `${'x'.repeat(20)}\n… [truncated: 30 of 50 characters cut]` });
    expect(out[1]?.call_id).toBe('call_67890abc');
    expect(out[1]?.output).toMatch(/^Cancelled: send_email was stopped/);
  });
});
