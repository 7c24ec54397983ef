/**
 * A small iterative (explicit-stack, never recursive) parser of Python literal argument
 * lists, as LLMCompiler plans write them: `("query", [1, 2.5], k={'a': (True, None)})`.
 * Strings (single, double, triple quotes, r/b/u/f prefixes, escapes, adjacent-literal
 * concatenation), numbers, lists, tuples, dicts, sets, True/False/None, keyword arguments and
 * LLMCompiler references `$N` / `${N}` (outside strings: the whole value of task N).
 * Depth and size are bounded. Tuples and sets become arrays; dict keys become strings.
 */
import { addSteps } from '../plan/work-steps.js';
import { defineKey } from './map-json.js';

/** Limits of {@link parsePythonArgs}. */
export interface PythonLiteralOptions {
  /** Deepest nesting of lists, tuples and dicts. @default 64 */
  readonly maxDepth?: number;
  /** Longest text read, in characters. @default 1048576 */
  readonly maxChars?: number;
  /**
   * Turns a `$N` / `${N}` reference (outside or inside strings) into text; `undefined` leaves
   * it as it was written (and escapes a `${` so it is not read as a placeholder).
   * @default n => `${n}` for every N
   */
  readonly reference?: (n: string) => string | undefined;
}

/** Arguments of one Python call. */
export interface PythonArgs {
  /** Positional arguments, in order. */
  readonly positional: unknown[];
  /** Keyword arguments, in order. */
  readonly keywords: [string, unknown][];
  /** Index just after the closing `)`. */
  readonly end: number;
}

/** A syntax problem, with the character offset where it was found. */
export class PythonLiteralError extends Error {
  /** Always `PARSE_ERROR`. */
  readonly code = 'PARSE_ERROR' as const;
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at character ${offset + 1})`);
    this.name = 'PythonLiteralError';
  }
}

type FrameKind = 'args' | 'list' | 'tuple' | 'dict';

interface Frame {
  readonly kind: FrameKind;
  readonly items: unknown[];
  readonly keywords: [string, unknown][];
  /** Keyword names given so far (a set: checking a repeat is O(1), not a scan). */
  readonly keywordNames: Set<string>;
  /** For dicts: keys, parallel to values in `items`. */
  readonly keys: string[];
  expect: 'value' | 'sep' | 'colon';
  pendingKey: string | undefined;
  pendingKeyword: string | undefined;
  sawComma: boolean;
  isSet: boolean | undefined;
  readonly start: number;
}

const CLOSE: Readonly<Record<FrameKind, string>> = { args: ')', list: ']', tuple: ')', dict: '}' };
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', a: '\x07', '\\': '\\', "'": "'", '"': '"', '\n': '' };

function isIdentStart(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z_]/.test(c);
}

const HEX_ESCAPE: Readonly<Record<string, RegExp>> = { x: /^[0-9A-Fa-f]{2}$/, u: /^[0-9A-Fa-f]{4}$/, U: /^[0-9A-Fa-f]{8}$/ };

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * The end of a Python number literal starting at `from` (a sign, then hex/octal/binary digits
 * or decimal digits with `_`, a fraction and an exponent), or -1. One pass, no backtracking.
 */
function scanNumber(text: string, from: number): number {
  let i = from;
  const code = (k: number): number => text.charCodeAt(k);
  if (code(i) === 43 || code(i) === 45) i++;
  const start = i;
  if (code(i) === 48 && /[xXoObB]/.test(text[i + 1] ?? '')) {
    const base = (text[i + 1] as string).toLowerCase();
    const digit = base === 'x' ? /[0-9a-fA-F_]/ : base === 'o' ? /[0-7_]/ : /[01_]/;
    i += 2;
    const digitsStart = i;
    while (i < text.length && digit.test(text[i] as string)) i++;
    return i > digitsStart ? i : -1;
  }
  let digits = 0;
  while (i < text.length && (isDigit(code(i)) || (code(i) === 95 && i > start))) {
    if (code(i) !== 95) digits++;
    i++;
  }
  if (code(i) === 46) {
    i++;
    while (i < text.length && (isDigit(code(i)) || code(i) === 95)) {
      if (code(i) !== 95) digits++;
      i++;
    }
  }
  if (digits === 0) return -1;
  if (code(i) === 101 || code(i) === 69) {
    let j = i + 1;
    if (code(j) === 43 || code(j) === 45) j++;
    const expStart = j;
    while (j < text.length && isDigit(code(j))) j++;
    if (j > expStart) i = j;
  }
  return i;
}

function clipText(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * Rewrites LLMCompiler references inside a string: `$N` and `${N}` become `${N}` (or what
 * `reference` says); any other `${` is escaped as `$${` so it stays literal text.
 *
 * @example
 * interpolateReferences('Compare $1 and ${2}') // 'Compare ${1} and ${2}'
 */
export function interpolateReferences(text: string, reference: (n: string) => string | undefined = (n) => `\${${n}}`): string {
  if (!text.includes('$')) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const braced = text[i + 1] === '{';
    let j = braced ? i + 2 : i + 1;
    const digitsStart = j;
    while (j < text.length && j - digitsStart < 7 && /[0-9]/.test(text[j] as string)) j++;
    const digits = text.slice(digitsStart, j);
    const closes = !braced || text[j] === '}';
    if (digits !== '' && closes && !/[0-9]/.test(text[j] ?? '')) {
      const replaced = reference(digits);
      if (replaced !== undefined) {
        out += replaced;
        i = braced ? j + 1 : j;
        continue;
      }
    }
    out += braced ? '$$' : '$';
    i++;
  }
  return out;
}

/**
 * Parses the argument list of a Python call, starting just after its `(`.
 *
 * @example
 * const args = parsePythonArgs('"x", n=2)', 0)
 * args.positional // ['x'];  args.keywords // [['n', 2]]
 */
export function parsePythonArgs(text: string, start: number, options: PythonLiteralOptions = {}): PythonArgs {
  const maxDepth = options.maxDepth ?? 64;
  const maxChars = options.maxChars ?? 1_048_576;
  const reference = options.reference ?? ((n: string) => `\${${n}}`);
  if (text.length - start > maxChars) throw new PythonLiteralError(`the arguments are ${text.length - start} characters long; the limit is ${maxChars}`, start);
  const newFrame = (kind: FrameKind, at: number): Frame => ({ kind, items: [], keywords: [], keywordNames: new Set(), keys: [], expect: 'value', pendingKey: undefined, pendingKeyword: undefined, sawComma: false, isSet: undefined, start: at });
  const stack: Frame[] = [newFrame('args', start - 1)];
  let pos = start;
  try {
    return parseArgsAt();
  } finally {
    // Every character is consumed once; tokens are looked at a bounded number of times.
    addSteps(Math.max(0, pos - start) + stack.length);
  }

  function parseArgsAt(): PythonArgs {

  const skipSpace = (): void => {
    while (pos < text.length && /\s/.test(text[pos] as string)) pos++;
  };

  const deliver = (value: unknown, at: number): void => {
    const top = stack[stack.length - 1] as Frame;
    if (top.expect !== 'value') throw new PythonLiteralError(top.expect === 'colon' ? 'expected ":" after a dict key' : 'expected "," between values', at);
    if (top.kind === 'dict') {
      if (top.pendingKey === undefined && top.isSet !== true) {
        if (top.items.length === 0 && top.keys.length === 0 && top.isSet === undefined) {
          // first element decides dict or set: peek for ':'
          skipSpace();
          if (text[pos] !== ':') {
            top.isSet = true;
            top.items.push(value);
            top.expect = 'sep';
            return;
          }
          top.isSet = false;
        }
        if (value !== null && typeof value === 'object') throw new PythonLiteralError('dict keys must be strings, numbers, booleans or None', at);
        top.pendingKey = value === null ? 'None' : typeof value === 'boolean' ? (value ? 'True' : 'False') : String(value);
        top.expect = 'colon';
        return;
      }
      if (top.isSet === true) {
        top.items.push(value);
      } else {
        top.keys.push(top.pendingKey as string);
        top.items.push(value);
        top.pendingKey = undefined;
      }
      top.expect = 'sep';
      return;
    }
    if (top.kind === 'args') {
      if (top.pendingKeyword !== undefined) {
        top.keywords.push([top.pendingKeyword, value]);
        top.pendingKeyword = undefined;
      } else {
        if (top.keywords.length > 0) throw new PythonLiteralError('a positional argument follows a keyword argument', at);
        top.items.push(value);
      }
    } else {
      top.items.push(value);
    }
    top.expect = 'sep';
  };

  const readString = (): string => {
    let prefixEnd = pos;
    while (prefixEnd < text.length && /[rRbBuUfF]/.test(text[prefixEnd] as string) && prefixEnd - pos < 2) prefixEnd++;
    const prefix = text.slice(pos, prefixEnd).toLowerCase();
    const raw = prefix.includes('r');
    const quote = text[prefixEnd] as string;
    const triple = text.startsWith(quote.repeat(3), prefixEnd);
    const open = prefixEnd;
    pos = prefixEnd + (triple ? 3 : 1);
    let out = '';
    for (;;) {
      if (pos >= text.length) throw new PythonLiteralError('unterminated string', open);
      const c = text[pos] as string;
      if (triple ? text.startsWith(quote.repeat(3), pos) : c === quote) {
        pos += triple ? 3 : 1;
        break;
      }
      if (!triple && c === '\n') throw new PythonLiteralError('unterminated string (newline inside a one-line string)', open);
      if (c !== '\\') {
        out += c;
        pos++;
        continue;
      }
      const e = text[pos + 1];
      if (e === undefined) throw new PythonLiteralError('unterminated string (ends with a backslash)', open);
      if (raw) {
        out += c + e;
        pos += 2;
        continue;
      }
      const simple = SIMPLE_ESCAPES[e];
      if (simple !== undefined && Object.hasOwn(SIMPLE_ESCAPES, e)) {
        out += simple;
        pos += 2;
      } else if (e === 'x' || e === 'u' || e === 'U') {
        const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = text.slice(pos + 2, pos + 2 + len);
        if (!(HEX_ESCAPE[e] as RegExp).test(hex)) throw new PythonLiteralError(`bad \\${e} escape`, pos);
        const code = Number.parseInt(hex, 16);
        if (code > 0x10ffff) throw new PythonLiteralError(`\\${e}${hex} is not a Unicode code point`, pos);
        out += String.fromCodePoint(code);
        pos += 2 + len;
      } else if (/[0-7]/.test(e)) {
        let j = pos + 1;
        while (j < pos + 4 && /[0-7]/.test(text[j] ?? '')) j++;
        out += String.fromCharCode(Number.parseInt(text.slice(pos + 1, j), 8));
        pos = j;
      } else if (e === 'N') {
        throw new PythonLiteralError('\\N{...} escapes are not supported; write the character itself', pos);
      } else {
        out += c + e; // Python keeps unknown escapes as written
        pos += 2;
      }
    }
    return out;
  };

  const isStringStart = (): boolean => {
    let j = pos;
    while (j < text.length && /[rRbBuUfF]/.test(text[j] as string) && j - pos < 2) j++;
    return text[j] === '"' || text[j] === "'";
  };

  for (;;) {
    skipSpace();
    if (pos >= text.length) throw new PythonLiteralError(`missing "${CLOSE[(stack[stack.length - 1] as Frame).kind]}"`, (stack[stack.length - 1] as Frame).start);
    if (pos - start > maxChars) throw new PythonLiteralError(`the arguments are longer than ${maxChars} characters`, pos);
    const c = text[pos] as string;
    const top = stack[stack.length - 1] as Frame;
    const at = pos;
    if (c === ',') {
      if (top.expect !== 'sep') throw new PythonLiteralError('unexpected ","', at);
      top.expect = 'value';
      top.sawComma = true;
      pos++;
      continue;
    }
    if (c === ':') {
      if (top.kind !== 'dict' || top.expect !== 'colon') throw new PythonLiteralError('unexpected ":"', at);
      top.expect = 'value';
      pos++;
      continue;
    }
    if (c === ')' || c === ']' || c === '}') {
      if (c !== CLOSE[top.kind]) throw new PythonLiteralError(`expected "${CLOSE[top.kind]}", found "${c}"`, at);
      if (top.expect === 'colon' || top.pendingKeyword !== undefined || (top.kind === 'dict' && top.pendingKey !== undefined)) throw new PythonLiteralError(`unexpected "${c}"`, at);
      pos++;
      stack.pop();
      if (top.kind === 'args') return { positional: top.items, keywords: top.keywords, end: pos };
      let value: unknown;
      if (top.kind === 'tuple' && top.items.length === 1 && !top.sawComma) value = top.items[0];
      else if (top.kind === 'dict' && top.isSet !== true) {
        const obj: Record<string, unknown> = {};
        top.keys.forEach((k, i) => defineKey(obj, k, top.items[i]));
        value = obj;
      } else value = top.items;
      deliver(value, top.start);
      continue;
    }
    if (top.expect !== 'value') throw new PythonLiteralError(top.expect === 'colon' ? 'expected ":" after a dict key' : `expected "," or "${CLOSE[top.kind]}", found ${JSON.stringify(c)}`, at);
    if (c === '[' || c === '(' || c === '{') {
      if (stack.length > maxDepth) throw new PythonLiteralError(`nesting is deeper than ${maxDepth} levels`, at);
      stack.push(newFrame(c === '[' ? 'list' : c === '(' ? 'tuple' : 'dict', at));
      pos++;
      continue;
    }
    if (isStringStart()) {
      let value = readString();
      for (;;) {
        const save = pos;
        skipSpace();
        if (isStringStart()) value += readString();
        else {
          pos = save;
          break;
        }
      }
      deliver(interpolateReferences(value, reference), at);
      continue;
    }
    if (c === '$') {
      const m = /^\$(?:\{([0-9]{1,7})\}|([0-9]{1,7}))(?![0-9A-Za-z_])/.exec(text.slice(pos, pos + 12));
      if (m === null) throw new PythonLiteralError('"$" must be followed by a task number, as in $1 or ${1}', at);
      const n = (m[1] ?? m[2]) as string;
      const replaced = reference(n);
      if (replaced === undefined) throw new PythonLiteralError(`$${n} does not refer to an earlier task`, at);
      pos += m[0].length;
      deliver(replaced, at);
      continue;
    }
    const numEnd = /[-+.0-9]/.test(c) ? scanNumber(text, pos) : -1;
    if (numEnd !== -1) {
      const raw = text.slice(pos, numEnd);
      if (isIdentStart(text[numEnd]) || isDigit(text.charCodeAt(numEnd))) throw new PythonLiteralError(`${JSON.stringify(clipText(raw + (text[numEnd] ?? '')))} is not a number`, at);
      if (raw.length > 400) throw new PythonLiteralError(`number ${raw.slice(0, 40)}… is longer than 400 characters`, at);
      const cleaned = raw.replace(/_/g, '');
      const sign = cleaned.startsWith('-') ? -1 : 1;
      const body = cleaned.replace(/^[-+]/, '');
      const value = /^0[xob]/i.test(body) ? sign * Number(body.toLowerCase()) : Number(cleaned);
      if (!Number.isFinite(value)) throw new PythonLiteralError(`number ${raw.slice(0, 40)} is out of range`, at);
      pos = numEnd;
      deliver(value, at);
      continue;
    }
    if (isIdentStart(c)) {
      let j = pos;
      while (j < text.length && /[A-Za-z0-9_]/.test(text[j] as string)) j++;
      const word = text.slice(pos, j);
      pos = j;
      if (word === 'True' || word === 'False' || word === 'None') {
        deliver(word === 'None' ? null : word === 'True', at);
        continue;
      }
      skipSpace();
      if (top.kind === 'args' && text[pos] === '=' && text[pos + 1] !== '=') {
        if (top.keywordNames.has(word)) throw new PythonLiteralError(`keyword argument "${word.slice(0, 40)}" is given twice`, at);
        top.keywordNames.add(word);
        top.pendingKeyword = word;
        pos++;
        continue;
      }
      throw new PythonLiteralError(`"${word.slice(0, 40)}" is not a literal (only strings, numbers, lists, tuples, dicts, True, False, None and $N references)`, at);
    }
    throw new PythonLiteralError(`unexpected ${JSON.stringify(c)}`, at);
  }
  }
}
