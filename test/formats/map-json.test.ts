/**
 * Provider arguments keep the key order the model wrote, at every depth, through parsing,
 * reference rewriting and the assistant message put back into the conversation.
 */
import { describe, expect, it } from 'vitest';
import { anthropicAdapter } from '../../src/agent/anthropic-adapter.js';
import type { ConversationAdapter } from '../../src/agent/conversation-adapter.js';
import { geminiAdapter } from '../../src/agent/gemini-adapter.js';
import { openAIChatAdapter } from '../../src/agent/openai-chat-adapter.js';
import { openAIResponsesAdapter } from '../../src/agent/openai-responses-adapter.js';
import { parseAny } from '../../src/formats/detect-format.js';
import { mapJson } from '../../src/formats/map-json.js';
import { rewriteRefIds } from '../../src/formats/rewrite-refs.js';
import { run } from '../../src/schedule/scheduler.js';
import { anthropicEvents, feed, openAIChunks, responsesEvents, type WireCall } from './helpers.js';

// Keys deliberately out of alphabetical order, nested in objects and arrays.
const ARGS = '{"zeta":1,"alpha":{"y":[{"q":1,"b":2}],"x":"${call_first.hits}","m":null},"mid":"two"}';
const CALLS: readonly WireCall[] = [
  { id: 'call_first', name: 'search', args: '{"query":"q","limit":3}' },
  { id: 'call_second', name: 'read', args: ARGS },
];

/** The JSON text of a value, keys in insertion order. */
const text = (value: unknown): string => JSON.stringify(value);
/** The argument texts of the calls as the model sent them (whitespace aside). */
const sent = CALLS.map((c) => text(JSON.parse(c.args)));

const whole: Record<string, unknown> = {
  'openai-chat': { choices: [{ message: { role: 'assistant', content: null, tool_calls: CALLS.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.args } })) }, finish_reason: 'tool_calls' }] },
  'openai-responses': { output: CALLS.map((c, i) => ({ type: 'function_call', id: `fc_${i}`, call_id: c.id, name: c.name, arguments: c.args, status: 'completed' })) },
  anthropic: { role: 'assistant', content: CALLS.map((c) => ({ type: 'tool_use', id: c.id, name: c.name, input: JSON.parse(c.args) as unknown })), stop_reason: 'tool_use' },
  gemini: { candidates: [{ content: { role: 'model', parts: CALLS.map((c) => ({ functionCall: { id: c.id, name: c.name, args: JSON.parse(c.args) as unknown } })) } }] },
};

describe('provider arguments keep the key order the model wrote', () => {
  for (const [format, response] of Object.entries(whole)) {
    it(`${format}: parsed args list their keys in the order of the response, nested ones too`, () => {
      const parsed = parseAny(response);
      expect(parsed.detected.format).toBe(format);
      expect(parsed.calls.map((c) => text(c.args))).toEqual(sent);
    });
  }

  it('a positional reference rewritten to a call id leaves every key where it was', () => {
    const parsed = parseAny({ choices: [{ message: { tool_calls: [
      { id: 'c1', type: 'function', function: { name: 'search', arguments: '{}' } },
      { id: 'c2', type: 'function', function: { name: 'read', arguments: '{"b":{"path":"$.x","$ref":"1"},"a":"${1.y}"}' } },
    ] } }] });
    expect(text(parsed.calls[1]?.args)).toBe('{"b":{"path":"$.x","$ref":"c1"},"a":"${c1.y}"}');
  });

  const streams: [string, ConversationAdapter, unknown[], (message: unknown) => string[]][] = [
    ['openai-chat', openAIChatAdapter(), openAIChunks(CALLS, []), (m) => (m as { tool_calls: { function: { arguments: string } }[] }).tool_calls.map((c) => c.function.arguments)],
    ['anthropic', anthropicAdapter(), anthropicEvents(CALLS, []), (m) => (m as { content: { input: unknown }[] }).content.map((b) => text(b.input))],
    ['openai-responses', openAIResponsesAdapter(), responsesEvents(CALLS, []), (m) => [text(JSON.parse((m as { arguments: string }).arguments))]],
    [
      'gemini',
      geminiAdapter(),
      CALLS.map((c) => ({ candidates: [{ content: { role: 'model', parts: [{ functionCall: { id: c.id, name: c.name, args: JSON.parse(c.args) as unknown } }] } }] })),
      (m) => (m as { parts: { functionCall: { args: unknown } }[] }).parts.map((p) => text(p.functionCall.args)),
    ],
  ];
  for (const [format, adapter, chunks, argsOf] of streams) {
    it(`${format}: the assistant message rebuilt from a streamed turn carries the arguments the model sent`, () => {
      const parser = adapter.createStreamParser();
      feed(parser, chunks);
      const parsed = parser.result();
      expect(parsed.calls.map((c) => text(c.args))).toEqual(sent);
      if (adapter.assistantTurn !== undefined) {
        // One conversation item per call: each carries that call's arguments.
        expect(adapter.assistantTurn(parsed, undefined).flatMap(argsOf)).toEqual(sent);
      } else {
        expect(argsOf(adapter.assistantMessage(parsed, undefined))).toEqual(sent);
      }
    });
  }

  it('a run reports each call\'s filled args in the order the model wrote them', async () => {
    const parsed = parseAny(whole['openai-chat']);
    const result = await run({ calls: parsed.calls }, {
      tools: [
        { name: 'search', effects: { readOnly: true }, execute: () => ({ hits: ['h'] }) },
        { name: 'read', effects: { readOnly: true }, execute: () => 'ok' },
      ],
    });
    expect(text(result.calls['call_second']?.args)).toBe('{"zeta":1,"alpha":{"y":[{"q":1,"b":2}],"x":["h"],"m":null},"mid":"two"}');
  });

  it('mapJson copies keep the source key order at every depth', () => {
    const source = { c: 1, a: { z: [{ n: 1, m: 2 }], y: 'keep' }, b: 2 };
    expect(text(mapJson(source, {}))).toBe(text(source));
    expect(text(rewriteRefIds(source, () => undefined))).toBe(text(source));
  });
});
