/**
 * The checks that need a tool registry: unknown tools (`UNKNOWN_TOOL`), literal arguments that
 * fail the tool's input schema (`INVALID_ARGS`), placeholders feeding arguments that refuse them
 * (`REF_NOT_ALLOWED`), too many calls of one tool (`FANOUT_EXCEEDED`), and, where the producing
 * tool has an output schema, references to fields it cannot return (`UNKNOWN_FIELD`) and
 * whole-string placeholders whose type cannot match the receiving argument (`TYPE_MISMATCH`).
 */
import type { StandardSchemaV1 } from '../tools/standard-schema.js';
import { validateWith, type ValidationResult } from '../tools/tool-schema.js';
import type { Issue } from '../errors.js';
import { argLocation, type ParsedCall } from '../plan/parse-call.js';
import type { Reference } from '../plan/reference.js';
import { inputJsonSchemaOf, outputJsonSchemaOf, type JsonSchema } from '../tools/tool-json-schema.js';
import type { Tool } from '../tools/tool-types.js';
import { schemaTypes, typesOverlap, walkSchemaPath } from './schema-path.js';

const pickCache = new WeakMap<object, Map<string, StandardSchemaV1 | null>>();

/**
 * The part of a tool's input schema that can be checked before placeholders are filled: the
 * whole schema when no argument holds a placeholder, else the object schema without those keys.
 * `undefined` when that part cannot be built (not an object schema, or one zod cannot `pick`
 * from, such as an object with refinements): such calls are checked at run time only.
 */
function checkableSchema(schema: StandardSchemaV1, placeholderKeys: ReadonlySet<string>): StandardSchemaV1 | undefined {
  if (placeholderKeys.size === 0) return schema;
  const s = schema as unknown as { shape?: Record<string, unknown>; pick?: (mask: Record<string, true>) => StandardSchemaV1 };
  if (typeof s.shape !== 'object' || s.shape === null || typeof s.pick !== 'function') return undefined;
  const key = [...placeholderKeys].sort().join('\u0000');
  let cache = pickCache.get(schema);
  if (cache === undefined) {
    cache = new Map();
    pickCache.set(schema, cache);
  }
  let picked = cache.get(key);
  if (picked === undefined) {
    const mask: Record<string, true> = {};
    for (const k of Object.keys(s.shape)) if (!placeholderKeys.has(k)) mask[k] = true;
    try {
      picked = s.pick.call(schema, mask);
    } catch {
      picked = null;
    }
    cache.set(key, picked);
  }
  return picked ?? undefined;
}

function refsAt(site: ParsedCall['compiled']['sites'][number]): Reference[] {
  return site.kind === 'ref' ? [site.ref] : site.template.parts.filter((p): p is Reference => typeof p !== 'string');
}

function listKnown(ids: Iterable<string>): string {
  const all = [...ids];
  const shown = all.slice(0, 10).join(', ');
  return all.length > 10 ? `${shown}, … ${all.length - 10} more` : shown;
}

function checkArgs(call: ParsedCall, tool: Tool, issues: Issue[]): void {
  if (tool.input === undefined) return;
  const schema = checkableSchema(tool.input, call.compiled.placeholderKeys);
  if (schema === undefined) return;
  let subject: Record<string, unknown> = call.args as Record<string, unknown>;
  if (call.compiled.placeholderKeys.size > 0) {
    subject = {};
    for (const k of Object.keys(call.args)) {
      if (!call.compiled.placeholderKeys.has(k)) Object.defineProperty(subject, k, { value: call.args[k], enumerable: true, writable: true, configurable: true });
    }
  }
  let parsed: ValidationResult;
  try {
    parsed = validateWith(schema, subject);
  } catch (error) {
    // Async refinements or a throwing transform: report it rather than take validation down.
    const location = `${call.location}.args`;
    issues.push({ code: 'INVALID_ARGS', callId: call.id, location, message: `${location}: the input schema of ${tool.name} threw: ${(error as Error).message}` });
    return;
  }
  if (parsed.ok) return;
  for (const zi of parsed.issues) {
    const location = argLocation(call, zi.path);
    issues.push({ code: 'INVALID_ARGS', callId: call.id, location, message: `${location}: ${zi.message} (tool ${tool.name})` });
  }
}

function checkRefs(call: ParsedCall, tool: Tool, byId: ReadonlyMap<string, ParsedCall>, issues: Issue[]): void {
  if (tool.refs === undefined) return;
  for (const site of call.compiled.sites) {
    const top = site.at[0];
    if (typeof top !== 'string' || !Object.hasOwn(tool.refs, top)) continue;
    const policy = tool.refs[top];
    for (const ref of refsAt(site)) {
      const source = byId.get(ref.id);
      const allowed = policy === 'any' || (Array.isArray(policy) && source !== undefined && policy.includes(source.tool));
      if (allowed) continue;
      const location = argLocation(call, site.at);
      const why = policy === 'literal' ? 'takes only literal values' : `takes values only from ${(policy as readonly string[]).join(', ')}`;
      issues.push({
        code: 'REF_NOT_ALLOWED',
        callId: call.id,
        location,
        message: `${location}: argument "${top}" of ${tool.name} ${why}, but ${ref.text} feeds it from ${source === undefined ? 'an unknown call' : `"${ref.id}" (${source.tool})`}`,
      });
    }
  }
}

const inputSchemas = new WeakMap<Tool, JsonSchema | null>();
const outputSchemas = new WeakMap<Tool, JsonSchema | null>();

function cached(cache: WeakMap<Tool, JsonSchema | null>, tool: Tool, read: (tool: Tool) => JsonSchema | undefined): JsonSchema | undefined {
  let schema = cache.get(tool);
  if (schema === undefined) {
    schema = read(tool) ?? null;
    cache.set(tool, schema);
  }
  return schema ?? undefined;
}

function hasOutputSchema(tool: Tool): boolean {
  const raw = (tool as { outputJsonSchema?: unknown }).outputJsonSchema;
  return tool.output !== undefined || (typeof raw === 'object' && raw !== null);
}

function typeList(types: readonly string[]): string {
  return types.length === 0 ? 'nothing' : types.join(' | ');
}

/** The JSON types a reference's value can have, from its producer's output schema; undefined when unknown. */
function producedTypes(ref: Reference, byId: ReadonlyMap<string, ParsedCall>, tools: ReadonlyMap<string, Tool>): readonly string[] | undefined {
  const producer = tools.get(byId.get(ref.id)?.tool ?? '');
  if (producer === undefined || !hasOutputSchema(producer)) return undefined;
  const output = cached(outputSchemas, producer, outputJsonSchemaOf);
  if (output === undefined) return undefined;
  const walk = walkSchemaPath(output, ref.path.segments);
  if (walk.kind !== 'found') return undefined;
  const types = new Set<string>();
  for (const schema of walk.schemas) {
    const some = schemaTypes(schema, output);
    if (some === undefined) return undefined;
    for (const t of some) types.add(t);
  }
  return [...types];
}

/** Reports references into fields the producer's output schema cannot have. */
function checkFields(call: ParsedCall, byId: ReadonlyMap<string, ParsedCall>, tools: ReadonlyMap<string, Tool>, issues: Issue[]): void {
  for (const site of call.compiled.sites) {
    for (const ref of refsAt(site)) {
      const source = byId.get(ref.id);
      const producer = source === undefined ? undefined : tools.get(source.tool);
      if (producer === undefined || !hasOutputSchema(producer)) continue;
      const output = cached(outputSchemas, producer, outputJsonSchemaOf);
      if (output === undefined) continue;
      const walk = walkSchemaPath(output, ref.path.segments);
      if (walk.kind !== 'missing') continue;
      const location = argLocation(call, site.at);
      const where = walk.at === 0 ? 'its result' : `${ref.path.segments.slice(0, walk.at).map((s) => (s.kind === 'name' ? `.${s.name}` : s.kind === 'index' ? `[${s.index}]` : '')).join('').replace(/^\./, '')}`;
      const has = walk.fields.length > 0 ? `fields there: ${listKnown(walk.fields)}` : `${where} is ${typeList(walk.got)}`;
      issues.push({
        code: 'UNKNOWN_FIELD',
        callId: call.id,
        location,
        message: `${location}: ${ref.text} reads "${walk.segment}" of ${where === 'its result' ? `the result of "${ref.id}"` : `${where} of "${ref.id}"`} (${producer.name}), which its output schema does not have (${has})`,
      });
    }
  }
}

/** Reports whole-string placeholders (and interpolated strings) whose type the receiving argument cannot take. */
function checkTypes(call: ParsedCall, tool: Tool, byId: ReadonlyMap<string, ParsedCall>, tools: ReadonlyMap<string, Tool>, issues: Issue[]): void {
  if (tool.input === undefined && (tool as { inputJsonSchema?: unknown }).inputJsonSchema === undefined) return;
  const input = cached(inputSchemas, tool, inputJsonSchemaOf);
  if (input === undefined) return;
  for (const site of call.compiled.sites) {
    const produced = site.whole === undefined ? ['string'] : producedTypes(site.whole, byId, tools);
    if (produced === undefined) continue;
    const segments = site.at.map((s) => (typeof s === 'number' ? { kind: 'index' as const, index: s } : { kind: 'name' as const, name: s }));
    const walk = walkSchemaPath(input, segments);
    if (walk.kind !== 'found') continue;
    const expected = new Set<string>();
    let known = true;
    for (const schema of walk.schemas) {
      const some = schemaTypes(schema, input);
      if (some === undefined) known = false;
      else for (const t of some) expected.add(t);
    }
    if (!known || typesOverlap(produced, [...expected])) continue;
    const location = argLocation(call, site.at);
    const what = site.whole === undefined ? 'an interpolated string is a string' : `${site.whole.text} is ${typeList(produced)} (from ${byId.get(site.whole.id)?.tool ?? 'its call'}'s output schema)`;
    issues.push({
      code: 'TYPE_MISMATCH',
      callId: call.id,
      location,
      message: `${location}: ${what}, but ${tool.name} takes ${typeList([...expected])} there`,
    });
  }
}

/**
 * Checks every call against the registry and appends the issues found.
 *
 * @example
 * const issues: Issue[] = []
 * checkTools(calls, byId, toolRegistry([search]), issues)
 */
export function checkTools(calls: readonly ParsedCall[], byId: ReadonlyMap<string, ParsedCall>, tools: ReadonlyMap<string, Tool>, issues: Issue[]): void {
  const perTool = new Map<string, number>();
  for (const call of calls) {
    const tool = tools.get(call.tool);
    if (tool === undefined) {
      issues.push({
        code: 'UNKNOWN_TOOL',
        callId: call.id,
        location: `${call.location}.tool`,
        message: `${call.location}.tool: no tool named ${JSON.stringify(call.tool)} (known: ${listKnown(tools.keys())})`,
      });
      continue;
    }
    perTool.set(tool.name, (perTool.get(tool.name) ?? 0) + 1);
    checkArgs(call, tool, issues);
    checkRefs(call, tool, byId, issues);
    if (call.compiled.sites.length > 0) {
      checkFields(call, byId, tools, issues);
      checkTypes(call, tool, byId, tools, issues);
    }
  }
  for (const [name, count] of perTool) {
    const max = tools.get(name)?.maxCallsPerRun;
    if (max !== undefined && count > max) {
      issues.push({ code: 'FANOUT_EXCEEDED', message: `calls: plan has ${count} calls of ${name}; at most ${max} are allowed per run (maxCallsPerRun)`, location: 'calls' });
    }
  }
}
