/**
 * Example argument values built from a JSON Schema (for the worked examples of the protocol
 * prompt): required properties only, the first enum value, bounds respected. `undefined` when
 * no value can be made (a `pattern`, an unresolvable `$ref`); callers check the result with the
 * tool's own schema before showing it.
 */
import type { JsonSchema } from '../tools/tool-json-schema.js';

const MAX_DEPTH = 6;

const FORMATS: Readonly<Record<string, string>> = {
  email: 'user@example.com',
  uri: 'https://example.com',
  url: 'https://example.com',
  uuid: '00000000-0000-4000-8000-000000000000',
  'date-time': '2025-01-01T00:00:00Z',
  date: '2025-01-01',
  time: '12:00:00',
};

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sampleString(schema: JsonSchema, hint: string): string | undefined {
  if (typeof schema['pattern'] === 'string') return undefined;
  const format = schema['format'];
  if (typeof format === 'string') return FORMATS[format];
  const min = typeof schema['minLength'] === 'number' ? schema['minLength'] : 0;
  const max = typeof schema['maxLength'] === 'number' ? schema['maxLength'] : Infinity;
  const text = hint === '' ? 'example' : `example ${hint}`;
  if (text.length >= min && text.length <= max) return text;
  return 'x'.repeat(Math.max(min, 1));
}

function sampleNumber(schema: JsonSchema, integer: boolean): number {
  const min = typeof schema['minimum'] === 'number' ? schema['minimum'] : typeof schema['exclusiveMinimum'] === 'number' ? schema['exclusiveMinimum'] + 1 : undefined;
  const max = typeof schema['maximum'] === 'number' ? schema['maximum'] : typeof schema['exclusiveMaximum'] === 'number' ? schema['exclusiveMaximum'] - 1 : undefined;
  let value = integer ? 3 : 1.5;
  if (min !== undefined && value < min) value = integer ? Math.ceil(min) : min;
  if (max !== undefined && value > max) value = integer ? Math.floor(max) : max;
  return value;
}

/**
 * An example value of a schema.
 *
 * @example
 * sampleValue({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, root) // { city: 'example city' }
 */
export function sampleValue(schema: unknown, root: JsonSchema, hint = '', depth = 0): unknown {
  if (!isObject(schema) || depth > MAX_DEPTH) return undefined;
  if (typeof schema['$ref'] === 'string') {
    const m = /^#\/(\$defs|definitions)\/([^/]+)$/.exec(schema['$ref']);
    const defs = m === null ? undefined : root[m[1] as string];
    const target = m !== null && isObject(defs) ? defs[m[2] as string] : undefined;
    return target === undefined ? undefined : sampleValue(target, root, hint, depth + 1);
  }
  if (Object.hasOwn(schema, 'const')) return schema['const'];
  if (Array.isArray(schema['enum']) && schema['enum'].length > 0) return schema['enum'][0];
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = schema[key];
    if (Array.isArray(branches)) {
      for (const branch of branches) {
        if (isObject(branch) && branch['type'] === 'null') continue;
        const value = sampleValue(branch, root, hint, depth + 1);
        if (value !== undefined) return value;
      }
      return undefined;
    }
  }
  const type = Array.isArray(schema['type']) ? (schema['type'] as unknown[]).find((t) => t !== 'null') : schema['type'];
  switch (type) {
    case 'string':
      return sampleString(schema, hint);
    case 'integer':
      return sampleNumber(schema, true);
    case 'number':
      return sampleNumber(schema, false);
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array': {
      const min = typeof schema['minItems'] === 'number' ? schema['minItems'] : 0;
      if (min === 0) return [];
      const item = sampleValue(schema['items'], root, hint, depth + 1);
      return item === undefined ? undefined : Array.from({ length: Math.min(min, 3) }, () => item);
    }
    default: {
      const properties = schema['properties'];
      if (type !== 'object' && !isObject(properties)) return undefined;
      const out: Record<string, unknown> = {};
      const required = Array.isArray(schema['required']) ? (schema['required'] as string[]) : [];
      if (isObject(properties)) {
        for (const key of required) {
          const value = sampleValue(properties[key], root, key, depth + 1);
          if (value === undefined) return undefined;
          Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
        }
      }
      return out;
    }
  }
}
