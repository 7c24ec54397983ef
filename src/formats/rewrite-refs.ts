/**
 * Rewrites the call ids named by references inside arguments: template placeholders
 * `${id.path}` and object references `{ "$ref": id, "path": ... }`. Used for positional
 * references (`${1}` = the first call of the response) and for provider ids that had to be
 * mapped to safe ids.
 */
import { mapJson } from './map-json.js';

const TEMPLATE_ID_CHAR = /[A-Za-z0-9_:-]/;
const TEMPLATE_ID = /^[A-Za-z0-9_:-]+$/;

/** Decides the new id of a referenced id; `undefined` keeps it. */
export type IdResolver = (id: string) => string | undefined;

/**
 * Rewrites the ids of the `${...}` placeholders of one string. A whole-string placeholder
 * whose new id cannot be written in a template (it holds a `.`) becomes the object form.
 *
 * @example
 * rewriteTemplateIds('see ${1.title}', (id) => (id === '1' ? 'call_a' : undefined)) // 'see ${call_a.title}'
 */
export function rewriteTemplateIds(text: string, resolve: IdResolver): unknown {
  let at = text.indexOf('${');
  if (at === -1) return text;
  let out = '';
  let from = 0;
  let changed = false;
  while (at !== -1) {
    if (at > 0 && text[at - 1] === '$') {
      at = text.indexOf('${', at + 2);
      continue;
    }
    let pos = at + 2;
    while (pos < text.length && TEMPLATE_ID_CHAR.test(text[pos] as string)) pos++;
    const id = text.slice(at + 2, pos);
    const next = id === '' ? undefined : resolve(id);
    if (next !== undefined && next !== id) {
      if (!TEMPLATE_ID.test(next)) {
        // Only a placeholder that is the whole text can become an object reference (one scan).
        const close = at === 0 ? text.indexOf('}', pos) : -1;
        if (at === 0 && close === text.length - 1) return { $ref: next, path: `$${text.slice(pos, close)}` };
      } else {
        out += text.slice(from, at + 2) + next;
        from = pos;
        changed = true;
      }
    }
    at = text.indexOf('${', pos);
  }
  return changed ? out + text.slice(from) : text;
}

/**
 * Rewrites every reference inside `args` (iteratively; objects are copied, never mutated).
 *
 * @example
 * rewriteRefIds({ q: '${1}', u: { $ref: '2' } }, (id) => `call_${id}`) // { q: '${call_1}', u: { $ref: 'call_2' } }
 */
export function rewriteRefIds(args: unknown, resolve: IdResolver): unknown {
  return mapJson(args, {
    string: (s) => rewriteTemplateIds(s, resolve),
    object: (o) => {
      if (!Object.hasOwn(o, '$ref')) return undefined;
      const id = o['$ref'];
      if (typeof id !== 'string') return undefined;
      const next = resolve(id);
      if (next === undefined || next === id) return undefined;
      // Keys stay where the model wrote them (`$ref` too).
      const copy: Record<string, unknown> = {};
      for (const key of Object.keys(o)) Object.defineProperty(copy, key, { value: key === '$ref' ? next : o[key], enumerable: true, writable: true, configurable: true });
      return copy;
    },
  });
}
