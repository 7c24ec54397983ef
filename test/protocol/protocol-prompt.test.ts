import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseLLMCompiler } from '../../src/formats/llmcompiler.js';
import { parseOpenAIChat } from '../../src/formats/openai-chat.js';
import { validatePlan } from '../../src/graph/validate.js';
import { protocolExamples, type ProtocolStyle } from '../../src/protocol/protocol-examples.js';
import { protocolPrompt } from '../../src/protocol/protocol-prompt.js';
import { runPlanOutcome } from '../../src/protocol/run-plan-outcome.js';
import { defineTool } from '../../src/tools/define-tool.js';

const searchDocs = defineTool({
  name: 'search_docs',
  description: 'Full-text search over the docs.',
  input: z.object({ query: z.string().min(3), k: z.number().int().min(1).max(20).optional() }),
  output: z.object({ hits: z.array(z.object({ path: z.string(), score: z.number() })), total: z.number().int() }),
  effects: { readOnly: true },
  execute: ({ query }) => ({ hits: [{ path: `${query}.md`, score: 1 }], total: 1 }),
});
const readFile = defineTool({
  name: 'read_file',
  input: z.object({ path: z.string(), maxLines: z.number().int().positive().optional() }),
  output: z.object({ text: z.string(), lines: z.number().int() }),
  effects: { readOnly: true },
  execute: ({ path }) => ({ text: `contents of ${path}`, lines: 1 }),
});
const sendEmail = defineTool({
  name: 'send_email',
  input: z.object({ to: z.email(), subject: z.string(), body: z.string(), priority: z.enum(['low', 'high']) }),
  refs: { to: 'literal' },
  execute: () => 'sent',
});
const coded = defineTool({ name: 'by_code', input: z.object({ code: z.string().regex(/^[A-Z]{3}$/) }), execute: () => 1 });
const tools = [searchDocs, readFile, sendEmail, coded];
const STYLES: readonly ProtocolStyle[] = ['native', 'plan-tool', 'llmcompiler'];

describe('protocolExamples', () => {
  it('every generated example is a valid plan over the user\'s tools, in every style', () => {
    for (const style of STYLES) {
      const examples = protocolExamples(tools, style);
      expect(examples.length).toBe(2);
      for (const example of examples) {
        const validation = validatePlan(example.plan, { tools });
        expect(validation.issues, `${style}: ${example.text}`).toEqual([]);
        expect(example.plan.calls.some((c) => c.tool === 'by_code')).toBe(false);
      }
    }
  });

  it('the dependent example reads a path the producer\'s output schema has, into an argument of the same name and type', () => {
    const [dependent] = protocolExamples(tools, 'native');
    expect(dependent?.plan.calls).toEqual([
      { id: '1', tool: 'search_docs', args: { query: 'example query' } },
      { id: '2', tool: 'read_file', args: { path: '${1.hits[0].path}' } },
    ]);
    expect(dependent?.text).toBe('call 1: search_docs({"query":"example query"})\ncall 2: read_file({"path":"${1.hits[0].path}"})');
  });

  it('native examples parse as a provider response whose positional references resolve', () => {
    for (const example of protocolExamples(tools, 'native')) {
      const response = { choices: [{ message: { role: 'assistant', tool_calls: example.plan.calls.map((c, i) => ({ id: `call_${i}x`, type: 'function', function: { name: c.tool, arguments: JSON.stringify(c.args) } })) } }] };
      const parsed = parseOpenAIChat(response);
      expect(parsed.problems).toEqual([]);
      expect(validatePlan({ calls: parsed.calls }, { tools }).issues).toEqual([]);
    }
  });

  it('LLMCompiler examples parse back into the same plan and run', async () => {
    for (const example of protocolExamples(tools, 'llmcompiler')) {
      const parsed = parseLLMCompiler(example.text, { namesFrom: tools });
      expect(parsed.problems).toEqual([]);
      expect(parsed.calls).toEqual(example.plan.calls);
    }
  });

  it('plan-tool examples are run_plan calls that run', async () => {
    const [dependent] = protocolExamples(tools, 'plan-tool');
    expect(dependent?.text.startsWith('run_plan({"calls":[{"id":"search_docs"')).toBe(true);
    const plan = JSON.parse(dependent?.text.slice('run_plan('.length, -1) ?? '') as unknown;
    const outcome = await runPlanOutcome(plan, { tools });
    expect(outcome.result.ok).toBe(true);
    expect(outcome.result.calls[1]?.result).toEqual({ text: 'contents of example query.md', lines: 1 });
  });

  it('tools without output schemas still get valid examples (text interpolation, then fan-out)', () => {
    const a = defineTool({ name: 'a', input: z.object({ q: z.string() }), execute: () => 1 });
    const b = defineTool({ name: 'b', input: z.object({ n: z.number(), note: z.string() }), execute: () => 2 });
    for (const style of STYLES) {
      const examples = protocolExamples([a, b], style);
      expect(examples.length).toBe(2);
      for (const e of examples) expect(validatePlan(e.plan, { tools: [a, b] }).issues).toEqual([]);
    }
    expect(protocolExamples([a], 'native')).toEqual([]);
  });
});

describe('protocolPrompt', () => {
  it('explains references, types, escaping, fan-out versus waiting, and lists what tools return', () => {
    const text = protocolPrompt({ tools, style: 'native' });
    expect(text).toContain('"${1.path}" is part of the result of the 1st call');
    expect(text).toContain('passes the value itself with its type');
    expect(text).toContain('write "$${"');
    expect(text).toContain('Wait for the next turn when');
    expect(text).toContain('by their call id, e.g. "${call_abc.items[0]}"');
    expect(text).toContain('- search_docs(query: string, k?: integer) -> { hits: [{ path: string, score: number }], total: integer } — Full-text search over the docs.');
    expect(text).toContain('call 2: read_file({"path":"${1.hits[0].path}"})');
  });

  it('plan-tool explains ids, after and the object form; llmcompiler explains $N and join()', () => {
    const plan = protocolPrompt({ tools, style: 'plan-tool', examples: false });
    expect(plan).toContain('ONE call of run_plan');
    expect(plan).toContain('"after": ["id"]');
    expect(plan).toContain('{ "$ref": "id", "path": "$.items[0]" }');
    expect(plan).not.toContain('Example:');
    const compiler = protocolPrompt({ tools, style: 'llmcompiler', examples: 1 });
    expect(compiler).toContain('$N (or ${N}) is the whole result of task N');
    expect(compiler).toContain('join()');
    expect(compiler.match(/Example:/g)).toHaveLength(1);
  });
});
