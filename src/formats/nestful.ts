/**
 * NESTFUL (IBM) explicit-dependency convention: calls `{ "name", "arguments", "label": "var1" }`;
 * a string `"$var1.field$"` takes a field of call `var1`'s output and `"$var1$"` the whole
 * output (written inside longer text, the value is interpolated). The final `var_result`
 * pseudo-call gathers answers and is not a call.
 */
import type { FormatItem, ParseOptions, ParsedResponse } from './format-types.js';
import { mapJson } from './map-json.js';
import { ResponseBuilder } from './response-builder.js';
import { own, ownArray } from './stream-items.js';
import { escapeTemplateText, templatePath } from './template-text.js';

/** The name of NESTFUL's answer-gathering pseudo-call. */
export const NESTFUL_RESULT_CALL = 'var_result';

/** `$label$`, `$label.a.b$`, `$label.a[0].b$` (field names may hold spaces). */
const NESTFUL_REF = /\$([A-Za-z_][A-Za-z0-9_]*)((?:\.[^$.[\]]+|\[\d{1,9}\])*)\$/g;

function pathSegments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /\.([^$.[\]]+)|\[(\d{1,9})\]/g;
  for (let m = re.exec(path); m !== null; m = re.exec(path)) out.push(m[1] !== undefined ? m[1] : Number(m[2]));
  return out;
}

/**
 * Rewrites NESTFUL references in one string into canonical placeholders; text that is not a
 * reference to a known label stays literal (`"$100-$200"` is a price range, not a reference).
 *
 * @example
 * nestfulString('$var1.distance$', new Set(['var1'])) // '${var1.distance}'
 */
export function nestfulString(text: string, labels: ReadonlySet<string>): string {
  let out = '';
  let from = 0;
  NESTFUL_REF.lastIndex = 0;
  for (let m = NESTFUL_REF.exec(text); m !== null; m = NESTFUL_REF.exec(text)) {
    const label = m[1] as string;
    if (!labels.has(label)) {
      NESTFUL_REF.lastIndex = m.index + 1;
      continue;
    }
    out += escapeTemplateText(text.slice(from, m.index)) + `\${${label}${templatePath(pathSegments(m[2] ?? ''))}}`;
    from = m.index + m[0].length;
  }
  return out + escapeTemplateText(text.slice(from));
}

/**
 * Reads a NESTFUL sample (`{ input, output: [...] }`) or a bare array of its calls. Each call's
 * id is its `label` (its 1-based position when it has none).
 *
 * @example
 * parseNestful({ output: [
 *   { name: 'calculate_route', arguments: { from: 'NY' }, label: 'var1' },
 *   { name: 'calculate_pace', arguments: { distance: '$var1.distance$' }, label: 'var2' },
 *   { name: 'var_result', arguments: { pace: '$var2$' } },
 * ] }).calls
 * // [{ id: 'var1', ... }, { id: 'var2', tool: 'calculate_pace', args: { distance: '${var1.distance}' } }]
 */
export function parseNestful(sample: unknown, options: ParseOptions = {}): ParsedResponse {
  const builder = new ResponseBuilder('nestful', options);
  const calls = Array.isArray(sample) ? sample : ownArray(sample, 'output');
  const base = Array.isArray(sample) ? '' : 'output';
  const labels = new Set<string>();
  for (const call of calls) {
    const label = own(call, 'label');
    if (typeof label === 'string') labels.add(label);
  }
  const input = own(sample, 'input');
  if (typeof input === 'string') builder.addText(input);
  calls.forEach((call, i): FormatItem | undefined => {
    const name = own(call, 'name');
    if (name === NESTFUL_RESULT_CALL && own(call, 'label') === undefined) return undefined;
    return builder.add({
      providerId: own(call, 'label'),
      tool: name,
      args: { kind: 'value', value: own(call, 'arguments') },
      location: `${base}[${i}]`,
      convert: (args) => ({ args: mapJson(args, { string: (s) => nestfulString(s, labels) }) as Record<string, unknown> }),
    });
  });
  return builder.result();
}
