import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMalformedCall } from '../../src/formats/format-types.js';
import { createLLMCompilerStreamParser, parseLLMCompiler } from '../../src/formats/llmcompiler.js';
import { validatePlan } from '../../src/graph/validate.js';
import { cutsArb, feed, fixtureText, oneByOne, splitAt } from './helpers.js';

const PLAN = fixtureText('llmcompiler-plan.txt');
const SIGNATURES = { search: ['query', 'k'], math: ['question'] };

describe('parseLLMCompiler', () => {
  it('reads tasks, Thought lines, references; join() is not a call; stops at <END_OF_PLAN>', () => {
    const parsed = parseLLMCompiler(PLAN, { signatures: SIGNATURES });
    expect(parsed.problems).toEqual([]);
    expect(parsed.calls).toEqual([
      { id: '1', tool: 'search', args: { query: 'Population of Japan in 2023', k: 3 } },
      { id: '2', tool: 'search', args: { query: "Population of 'South' Korea\t2023" } },
      {
        id: '3',
        tool: 'math',
        args: {
          question: 'Compare ${1} and ${2}: which is larger, and by how much?',
          context: ['${1}', '${2}'],
          options: { precise: true, round: null, pair: [1, 2500] },
        },
      },
    ]);
    expect(parsed.text).toBe('Thought: I need the population of both countries before I can compare them.\nThought: Now compare them.\n');
    const v = validatePlan(parsed.calls);
    expect(v.valid).toBe(true);
    expect(v.plan?.analysis.maxWidth).toBe(2);
  });

  it('names positional arguments from tool signatures and reports conflicts', () => {
    const parsed = parseLLMCompiler('1. search("q", 5)\n2. search("q", query="again")\n3. search("a", 1, 2)\n4. other("x")', { signatures: { search: ['query', 'k'] } });
    expect(parsed.calls).toEqual([{ id: '1', tool: 'search', args: { query: 'q', k: 5 } }]);
    expect(parsed.problems.map((p) => [p.id, p.error.message.replace(/^line \d+: /, '')])).toEqual([
      ['2', 'argument "query" is given both by position and by name'],
      ['3', 'search takes 2 positional arguments (query, k); 3 were given'],
      ['4', 'other has positional arguments but its parameter names are unknown: write them by name, e.g. other(name=...), or give the parser the tools (or signatures)'],
    ]);
  });

  it('keeps unreadable tasks as malformed calls and reads the rest', () => {
    const parsed = parseLLMCompiler('1. search("ok")\n2. search("unterminated)\n3. fetch($2, url=$5)\n4. fetch(eval("x"))\n5. search("fine") trailing\n6. search("after")', { signatures: SIGNATURES });
    expect(parsed.calls.map((c) => c.id)).toEqual(['1', '6']);
    expect(parsed.problems.map((p) => p.id)).toEqual(['2', '3', '4', '5']);
    expect(parsed.problems[1]?.error.message).toMatch(/\$5 does not refer to an earlier task/);
    expect(parsed.problems[3]?.error.message).toMatch(/unexpected text after the call/);
    expect(parsed.problems[0]?.error.location).toBe('line 2');
  });

  it('reports duplicate task numbers', () => {
    const parsed = parseLLMCompiler('1. a()\n1. b()');
    expect(parsed.calls).toEqual([{ id: '1', tool: 'a', args: {} }]);
    expect(parsed.problems[0]?.error.message).toMatch(/used by an earlier call/);
  });
});

describe('createLLMCompilerStreamParser', () => {
  it('emits a task only when its line ends, for any split of the text', () => {
    const whole = parseLLMCompiler(PLAN, { signatures: SIGNATURES }).items;
    const byChar = feed(createLLMCompilerStreamParser({ signatures: SIGNATURES }), oneByOne(PLAN));
    expect(byChar.items).toEqual(whole);
    fc.assert(fc.property(cutsArb, (cuts) => {
      expect(feed(createLLMCompilerStreamParser({ signatures: SIGNATURES }), splitAt(PLAN, cuts)).items).toEqual(whole);
    }));
    const parser = createLLMCompilerStreamParser({ signatures: SIGNATURES });
    expect(parser.push('1. search("q")')).toEqual([]); // the line may still go on
    expect(parser.push(' \n')).toEqual([{ id: '1', tool: 'search', args: { query: 'q' } }]);
    expect(parser.push('2. search("last")')).toEqual([]);
    expect(parser.end()).toEqual([{ id: '2', tool: 'search', args: { query: 'last' } }]);
  });

  it('bounds the line buffer', () => {
    const parser = createLLMCompilerStreamParser({ maxArgsChars: 100 });
    parser.push('1. search("');
    for (let i = 0; i < 10; i++) expect(parser.push('x'.repeat(100))).toEqual([]);
    const [item] = parser.push('")\n2. ok()\n');
    expect(item !== undefined && isMalformedCall(item) && item.error.message).toMatch(/line is over 100 characters/);
    expect(parser.result().calls).toEqual([{ id: '2', tool: 'ok', args: {} }]);
  });
});
