import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { interpolateReferences, parsePythonArgs, PythonLiteralError } from '../../src/formats/python-literal.js';

const args = (text: string) => parsePythonArgs(`${text})`, 0);

describe('parsePythonArgs', () => {
  it('reads strings, numbers, containers, constants and keywords', () => {
    const a = args(`'it\\'s', "tab\\t\\u00e9\\x41\\101\\q", r'raw\\n', """tri"ple""", 'con' "cat", -12, 3.5e2, 0x1F, 1_000, .5, [1, (2,), (3), {4, 5}], {'k': None, 1: True, "n": [False]}, key=(), other={}`);
    expect(a.positional).toEqual(["it's", 'tab\té' + 'AA\\q', 'raw\\n', 'tri"ple', 'concat', -12, 350, 31, 1000, 0.5, [1, [2], 3, [4, 5]], { k: null, 1: true, n: [false] }]);
    expect(a.keywords).toEqual([['key', []], ['other', {}]]);
  });

  it('turns $N and ${N} into placeholders, inside strings too, and escapes other ${', () => {
    const a = args('$1, "${2}", "compare $1 and ${2}", "price: $$5 ${x}", [$3]');
    expect(a.positional).toEqual(['${1}', '${2}', 'compare ${1} and ${2}', 'price: $${5} $${x}', ['${3}']]);
    const only = parsePythonArgs('"$1 costs $100", $1)', 0, { reference: (n) => (Number(n) < 2 ? `\${${n}}` : undefined) });
    expect(only.positional).toEqual(['${1} costs $100', '${1}']);
    expect(() => parsePythonArgs('$5)', 0, { reference: () => undefined })).toThrow(/\$5 does not refer to an earlier task/);
  });

  it('keeps __proto__ keys as ordinary data', () => {
    const a = args(`{'__proto__': {'polluted': 1}}, __proto__=2`);
    const obj = a.positional[0] as Record<string, unknown>;
    expect(Object.hasOwn(obj, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(a.keywords).toEqual([['__proto__', 2]]);
  });

  it('reports syntax errors with their offset', () => {
    for (const [text, message] of [
      ['"unterminated', /unterminated string/],
      ['1 2', /expected "," or "\)"/],
      ['a=1, 2', /positional argument follows a keyword/],
      ['x', /"x" is not a literal/],
      ['[1, 2)', /expected "]", found "\)"/],
      ['{1: }', /unexpected "}"/],
      ['a=1, a=2', /given twice/],
      ['"\\N{DASH}"', /not supported/],
      ['open("f")', /"open" is not a literal/],
    ] as const) {
      expect(() => args(text), text).toThrow(message);
    }
    try {
      args('1, ?');
    } catch (e) {
      expect(e).toBeInstanceOf(PythonLiteralError);
      expect((e as PythonLiteralError).offset).toBe(3);
    }
  });

  it('bounds depth and size without recursion', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(() => args(deep)).toThrow(/deeper than 64/);
    expect(parsePythonArgs(`${'['.repeat(5000)}${']'.repeat(5000)})`, 0, { maxDepth: 10_000 }).positional).toHaveLength(1);
    expect(() => parsePythonArgs(`"${'a'.repeat(200)}")`, 0, { maxChars: 100 })).toThrow(/limit is 100/);
  });

  it('reads back any JSON-like value written as a Python literal', () => {
    const py = (v: unknown): string => {
      // iterative-enough for test data (small depth)
      if (v === null) return 'None';
      if (v === true) return 'True';
      if (v === false) return 'False';
      if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\$/g, '\\x24')}'`;
      if (typeof v === 'number') return String(v);
      if (Array.isArray(v)) return `[${v.map(py).join(', ')}]`;
      return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${py(k)}: ${py(x)}`).join(', ')}}`;
    };
    const value = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, fc.string().filter((s) => !s.includes('$')), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)), fc.boolean(), fc.constant(null), fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(fc.string().filter((s) => !s.includes('$')), tie('v'), { maxKeys: 4 })),
    })).v;
    fc.assert(fc.property(value, (v) => {
      expect(args(py(v)).positional).toEqual([v]);
    }));
  });
});

describe('interpolateReferences', () => {
  it('rewrites $N and ${N} only (as LLMCompiler does, $1x is $1 then x)', () => {
    expect(interpolateReferences('a $1 b ${22} c ${x} $ d $1x ${3')).toBe('a ${1} b ${22} c $${x} $ d ${1}x $${3');
  });
});
