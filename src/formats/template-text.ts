/**
 * Helpers to write canonical template placeholders from other conventions' references.
 */

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * The template path of field names and indices: `.name`, `['odd name']`, `[0]`.
 *
 * @example
 * templatePath(['Exchange Rate', 0, 'id']) // "['Exchange Rate'][0].id"
 */
export function templatePath(segments: readonly (string | number)[]): string {
  return segments
    .map((s) => (typeof s === 'number' ? `[${s}]` : PLAIN_NAME.test(s) ? `.${s}` : `['${s.replace(/[\\']/g, '\\$&')}']`))
    .join('');
}

/**
 * Escapes literal text so no part of it reads as a placeholder (`${` → `$${`).
 *
 * @example
 * escapeTemplateText('costs ${price}') // 'costs $${price}'
 */
export function escapeTemplateText(text: string): string {
  return text.includes('${') ? text.replace(/\$\{/g, () => '$${') : text;
}
