/**
 * `defineTool` and the normalization every tool goes through: defaults applied, options
 * checked once at definition (so a bad option fails at startup, not mid-run).
 */
import { ToolgraphError } from '../errors.js';
import type { ResolvedEffects, Tool, ToolDefinition, ToolEffects, ToolLike, ToolsInput } from './tool-types.js';
import { checkToolKeys } from './tool-keys.js';
import { normalizeSchema } from './tool-schema.js';

function invalid(tool: string, message: string): never {
  throw new ToolgraphError('INVALID_OPTION', `tool "${tool}": ${message}`, { details: { tool } });
}

function positiveInt(tool: string, name: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    invalid(tool, `expected \`${name}\` to be a positive integer, got \`${String(value)}\``);
  }
}

function nonNegative(tool: string, name: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    invalid(tool, `expected \`${name}\` to be a non-negative number, got \`${String(value)}\``);
  }
}

/** Applies MCP's defaults: readOnly false, destructive true, idempotent false, openWorld true. */
export function resolveEffects(tool: { readonly effects?: ToolDefinition["effects"] }): ResolvedEffects {
  const e = tool.effects ?? {};
  const readOnly = e.readOnly ?? false;
  return {
    readOnly,
    idempotent: e.idempotent ?? false,
    destructive: readOnly ? false : (e.destructive ?? true),
    openWorld: e.openWorld ?? true,
  };
}

/**
 * Checks and normalizes a tool definition. Throws `INVALID_OPTION` naming the tool, the
 * option and the bad value.
 *
 * @example
 * const readFile = defineTool({
 *   name: 'read_file',
 *   input: z.object({ path: z.string() }),
 *   effects: { readOnly: true, idempotent: true },
 *   retry: { maxAttempts: 3 },
 *   execute: ({ path }) => fs.readFile(path, 'utf8'),
 * })
 */
export function defineTool<I = Record<string, unknown>, O = unknown>(definition: ToolDefinition<I, O>): Tool<I, O> {
  if (typeof definition !== 'object' || definition === null) {
    throw new ToolgraphError('INVALID_OPTION', `expected a tool object, got \`${String(definition)}\``);
  }
  if ((definition as Partial<Tool>).__toolgraph === true) return definition as Tool<I, O>;
  const name = definition.name;
  if (typeof name !== 'string' || name.length === 0 || name.length > 256) {
    throw new ToolgraphError('INVALID_OPTION', `expected a tool \`name\` of 1-256 characters, got \`${String(name)}\``);
  }
  checkToolKeys(definition as unknown as Record<string, unknown>, name);
  if (typeof definition.execute !== 'function') invalid(name, 'expected `execute` to be a function');
  const mcp = fromMcpShape(definition, name);
  const input = mcp.input === undefined ? undefined : normalizeSchema(mcp.input, `tool "${name}": \`${mcp.inputKey}\``);
  const output = mcp.output === undefined ? undefined : normalizeSchema(mcp.output, `tool "${name}": \`${mcp.outputKey}\``);
  if (definition.resources !== undefined && typeof definition.resources !== 'function') {
    invalid(name, 'expected `resources` to be a function (args) => string[]');
  }
  positiveInt(name, 'concurrency', definition.concurrency);
  positiveInt(name, 'maxCallsPerRun', definition.maxCallsPerRun);
  nonNegative(name, 'timeoutMs', definition.timeoutMs);
  nonNegative(name, 'latencyMs', definition.latencyMs);
  if (definition.rateLimit !== undefined) {
    positiveInt(name, 'rateLimit.limit', definition.rateLimit.limit);
    if (!(definition.rateLimit.intervalMs > 0)) invalid(name, `expected \`rateLimit.intervalMs\` to be a positive number, got \`${String(definition.rateLimit.intervalMs)}\``);
  }
  const effects = resolveEffects(mcp);
  if (definition.retry !== undefined) {
    if (!effects.readOnly && !effects.idempotent) {
      invalid(name, '`retry` is only allowed on read-only or idempotent tools (set `effects: { idempotent: true }` if running it twice is safe)');
    }
    positiveInt(name, 'retry.maxAttempts', definition.retry.maxAttempts);
    nonNegative(name, 'retry.initialMs', definition.retry.initialMs);
    nonNegative(name, 'retry.maxMs', definition.retry.maxMs);
    nonNegative(name, 'retry.factor', definition.retry.factor);
    const jitter = definition.retry.jitter;
    if (jitter !== undefined && !(jitter >= 0 && jitter <= 1)) invalid(name, `expected \`retry.jitter\` between 0 and 1, got \`${String(jitter)}\``);
  }
  if (definition.hedge !== undefined) {
    if (!(effects.readOnly && effects.idempotent)) {
      invalid(name, '`hedge` is only allowed on tools that are both read-only and idempotent');
    }
    nonNegative(name, 'hedge.afterMs', definition.hedge.afterMs);
    const p = definition.hedge.percentile;
    if (p !== undefined && !(p > 0 && p < 100)) invalid(name, `expected \`hedge.percentile\` between 0 and 100, got \`${String(p)}\``);
    const m = definition.hedge.maxExtra;
    if (m !== undefined && !(m >= 0 && m <= 1)) invalid(name, `expected \`hedge.maxExtra\` between 0 and 1, got \`${String(m)}\``);
  }
  if (definition.refs !== undefined) {
    for (const [arg, policy] of Object.entries(definition.refs)) {
      if (policy !== 'literal' && policy !== 'any' && !(Array.isArray(policy) && policy.every((t) => typeof t === 'string'))) {
        invalid(name, `expected \`refs.${arg}\` to be 'literal', 'any' or a list of tool names, got \`${JSON.stringify(policy)}\``);
      }
    }
  }
  return Object.freeze({
    ...definition,
    ...(input === undefined ? {} : { input: input.schema }),
    ...(input?.jsonSchema === undefined ? {} : { inputJsonSchema: input.jsonSchema }),
    ...(output === undefined ? {} : { output: output.schema }),
    ...(output?.jsonSchema === undefined ? {} : { outputJsonSchema: output.jsonSchema }),
    ...(mcp.effects === undefined ? {} : { effects: mcp.effects }),
    resolvedEffects: effects,
    __toolgraph: true as const,
  }) as Tool<I, O>;
}

/** A tool's schemas and effects, whether given toolgraph's way or MCP's way. */
interface Shape {
  readonly input: unknown;
  readonly inputKey: string;
  readonly output: unknown;
  readonly outputKey: string;
  readonly effects: ToolEffects | undefined;
}

const HINTS = [
  ['readOnlyHint', 'readOnly'],
  ['destructiveHint', 'destructive'],
  ['idempotentHint', 'idempotent'],
  ['openWorldHint', 'openWorld'],
] as const;

/** Maps MCP's `inputSchema`, `outputSchema` and `annotations.*Hint` onto input, output and effects. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function fromMcpShape(definition: ToolDefinition<any, any>, name: string): Shape {
  if (definition.input !== undefined && definition.inputSchema !== undefined) invalid(name, 'give `input` or MCP\'s `inputSchema`, not both');
  if (definition.output !== undefined && definition.outputSchema !== undefined) invalid(name, 'give `output` or MCP\'s `outputSchema`, not both');
  if (definition.effects !== undefined && definition.annotations !== undefined) invalid(name, 'give `effects` or MCP\'s `annotations`, not both');
  if (definition.effects !== undefined && (typeof definition.effects !== 'object' || definition.effects === null)) {
    invalid(name, `expected \`effects\` to be an object like { readOnly: true }, got \`${String(definition.effects)}\``);
  }
  for (const key of ['readOnly', 'idempotent', 'destructive', 'openWorld'] as const) {
    const value = definition.effects?.[key];
    if (value !== undefined && typeof value !== 'boolean') invalid(name, `expected \`effects.${key}\` to be true or false, got \`${String(value)}\``);
  }
  let effects: ToolEffects | undefined = definition.effects;
  const annotations = definition.annotations;
  if (annotations !== undefined) {
    if (typeof annotations !== 'object' || annotations === null) invalid(name, `expected \`annotations\` to be an object, got \`${String(annotations)}\``);
    const mapped: Record<string, boolean> = {};
    for (const [hint, key] of HINTS) {
      const value = (annotations as Record<string, unknown>)[hint];
      if (value === undefined) continue;
      if (typeof value !== 'boolean') invalid(name, `expected \`annotations.${hint}\` to be true or false, got \`${String(value)}\``);
      mapped[key] = value;
    }
    effects = mapped as ToolEffects;
  }
  return {
    input: definition.input ?? definition.inputSchema,
    inputKey: definition.inputSchema === undefined ? 'input' : 'inputSchema',
    output: definition.output ?? definition.outputSchema,
    outputKey: definition.outputSchema === undefined ? 'output' : 'outputSchema',
    effects,
  };
}

/**
 * Plain tool objects normalized in earlier runs, with the settings they had then. Reusing the
 * same Tool for the same, unchanged object saves the work per run and keeps the scheduler's
 * optimized code valid (a new frozen copy per run gives V8 a hidden class that dies with it).
 */
const normalized = new WeakMap<object, { readonly tool: Tool; readonly settings: string; readonly snapshot: Readonly<Record<string, unknown>> }>();

/** The nested settings objects of a definition (which may be changed in place) as one comparable string. */
function settingsOf(definition: Record<string, unknown>): string {
  try {
    return JSON.stringify([definition['effects'], definition['retry'], definition['hedge'], definition['rateLimit'], definition['refs'], definition['annotations']]);
  } catch {
    return '';
  }
}

/** True when the definition has (still) the same top-level keys and values as when the tool was made from it. */
function sameTopLevel(definition: Record<string, unknown>, snapshot: Readonly<Record<string, unknown>>): boolean {
  const keys = Object.keys(definition);
  if (keys.length !== Object.keys(snapshot).length) return false;
  for (const key of keys) if (!Object.hasOwn(snapshot, key) || definition[key] !== snapshot[key]) return false;
  return true;
}

/** Normalizes anything accepted as a tool (a `defineTool` result or a plain object). */
export function normalizeTool(tool: ToolLike): Tool {
  if (typeof tool !== 'object' || tool === null || (tool as Partial<Tool>).__toolgraph === true) return defineTool(tool as ToolDefinition) as Tool;
  const definition = tool as unknown as Record<string, unknown>;
  const cached = normalized.get(tool);
  const settings = settingsOf(definition);
  if (cached !== undefined && settings !== '' && cached.settings === settings && sameTopLevel(definition, cached.snapshot)) return cached.tool;
  const fresh = defineTool(tool as ToolDefinition) as Tool;
  if (settings !== '') normalized.set(tool, { tool: fresh, settings, snapshot: { ...definition } });
  return fresh;
}

/**
 * Builds the name → tool registry from a list, a record or a map. Later duplicates are an error.
 *
 * @example
 * const registry = toolRegistry([search, readFile])
 * registry.get('read_file')
 */
export function toolRegistry(tools: ToolsInput | undefined): ReadonlyMap<string, Tool> {
  const registry = new Map<string, Tool>();
  if (tools === undefined) return registry;
  const list: ToolLike[] =
    tools instanceof Map
      ? [...tools.values()]
      : Array.isArray(tools)
        ? [...(tools as readonly ToolLike[])]
        : Object.entries(tools as Record<string, ToolLike>).map(([key, tool]) =>
            typeof tool === 'object' && tool !== null && tool.name === undefined ? { ...tool, name: key } : tool,
          );
  for (const tool of list) {
    const normalized = normalizeTool(tool);
    if (registry.has(normalized.name)) {
      throw new ToolgraphError('INVALID_OPTION', `two tools are named "${normalized.name}"`, { details: { tool: normalized.name } });
    }
    registry.set(normalized.name, normalized);
  }
  return registry;
}
