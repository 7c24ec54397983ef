/**
 * The checks that need a tool registry: unknown tools (`UNKNOWN_TOOL`), literal arguments that
 * fail the tool's input schema (`INVALID_ARGS`), placeholders feeding arguments that refuse them
 * (`REF_NOT_ALLOWED`) and too many calls of one tool (`FANOUT_EXCEEDED`).
 */
import type { StandardSchemaV1 } from '../tools/standard-schema.js';
import { validateWith, type ValidationResult } from '../tools/tool-schema.js';
import type { Issue } from '../errors.js';
import { argLocation, type ParsedCall } from '../plan/parse-call.js';
import type { Reference } from '../plan/reference.js';
import type { Tool } from '../tools/tool-types.js';

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
  }
  for (const [name, count] of perTool) {
    const max = tools.get(name)?.maxCallsPerRun;
    if (max !== undefined && count > max) {
      issues.push({ code: 'FANOUT_EXCEEDED', message: `calls: plan has ${count} calls of ${name}; at most ${max} are allowed per run (maxCallsPerRun)`, location: 'calls' });
    }
  }
}
