/**
 * Follows a reference's path through a JSON Schema, before anything runs: which schemas the
 * path can reach, or where it stops existing (and which fields exist there), and the JSON
 * types a schema admits. Bounded: few branches, shallow `$ref` chains; anything it cannot
 * judge is "unknown", never a false alarm.
 */
import type { PathSegment } from '../plan/reference.js';
import type { JsonSchema } from '../tools/tool-json-schema.js';

/** Most alternative schemas followed at once. */
const MAX_BRANCHES = 32;
/** Longest `$ref` chain followed. */
const MAX_REF_HOPS = 8;

/** Where a path leads in a schema. */
export type PathWalk =
  | { readonly kind: 'found'; readonly schemas: readonly JsonSchema[] }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'missing'; readonly at: number; readonly segment: string; readonly fields: readonly string[]; readonly got: readonly string[] };

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Resolves a local `$ref` (`#/$defs/X`, `#/definitions/X`, `#`) against the root. */
function deref(schema: JsonSchema, root: JsonSchema): JsonSchema | undefined {
  let current: JsonSchema = schema;
  for (let hop = 0; hop < MAX_REF_HOPS; hop++) {
    const ref = current['$ref'];
    if (typeof ref !== 'string') return current;
    if (ref === '#') {
      current = root;
      continue;
    }
    const m = /^#\/(\$defs|definitions)\/([^/]+)$/.exec(ref);
    if (m === null) return undefined;
    const defs = root[m[1] as string];
    const target = isObject(defs) && Object.hasOwn(defs, m[2] as string) ? defs[m[2] as string] : undefined;
    if (!isObject(target)) return undefined;
    current = target;
  }
  return undefined;
}

/** Deepest nesting of anyOf / oneOf followed (a cycle through `$ref` ends here too). */
const MAX_UNION_DEPTH = 8;

/** The branches of a schema (its anyOf / oneOf alternatives, or itself), dereferenced; undefined when unknowable. */
function branches(schema: JsonSchema, root: JsonSchema, depth = 0): JsonSchema[] | undefined {
  if (depth > MAX_UNION_DEPTH) return undefined;
  const resolved = deref(schema, root);
  if (resolved === undefined) return undefined;
  const alternatives = Array.isArray(resolved['anyOf']) ? resolved['anyOf'] : Array.isArray(resolved['oneOf']) ? resolved['oneOf'] : undefined;
  if (alternatives === undefined) return [resolved];
  const out: JsonSchema[] = [];
  for (const alt of alternatives) {
    if (!isObject(alt)) return undefined;
    const inner = branches(alt, root, depth + 1);
    if (inner === undefined) return undefined;
    out.push(...inner);
    if (out.length > MAX_BRANCHES) return undefined;
  }
  return out;
}

/**
 * The JSON types a schema admits (`integer` kept apart from `number`), or undefined when it
 * does not say.
 *
 * @example
 * schemaTypes({ anyOf: [{ type: 'integer' }, { type: 'null' }] }, root) // ['integer', 'null']
 */
export function schemaTypes(schema: JsonSchema, root: JsonSchema): readonly string[] | undefined {
  const list = branches(schema, root);
  if (list === undefined) return undefined;
  const types = new Set<string>();
  for (const s of list) {
    const type = s['type'];
    if (typeof type === 'string') types.add(type);
    else if (Array.isArray(type)) for (const t of type) types.add(String(t));
    else if (Object.hasOwn(s, 'const')) types.add(jsonType(s['const']));
    else if (Array.isArray(s['enum'])) for (const v of s['enum']) types.add(jsonType(v));
    else if (isObject(s['properties'])) types.add('object');
    else if (s['items'] !== undefined) types.add('array');
    else return undefined;
  }
  return [...types];
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** True when a value of one of `produced` can be a value of one of `expected`. */
export function typesOverlap(produced: readonly string[], expected: readonly string[]): boolean {
  for (const p of produced) {
    for (const e of expected) {
      if (p === e) return true;
      if (p === 'integer' && e === 'number') return true;
      if (p === 'number' && e === 'integer') return true;
    }
  }
  return false;
}

/** Children of one schema for one simple segment; 'open' when anything may be there. */
function step(schema: JsonSchema, segment: PathSegment): JsonSchema[] | 'open' {
  if (segment.kind === 'name') {
    const properties = schema['properties'];
    if (isObject(properties) && Object.hasOwn(properties, segment.name)) {
      const child = properties[segment.name];
      return isObject(child) ? [child] : 'open';
    }
    const types = typeof schema['type'] === 'string' ? [schema['type']] : Array.isArray(schema['type']) ? (schema['type'] as unknown[]) : [];
    const objectLike = types.includes('object') || isObject(properties) || (types.length === 0 && schema['items'] === undefined);
    if (!objectLike) return [];
    const extra = schema['additionalProperties'];
    if (isObject(extra)) return [extra];
    if (extra === true) return 'open';
    // A schema that lists properties is read as closed; one that lists none says nothing.
    return isObject(properties) ? [] : 'open';
  }
  if (segment.kind === 'index') {
    const items = schema['items'];
    const prefix = schema['prefixItems'];
    if (Array.isArray(prefix) && segment.index >= 0 && segment.index < prefix.length) {
      const child = prefix[segment.index];
      return isObject(child) ? [child] : 'open';
    }
    if (isObject(items)) return [items];
    const types = typeof schema['type'] === 'string' ? [schema['type']] : Array.isArray(schema['type']) ? (schema['type'] as unknown[]) : [];
    if (types.length > 0 && !types.includes('array') && !types.includes('object')) return [];
    return 'open';
  }
  return 'open';
}

function fieldsOf(schemas: readonly JsonSchema[]): string[] {
  const out = new Set<string>();
  for (const s of schemas) if (isObject(s['properties'])) for (const k of Object.keys(s['properties'])) out.add(k);
  return [...out];
}

function segmentText(segment: PathSegment): string {
  return segment.kind === 'name' ? segment.name : segment.kind === 'index' ? `[${segment.index}]` : '…';
}

/**
 * Follows `segments` from `root`. Stops being sure (unknown) at wildcards, slices, unions and
 * `..`, at open objects and at anything it cannot resolve.
 *
 * @example
 * walkSchemaPath(outputSchema, compiled.segments) // { kind: 'missing', segment: 'hit', fields: ['hits', 'total'], ... }
 */
export function walkSchemaPath(root: JsonSchema, segments: readonly PathSegment[]): PathWalk {
  let current: JsonSchema[] = [root];
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as PathSegment;
    if (segment.kind !== 'name' && segment.kind !== 'index') return { kind: 'unknown' };
    const expanded: JsonSchema[] = [];
    for (const s of current) {
      const list = branches(s, root);
      if (list === undefined) return { kind: 'unknown' };
      expanded.push(...list);
    }
    if (expanded.length > MAX_BRANCHES) return { kind: 'unknown' };
    const next: JsonSchema[] = [];
    for (const s of expanded) {
      const children = step(s, segment);
      if (children === 'open') return { kind: 'unknown' };
      next.push(...children);
    }
    if (next.length === 0) {
      const got = new Set<string>();
      for (const s of expanded) for (const t of schemaTypes(s, root) ?? []) got.add(t);
      return { kind: 'missing', at: i, segment: segmentText(segment), fields: fieldsOf(expanded), got: [...got] };
    }
    current = next;
  }
  return { kind: 'found', schemas: current };
}
