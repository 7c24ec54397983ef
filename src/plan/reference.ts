/**
 * The placeholder grammar: references from one call's arguments to another call's result.
 *
 * Object form: `{ "$ref": "search", "path": "$.hits[0].path" }`.
 * Template form: `"${search.hits[0].path}"` (whole string: keeps the value's type) or
 * `"Summarize ${read.title}"` (interpolated). `$${` is a literal `${`.
 *
 * Paths are a safe JSONPath subset, compiled once: `.name`, `['name']`, `[n]`, `[-n]`, `[*]`,
 * `.*`, `[a,b]`, `[start:end]`, `..name`. Filters and scripts (`?(`, `(`, `@`) and the segments
 * `__proto__`, `prototype`, `constructor` are refused before any path engine sees them.
 */
import type { ErrorCode } from '../errors.js';
import { PathFault, readFault } from './path-fault.js';
import { CALL_ID_PATTERN } from './schema.js';
import { addSteps } from './work-steps.js';
import { evaluateComplexPath, evaluateSegments, isEngineSafeName, pathLimits, type PathLimits } from './select-complex.js';

export { PathFault } from './path-fault.js';
export { DEFAULT_PATH_LIMITS, type PathLimits } from './select-complex.js';

/** Longest path accepted, in characters. @default 256 */
export const MAX_PATH_LENGTH = 256;
/** Most segments a path may have. @default 32 */
export const MAX_PATH_SEGMENTS = 32;

const FORBIDDEN_NAMES: ReadonlySet<string> = new Set(['__proto__', 'prototype', 'constructor']);
/** Characters allowed in `.name` segments and in template ids (ids may also hold `.` in the object form). */
const NAME_CHAR = /[A-Za-z0-9_-]/;
/** True for a character of a template call id: A-Z a-z 0-9 _ : - (what /[A-Za-z0-9_:-]/ accepts). */
function isTemplateIdChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 58) || code === 95 || code === 45;
}
/** Control, format (zero-width, bidi overrides), surrogate, private-use and unassigned characters. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\u2028\u2029]/u;

/** One step of a compiled path. */
export type PathSegment =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'wildcard' }
  | { readonly kind: 'union'; readonly members: readonly (string | number)[] }
  | { readonly kind: 'slice'; readonly start: number | undefined; readonly end: number | undefined }
  | { readonly kind: 'descend'; readonly name: string | undefined };

/**
 * What {@link CompiledPath.pick} returns when a path selects nothing (a value no result can
 * hold: tool results are JSON-like and never this symbol).
 */
export const MISSING: unique symbol = Symbol('toolgraph.missing');

/**
 * The outcome of selecting a path from a value. `problem` says why nothing could be selected
 * when the path was too costly or the value could not be read (see {@link PathFault}).
 */
export type Selection = { readonly found: true; readonly value: unknown } | { readonly found: false; readonly problem?: PathFault };

/** Options of {@link compilePath} and {@link parseTemplate}. */
export interface PathOptions {
  /** Bounds on the work of evaluating complex paths. @default DEFAULT_PATH_LIMITS */
  readonly limits?: Partial<PathLimits>;
}

/**
 * A path compiled once at parse time. `simple` paths (names and indices only) select one value
 * by a direct walk over own properties; the others select an array of matches.
 */
export interface CompiledPath {
  /** The path in canonical JSONPath form, starting with `$`. */
  readonly source: string;
  /** The parsed segments. */
  readonly segments: readonly PathSegment[];
  /** True when the path has only names and indices (yields one value). */
  readonly simple: boolean;
  /** Selects from a value. Never throws, whatever the value (getters, Proxies, cycles, depth). */
  select(value: unknown): Selection;
  /**
   * Like `select`, without allocating: the value, {@link MISSING} when nothing is selected, or
   * a {@link PathFault} when the path was too costly or the value could not be read.
   */
  pick(value: unknown): unknown;
}

/** A parsed placeholder: which call it reads and which part of its result. */
export interface Reference {
  /** Id of the call whose result is read. */
  readonly id: string;
  /** The compiled path into that result (`$` for the whole result). */
  readonly path: CompiledPath;
  /** The placeholder as written, for messages. */
  readonly text: string;
}

/** A problem found while parsing a placeholder or path. */
export interface ReferenceProblem {
  /** `INVALID_REF` (syntax) or `UNSAFE_PATH` (refused for safety or size). */
  readonly code: Extract<ErrorCode, 'INVALID_REF' | 'UNSAFE_PATH'>;
  /** What is wrong and how to fix it. */
  readonly message: string;
}

/** Result of a parse: the value, or the problem. */
export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: ReferenceProblem };

/** A parsed template string: literal text and placeholders in order. */
export interface Template {
  /** Literal pieces and references, in order. Literal `$${` is already unescaped to `${`. */
  readonly parts: readonly (string | Reference)[];
  /** True when the string is exactly one placeholder (its value keeps its type). */
  readonly whole: boolean;
}

class PathSyntaxError {
  constructor(
    readonly code: 'INVALID_REF' | 'UNSAFE_PATH',
    readonly message: string,
  ) {}
}

function fail(code: 'INVALID_REF' | 'UNSAFE_PATH', message: string): never {
  throw new PathSyntaxError(code, message);
}

function checkName(name: string): void {
  if (INVISIBLE.test(name)) fail('UNSAFE_PATH', `path name ${JSON.stringify(name)} contains control or invisible characters`);
  if (FORBIDDEN_NAMES.has(name) || FORBIDDEN_NAMES.has(name.normalize('NFKC'))) {
    fail('UNSAFE_PATH', `path segment "${name}" is refused (__proto__, prototype and constructor are never followed)`);
  }
}

/** Scanner over a path's text; `end` is where the path stops (a `}` for templates). */
class PathScanner {
  pos: number;
  readonly segments: PathSegment[] = [];
  constructor(
    readonly text: string,
    start: number,
    readonly limit: number,
    readonly stopAtBrace: boolean,
  ) {
    this.pos = start;
  }

  private peek(offset = 0): string | undefined {
    return this.text[this.pos + offset];
  }

  private guard(c: string | undefined): void {
    if (this.pos >= this.limit) fail('UNSAFE_PATH', `path is longer than ${MAX_PATH_LENGTH} characters`);
    if (c === '(' || c === ')' || c === '@' || c === '?') {
      fail('UNSAFE_PATH', `filter and script expressions ("?(", "(", "@") are not allowed in paths`);
    }
  }

  private push(segment: PathSegment): void {
    if (this.segments.length >= MAX_PATH_SEGMENTS) fail('UNSAFE_PATH', `path has more than ${MAX_PATH_SEGMENTS} segments`);
    this.segments.push(segment);
  }

  private readIdent(): string {
    const start = this.pos;
    while (this.pos < this.text.length && this.pos < this.limit && NAME_CHAR.test(this.text[this.pos] as string)) this.pos++;
    if (this.pos >= this.limit) fail('UNSAFE_PATH', `path is longer than ${MAX_PATH_LENGTH} characters`);
    const name = this.text.slice(start, this.pos);
    if (name === '') {
      const c = this.peek();
      this.guard(c);
      fail('INVALID_REF', c === undefined ? 'path ends after "."' : `unexpected ${JSON.stringify(c)} in path; use ['name'] for names with other characters`);
    }
    checkName(name);
    return name;
  }

  private readQuoted(): string {
    const quote = this.peek() as string;
    this.pos++;
    let out = '';
    for (;;) {
      if (this.pos >= this.text.length) fail('INVALID_REF', 'unterminated quoted name in path');
      if (this.pos >= this.limit) fail('UNSAFE_PATH', `path is longer than ${MAX_PATH_LENGTH} characters`);
      const c = this.text[this.pos] as string;
      if (c === quote) {
        this.pos++;
        break;
      }
      if (c === '\\') {
        const next = this.text[this.pos + 1];
        if (next !== quote && next !== '\\') fail('INVALID_REF', `only \\${quote} and \\\\ may be escaped in a quoted name`);
        out += next;
        this.pos += 2;
        continue;
      }
      if (c === '(' || c === ')' || c === '@' || c === '?') this.guard(c);
      out += c;
      this.pos++;
    }
    checkName(out);
    return out;
  }

  private readInt(): number | undefined {
    const start = this.pos;
    if (this.peek() === '-') this.pos++;
    while (this.pos < this.limit && /[0-9]/.test(this.text[this.pos] ?? '')) this.pos++;
    const raw = this.text.slice(start, this.pos);
    if (raw === '' ) return undefined;
    if (raw === '-') fail('INVALID_REF', 'expected a number after "-" in path');
    if (raw.length > 10) fail('UNSAFE_PATH', `index ${raw} is out of range`);
    return Number(raw);
  }

  private skipSpaces(): void {
    while (this.peek() === ' ') this.pos++;
  }

  private expect(c: string): void {
    this.skipSpaces();
    const got = this.peek();
    if (got !== c) {
      this.guard(got);
      fail('INVALID_REF', got === undefined ? `path ends where "${c}" was expected` : `expected "${c}" in path, found ${JSON.stringify(got)}`);
    }
    this.pos++;
  }

  /** Reads `, member` pairs after the first member of a union, then the closing `]`. */
  private readUnionRest(members: (string | number)[]): (string | number)[] {
    this.skipSpaces();
    while (this.peek() === ',') {
      this.pos++;
      this.skipSpaces();
      const q = this.peek();
      if (q === "'" || q === '"') members.push(this.readQuoted());
      else {
        const n = this.readInt();
        if (n === undefined) fail('INVALID_REF', 'expected a quoted name or a number in a union');
        members.push(n);
      }
      this.skipSpaces();
    }
    this.expect(']');
    return members;
  }

  /** Parses `[...]` after the `[`; returns the segment. */
  private readBracket(): PathSegment {
    this.skipSpaces();
    const c = this.peek();
    this.guard(c);
    if (c === '*') {
      this.pos++;
      this.expect(']');
      return { kind: 'wildcard' };
    }
    if (c === "'" || c === '"') {
      const members = this.readUnionRest([this.readQuoted()]);
      return members.length === 1 ? { kind: 'name', name: members[0] as string } : { kind: 'union', members };
    }
    const first = this.readInt();
    this.skipSpaces();
    if (this.peek() === ':') {
      this.pos++;
      this.skipSpaces();
      const end = this.readInt();
      this.expect(']');
      return { kind: 'slice', start: first, end };
    }
    if (first === undefined) {
      this.guard(c);
      fail('INVALID_REF', c === undefined ? 'unterminated "[" in path' : `unexpected ${JSON.stringify(c)} after "[" in path`);
    }
    if (this.peek() === ',') {
      return { kind: 'union', members: this.readUnionRest([first]) };
    }
    this.expect(']');
    return { kind: 'index', index: first };
  }

  /** Parses segments until the end of the text (or an unbracketed `}` in templates). */
  run(): void {
    for (;;) {
      const c = this.peek();
      if (c === undefined) {
        if (this.stopAtBrace) fail('INVALID_REF', 'unclosed placeholder: "${" without "}"');
        return;
      }
      if (this.stopAtBrace && c === '}') return;
      this.guard(c);
      if (c === '.') {
        if (this.peek(1) === '.') {
          this.pos += 2;
          const d = this.peek();
          if (d === '*') {
            this.pos++;
            this.push({ kind: 'descend', name: undefined });
          } else if (d === '[') {
            this.pos++;
            const seg = this.readBracket();
            if (seg.kind === 'name') this.push({ kind: 'descend', name: seg.name });
            else if (seg.kind === 'wildcard') this.push({ kind: 'descend', name: undefined });
            else fail('INVALID_REF', 'after ".." only a name or * may follow');
          } else {
            this.push({ kind: 'descend', name: this.readIdent() });
          }
        } else {
          this.pos++;
          if (this.peek() === '*') {
            this.pos++;
            this.push({ kind: 'wildcard' });
          } else {
            this.push({ kind: 'name', name: this.readIdent() });
          }
        }
      } else if (c === '[') {
        this.pos++;
        this.push(this.readBracket());
      } else {
        fail('INVALID_REF', `unexpected ${JSON.stringify(c)} in path; segments start with "." or "["`);
      }
    }
  }
}

function segmentSource(segment: PathSegment): string {
  const quote = (name: string): string => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name) ? `.${name}` : `['${name.replace(/[\\']/g, '\\$&')}']`);
  switch (segment.kind) {
    case 'name':
      return quote(segment.name);
    case 'index':
      return `[${segment.index}]`;
    case 'wildcard':
      return '[*]';
    case 'union':
      return `[${segment.members.map((m) => (typeof m === 'number' ? String(m) : `'${m.replace(/[\\']/g, '\\$&')}'`)).join(',')}]`;
    case 'slice':
      return `[${segment.start ?? ''}:${segment.end ?? ''}]`;
    case 'descend':
      if (segment.name === undefined) return '..*';
      return quote(segment.name).startsWith('.') ? `.${quote(segment.name)}` : `..${quote(segment.name)}`;
  }
}

/** Walks names and indices over own properties: the value, MISSING, or a fault when a read throws. */
function pickSimple(segments: readonly PathSegment[], root: unknown): unknown {
  try {
    return walkSimple(segments, root);
  } catch (error) {
    return readFault(error);
  }
}

function walkSimple(segments: readonly PathSegment[], root: unknown): unknown {
  let value = root;
  for (let k = 0; k < segments.length; k++) {
    const segment = segments[k] as PathSegment;
    if (typeof value !== 'object' || value === null) return MISSING;
    if (segment.kind === 'name') {
      if (!Object.hasOwn(value, segment.name)) return MISSING;
      value = (value as Record<string, unknown>)[segment.name];
    } else if (segment.kind === 'index') {
      if (Array.isArray(value)) {
        const i = segment.index < 0 ? value.length + segment.index : segment.index;
        if (i < 0 || i >= value.length) return MISSING;
        value = value[i];
      } else {
        const key = String(segment.index);
        if (!Object.hasOwn(value, key)) return MISSING;
        value = (value as Record<string, unknown>)[key];
      }
    } else {
      return MISSING;
    }
  }
  return value === undefined ? MISSING : value;
}

/**
 * Selects from a value with a compiled path: the value, or {@link MISSING}. The scheduler's
 * form of `path.pick` (a direct call it can inline, where `pick` is a closure per path).
 */
export function pickPath(path: CompiledPath, value: unknown): unknown {
  if (!path.simple) return path.pick(value);
  const segments = path.segments;
  if (segments.length === 0) return value === undefined ? MISSING : value;
  return pickSimple(segments, value);
}

function asSelection(value: unknown): Selection {
  if (value === MISSING) return { found: false };
  return value instanceof PathFault ? { found: false, problem: value } : { found: true, value };
}

/** The path of the whole result (`$`), shared by every placeholder without a path. */
let wholePath: CompiledPath | undefined;

function buildPath(segments: PathSegment[], limits: PathLimits): CompiledPath {
  if (segments.length === 0 && wholePath !== undefined) return wholePath;
  const simple = segments.every((s) => s.kind === 'name' || s.kind === 'index');
  if (!simple) {
    for (const s of segments) {
      if (s.kind === 'union' && s.members.some((m) => typeof m === 'number' && m < 0)) {
        // jsonpath-plus reads a negative union member as a property name and selects nothing.
        fail('INVALID_REF', 'negative indices are not allowed in a union; select them one by one, e.g. [-1]');
      }
      const names = s.kind === 'name' || s.kind === 'descend' ? [s.name] : s.kind === 'union' ? s.members : [];
      for (const name of names) {
        if (typeof name === 'string' && !isEngineSafeName(name)) {
          fail('INVALID_REF', `name ${JSON.stringify(name)} cannot be used in a path with wildcards, unions, slices or "..": such names may hold only letters, digits, spaces, "_" and "-"`);
        }
      }
    }
  }
  const source = '$' + segments.map(segmentSource).join('');
  if (simple) {
    const pick = segments.length === 0 ? (value: unknown) => (value === undefined ? MISSING : value) : (value: unknown) => pickSimple(segments, value);
    const path: CompiledPath = Object.freeze({ source, segments: Object.freeze(segments), simple, select: (value: unknown) => asSelection(pick(value)), pick });
    if (segments.length === 0) wholePath = path;
    return path;
  }
  return {
    source,
    segments,
    simple,
    select: (value) => evaluateComplexPath(segments, value, limits),
    pick: (value) => {
      if (typeof value !== 'object' || value === null) return MISSING;
      const matches = evaluateSegments(segments, value, limits);
      return matches instanceof PathFault ? matches : matches.length === 0 ? MISSING : matches;
    },
  };
}

function toProblem(error: unknown): ReferenceProblem {
  if (error instanceof PathSyntaxError) return { code: error.code, message: error.message };
  throw error;
}

/**
 * Compiles a JSONPath (object form `path`): `$.items[0].id`, `$`, or `.items[0]`.
 * An empty string selects the whole value.
 *
 * @example
 * const p = compilePath('$.hits[0].path')
 * if (p.ok) p.value.select({ hits: [{ path: 'a.md' }] }) // { found: true, value: 'a.md' }
 */
export function compilePath(path: string, options: PathOptions = {}): ParseResult<CompiledPath> {
  const limits = pathLimits(options.limits);
  if (path.length > MAX_PATH_LENGTH) {
    return { ok: false, problem: { code: 'UNSAFE_PATH', message: `path is ${path.length} characters long; the limit is ${MAX_PATH_LENGTH}` } };
  }
  try {
    let start = 0;
    let text = path;
    if (text.startsWith('$')) start = 1;
    else if (text !== '' && text[0] !== '.' && text[0] !== '[') text = '.' + text;
    const scanner = new PathScanner(text, start, text.length + 1, false);
    try {
      scanner.run();
    } finally {
      addSteps(scanner.pos - start + 1);
    }
    return { ok: true, value: buildPath(scanner.segments, limits) };
  } catch (error) {
    return { ok: false, problem: toProblem(error) };
  }
}

/**
 * Parses a string for `${...}` placeholders. Returns `undefined` when the string has neither
 * placeholders nor `$${` escapes (it is used as it is).
 *
 * @example
 * parseTemplate('${search.hits[0].path}')  // whole: true, one reference
 * parseTemplate('Read ${read.title} now')   // whole: false, interpolated
 * parseTemplate('costs $${price}')          // parts: ['costs ${price}']
 */
export function parseTemplate(text: string, options: PathOptions = {}): ParseResult<Template> | undefined {
  let at = text.indexOf('${');
  if (at === -1) return undefined;
  const limits = pathLimits(options.limits);
  const parts: (string | Reference)[] = [];
  let literal = '';
  let from = 0;
  try {
    while (at !== -1) {
      if (at > 0 && text[at - 1] === '$') {
        // `$${` is a literal `${`.
        literal += text.slice(from, at - 1) + '${';
        from = at + 2;
        at = text.indexOf('${', from);
        continue;
      }
      literal += text.slice(from, at);
      let pos = at + 2;
      while (pos < text.length && isTemplateIdChar(text.charCodeAt(pos))) pos++;
      const id = text.slice(at + 2, pos);
      if (id === '') {
        const c = text[pos];
        fail('INVALID_REF', c === undefined ? 'unclosed placeholder "${"' : `placeholder must start with a call id, found ${JSON.stringify(c)} (write $\${ for a literal \${)`);
      }
      if (id.length > 128) fail('INVALID_REF', 'call ids are at most 128 characters');
      let end = pos; // at the closing brace
      let segments: PathSegment[] = [];
      if (text.charCodeAt(pos) !== 125 /* } */) {
        // A path follows the id (`${id}` alone, the common case, needs no scanner).
        const scanner = new PathScanner(text, pos, Math.min(text.length, at + 2 + MAX_PATH_LENGTH) + 1, true);
        try {
          scanner.run();
        } finally {
          addSteps(scanner.pos - pos + 1);
        }
        end = scanner.pos;
        segments = scanner.segments;
      }
      if (end - (at + 2) > MAX_PATH_LENGTH) fail('UNSAFE_PATH', `placeholder is longer than ${MAX_PATH_LENGTH} characters`);
      if (literal !== '') parts.push(literal);
      literal = '';
      parts.push({ id, path: buildPath(segments, limits), text: text.slice(at, end + 1) });
      from = end + 1;
      at = text.indexOf('${', from);
    }
  } catch (error) {
    return { ok: false, problem: toProblem(error) };
  }
  literal += text.slice(from);
  if (literal !== '') parts.push(literal);
  return { ok: true, value: { parts, whole: parts.length === 1 && typeof parts[0] !== 'string' } };
}

/**
 * True when a value is an object-form reference `{ "$ref": ... }` (well-formed or not).
 */
export function isRefObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, '$ref');
}

/**
 * Parses an object-form reference `{ "$ref": "id", "path"?: "$.a" }`.
 *
 * @example
 * parseRefObject({ $ref: 'me', path: '$.id' }) // { ok: true, value: { id: 'me', ... } }
 */
export function parseRefObject(value: Record<string, unknown>, options: PathOptions = {}): ParseResult<Reference> {
  const id = value['$ref'];
  if (typeof id !== 'string' || !CALL_ID_PATTERN.test(id)) {
    const got = typeof id === 'string' ? JSON.stringify(id.length > 40 ? `${id.slice(0, 40)}…` : id) : typeof id;
    return { ok: false, problem: { code: 'INVALID_REF', message: `"$ref" must be a call id (1-128 characters of A-Z a-z 0-9 _ . : -), got ${got}` } };
  }
  for (const key of Object.keys(value)) {
    if (key !== '$ref' && key !== 'path') {
      return { ok: false, problem: { code: 'INVALID_REF', message: `a reference object has only "$ref" and "path"; found ${JSON.stringify(key)}` } };
    }
  }
  const rawPath = Object.hasOwn(value, 'path') ? value['path'] : '$';
  if (typeof rawPath !== 'string') {
    return { ok: false, problem: { code: 'INVALID_REF', message: '"path" must be a string such as "$.items[0].id"' } };
  }
  const path = compilePath(rawPath, options);
  if (!path.ok) return path;
  return { ok: true, value: { id, path: path.value, text: rawPath === '$' ? `{"$ref":${JSON.stringify(id)}}` : `{"$ref":${JSON.stringify(id)},"path":${JSON.stringify(rawPath)}}` } };
}
