/**
 * Tool schemas: any Standard Schema (zod 3.24+, zod 4, valibot, arktype) or a plain JSON Schema,
 * normalized once at definition so the engine validates through one function, {@link validateWith}.
 */
import { createRequire } from 'node:module';
import type { AnySchema, ErrorObject, ValidateFunction } from 'ajv';
import { ToolgraphError } from '../errors.js';
import type { StandardSchemaV1 } from './standard-schema.js';

/** A plain JSON Schema object, e.g. `{ type: 'object', properties: { q: { type: 'string' } } }`. */
export type JsonSchema = { readonly [key: string]: unknown };

/** What a tool's `input` or `output` may be: a Standard Schema (zod, valibot, arktype...) or a JSON Schema object. */
export type ToolSchema<T = unknown> = StandardSchemaV1<unknown, T> | JsonSchema;

/** One validation problem: a message and where (keys and indexes from the value's root). */
export interface SchemaIssue {
  /** What is wrong. */
  readonly message: string;
  /** Where, as keys and array indexes from the validated value. */
  readonly path: ReadonlyArray<string | number>;
}

/** The outcome of {@link validateWith}: the (possibly transformed) value, or every issue found. */
export type ValidationResult<T = unknown> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: readonly SchemaIssue[] };

/** Largest JSON Schema accepted, in characters of its JSON text. */
export const MAX_JSON_SCHEMA_CHARS = 1_000_000;

const vendorKey = '~standard';

/** True for an object that implements Standard Schema v1. */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  const props = (value as Record<string, unknown>)[vendorKey] as { version?: unknown; validate?: unknown } | undefined;
  return typeof props === 'object' && props !== null && props.version === 1 && typeof props.validate === 'function';
}

/** True for a plain object that is not a Standard Schema: taken as a JSON Schema. */
export function isJsonSchemaObject(value: unknown): value is JsonSchema {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || isStandardSchema(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A Standard Schema backed by a compiled JSON Schema; keeps the JSON Schema it came from. */
interface JsonSchemaValidator extends StandardSchemaV1 {
  readonly jsonSchema: JsonSchema;
}

type AjvInstance = { compile(schema: AnySchema): ValidateFunction };
const require = createRequire(import.meta.url);
let ajvDraft7: AjvInstance | undefined;
let ajv2019: AjvInstance | undefined;
let ajv2020: AjvInstance | undefined;

function makeAjv(module: string): AjvInstance {
  const loaded = require(module) as { default: new (options: object) => AjvInstance };
  const formats = require('ajv-formats') as { default: (ajv: AjvInstance) => void };
  // strict: false: MCP servers send keywords of their own (titles, examples, x-...); they are ignored, not refused.
  const ajv = new loaded.default({ allErrors: true, strict: false, logger: false, validateSchema: true });
  formats.default(ajv);
  return ajv;
}

/** The validator for a schema's dialect: draft-07 (and older) when `$schema` says so, 2019-09, else 2020-12. */
function ajvFor(schema: JsonSchema): AjvInstance {
  const dialect = typeof schema['$schema'] === 'string' ? schema['$schema'] : '';
  if (/draft-0[4-7]/.test(dialect)) return (ajvDraft7 ??= makeAjv('ajv'));
  if (dialect.includes('2019-09')) return (ajv2019 ??= makeAjv('ajv/dist/2019.js'));
  return (ajv2020 ??= makeAjv('ajv/dist/2020.js'));
}

function pathOf(pointer: string): Array<string | number> {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((seg) => (/^(0|[1-9]\d{0,8})$/.test(seg) ? Number(seg) : seg));
}

function issueOf(error: ErrorObject): SchemaIssue {
  const path = pathOf(error.instancePath);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required' && typeof params['missingProperty'] === 'string') {
    return { message: 'required', path: [...path, params['missingProperty']] };
  }
  if (error.keyword === 'additionalProperties' && typeof params['additionalProperty'] === 'string') {
    return { message: 'unknown key (the schema allows no other keys)', path: [...path, params['additionalProperty']] };
  }
  return { message: error.message ?? `fails ${error.keyword}`, path };
}

/**
 * Compiles a JSON Schema into a Standard Schema. Throws `INVALID_OPTION` (prefixed with `what`)
 * when it is not a valid JSON Schema or is too large.
 *
 * @example
 * const schema = jsonSchemaValidator({ type: 'object', required: ['q'] }, 'tool "search": input')
 */
export function jsonSchemaValidator(schema: JsonSchema, what: string): JsonSchemaValidator {
  let text: string;
  try {
    text = JSON.stringify(schema);
  } catch (error) {
    throw new ToolgraphError('INVALID_OPTION', `${what}: the JSON Schema is not JSON (${(error as Error).message})`);
  }
  if (text.length > MAX_JSON_SCHEMA_CHARS) {
    throw new ToolgraphError('INVALID_OPTION', `${what}: the JSON Schema is ${text.length} characters; at most ${MAX_JSON_SCHEMA_CHARS} are accepted`);
  }
  // A copy from JSON: the compiled code must not see later edits, getters or prototype tricks.
  const copy = JSON.parse(text) as JsonSchema;
  let validate: ValidateFunction;
  try {
    validate = ajvFor(copy).compile(copy);
  } catch (error) {
    throw new ToolgraphError('INVALID_OPTION', `${what}: not a valid JSON Schema: ${(error as Error).message}`);
  }
  return {
    jsonSchema: copy,
    [vendorKey]: {
      version: 1,
      vendor: 'toolgraph-json-schema',
      validate: (value: unknown): StandardSchemaV1.Result<unknown> =>
        validate(value) ? { value } : { issues: (validate.errors ?? []).map(issueOf) },
    },
  } as JsonSchemaValidator;
}

/**
 * Turns what a user gave as `input` / `output` into the Standard Schema the engine validates
 * with, plus the raw JSON Schema when one was given. Throws `INVALID_OPTION` for anything else.
 *
 * @example
 * const { schema, jsonSchema } = normalizeSchema({ type: 'object' }, 'tool "t": `input`')
 */
export function normalizeSchema(given: unknown, what: string): { readonly schema: StandardSchemaV1; readonly jsonSchema?: JsonSchema } {
  if (isStandardSchema(given)) return { schema: given };
  if (isJsonSchemaObject(given)) {
    const validator = jsonSchemaValidator(given, what);
    return { schema: validator, jsonSchema: validator.jsonSchema };
  }
  const shape = given === null ? 'null' : Array.isArray(given) ? 'an array' : typeof given === 'object' ? `an instance of ${(given as object).constructor?.name ?? 'a class'}` : typeof given;
  throw new ToolgraphError(
    'INVALID_OPTION',
    `${what}: expected a Standard Schema (zod 3.24+, zod 4, valibot, arktype) or a plain JSON Schema object, got ${shape}`,
  );
}

function keyOf(segment: PropertyKey | StandardSchemaV1.PathSegment): PropertyKey {
  return typeof segment === 'object' && segment !== null ? segment.key : segment;
}

function issuesOf(issues: ReadonlyArray<StandardSchemaV1.Issue>): SchemaIssue[] {
  return issues.map((issue) => ({
    message: issue.message,
    path: (issue.path ?? []).map(keyOf).filter((k): k is string | number => typeof k !== 'symbol'),
  }));
}

const ASYNC_MESSAGE = 'the schema validated asynchronously (a Promise); toolgraph validates arguments and results synchronously, so use a schema without async refinements or transforms';

/**
 * Validates a value with a tool schema, synchronously. zod schemas go through `safeParse`,
 * other Standard Schemas through `~standard.validate`. A schema that answers with a Promise
 * (async refinements) is a failure that says so. Throws what the schema's own code throws.
 *
 * @example
 * const result = validateWith(tool.input, { query: 'x' })
 * if (!result.ok) console.log(result.issues)
 */
export function validateWith<T = unknown>(schema: StandardSchemaV1<unknown, T>, value: unknown): ValidationResult<T> {
  const safeParse = (schema as { safeParse?: unknown }).safeParse;
  if (typeof safeParse === 'function') {
    const parsed = (safeParse as (v: unknown) => { success: boolean; data?: T; error?: { issues: ReadonlyArray<StandardSchemaV1.Issue> } }).call(schema, value);
    return parsed.success ? { ok: true, value: parsed.data as T } : { ok: false, issues: issuesOf(parsed.error?.issues ?? []) };
  }
  const result = schema[vendorKey].validate(value);
  if (typeof (result as { then?: unknown }).then === 'function') {
    (result as Promise<unknown>).catch(() => undefined);
    return { ok: false, issues: [{ message: ASYNC_MESSAGE, path: [] }] };
  }
  const sync = result as StandardSchemaV1.Result<T>;
  return sync.issues === undefined ? { ok: true, value: sync.value } : { ok: false, issues: issuesOf(sync.issues) };
}
