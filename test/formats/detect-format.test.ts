import { describe, expect, it } from 'vitest';
import { detectFormat, parseAny } from '../../src/formats/detect-format.js';
import { ToolgraphError } from '../../src/errors.js';
import { fixture, fixtureText } from './helpers.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return ToolgraphError.isInstance(e) ? e.code : 'not a ToolgraphError';
  }
  return undefined;
}

describe('detectFormat', () => {
  it('recognizes every whole fixture and every recorded stream', () => {
    expect(detectFormat(fixture('openai-chat-response.json'))).toEqual({ format: 'openai-chat', shape: 'whole' });
    expect(detectFormat(fixture('openai-chat-stream.json'))).toEqual({ format: 'openai-chat', shape: 'stream' });
    expect(detectFormat(fixture('openai-responses-response.json'))).toEqual({ format: 'openai-responses', shape: 'whole' });
    expect(detectFormat(fixture('openai-responses-stream.json'))).toEqual({ format: 'openai-responses', shape: 'stream' });
    expect(detectFormat(fixture('anthropic-message.json'))).toEqual({ format: 'anthropic', shape: 'whole' });
    expect(detectFormat(fixture('anthropic-stream.json'))).toEqual({ format: 'anthropic', shape: 'stream' });
    expect(detectFormat(fixture('gemini-response.json'))).toEqual({ format: 'gemini', shape: 'whole' });
    expect(detectFormat(fixture('gemini-stream.json'))).toEqual({ format: 'gemini', shape: 'stream' });
    expect(detectFormat(fixtureText('llmcompiler-plan.txt'))).toEqual({ format: 'llmcompiler', shape: 'whole' });
    expect(detectFormat({ output: [{ name: 'a', arguments: {}, label: 'var1' }] }).format).toBe('nestful');
    expect(detectFormat({ id: 'dev-1', calling: [] }).format).toBe('seal-tools');
    expect(detectFormat({ calls: [] }).format).toBe('plan');
    expect(detectFormat([{ id: 'a', tool: 't', args: {} }]).format).toBe('plan');
  });

  it('says what it looked for when the input is unknown, and lists candidates when ambiguous', () => {
    expect(codeOf(() => detectFormat({ hello: 'world' }))).toBe('UNKNOWN_FORMAT');
    expect(() => detectFormat({ hello: 'world' })).toThrow(/looked for:[\s\S]*openai-chat[\s\S]*llmcompiler/);
    expect(codeOf(() => detectFormat('just prose'))).toBe('UNKNOWN_FORMAT');
    const both = { choices: [{ message: { tool_calls: [] } }], candidates: [] };
    expect(codeOf(() => detectFormat(both))).toBe('AMBIGUOUS_FORMAT');
    expect(() => detectFormat(both)).toThrow(/openai-chat, gemini/);
  });
});

describe('parseAny', () => {
  it('reads JSON text, recorded streams as JSON arrays, JSONL and SSE, and LLMCompiler text', () => {
    const whole = parseAny(fixtureText('anthropic-message.json'));
    expect(parseAny(fixtureText('anthropic-stream.json')).calls).toEqual(whole.calls);
    const events = fixture('anthropic-stream.json') as unknown[];
    expect(parseAny(events.map((e) => JSON.stringify(e)).join('\n')).calls).toEqual(whole.calls);
    const sse = events.map((e) => `event: ${(e as { type: string }).type}\ndata: ${JSON.stringify(e)}\n\n`).join('');
    const fromSse = parseAny(sse);
    expect(fromSse.detected).toEqual({ format: 'anthropic', shape: 'stream' });
    expect(fromSse.calls).toEqual(whole.calls);
    expect(parseAny(fixtureText('llmcompiler-plan.txt'), { signatures: { search: ['query', 'k'], math: ['question'] } }).calls.map((c) => c.id)).toEqual(['1', '2', '3']);
  });

  it('honours an explicit format and rejects impossible combinations', () => {
    const both = { choices: [{ message: { tool_calls: [{ id: 'c', function: { name: 'f', arguments: '{}' } }] } }], candidates: [] };
    expect(parseAny(both, { format: 'openai-chat' }).calls).toEqual([{ id: 'c', tool: 'f', args: {} }]);
    expect(codeOf(() => parseAny({ a: 1 }, { format: 'llmcompiler' }))).toBe('PARSE_ERROR');
    expect(codeOf(() => parseAny('{"a": '))).toBe('PARSE_ERROR');
  });

  it('passes canonical plans through, keeping after and reporting duplicates', () => {
    const parsed = parseAny({ calls: [{ id: 'a', tool: 't', args: {} }, { id: 'b', tool: 't', args: { x: '${a}' }, after: ['a'] }, { id: 'a', tool: 't', args: {} }] });
    expect(parsed.calls).toEqual([{ id: 'a', tool: 't', args: {} }, { id: 'b', tool: 't', args: { x: '${a}' }, after: ['a'] }]);
    expect(parsed.problems.map((p) => p.id)).toEqual(['a:dup2']);
  });
});
