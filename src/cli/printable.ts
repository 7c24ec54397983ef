/**
 * The one escape for text the CLI shows a person: anything a model or a tool wrote (ids, tool
 * names, arguments, results, error messages) goes through {@link printable} before it reaches
 * a terminal, so it cannot move the cursor, recolour the screen, or reorder what is shown.
 */

/**
 * C0 controls (U+0000–U+001F), DEL, C1 controls (U+0080–U+009F), the bidi controls U+061C,
 * U+200E, U+200F, U+202A–U+202E, U+2066–U+2069, and the line/paragraph separators U+2028/U+2029.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const UNSAFE_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * Text made safe for a terminal: C0/C1 controls, DEL, bidi controls and U+2028/U+2029 are shown
 * as `\uXXXX`. With `keepLines`, LF and TAB are kept (for multi-line output the CLI itself lays out).
 *
 * @example
 * printable('ok\u001b[2J\u202Etxt.exe') // 'ok\\u001b[2J\\u202etxt.exe'
 */
export function printable(text: string, keepLines = false): string {
  return text.replace(keepLines ? UNSAFE_BUT_LINES : UNSAFE, escape);
}
