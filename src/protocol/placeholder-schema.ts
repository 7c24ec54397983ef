/**
 * Widens a tool's argument schema so that every position that may receive a reference also
 * admits a placeholder: a string `"${id.path}"` (matched by {@link PLACEHOLDER_PATTERN}) and,
 * optionally, the object form `{ "$ref": id, "path"?: jsonpath }`. Without this, a schema that
 * says `count: integer` forbids `"${1.total}"`, and a strict provider cannot even emit it.
 */
import type { JsonSchema } from '../tools/tool-json-schema.js';
import type { RefPolicy } from '../tools/tool-types.js';

/**
 * A whole-string placeholder: `${` + a call id (A-Z a-z 0-9 _ : -) + an optional path starting
 * with `.` or `[` (quoted names may hold braces) + `}`. It accepts every placeholder the grammar
 * (src/plan/reference.ts) accepts as a whole string; the scheduler still parses and checks the
 * path itself.
 */
export const PLACEHOLDER_PATTERN = '^\\$\\{[A-Za-z0-9_:-]{1,128}([.\\[]([^{}\'"]|\'([^\'\\\\]|\\\\.)*\'|"([^"\\\\]|\\\\.)*")*)?\\}$';

/** Deepest schema nesting walked; deeper parts are left as they are. */
const MAX_SCHEMA_DEPTH = 32;

/** How placeholders are admitted. */
export interface PlaceholderOptions {
  /** Add the `{ "$ref" }` object form next to the string form. @default false */
  readonly refObjects?: boolean;
  /** Write `pattern` on the placeholder string (off for providers whose schema subset has no `pattern`). @default true */
  readonly pattern?: boolean;
}

/** The schema of a placeholder string. */
export function placeholderStringSchema(options: PlaceholderOptions = {}): JsonSchema {
  return options.pattern === false
    ? { type: 'string', description: 'A placeholder "${id.path}" for another call\'s result.' }
    : { type: 'string', pattern: PLACEHOLDER_PATTERN, description: 'A placeholder "${id.path}" for another call\'s result.' };
}

/** The schema of the object form `{ "$ref": id, "path"?: jsonpath }`. */
export function refObjectSchema(): JsonSchema {
  return {
    type: 'object',
    description: 'A reference to another call\'s result.',
    properties: {
      $ref: { type: 'string', description: 'Id of the call whose result is used.' },
      path: { type: 'string', description: 'JSONPath into that result, e.g. "$.items[0].id".' },
    },
    required: ['$ref'],
    additionalProperties: false,
  };
}

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True for a schema every string satisfies, placeholders included: adding one would only add noise. */
function admitsAnyString(schema: JsonSchema): boolean {
  if (schema['type'] !== 'string') return false;
  for (const key of ['enum', 'const', 'pattern', 'format', 'minLength', 'maxLength', 'anyOf', 'oneOf', 'allOf', 'not']) {
    if (Object.hasOwn(schema, key)) return false;
  }
  return true;
}

const ANNOTATIONS = ['title', 'description'] as const;

/** `{ anyOf: [schema, placeholder...] }`, with the schema's title and description kept outside. */
function withPlaceholder(schema: JsonSchema, options: PlaceholderOptions): JsonSchema {
  if (admitsAnyString(schema)) return schema;
  const extra = [placeholderStringSchema(options), ...(options.refObjects === true ? [refObjectSchema()] : [])];
  const anyOf = schema['anyOf'];
  const onlyAnyOf = Array.isArray(anyOf) && Object.keys(schema).every((k) => k === 'anyOf' || (ANNOTATIONS as readonly string[]).includes(k));
  if (onlyAnyOf) return { ...schema, anyOf: [...(anyOf as unknown[]), ...extra] };
  const outer: JsonSchema = {};
  const inner: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if ((ANNOTATIONS as readonly string[]).includes(key)) outer[key] = value;
    else inner[key] = value;
  }
  return { ...outer, anyOf: [inner, ...extra] };
}

/** Walks a value position: its children first, then the position itself is widened. */
function widen(schema: unknown, options: PlaceholderOptions, depth: number): unknown {
  if (!isObject(schema) || depth > MAX_SCHEMA_DEPTH) return schema;
  return withPlaceholder(widenChildren(schema, options, depth), options);
}

/** Widens the positions inside a schema (properties, items, union branches, definitions). */
function widenChildren(schema: JsonSchema, options: PlaceholderOptions, depth: number): JsonSchema {
  const out: JsonSchema = { ...schema };
  const properties = schema['properties'];
  if (isObject(properties)) {
    const next: JsonSchema = {};
    for (const [key, value] of Object.entries(properties)) {
      Object.defineProperty(next, key, { value: widen(value, options, depth + 1), enumerable: true, writable: true, configurable: true });
    }
    out['properties'] = next;
  }
  if (isObject(schema['additionalProperties'])) out['additionalProperties'] = widen(schema['additionalProperties'], options, depth + 1);
  if (isObject(schema['items'])) out['items'] = widen(schema['items'], options, depth + 1);
  if (Array.isArray(schema['prefixItems'])) out['prefixItems'] = (schema['prefixItems'] as unknown[]).map((s) => widen(s, options, depth + 1));
  for (const key of ['anyOf', 'oneOf'] as const) {
    // Branches are alternatives of one position: their insides are widened, the branches themselves are not.
    if (Array.isArray(schema[key])) out[key] = (schema[key] as unknown[]).map((s) => (isObject(s) ? widenChildren(s, options, depth + 1) : s));
  }
  for (const key of ['$defs', 'definitions'] as const) {
    const defs = schema[key];
    if (!isObject(defs)) continue;
    const next: JsonSchema = {};
    for (const [name, value] of Object.entries(defs)) {
      Object.defineProperty(next, name, { value: isObject(value) ? widenChildren(value, options, depth + 1) : value, enumerable: true, writable: true, configurable: true });
    }
    out[key] = next;
  }
  return out;
}

/**
 * The argument schema with placeholders admitted at every position below the top-level object,
 * except inside arguments whose `refs` policy is `'literal'`.
 *
 * @example
 * admitPlaceholders({ type: 'object', properties: { count: { type: 'integer' } } })
 * // { type: 'object', properties: { count: { anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^\\$\\{…' }] } } }
 */
export function admitPlaceholders(schema: JsonSchema, refs?: Readonly<Record<string, RefPolicy>>, options: PlaceholderOptions = {}): JsonSchema {
  const properties = schema['properties'];
  const out = widenChildren(schema, options, 0);
  if (refs === undefined || !isObject(properties) || !isObject(out['properties'])) return out;
  const widened = out['properties'];
  for (const [key, policy] of Object.entries(refs)) {
    if (policy === 'literal' && Object.hasOwn(properties, key)) widened[key] = properties[key];
  }
  return out;
}
