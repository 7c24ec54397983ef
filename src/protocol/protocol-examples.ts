/**
 * Worked examples for the protocol prompt, generated from the user's own tools: example
 * arguments from each input schema (kept only when the tool's schema accepts them), and a
 * reference from one tool's output (a path its output schema has) into another tool's argument
 * of a matching type. Each example is also a canonical plan, so it can be checked with
 * `validatePlan`.
 */
import { validateWith } from '../tools/tool-schema.js';
import type { Plan } from '../plan/schema.js';
import { toolRegistry } from '../tools/define-tool.js';
import { inputJsonSchemaOf, outputJsonSchemaOf, type JsonSchema } from '../tools/tool-json-schema.js';
import type { Tool, ToolsInput } from '../tools/tool-types.js';
import { schemaTypes, typesOverlap } from '../graph/schema-path.js';
import { holdsPlanArgs } from './plan-args.js';
import { sampleValue } from './sample-args.js';

/** How calls are written: native tool calls, one `run_plan` call, or LLMCompiler text. */
export type ProtocolStyle = 'native' | 'plan-tool' | 'llmcompiler';

/** One worked example. */
export interface ProtocolExample {
  /** What it shows. */
  readonly title: string;
  /** The example as a canonical plan (ids as the runner sees them). */
  readonly plan: Plan;
  /** The example as the model writes it in this style. */
  readonly text: string;
}

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A tool with example arguments its own schema accepts. */
interface Sampled {
  readonly tool: Tool;
  readonly args: Record<string, unknown>;
}

function sampled(tool: Tool): Sampled | undefined {
  const schema = inputJsonSchemaOf(tool) ?? { type: 'object' };
  const args = sampleValue(schema, schema);
  if (!isObject(args)) return undefined;
  if (tool.input !== undefined) {
    try {
      if (!validateWith(tool.input, args).ok) return undefined;
    } catch {
      return undefined;
    }
  }
  return { tool, args };
}

/** A place in an output: its path text (`.hits[0].path`, '' for the whole result) and its types. */
interface Leaf {
  readonly path: string;
  readonly last: string;
  readonly types: readonly string[];
}

function leaves(schema: JsonSchema, root: JsonSchema, path: string, last: string, depth: number, out: Leaf[]): void {
  if (out.length > 64 || depth > 4) return;
  const types = schemaTypes(schema, root);
  if (types !== undefined) out.push({ path, last, types });
  const properties = schema['properties'];
  if (isObject(properties)) {
    for (const [key, child] of Object.entries(properties)) {
      if (isObject(child) && /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) leaves(child, root, `${path}.${key}`, key, depth + 1, out);
    }
  }
  if (isObject(schema['items'])) leaves(schema['items'], root, `${path}[0]`, last, depth + 1, out);
}

/** A reference from `from`'s output into argument `arg` of `to`. */
interface Link {
  readonly from: Sampled;
  readonly to: Sampled;
  readonly arg: string;
  /** The leaf used; undefined for an interpolated string of the whole result. */
  readonly leaf: Leaf | undefined;
}

function refAllowed(to: Tool, arg: string, from: Tool): boolean {
  const policy = to.refs?.[arg];
  return policy === undefined || policy === 'any' || (Array.isArray(policy) && policy.includes(from.name));
}

/** Most tools considered for the examples (the search is quadratic in them). */
const MAX_EXAMPLE_TOOLS = 40;

function findLink(all: readonly Sampled[], style: ProtocolStyle): Link | undefined {
  const tools = all.slice(0, MAX_EXAMPLE_TOOLS);
  const inputs = new Map(tools.map((t) => [t, inputJsonSchemaOf(t.tool)] as const));
  let best: { link: Link; score: number } | undefined;
  for (const from of tools) {
    const output = outputJsonSchemaOf(from.tool);
    const found: Leaf[] = [];
    if (output !== undefined) leaves(output, output, '', '', 0, found);
    const usable = style === 'llmcompiler' ? found.filter((l) => l.path === '') : found;
    for (const to of tools) {
      if (to === from) continue;
      const input = inputs.get(to);
      const properties = input === undefined ? undefined : input['properties'];
      if (input === undefined || !isObject(properties)) continue;
      for (const [arg, schema] of Object.entries(properties)) {
        if (!isObject(schema) || !refAllowed(to.tool, arg, from.tool)) continue;
        const argTypes = schemaTypes(schema, input);
        if (argTypes === undefined) continue;
        for (const leaf of usable) {
          if (leaf.path === '' && style !== 'llmcompiler') continue;
          if (!typesOverlap(leaf.types, argTypes) || leaf.types.includes('object') || leaf.types.includes('array')) continue;
          const score = (leaf.last === arg ? 4 : 0) + (leaf.path.includes('[0]') ? 1 : 0) + (leaf.types.every((t) => argTypes.includes(t)) ? 1 : 0);
          if (best === undefined || score > best.score) best = { link: { from, to, arg, leaf }, score };
        }
        // Without a typed match, a string argument can still carry the result as text.
        if (best === undefined && argTypes.includes('string') && schema['enum'] === undefined && schema['format'] === undefined && schema['pattern'] === undefined) {
          best = { link: { from, to, arg, leaf: undefined }, score: -1 };
        }
      }
    }
  }
  return best?.link;
}

function slug(name: string, used: Set<string>): string {
  const base = name.replace(/[^A-Za-z0-9_:-]/g, '_').slice(0, 40) || 'call';
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}_${n}`;
  used.add(id);
  return id;
}

function placeholder(id: string, link: Link): string {
  if (link.leaf === undefined) return `Use this: \${${id}}`;
  return `\${${id}${link.leaf.path}}`;
}

/** A value as a Python literal (LLMCompiler's argument syntax). */
function py(value: unknown): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return `[${value.map(py).join(', ')}]`;
  if (isObject(value)) return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${py(v)}`).join(', ')}}`;
  return 'None';
}

/** `$N` for LLMCompiler: the canonical `${N}` written the way LLMCompiler plans write it. */
function llmcompilerArg(value: unknown): string {
  if (typeof value === 'string') {
    if (/^\$\{\d+\}$/.test(value)) return value.slice(1).replace(/[{}]/g, '');
    if (value.includes('${')) return JSON.stringify(value.replace(/\$\{(\d+)\}/g, '$$$1'));
  }
  return py(value);
}

function render(plan: Plan, style: ProtocolStyle): string {
  switch (style) {
    case 'native':
      return plan.calls.map((c, i) => `call ${i + 1}: ${c.tool}(${JSON.stringify(c.args)})`).join('\n');
    case 'plan-tool':
      return `run_plan(${JSON.stringify(plan)})`;
    case 'llmcompiler':
      return [...plan.calls.map((c) => `${c.id}. ${c.tool}(${Object.entries(c.args).map(([k, v]) => `${k}=${llmcompilerArg(v)}`).join(', ')})`), `${plan.calls.length + 1}. join()`, '<END_OF_PLAN>'].join('\n');
  }
}

/**
 * Worked examples for a style, from the tools: a dependent pair (one call uses a path of
 * another's result) when the schemas allow one, and a fan-out of independent calls.
 *
 * @example
 * protocolExamples([search, readFile], 'native')[0].text
 * // 'call 1: search_docs({"query":"example query"})\ncall 2: read_file({"path":"${1.hits[0].path}"})'
 */
export function protocolExamples(tools: ToolsInput, style: ProtocolStyle, max = 2): ProtocolExample[] {
  const list = [...toolRegistry(tools).values()].filter((t) => !holdsPlanArgs(t));
  const usable = list.map(sampled).filter((s): s is Sampled => s !== undefined);
  const examples: ProtocolExample[] = [];
  const ids = (names: readonly string[]): string[] => {
    if (style !== 'plan-tool') return names.map((_, i) => String(i + 1));
    const used = new Set<string>();
    return names.map((n) => slug(n, used));
  };
  const link = findLink(usable, style);
  if (link !== undefined) {
    const [a, b] = ids([link.from.tool.name, link.to.tool.name]) as [string, string];
    const args = { ...link.to.args };
    Object.defineProperty(args, link.arg, { value: placeholder(a, link), enumerable: true, writable: true, configurable: true });
    const plan: Plan = { calls: [{ id: a, tool: link.from.tool.name, args: link.from.args }, { id: b, tool: link.to.tool.name, args }] };
    const from = link.from.tool.name;
    const what = link.leaf === undefined ? `the result of ${from} as text` : link.leaf.path === '' ? `the whole result of ${from}` : `${link.leaf.path.slice(1)} of ${from}'s result`;
    examples.push({ title: `${link.to.tool.name} uses ${what}, in the same response`, plan, text: render(plan, style) });
  }
  if (usable.length >= 2 && examples.length < max) {
    const [first, second] = usable as [Sampled, Sampled];
    const [a, b] = ids([first.tool.name, second.tool.name]) as [string, string];
    const plan: Plan = { calls: [{ id: a, tool: first.tool.name, args: first.args }, { id: b, tool: second.tool.name, args: second.args }] };
    examples.push({ title: `${first.tool.name} and ${second.tool.name} do not depend on each other: both in one response, they run at once`, plan, text: render(plan, style) });
  }
  return examples.slice(0, max);
}
