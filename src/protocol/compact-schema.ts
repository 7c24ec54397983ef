/**
 * A JSON Schema in the short, TypeScript-like form a model reads in a tool description:
 * `{ hits: [{ path: string, score: number }], total?: integer }`. Bounded in depth and length.
 */
import type { JsonSchema } from '../tools/tool-json-schema.js';

/** Longest compact form, in characters; longer ones end in `…`. @default 600 */
export const MAX_COMPACT_CHARS = 600;
const MAX_DEPTH = 6;

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function refName(ref: string): string {
  const at = ref.lastIndexOf('/');
  return at === -1 ? ref : ref.slice(at + 1);
}

function union(branches: readonly unknown[], depth: number): string {
  const parts = [...new Set(branches.map((b) => compact(b, depth)))];
  return parts.join(' | ');
}

function compact(schema: unknown, depth: number): string {
  if (schema === true || schema === undefined) return 'any';
  if (!isObject(schema)) return 'any';
  if (depth > MAX_DEPTH) return '…';
  if (typeof schema['$ref'] === 'string') return refName(schema['$ref']);
  if (Object.hasOwn(schema, 'const')) return JSON.stringify(schema['const']) ?? 'any';
  if (Array.isArray(schema['enum'])) return schema['enum'].map((v) => JSON.stringify(v)).join(' | ');
  if (Array.isArray(schema['anyOf'])) return union(schema['anyOf'], depth + 1);
  if (Array.isArray(schema['oneOf'])) return union(schema['oneOf'], depth + 1);
  const type = schema['type'];
  if (Array.isArray(type)) return type.map((t) => compact({ ...schema, type: t }, depth + 1)).join(' | ');
  if (type === 'array' || schema['items'] !== undefined) {
    const item = compact(schema['items'], depth + 1);
    return `[${item}]`;
  }
  if (type === 'object' || isObject(schema['properties'])) {
    const properties = isObject(schema['properties']) ? schema['properties'] : {};
    const required = new Set(Array.isArray(schema['required']) ? (schema['required'] as string[]) : []);
    const fields = Object.entries(properties).map(([key, value]) => {
      const name = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : JSON.stringify(key);
      return `${name}${required.has(key) ? '' : '?'}: ${compact(value, depth + 1)}`;
    });
    if (isObject(schema['additionalProperties'])) fields.push(`[key: string]: ${compact(schema['additionalProperties'], depth + 1)}`);
    return fields.length === 0 ? 'object' : `{ ${fields.join(', ')} }`;
  }
  if (typeof type === 'string') return type;
  return 'any';
}

/**
 * The compact form of a schema.
 *
 * @example
 * compactSchema({ type: 'object', properties: { hits: { type: 'array', items: { type: 'object',
 *   properties: { path: { type: 'string' } }, required: ['path'] } } }, required: ['hits'] })
 * // '{ hits: [{ path: string }] }'
 */
export function compactSchema(schema: unknown, max = MAX_COMPACT_CHARS): string {
  const text = compact(schema, 0);
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
