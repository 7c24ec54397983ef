/**
 * JSON Schema for OpenAI's strict mode: every property required (optional ones nullable),
 * `additionalProperties: false` on every object, only keywords strict mode supports. What cannot
 * be said that way (a free-form object, `not`, `if`) is an `INVALID_OPTION` error naming the
 * tool and the place, never a schema the API would refuse.
 */
import { ToolgraphError } from '../errors.js';
import type { JsonSchema } from '../tools/tool-json-schema.js';

/** Keywords strict mode refuses and that have no faithful rewrite. */
const REFUSED = ['not', 'if', 'then', 'else', 'allOf', 'patternProperties', 'dependentSchemas', 'dependentRequired', 'dependencies', 'prefixItems', 'contains', 'unevaluatedProperties', 'unevaluatedItems', 'minProperties', 'maxProperties', 'uniqueItems'];
/** Keywords dropped: they only annotate, and strict mode does not take them. */
const DROPPED = ['default', 'examples', 'propertyNames', '$comment', 'readOnly', 'writeOnly', 'contentEncoding', 'contentMediaType'];

const MAX_DEPTH = 32;

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function admitsNull(schema: JsonSchema): boolean {
  const type = schema['type'];
  if (type === 'null' || (Array.isArray(type) && type.includes('null'))) return true;
  const anyOf = schema['anyOf'];
  return Array.isArray(anyOf) && anyOf.some((s) => isObject(s) && admitsNull(s));
}

function nullable(schema: JsonSchema): JsonSchema {
  if (admitsNull(schema)) return schema;
  const anyOf = schema['anyOf'];
  if (Array.isArray(anyOf)) return { ...schema, anyOf: [...anyOf, { type: 'null' }] };
  const { description, title, ...inner } = schema;
  return { ...(title === undefined ? {} : { title }), ...(description === undefined ? {} : { description }), anyOf: [inner, { type: 'null' }] };
}

class StrictWalk {
  constructor(readonly tool: string) {}

  fail(where: string, why: string): never {
    throw new ToolgraphError('INVALID_OPTION', `tool "${this.tool}": ${where} ${why}; OpenAI strict mode cannot express it (pass strict: false, or change the schema)`, {
      details: { tool: this.tool, location: where },
    });
  }

  node(schema: unknown, where: string, depth: number): JsonSchema {
    if (schema === true || (isObject(schema) && Object.keys(schema).every((k) => k === 'description' || k === 'title'))) {
      this.fail(where, 'accepts any value');
    }
    if (!isObject(schema)) this.fail(where, 'is not a schema object');
    if (depth > MAX_DEPTH) this.fail(where, `nests deeper than ${MAX_DEPTH} levels`);
    const out: JsonSchema = {};
    for (const [key, value] of Object.entries(schema)) {
      if (DROPPED.includes(key)) continue;
      if (REFUSED.includes(key)) this.fail(where, `uses "${key}"`);
      out[key] = value;
    }
    if (Array.isArray(out['oneOf'])) {
      // Branches of a oneOf an argument must match exactly one of: as anyOf the model is guided the same way.
      out['anyOf'] = [...((out['anyOf'] as unknown[] | undefined) ?? []), ...(out['oneOf'] as unknown[])];
      delete out['oneOf'];
    }
    if (Array.isArray(out['anyOf'])) out['anyOf'] = (out['anyOf'] as unknown[]).map((s, i) => this.node(s, `${where}.anyOf[${i}]`, depth + 1));
    if (out['items'] !== undefined) out['items'] = this.node(out['items'], `${where}[]`, depth + 1);
    for (const key of ['$defs', 'definitions'] as const) {
      const defs = out[key];
      if (!isObject(defs)) continue;
      const next: JsonSchema = {};
      for (const [name, value] of Object.entries(defs)) {
        Object.defineProperty(next, name, { value: this.node(value, `${where}.${key}.${name}`, depth + 1), enumerable: true, writable: true, configurable: true });
      }
      out[key] = next;
    }
    const isObjectType = out['type'] === 'object' || (Array.isArray(out['type']) && out['type'].includes('object'));
    if (isObjectType || isObject(out['properties'])) this.object(out, where, depth);
    return out;
  }

  object(out: JsonSchema, where: string, depth: number): void {
    const properties = isObject(out['properties']) ? out['properties'] : {};
    const extra = out['additionalProperties'];
    if (Object.keys(properties).length === 0 && extra !== false) this.fail(where, 'is a free-form object (no declared properties)');
    if (extra !== undefined && extra !== false) this.fail(where, 'allows keys beyond its declared properties');
    const required = new Set(Array.isArray(out['required']) ? (out['required'] as string[]) : []);
    const next: JsonSchema = {};
    for (const [key, value] of Object.entries(properties)) {
      const strict = this.node(value, `${where}.${key}`, depth + 1);
      Object.defineProperty(next, key, { value: required.has(key) ? strict : nullable(strict), enumerable: true, writable: true, configurable: true });
    }
    out['properties'] = next;
    out['required'] = Object.keys(next);
    out['additionalProperties'] = false;
  }
}

/**
 * The schema rewritten for OpenAI strict mode. Throws `INVALID_OPTION` naming the tool and the
 * argument when it cannot be.
 *
 * @example
 * strictSchema({ type: 'object', properties: { q: { type: 'string' }, n: { type: 'integer' } }, required: ['q'] }, 'search')
 * // { type: 'object', properties: { q: {…}, n: { anyOf: [{ type: 'integer' }, { type: 'null' }] } }, required: ['q', 'n'], additionalProperties: false }
 */
export function strictSchema(schema: JsonSchema, tool: string): JsonSchema {
  const walk = new StrictWalk(tool);
  if (schema['type'] !== 'object') walk.fail('args', 'is not an object schema');
  return walk.node(schema, 'args', 0);
}
