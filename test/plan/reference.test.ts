import { describe, expect, it } from 'vitest';
import { compilePath, parseRefObject, parseTemplate, type CompiledPath, type Reference } from '../../src/plan/reference.js';

function compiled(path: string): CompiledPath {
  const r = compilePath(path);
  if (!r.ok) throw new Error(`expected ${path} to compile: ${r.problem.message}`);
  return r.value;
}

describe('compilePath: valid paths', () => {
  const table: [path: string, source: string, simple: boolean][] = [
    ['', '$', true],
    ['$', '$', true],
    ['$.a', '$.a', true],
    ['a.b', '$.a.b', true],
    ['.a', '$.a', true],
    ['$.items[0].id', '$.items[0].id', true],
    ['$.a_b-c9', '$.a_b-c9', true],
    ["$['key with space']", "$['key with space']", true],
    ['$["double"]', '$.double', true],
    ["$['it\\'s']", "$['it\\'s']", true],
    ["$['back\\\\slash']", "$['back\\\\slash']", true],
    ["$['a.b']", "$['a.b']", true],
    ["$['0abc']", "$['0abc']", true],
    ['$[-1]', '$[-1]', true],
    ['$[ 2 ]', '$[2]', true],
    ['$[*]', '$[*]', false],
    ['$.*', '$[*]', false],
    ['$.a[*].b', '$.a[*].b', false],
    ["$['a','b']", "$['a','b']", false],
    ['$[0,2]', '$[0,2]', false],
    ["$[0,'x']", "$[0,'x']", false],
    ['$[1:3]', '$[1:3]', false],
    ['$[:2]', '$[:2]', false],
    ['$[-2:]', '$[-2:]', false],
    ['$[:]', '$[:]', false],
    ['$..name', '$..name', false],
    ["$..['a b']", "$..['a b']", false],
    ['$..*', '$..*', false],
    ['$..[*]', '$..*', false],
  ];
  it.each(table)('%j compiles to %j (simple: %s)', (path, source, simple) => {
    const p = compiled(path);
    expect(p.source).toBe(source);
    expect(p.simple).toBe(simple);
  });

  it.each(table)('the canonical source of %j compiles to itself', (path) => {
    const p = compiled(path);
    expect(compiled(p.source).source).toBe(p.source);
    expect(compiled(p.source).segments).toEqual(p.segments);
  });

  it('accepts exactly 32 segments and 256 characters', () => {
    expect(compilePath('$' + '.a'.repeat(32)).ok).toBe(true);
    expect(compilePath('$.' + 'a'.repeat(254)).ok).toBe(true);
  });
});

describe('compilePath: invalid paths', () => {
  const table: [path: string, code: 'INVALID_REF' | 'UNSAFE_PATH'][] = [
    ['$.', 'INVALID_REF'],
    ['$..', 'INVALID_REF'],
    ['$[', 'INVALID_REF'],
    ['$[0', 'INVALID_REF'],
    ["$['a", 'INVALID_REF'],
    ["$['a\\x']", 'INVALID_REF'],
    ['$[-]', 'INVALID_REF'],
    ['$[0:1:2]', 'INVALID_REF'],
    ['$[]', 'INVALID_REF'],
    ['$.a b', 'INVALID_REF'],
    ['$.naïve', 'INVALID_REF'],
    ['$x', 'INVALID_REF'],
    ['$..[0]', 'INVALID_REF'],
    ['$[0,-1]', 'INVALID_REF'],
    ["$['a.b'][*]", 'INVALID_REF'],
    ['$[?(@.a)]', 'UNSAFE_PATH'],
    ['$[(@.length-1)]', 'UNSAFE_PATH'],
    ['$.a@b', 'UNSAFE_PATH'],
    ["$['a(b)']", 'UNSAFE_PATH'],
    ['$.__proto__', 'UNSAFE_PATH'],
    ['$.constructor', 'UNSAFE_PATH'],
    ['$.prototype', 'UNSAFE_PATH'],
    ["$['__proto__']", 'UNSAFE_PATH'],
    ["$['a','constructor']", 'UNSAFE_PATH'],
    ['$..prototype', 'UNSAFE_PATH'],
    ["$['a\u202eb']", 'UNSAFE_PATH'],
    ['$' + '.a'.repeat(33), 'UNSAFE_PATH'],
    ['$.' + 'a'.repeat(255), 'UNSAFE_PATH'],
    ['$[12345678901]', 'UNSAFE_PATH'],
  ];
  it.each(table)('%j is refused with %s', (path, code) => {
    const r = compilePath(path);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problem.code).toBe(code);
      expect(r.problem.message.length).toBeGreaterThan(0);
    }
  });
});

describe('parseTemplate', () => {
  it('returns undefined for text without placeholders', () => {
    expect(parseTemplate('plain text $ { not one }')).toBeUndefined();
  });

  it('a string that is exactly one placeholder is whole', () => {
    const r = parseTemplate('${search.hits[0].path}');
    expect(r?.ok).toBe(true);
    if (r?.ok) {
      expect(r.value.whole).toBe(true);
      const ref = r.value.parts[0] as Reference;
      expect(ref.id).toBe('search');
      expect(ref.path.source).toBe('$.hits[0].path');
      expect(ref.text).toBe('${search.hits[0].path}');
    }
  });

  it.each([
    ['${search}', 'search', '$'],
    ["${search['key with space']}", 'search', "$['key with space']"],
    ["${a['}']}", 'a', "$['}']"],
    ['${my-call:2[0]}', 'my-call:2', '$[0]'],
    ['${s[*].id}', 's', '$[*].id'],
    ['${s..id}', 's', '$..id'],
  ])('%j reads %s at %s', (text, id, source) => {
    const r = parseTemplate(text);
    expect(r?.ok).toBe(true);
    if (r?.ok) {
      expect(r.value.whole).toBe(true);
      expect((r.value.parts[0] as Reference).id).toBe(id);
      expect((r.value.parts[0] as Reference).path.source).toBe(source);
    }
  });

  it('placeholders among text are interpolated, in order', () => {
    const r = parseTemplate('Summarize ${read.title} for ${user.name}!');
    expect(r?.ok).toBe(true);
    if (r?.ok) {
      expect(r.value.whole).toBe(false);
      expect(r.value.parts.map((p) => (typeof p === 'string' ? p : p.id))).toEqual(['Summarize ', 'read', ' for ', 'user', '!']);
    }
  });

  it('two adjacent placeholders are not whole', () => {
    const r = parseTemplate('${a}${b}');
    expect(r?.ok && r.value.whole).toBe(false);
  });

  it('$${ is a literal ${', () => {
    const r = parseTemplate('costs $${price} and ${a}');
    expect(r?.ok).toBe(true);
    if (r?.ok) expect(r.value.parts.map((p) => (typeof p === 'string' ? p : `<${p.id}>`))).toEqual(['costs ${price} and ', '<a>']);
    const only = parseTemplate('$${x}');
    expect(only?.ok && only.value.parts).toEqual(['${x}']);
    // Leftmost match: "$$${a}" is "$" + "$${" + "a}".
    const triple = parseTemplate('$$${a}');
    expect(triple?.ok && triple.value.parts).toEqual(['$${a}']);
  });

  it.each([
    ['${', 'INVALID_REF'],
    ['${search', 'INVALID_REF'],
    ['${search.hits[0]', 'INVALID_REF'],
    ['${}', 'INVALID_REF'],
    ['${ search }', 'INVALID_REF'],
    ['${.a}', 'INVALID_REF'],
    ['${search.a b}', 'INVALID_REF'],
    ['${sé}', 'INVALID_REF'],
    ['${' + 'x'.repeat(129) + '}', 'INVALID_REF'],
    ['${s.__proto__}', 'UNSAFE_PATH'],
    ["${s['constructor']}", 'UNSAFE_PATH'],
    ['${s[?(@.x)]}', 'UNSAFE_PATH'],
    ['${s' + '.a'.repeat(200) + '}', 'UNSAFE_PATH'],
    ['ok ${a} then ${b.__proto__}', 'UNSAFE_PATH'],
  ])('%j is refused with %s', (text, code) => {
    const r = parseTemplate(text);
    expect(r?.ok).toBe(false);
    if (r !== undefined && !r.ok) expect(r.problem.code).toBe(code);
  });
});

describe('parseRefObject', () => {
  it('reads id and path; path defaults to the whole result', () => {
    const r = parseRefObject({ $ref: 'me', path: '$.id' });
    expect(r.ok && r.value.id).toBe('me');
    expect(r.ok && r.value.path.source).toBe('$.id');
    const whole = parseRefObject({ $ref: 'search.v2' });
    expect(whole.ok && whole.value.id).toBe('search.v2');
    expect(whole.ok && whole.value.path.source).toBe('$');
  });

  it.each([
    [{ $ref: '' }, 'INVALID_REF'],
    [{ $ref: 3 }, 'INVALID_REF'],
    [{ $ref: 'a b' }, 'INVALID_REF'],
    [{ $ref: 'x'.repeat(129) }, 'INVALID_REF'],
    [{ $ref: 'a', path: 7 }, 'INVALID_REF'],
    [{ $ref: 'a', extra: 1 }, 'INVALID_REF'],
    [{ $ref: 'a', path: '$.__proto__' }, 'UNSAFE_PATH'],
    [{ $ref: 'a', path: '$[?(@)]' }, 'UNSAFE_PATH'],
  ])('%j is refused with %s', (value, code) => {
    const r = parseRefObject(value as Record<string, unknown>);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem.code).toBe(code);
  });
});

describe('selection', () => {
  const doc = {
    items: [
      { id: 1, tags: ['a', 'b'] },
      { id: 2, tags: ['c'] },
      { id: 3, tags: [] },
    ],
    'key with space': { v: true },
    n: 0,
    empty: '',
    nil: null,
    nested: { deep: { id: 9 } },
  };

  it('a simple path selects one value with its type', () => {
    expect(compiled('$.items[0].id').select(doc)).toEqual({ found: true, value: 1 });
    expect(compiled('$.items[-1]').select(doc)).toEqual({ found: true, value: { id: 3, tags: [] } });
    expect(compiled("$['key with space'].v").select(doc)).toEqual({ found: true, value: true });
    expect(compiled('$').select(doc)).toEqual({ found: true, value: doc });
  });

  it('falsy values are found', () => {
    expect(compiled('$.n').select(doc)).toEqual({ found: true, value: 0 });
    expect(compiled('$.empty').select(doc)).toEqual({ found: true, value: '' });
    expect(compiled('$.nil').select(doc)).toEqual({ found: true, value: null });
  });

  it('wildcard, union, slice and descent yield arrays', () => {
    expect(compiled('$.items[*].id').select(doc)).toEqual({ found: true, value: [1, 2, 3] });
    expect(compiled('$.items[0,2].id').select(doc)).toEqual({ found: true, value: [1, 3] });
    expect(compiled('$.items[1:].id').select(doc)).toEqual({ found: true, value: [2, 3] });
    expect(compiled('$.items[-2:].id').select(doc)).toEqual({ found: true, value: [2, 3] });
    expect(compiled("$['n','empty']").select(doc)).toEqual({ found: true, value: [0, ''] });
    expect(compiled('$..id').select(doc)).toEqual({ found: true, value: [1, 2, 3, 9] });
    // One match is still an array.
    expect(compiled('$.nested[*]').select(doc)).toEqual({ found: true, value: [{ id: 9 }] });
  });

  it('selecting nothing is found: false, never undefined or []', () => {
    expect(compiled('$.missing').select(doc)).toEqual({ found: false });
    expect(compiled('$.items[3]').select(doc)).toEqual({ found: false });
    expect(compiled('$.items[-4]').select(doc)).toEqual({ found: false });
    expect(compiled('$.n.x').select(doc)).toEqual({ found: false });
    expect(compiled('$.empty.length').select(doc)).toEqual({ found: false });
    expect(compiled('$.items[2].tags[*]').select(doc)).toEqual({ found: false });
    expect(compiled('$..missing').select(doc)).toEqual({ found: false });
    expect(compiled('$.a').select(undefined)).toEqual({ found: false });
    expect(compiled('$').select(undefined)).toEqual({ found: false });
    expect(compiled('$[*]').select('text')).toEqual({ found: false });
  });

  it('only own properties are followed: inherited ones and the prototype never are', () => {
    const proto = { secret: 'inherited', nested: { deep: 1 } };
    const value = Object.create(proto) as Record<string, unknown>;
    value['own'] = 'mine';
    expect(compiled('$.secret').select(value)).toEqual({ found: false });
    expect(compiled('$.nested.deep').select(value)).toEqual({ found: false });
    expect(compiled('$.toString').select({})).toEqual({ found: false });
    expect(compiled('$.hasOwnProperty').select({})).toEqual({ found: false });
    expect(compiled('$[*]').select(value)).toEqual({ found: true, value: ['mine'] });
    expect(compiled('$..secret').select(value)).toEqual({ found: false });
    expect(compiled('$..deep').select(value)).toEqual({ found: false });
    expect(compiled("$['own','secret']").select(value)).toEqual({ found: true, value: ['mine'] });
    expect(compiled('$.map').select([1])).toEqual({ found: false });
  });

  it('an own "__proto__" key cannot be named, so it is never followed', () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as Record<string, unknown>;
    expect(compilePath('$.__proto__.polluted').ok).toBe(false);
    expect(compiled('$.polluted').select(value)).toEqual({ found: false });
  });

  it('recursive descent walks values nested tens of thousands deep without overflowing', () => {
    let deep: Record<string, unknown> = { id: 'bottom' };
    for (let i = 0; i < 50_000; i++) deep = { child: deep };
    expect(compiled('$..id').select(deep)).toEqual({ found: true, value: ['bottom'] });
  });
});
