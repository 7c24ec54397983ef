/**
 * `protocolPrompt`: the system-prompt text that teaches a model to write dependent calls in
 * one response: references and their types, `after`, escaping, fanning out versus waiting for
 * the next turn, references across turns, and worked examples from the user's own tools.
 */
import { toolRegistry } from '../tools/define-tool.js';
import { inputJsonSchemaOf, outputJsonSchemaOf } from '../tools/tool-json-schema.js';
import type { ToolsInput } from '../tools/tool-types.js';
import { compactSchema } from './compact-schema.js';
import { holdsPlanArgs } from './plan-args.js';
import { PLAN_TOOL_NAME } from './plan-tool.js';
import { protocolExamples, type ProtocolStyle } from './protocol-examples.js';

/** Options of {@link protocolPrompt}. */
export interface ProtocolPromptOptions {
  /** The tools the model may call (for `plan-tool`: the tools inside the plan). */
  readonly tools: ToolsInput;
  /** How the model writes calls. */
  readonly style: ProtocolStyle;
  /** Worked examples from the tools: `false` for none, a number for at most that many. @default 2 */
  readonly examples?: boolean | number;
  /** Say that later turns may reference earlier turns' calls by id (true under `runAgent`). @default true for native */
  readonly crossTurn?: boolean;
  /** Name of the plan tool (style `plan-tool`). @default 'run_plan' */
  readonly planToolName?: string;
}

function toolLines(tools: ToolsInput, style: ProtocolStyle): string[] {
  const lines: string[] = [];
  for (const tool of toolRegistry(tools).values()) {
    if (holdsPlanArgs(tool)) continue;
    const input = inputJsonSchemaOf(tool);
    const output = outputJsonSchemaOf(tool);
    const properties = input?.['properties'];
    const required = new Set(Array.isArray(input?.['required']) ? (input['required'] as string[]) : []);
    const params =
      typeof properties === 'object' && properties !== null
        ? Object.entries(properties as Record<string, unknown>).map(([k, v]) => `${k}${required.has(k) ? '' : '?'}: ${compactSchema(v, 120)}`).join(', ')
        : style === 'llmcompiler'
          ? '**kwargs'
          : '…';
    const returns = output === undefined ? '' : ` -> ${compactSchema(output, 300)}`;
    const description = tool.description === undefined || tool.description === '' ? '' : ` — ${tool.description.replace(/\s+/g, ' ').slice(0, 300)}`;
    lines.push(`- ${tool.name}(${params})${returns}${description}`);
  }
  return lines;
}

const REFERENCES_NATIVE = [
  'Make every call you can in the SAME response, even when a later call needs an earlier call\'s result: write a placeholder instead of the value, and the runner fills it in when that result arrives. Independent calls run at the same time; a call with a placeholder waits only for the call it names.',
  '',
  'Placeholders:',
  '- "${1.path}" is part of the result of the 1st call of this response (calls are numbered from 1 in the order you write them); "${2}" is the whole result of the 2nd call.',
  '- "${call_id.path}" names a call by its id where you know it (a call of an earlier turn, by the id its result came back with).',
  '- A path is like JavaScript: ".name", "[0]", "[-1]" (last item), "[\'odd key\']", and "[*]" for every item of a list.',
];

const REFERENCES_PLAN = (name: string): string[] => [
  `Write the whole plan as ONE call of ${name}: { "calls": [{ "id": ..., "tool": ..., "args": {...} }, ...] }. You choose each call's id (letters, digits, _ : -). Independent calls run at the same time; a call whose arguments hold a placeholder waits only for the call it names. Every call's outcome comes back in one result.`,
  '',
  'Placeholders:',
  '- "${id.path}" is part of the result of the call with that id; "${id}" is its whole result.',
  '- A path is like JavaScript: ".name", "[0]", "[-1]" (last item), "[\'odd key\']", and "[*]" for every item of a list.',
  '- The object form { "$ref": "id", "path": "$.items[0]" } means the same as "${id.items[0]}".',
  '- "after": ["id"] makes a call wait for another one that must succeed first without passing a value (e.g. write, then read back).',
];

const REFERENCES_LLMCOMPILER = [
  'Write a plan, one task per line: "N. tool(arg=value, ...)", numbered from 1, then "N. join()" and "<END_OF_PLAN>". Arguments are Python literals; positional arguments follow the order of the parameters listed below. Tasks that do not depend on each other run at the same time.',
  '',
  'References:',
  '- $N (or ${N}) is the whole result of task N, which must come earlier in the plan. As an argument by itself it passes the value with its type; inside a string ("Summarize $1") it is written into the text.',
];

const TYPES_AND_ESCAPES = (id: string): string[] => [
  `- A placeholder that is the WHOLE string ("\${${id}.count}") passes the value itself with its type: a number stays a number, a list stays a list. Inside a longer string ("Total: \${${id}.count} items") it is written into the text.`,
  '- To write a literal "${" in an argument, write "$${".',
];

const WHEN = (style: ProtocolStyle): string[] => [
  'When to fan out and when to wait:',
  style === 'llmcompiler'
    ? '- In one plan: tasks that do not depend on each other, and tasks that need an earlier result as it is.'
    : '- In one response: calls that do not depend on each other, and calls that need only a value you can name by a path of an earlier result (an id, a path, a count).',
  '- Wait for the next turn when you must read a result before you know what to do: choose among its items by their content, branch on it, or change a value in a way a path cannot express.',
  '- If a call fails, the calls that depend on it are skipped and you get a short error for each; fix what it says and send those calls again.',
];

/**
 * The system-prompt text for a style.
 *
 * @example
 * const system = protocolPrompt({ tools: [search, readFile], style: 'native' })
 * await openai.chat.completions.create({ model, messages: [{ role: 'system', content: system }, ...], tools: toolDeclarations([search, readFile], { provider: 'openai-chat' }) })
 */
export function protocolPrompt(options: ProtocolPromptOptions): string {
  const { style } = options;
  const name = options.planToolName ?? PLAN_TOOL_NAME;
  const parts: string[] = [];
  if (style === 'native') parts.push(...REFERENCES_NATIVE, ...TYPES_AND_ESCAPES('1'));
  else if (style === 'plan-tool') parts.push(...REFERENCES_PLAN(name), ...TYPES_AND_ESCAPES('id'));
  else parts.push(...REFERENCES_LLMCOMPILER);
  if (options.crossTurn ?? style === 'native') {
    parts.push('- Results of earlier turns can be used the same way by their call id, e.g. "${call_abc.items[0]}": you need not copy large values back into arguments.');
  }
  parts.push('', ...WHEN(style));
  const tools = toolLines(options.tools, style);
  if (tools.length > 0) parts.push('', style === 'llmcompiler' ? 'Tools (parameters in positional order; -> what each returns):' : 'Tools (-> what each returns, so you know which paths exist):', ...tools);
  const max = options.examples === false ? 0 : options.examples === true || options.examples === undefined ? 2 : options.examples;
  if (max > 0) {
    const examples = protocolExamples(options.tools, style, max);
    for (const example of examples) parts.push('', `Example: ${example.title}.`, example.text);
  }
  return parts.join('\n');
}
