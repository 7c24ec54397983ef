/**
 * Hostile-input corpora, one per reader (provider formats through parseAny, Python literals,
 * paths, SSE): every entry ends in a clean, typed error with a code (or a clean result), and
 * the work it costs — counted in steps, never timed — is bounded by its size. Scaling tests
 * check that 10 times the input is about 10 times the steps.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ToolgraphError } from '../../src/errors.js';
import { parseAny } from '../../src/formats/detect-format.js';
import { createAnthropicStreamParser } from '../../src/formats/anthropic.js';
import { createGeminiStreamParser } from '../../src/formats/gemini.js';
import { parseLLMCompiler } from '../../src/formats/llmcompiler.js';
import { createOpenAIChatStreamParser } from '../../src/formats/openai-chat.js';
import { createOpenAIResponsesStreamParser } from '../../src/formats/openai-responses.js';
import { parsePythonArgs, PythonLiteralError } from '../../src/formats/python-literal.js';
import { createSseDecoder } from '../../src/formats/sse.js';
import { compilePath } from '../../src/plan/reference.js';
import { DEFAULT_PATH_LIMITS } from '../../src/plan/select-complex.js';
import { workSteps } from '../../src/plan/work-steps.js';
import hostilePaths from '../fixtures/hostile-paths.json' with { type: 'json' };

/** Steps a call costs. */
function stepsOf(f: () => void): number {
  const before = workSteps();
  f();
  return workSteps() - before;
}

/** Deterministic samples of an arbitrary (a fixed seed: the corpus is the same on every run). */
function sample<T>(arb: fc.Arbitrary<T>, n: number, seed: number): T[] {
  return fc.sample(arb, { numRuns: n, seed });
}

const nest = (open: string, close: string, n: number, inner = '1'): string => open.repeat(n) + inner + close.repeat(n);

/** Cost of f(10n) over f(n): linear work gives about 10. */
function scaling(f: (n: number) => () => void, n: number): number {
  return stepsOf(f(10 * n)) / stepsOf(f(n));
}

describe('formats corpus (parseAny over text)', () => {
  const crafted: string[] = [
    '',
    ' ',
    '\n'.repeat(20_000),
    `${'\n'.repeat(20_000)}x`,
    `${' \n'.repeat(10_000)}1. t(`,
    `${'1. '.repeat(5000)}`,
    `${'Step '.repeat(4000)}1. a(`,
    nest('[', ']', 50_000),
    nest('{"a":', '}', 20_000),
    `{"choices":${nest('[', ']', 10_000)}}`,
    '{"choices":[{"message":{"tool_calls":[{"function":{"name":1,"arguments":"{"}}]}}]}',
    '{"choices":[{"message":{"tool_calls":"x"}}]}',
    '{"choices":[{"message":{"tool_calls":[{"type":"__proto__","__proto__":{"name":"x"}}]}}]}',
    '{"output":[{"type":"function_call","name":"t","arguments":"[1]"}]}',
    '{"output":[{"type":"function_call","name":{},"arguments":7,"call_id":{}}]}',
    '{"type":"message","role":"assistant","content":[{"type":"tool_use","id":"__proto__","name":"constructor","input":"x"}]}',
    '{"candidates":[{"content":{"parts":[{"functionCall":{"name":"","args":[]}}]}}]}',
    '{"candidates":"x","content":{"parts":7}}',
    '{"calling":[{"api":7,"parameters":"x"}]}',
    '[{"name":"a","arguments":"x"}]',
    `[${Array.from({ length: 3000 }, (_, i) => `{"type":"response.function_call_arguments.delta","item_id":"i${i}","delta":"{"}`).join(',')}]`,
    `[${Array.from({ length: 3000 }, () => '{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"name":"a","arguments":"{"}}]}}]}').join(',')}]`,
    `${Array.from({ length: 2000 }, () => 'data: {"type":"ping"}').join('\n')}\n\n`,
    'data: {"type":"message_start"\n\n',
    'data: nope\n\n',
    `data: ${'x'.repeat(100_000)}`,
    `${'data:\r'.repeat(10_000)}\r`,
    `1. search(${'"a", '.repeat(5000)})`,
    `1. t(${Array.from({ length: 3000 }, (_, i) => `k${i}=${i}`).join(', ')})`,
    `1. t(${Array.from({ length: 3000 }, () => 'k=1').join(', ')})`,
    `1. t(${nest('[', ']', 10_000)})`,
    `1. t("${'\\x'.repeat(5000)}")`,
    `1. t(${'1'.repeat(50_000)})`,
    `1. t(${'1_'.repeat(20_000)}1)`,
    `1. t(${'9'.repeat(400)}e999)`,
    `${Array.from({ length: 3000 }, (_, i) => `${i + 1}. t($${i}, "\${${i}}")`).join('\n')}`,
    `${Array.from({ length: 2000 }, () => '1. t()').join('\n')}`,
    '1. t("""unterminated',
    `1. t(${"'".repeat(10_000)})`,
    '1. t($99999999)',
    '1. join()\n<END_OF_PLAN>\n2. t()',
  ];
  const texts = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', ':', ',', '\n', '\r', ' ', 'data:', '1.', 't(', ')', '$1', 'choices', 'tool_calls', 'function', 'x'), maxLength: 200 }),
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify({ choices: [{ message: { tool_calls: [v] } }] })),
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify({ type: 'message', role: 'assistant', content: [{ type: 'tool_use', id: 'a', name: 't', input: v }] })),
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify([{ type: 'response.output_item.added', output_index: 0, item: v }])),
  );
  const corpus = [...crafted, ...sample(texts, 400, 13)];

  it('holds at least 400 entries', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(400);
  });

  it('every entry is a clean result or a typed error with a code, in work linear in its size', () => {
    let errors = 0;
    for (const text of corpus) {
      let thrown: unknown;
      const steps = stepsOf(() => {
        try {
          const parsed = parseAny(text);
          for (const p of parsed.problems) expect(p.error.code).toBe('MALFORMED_CALL');
        } catch (error) {
          thrown = error;
        }
      });
      if (thrown !== undefined) {
        errors++;
        expect(ToolgraphError.isInstance(thrown), String(thrown)).toBe(true);
        expect(['PARSE_ERROR', 'UNKNOWN_FORMAT', 'AMBIGUOUS_FORMAT']).toContain((thrown as ToolgraphError).code);
      }
      expect(steps, text.slice(0, 80)).toBeLessThanOrEqual(8 * text.length + 64);
    }
    expect(errors).toBeGreaterThan(50);
  });

  it('format detection is linear: blank lines, then text (10x the lines, about 10x the steps)', () => {
    const f = (n: number) => () => {
      expect(() => parseAny(`${'\n'.repeat(n)}x`)).toThrow(ToolgraphError);
    };
    expect(scaling(f, 20_000)).toBeGreaterThan(8);
    expect(scaling(f, 20_000)).toBeLessThan(12);
  });

  it('the LLMCompiler parser is linear in long argument and keyword lists', () => {
    const positional = (n: number) => () => void parseLLMCompiler(`1. t(${Array.from({ length: n }, (_, i) => `"v${i}"`).join(', ')})`);
    const keywords = (n: number) => () => void parseLLMCompiler(`1. t(${Array.from({ length: n }, (_, i) => `k${i}=${i}`).join(', ')})`);
    for (const f of [positional, keywords]) {
      const r = scaling(f, 2000);
      expect(r).toBeGreaterThan(8);
      expect(r).toBeLessThan(12.5);
    }
  });
});

describe('stream parsers scale linearly', () => {
  const ratio = (f: (n: number) => () => void): number => scaling(f, 1000);

  it('OpenAI chat chunks', () => {
    const f = (n: number) => () => {
      const p = createOpenAIChatStreamParser({ maxCalls: 100_000 });
      for (let i = 0; i < n; i++) p.push({ choices: [{ delta: { tool_calls: [{ index: i, id: `c${i}`, function: { name: 't', arguments: '{}' } }] } }] });
      p.push({ choices: [{ delta: {}, finish_reason: 'tool_calls' }] });
      expect(p.result().calls).toHaveLength(n);
    };
    expect(ratio(f)).toBeGreaterThan(8);
    expect(ratio(f)).toBeLessThan(12);
  });

  it('Responses events addressed by item id, with every item open at once', () => {
    const f = (n: number) => () => {
      const p = createOpenAIResponsesStreamParser({ maxCalls: 100_000 });
      for (let i = 0; i < n; i++) p.push({ type: 'response.output_item.added', output_index: i, item: { type: 'function_call', id: `fc${i}`, call_id: `c${i}`, name: 't', arguments: '' } });
      for (let i = 0; i < n; i++) p.push({ type: 'response.function_call_arguments.delta', item_id: `fc${i}`, delta: '{}' });
      for (let i = 0; i < n; i++) p.push({ type: 'response.function_call_arguments.done', item_id: `fc${i}`, arguments: '{}' });
      expect(p.result().calls).toHaveLength(n);
    };
    expect(ratio(f)).toBeGreaterThan(8);
    expect(ratio(f)).toBeLessThan(12);
  });

  it('Anthropic and Gemini events', () => {
    const anthropic = (n: number) => () => {
      const p = createAnthropicStreamParser({ maxCalls: 100_000 });
      for (let i = 0; i < n; i++) {
        p.push({ type: 'content_block_start', index: i, content_block: { type: 'tool_use', id: `t${i}`, name: 't', input: {} } });
        p.push({ type: 'content_block_delta', index: i, delta: { type: 'input_json_delta', partial_json: '{"a":' } });
        p.push({ type: 'content_block_delta', index: i, delta: { type: 'input_json_delta', partial_json: '1}' } });
        p.push({ type: 'content_block_stop', index: i });
      }
      expect(p.result().calls).toHaveLength(n);
    };
    const gemini = (n: number) => () => {
      const p = createGeminiStreamParser({ maxCalls: 100_000 });
      for (let i = 0; i < n; i++) p.push({ candidates: [{ content: { parts: [{ functionCall: { name: 't', args: { i } } }] } }] });
      expect(p.result().calls).toHaveLength(n);
    };
    for (const f of [anthropic, gemini]) {
      expect(ratio(f)).toBeGreaterThan(8);
      expect(ratio(f)).toBeLessThan(12);
    }
  });

  it('the OpenAI chat stream appends every name fragment, even one equal to the name so far', () => {
    const p = createOpenAIChatStreamParser();
    for (const name of ['go', 'go', '_', 'go']) p.push({ choices: [{ delta: { tool_calls: [{ index: 0, id: 'c', function: { name } }] } }] });
    p.push({ choices: [{ delta: {}, finish_reason: 'tool_calls' }] });
    expect(p.result().calls[0]?.tool).toBe('gogo_go');
    const long = createOpenAIChatStreamParser();
    for (let i = 0; i < 1000; i++) long.push({ choices: [{ delta: { tool_calls: [{ index: 0, id: 'c', function: { name: 'abcdefghij' } }] } }] });
    long.end();
    expect(long.result().problems[0]?.error.message).toMatch(/tool name is 10000 characters long; the limit is 256/);
  });
});

describe('Python literals corpus', () => {
  const crafted = [
    nest('[', ']', 100),
    nest('(', ')', 100),
    nest('{', '}', 100, ''),
    '"""' + 'x'.repeat(10_000),
    "'" + '\\'.repeat(10_001),
    '1'.repeat(10_000),
    '0x' + 'f'.repeat(5000),
    '1e' + '9'.repeat(500),
    '.'.repeat(1000),
    '-'.repeat(1000),
    '$'.repeat(1000),
    '${' + '9'.repeat(100) + '}',
    Array.from({ length: 2000 }, (_, i) => `k${i}=1`).join(','),
    Array.from({ length: 2000 }, () => 'k=1').join(','),
    '{' + Array.from({ length: 2000 }, () => "'__proto__': 1").join(',') + '}',
    '"\\U0011ffff"',
    '"\\N{EM DASH}"',
    'True=1',
    'a==1',
    'x' .repeat(10_000),
  ];
  const alphabet = fc.constantFrom('[', ']', '(', ')', '{', '}', "'", '"', '"""', ',', ':', '=', '$', '\\', ' ', '1', '0x', '.', 'e', '_', 'a', 'True', 'None', 'r', '\n', '-');
  const corpus = [...crafted, ...sample(fc.string({ unit: alphabet, maxLength: 120 }), 500, 7)];

  it('holds at least 500 entries', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(500);
  });

  it('every entry parses or throws PythonLiteralError (code PARSE_ERROR), in steps linear in its size', () => {
    let errors = 0;
    for (const body of corpus) {
      const text = `${body})`;
      const steps = stepsOf(() => {
        try {
          parsePythonArgs(text, 0, { maxDepth: 64 });
        } catch (error) {
          errors++;
          expect(error, body.slice(0, 60)).toBeInstanceOf(PythonLiteralError);
          expect((error as PythonLiteralError).code).toBe('PARSE_ERROR');
        }
      });
      expect(steps).toBeLessThanOrEqual(text.length + 80);
    }
    expect(errors).toBeGreaterThan(100);
  });

  it('long lists, dicts and keyword lists are linear', () => {
    const list = (n: number) => () => void parsePythonArgs(`[${'1, '.repeat(n)}])`, 0);
    const dict = (n: number) => () => void parsePythonArgs(`{${Array.from({ length: n }, (_, i) => `'k${i}': ${i}`).join(', ')}})`, 0);
    for (const f of [list, dict]) {
      const r = scaling(f, 5000);
      expect(r).toBeGreaterThan(8);
      expect(r).toBeLessThan(12.5);
    }
  });
});

describe('paths corpus', () => {
  const alphabet = fc.constantFrom('$', '.', '..', '[', ']', '*', "'", '"', ',', ':', '-', '1', '0', 'a', 'b', ' ', '?', '@', '(', ')', '\\', '__proto__', '}');
  const generated = sample(fc.string({ unit: alphabet, minLength: 1, maxLength: 40 }), 600, 21);
  const corpus = [...(hostilePaths as { path: string }[]).map((e) => e.path), ...generated];
  const doc = { a: [{ b: [1, { a: 2 }] }, { a: { b: [3, 4] } }], b: { '1': [[[[5]]]] } };

  it('holds at least 600 entries', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(600);
  });

  it('every path compiles or is refused with a code; evaluation is bounded and faults carry a code', () => {
    let accepted = 0;
    for (const path of corpus) {
      const steps = stepsOf(() => void compilePath(path));
      expect(steps).toBeLessThanOrEqual(path.length + 2);
      const r = compilePath(path);
      if (!r.ok) {
        expect(['INVALID_REF', 'UNSAFE_PATH']).toContain(r.problem.code);
        continue;
      }
      accepted++;
      const evaluation = stepsOf(() => {
        const s = r.value.select(doc);
        if (!s.found && s.problem !== undefined) expect(s.problem.code).toBe('PATH_TOO_COSTLY');
      });
      expect(evaluation).toBeLessThanOrEqual(DEFAULT_PATH_LIMITS.maxSteps + 64);
    }
    expect(accepted).toBeGreaterThan(20);
  });
});

describe('SSE corpus', () => {
  const alphabet = fc.constantFrom('data:', 'data: ', 'event: x', ':', '\n', '\r', '\r\n', '{', '}', '"a"', '1', '[DONE]', ' ', 'x');
  const crafted = [
    `data: ${'x'.repeat(5000)}\n\n`,
    'data:\n'.repeat(5000),
    'data:\r'.repeat(5000),
    'data:\r\n'.repeat(5000),
    `:${'c'.repeat(5000)}\n`,
    `event: ${'e'.repeat(5000)}\n\n`,
    '\r'.repeat(5000),
    'data: {"a":1}\r\rdata: {"b":2}\r\r',
  ];
  const corpus = [...crafted, ...sample(fc.string({ unit: alphabet, maxLength: 200 }), 400, 5)];

  it('holds at least 400 entries', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(400);
  });

  it('every entry decodes or throws PARSE_ERROR, in steps linear in its size, whatever the chunking', () => {
    let errors = 0;
    for (const text of corpus) {
      for (const size of [1, 7, text.length || 1]) {
        const sse = createSseDecoder({ maxEventChars: 1000 });
        const steps = stepsOf(() => {
          try {
            for (let i = 0; i < text.length; i += size) sse.push(text.slice(i, i + size));
            sse.end();
          } catch (error) {
            errors++;
            expect(ToolgraphError.isInstance(error)).toBe(true);
            expect((error as ToolgraphError).code).toBe('PARSE_ERROR');
          }
        });
        expect(steps).toBeLessThanOrEqual(text.length + 16);
      }
    }
    expect(errors).toBeGreaterThan(50);
  });

  it('the event limit counts every character: an event is refused exactly when its text is over the limit, however it is split', () => {
    const line = fc.oneof(fc.constantFrom('data:', 'data: 1', ':comment', 'event: e', 'id: 7'), fc.string({ unit: fc.constantFrom('x', ' ', ':'), maxLength: 20 }).map((s) => `:${s}`));
    const eol = fc.constantFrom('\n', '\r', '\r\n');
    fc.assert(
      fc.property(fc.array(fc.tuple(line, eol), { minLength: 1, maxLength: 30 }), fc.array(fc.nat(), { maxLength: 10 }), fc.integer({ min: 10, max: 200 }), (lines, cuts, max) => {
        const event = lines.map(([l, e]) => l + e).join('');
        const text = `${event}\n`;
        const sse = createSseDecoder({ maxEventChars: max });
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        let refused = false;
        try {
          let from = 0;
          for (const p of [...points, text.length]) {
            sse.push(text.slice(from, p));
            from = p;
          }
          sse.end();
        } catch (error) {
          if ((error as ToolgraphError).code !== 'PARSE_ERROR') throw error;
          // Data that is not JSON is refused too, but only once the event fit.
          refused = /over \d+ characters/.test((error as Error).message);
        }
        // Every character counts, up to and including the line end of the blank line that ends the event.
        expect(refused).toBe(event.length + 1 > max);
      }),
      { numRuns: 500 },
    );
  });
});
