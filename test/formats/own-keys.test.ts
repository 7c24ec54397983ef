import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAny } from '../../src/formats/detect-format.js';
import { parseLLMCompiler } from '../../src/formats/llmcompiler.js';
import { mapJson } from '../../src/formats/map-json.js';
import { parsePythonArgs } from '../../src/formats/python-literal.js';

const HOSTILE = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineSetter__', 'isPrototypeOf', 'then', 'length'];
const key = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: fc.constantFrom('a', '_', 'p', 'r', 'o'), minLength: 1, maxLength: 6 }));

function snapshot(): string {
  const d = (o: object): string => JSON.stringify(Reflect.ownKeys(o).map((k) => [String(k), typeof Object.getOwnPropertyDescriptor(o, k)?.value]));
  return d(Object.prototype) + d(Array.prototype);
}

const ident = /^[A-Za-z_][A-Za-z0-9_]*$/;

describe('parsers build objects from untrusted keys with own properties only', () => {
  it('Python dicts and keywords, LLMCompiler, mapJson and every provider format (600 generated key sets)', () => {
    const before = snapshot();
    fc.assert(
      fc.property(fc.uniqueArray(key, { minLength: 1, maxLength: 5 }), (keys) => {
        const jsonText = `{${keys.map((k, i) => `${JSON.stringify(k)}:${i}`).join(',')}}`;
        const check = (value: unknown): void => {
          expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
          keys.forEach((k, i) => {
            expect(Object.hasOwn(value as object, k), k).toBe(true);
            expect(Object.getOwnPropertyDescriptor(value, k)?.value).toBe(i);
          });
        };
        const dict = parsePythonArgs(`{${keys.map((k, i) => `'${k}': ${i}`).join(', ')}})`, 0).positional[0];
        check(dict);
        const named = keys.filter((k) => ident.test(k));
        const kw = parsePythonArgs(`${named.map((k) => `${k}=${keys.indexOf(k)}`).join(', ')})`, 0).keywords;
        expect(kw.map(([k]) => k)).toEqual(named);
        check(mapJson(JSON.parse(jsonText), {}));
        const provider = [
          { choices: [{ message: { tool_calls: [{ id: 'c1', type: 'function', function: { name: 't', arguments: jsonText } }] } }] },
          { type: 'message', role: 'assistant', content: [{ type: 'tool_use', id: 'c1', name: 't', input: JSON.parse(jsonText) as unknown }] },
          { candidates: [{ content: { parts: [{ functionCall: { name: 't', args: JSON.parse(jsonText) as unknown } }] } }] },
          { output: [{ type: 'function_call', call_id: 'c1', name: 't', arguments: jsonText }] },
        ];
        for (const response of provider) {
          const parsed = parseAny(response);
          expect(parsed.problems).toEqual([]);
          check(parsed.calls[0]?.args);
        }
        if (named.length > 0) {
          const llm = parseLLMCompiler(`1. t(${named.map((k) => `${k}=${keys.indexOf(k)}`).join(', ')})`);
          for (const k of named) expect(Object.hasOwn(llm.calls[0]?.args ?? {}, k)).toBe(true);
        }
        expect(({} as Record<string, unknown>)['0']).toBeUndefined();
      }),
      { numRuns: 600 },
    );
    expect(snapshot()).toBe(before);
  });
});
