/**
 * The JSON Schema of a whole plan over given tools: the input of `run_plan`. Tool names are an
 * enum; with `perToolArgs` each call is one branch per tool carrying that tool's argument schema
 * (placeholders admitted), so a provider that honours schemas guides every argument.
 */
import { inputJsonSchemaOf, type JsonSchema } from '../tools/tool-json-schema.js';
import type { Tool } from '../tools/tool-types.js';
import { admitPlaceholders } from './placeholder-schema.js';

/** Options of {@link planInputSchema}. */
export interface PlanSchemaOptions {
  /** One branch per tool with its own argument schema. @default true */
  readonly perToolArgs?: boolean;
  /** Admit placeholders in arguments. @default true */
  readonly placeholders?: boolean;
}

const ID_SCHEMA: JsonSchema = {
  type: 'string',
  pattern: '^[A-Za-z0-9_:-]{1,128}$',
  description: 'Your id for this call; other calls use its result with "${id.path}".',
};

const AFTER_SCHEMA: JsonSchema = {
  type: 'array',
  items: { type: 'string' },
  description: 'Ids of calls that must succeed before this one starts, when no value passes between them.',
};

function callSchema(tool: JsonSchema, args: JsonSchema, description: string | undefined): JsonSchema {
  return {
    type: 'object',
    ...(description === undefined || description === '' ? {} : { description }),
    properties: { id: ID_SCHEMA, tool, args, after: AFTER_SCHEMA },
    required: ['id', 'tool', 'args'],
    additionalProperties: false,
  };
}

function argsOf(tool: Tool, options: PlanSchemaOptions): JsonSchema {
  const base = inputJsonSchemaOf(tool) ?? { type: 'object', description: 'Any object.', additionalProperties: true };
  const input = base['type'] === undefined && base['properties'] !== undefined ? { type: 'object', ...base } : base;
  return options.placeholders === false ? input : admitPlaceholders(input, tool.refs);
}

/**
 * The plan's JSON Schema: `{ calls: [{ id, tool, args, after? }] }`.
 *
 * @example
 * planInputSchema([search, readFile]).properties.calls.items.anyOf.length // 2
 */
export function planInputSchema(tools: readonly Tool[], options: PlanSchemaOptions = {}): JsonSchema {
  const names = tools.map((t) => t.name);
  const items: JsonSchema =
    options.perToolArgs === false || tools.length === 0
      ? callSchema({ type: 'string', enum: names, description: 'The tool to run.' }, { type: 'object', description: 'The tool\'s arguments; values may be placeholders "${id.path}".', additionalProperties: true }, undefined)
      : tools.length === 1
        ? callSchema({ type: 'string', enum: names }, argsOf(tools[0] as Tool, options), `A call of ${names[0] ?? ''}.`)
        : { anyOf: tools.map((t) => callSchema({ type: 'string', enum: [t.name] }, argsOf(t, options), `A call of ${t.name}.`)) };
  return {
    type: 'object',
    properties: {
      calls: {
        type: 'array',
        description: 'Every call of the plan. Independent calls run at once; a call whose arguments hold "${id.path}" waits for call id and gets that part of its result.',
        items,
      },
    },
    required: ['calls'],
    additionalProperties: false,
  };
}
