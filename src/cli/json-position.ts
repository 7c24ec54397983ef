/**
 * Finds where JSON text stops being valid, so the CLI can say `plan.json:3:14` on every Node
 * version (Node 20's `JSON.parse` names a position for some errors only). Iterative: nesting
 * depth costs an array slot, never a stack frame.
 */

const WS = new Set([32, 9, 10, 13]);
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

/** Scans a string starting at its opening quote; returns the index after it, or `~errorOffset`. */
function scanString(text: string, start: number): number {
  for (let j = start + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 34) return j + 1;
    if (c < 0x20) return ~j;
    if (c === 92) {
      const e = text[j + 1];
      if (e === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) return ~(j + 1);
        j += 5;
      } else if (e !== undefined && ESCAPES.has(e)) j++;
      else return ~(j + 1);
    }
  }
  return ~text.length;
}

/** Scans a value that is not an object or array; returns the index after it, or `~errorOffset`. */
function scanScalar(text: string, i: number): number {
  if (text[i] === '"') return scanString(text, i);
  for (const word of ['true', 'false', 'null']) {
    if (text[i] !== word[0]) continue;
    for (let k = 1; k < word.length; k++) if (text[i + k] !== word[k]) return ~(i + k);
    return i + word.length;
  }
  NUMBER.lastIndex = i;
  const m = NUMBER.exec(text);
  if (m === null) return text[i] === '-' ? ~(i + 1) : ~i;
  const end = i + m[0].length;
  // "1." and "1e+" are valid prefixes: the error is at the character after them.
  if (text[end] === '.') return ~(end + 1);
  if (text[end] === 'e' || text[end] === 'E') return ~(end + (text[end + 1] === '+' || text[end + 1] === '-' ? 2 : 1));
  return end;
}

/**
 * The 0-based offset of the first character that makes `text` invalid JSON (the text's length
 * when it ends too early), or `undefined` when it is valid.
 *
 * @example
 * jsonErrorOffset('{"a": [1, }') // 10
 */
export function jsonErrorOffset(text: string): number | undefined {
  const stack: string[] = [];
  let state: 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'after' = 'value';
  let i = 0;
  for (;;) {
    while (i < text.length && WS.has(text.charCodeAt(i))) i++;
    const c = text[i];
    if (state === 'after') {
      const top = stack[stack.length - 1];
      if (top === undefined) return i < text.length ? i : undefined;
      if (c === ',') {
        i++;
        state = top === '{' ? 'key' : 'value';
      } else if (c === (top === '{' ? '}' : ']')) {
        stack.pop();
        i++;
      } else return i;
      continue;
    }
    if (c === undefined) return i;
    if (state === 'key' || state === 'keyOrClose') {
      if (state === 'keyOrClose' && c === '}') {
        stack.pop();
        i++;
        state = 'after';
        continue;
      }
      if (c !== '"') return i;
      const end = scanString(text, i);
      if (end < 0) return ~end;
      i = end;
      while (i < text.length && WS.has(text.charCodeAt(i))) i++;
      if (text[i] !== ':') return i;
      i++;
      state = 'value';
      continue;
    }
    if (state === 'valueOrClose' && c === ']') {
      stack.pop();
      i++;
      state = 'after';
    } else if (c === '{' || c === '[') {
      stack.push(c);
      i++;
      state = c === '{' ? 'keyOrClose' : 'valueOrClose';
    } else {
      const end = scanScalar(text, i);
      if (end < 0) return ~end;
      i = end;
      state = 'after';
    }
  }
}
