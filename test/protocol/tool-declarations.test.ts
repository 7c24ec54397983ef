import { toStrictJsonSchema } from 'openai/lib/transform';
import type { JSONSchema } from 'openai/lib/jsonschema';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { planTool } from '../../src/protocol/plan-tool.js';
import { PLACEHOLDER_PATTERN } from '../../src/protocol/placeholder-schema.js';
import { toolDeclarations } from '../../src/protocol/tool-declarations.js';
import { parseTemplate } from '../../src/plan/reference.js';
import { defineTool } from '../../src/tools/define-tool.js';

const search = defineTool({
  name: 'search_docs',
  description: 'Search the docs.',
  input: z.object({ query: z.string(), k: z.number().int().min(1).optional(), filters: z.object({ lang: z.enum(['en', 'fr']) }).optional() }),
  output: z.object({ hits: z.array(z.object({ path: z.string(), score: z.number() })), total: z.number().optional() }),
  effects: { readOnly: true },
  execute: () => ({ hits: [] }),
});
const readFile = defineTool({
  name: 'read_file',
  input: z.object({ path: z.string(), lines: z.array(z.number().int()).optional() }),
  refs: { path: ['search_docs'] },
  execute: () => '',
});
const deploy = defineTool({
  name: 'deploy',
  input: z.object({ env: z.enum(['staging', 'prod']), count: z.number().int() }),
  refs: { env: 'literal' },
  execute: () => 'ok',
});
const all = [search, readFile, deploy];

type Schema = Record<string, unknown> & { properties: Record<string, Record<string, unknown>> };

function openAIParams(strict: boolean): Schema[] {
  return toolDeclarations(all, { provider: 'openai-chat', strict }).map((d) => d.function.parameters as Schema);
}

describe('toolDeclarations', () => {
  it('writes each provider\'s shape with the name, description and input schema', () => {
    const chat = toolDeclarations([search], { provider: 'openai-chat' })[0];
    expect(chat?.type).toBe('function');
    expect(chat?.function.name).toBe('search_docs');
    expect(chat?.function.strict).toBe(false);
    const responses = toolDeclarations([search], { provider: 'openai-responses', strict: true })[0];
    expect(responses).toMatchObject({ type: 'function', name: 'search_docs', strict: true });
    const anthropic = toolDeclarations([search], { provider: 'anthropic' })[0];
    expect(anthropic?.input_schema.type).toBe('object');
    expect(anthropic?.name).toBe('search_docs');
    const gemini = toolDeclarations([search], { provider: 'gemini' })[0];
    expect(gemini?.functionDeclarations[0]?.name).toBe('search_docs');
    expect(gemini?.functionDeclarations[0]?.responseJsonSchema).toBeDefined();
    const plain = toolDeclarations([search], { provider: 'json-schema' })[0];
    expect(plain?.outputSchema).toMatchObject({ type: 'object' });
    expect(plain?.description).toBe('Search the docs.');
  });

  it('appends what the tool returns, in compact form, to the description', () => {
    const chat = toolDeclarations([search], { provider: 'openai-chat' })[0];
    expect(chat?.function.description).toBe('Search the docs.\nReturns: { hits: [{ path: string, score: number }], total?: number }');
    expect(toolDeclarations([search], { provider: 'openai-chat', returns: false })[0]?.function.description).toBe('Search the docs.');
  });

  it('admits a placeholder at every non-string position, and none in a literal argument', () => {
    const [s, r, d] = openAIParams(false);
    const k = s?.properties['k'] as { anyOf: Record<string, unknown>[] };
    expect(k.anyOf).toContainEqual(expect.objectContaining({ type: 'string', pattern: PLACEHOLDER_PATTERN }));
    // Nested: the enum inside filters admits one too, and the whole filters object does.
    expect(JSON.stringify(s?.properties['filters'])).toMatch(/"enum":\["en","fr"\]\},\{"type":"string","pattern"/);
    // A plain string already admits "${...}": left as it is.
    expect(s?.properties['query']).toEqual({ type: 'string' });
    expect(JSON.stringify(r?.properties['lines'])).toContain(JSON.stringify(PLACEHOLDER_PATTERN).slice(1, -1));
    expect(d?.properties['env']).toEqual({ type: 'string', enum: ['staging', 'prod'] });
    expect(JSON.stringify(d?.properties['count'])).toContain('pattern');
    expect(openAIParams(false).length).toBe(3);
    const off = toolDeclarations([deploy], { provider: 'openai-chat', placeholders: false })[0]?.function.parameters as Schema;
    expect(off.properties['count']).toEqual({ type: 'integer' });
  });

  it('the placeholder pattern accepts what the grammar parses as a whole placeholder and refuses plain text', () => {
    const pattern = new RegExp(PLACEHOLDER_PATTERN);
    for (const text of ['${1}', '${search.hits[0].path}', "${a:b-c['x y'][-1]}", '${call_abc.items[*].id}']) {
      expect(parseTemplate(text)).toMatchObject({ ok: true, value: { whole: true } });
      expect(pattern.test(text)).toBe(true);
    }
    for (const text of ['12', 'hello', '${', '$${a}', '${a} and ${b}', 'x${a}']) expect(pattern.test(text)).toBe(false);
  });

  it('strict: true passes OpenAI\'s own strict-schema normalizer unchanged (a fixed point), plan tool included', () => {
    const declarations = toolDeclarations([...all, planTool(all)], { provider: 'openai-chat', strict: true });
    expect(declarations).toHaveLength(4);
    for (const d of declarations) {
      const params = d.function.parameters as JSONSchema;
      expect(toStrictJsonSchema(params)).toEqual(params);
    }
    const s = declarations[0]?.function.parameters as Schema;
    expect(s['required']).toEqual(['query', 'k', 'filters']);
    expect(s['additionalProperties']).toBe(false);
    expect(s.properties['k']).toMatchObject({ anyOf: expect.arrayContaining([{ type: 'null' }]) });
  });

  it('without strict the same schemas are refused by that normalizer (the check above can fail)', () => {
    const params = openAIParams(false)[0] as JSONSchema;
    expect(() => toStrictJsonSchema(params)).toThrow(/optional/);
  });

  it('strict: true refuses what strict mode cannot say, naming the tool and the argument', () => {
    const free = defineTool({ name: 'tag', input: z.object({ meta: z.record(z.string(), z.string()) }), execute: () => 1 });
    expect(() => toolDeclarations([free], { provider: 'openai-chat', strict: true })).toThrow(/tool "tag": args\.meta\.anyOf\[0\] (is a free-form object|allows keys beyond)/);
    const none = defineTool({ name: 'ping', execute: () => 1 });
    expect(() => toolDeclarations([none], { provider: 'openai-responses', strict: true })).toThrow(/tool "ping": args/);
  });

  it('gemini: the placeholder string carries no pattern (its schema subset has none) but is still admitted', () => {
    const params = toolDeclarations([deploy], { provider: 'gemini' })[0]?.functionDeclarations[0]?.parametersJsonSchema as Schema;
    const count = params.properties['count'] as { anyOf: Record<string, unknown>[] };
    expect(count.anyOf).toHaveLength(2);
    expect(count.anyOf[1]).toMatchObject({ type: 'string' });
    expect(JSON.stringify(params)).not.toContain('pattern');
  });

  it('refObjects: true also admits the {"$ref"} object form', () => {
    const params = toolDeclarations([deploy], { provider: 'anthropic', refObjects: true })[0]?.input_schema as unknown as Schema;
    expect(JSON.stringify(params.properties['count'])).toContain('"required":["$ref"]');
  });

  it('a tool without an input schema is declared as any object; an OpenAI-invalid name is refused', () => {
    const none = defineTool({ name: 'ping', execute: () => 1 });
    expect(toolDeclarations([none], { provider: 'anthropic' })[0]?.input_schema).toMatchObject({ type: 'object', additionalProperties: true });
    const dotted = defineTool({ name: 'a.b', execute: () => 1 });
    expect(() => toolDeclarations([dotted], { provider: 'openai-chat' })).toThrow(/OpenAI tool names/);
    expect(toolDeclarations([dotted], { provider: 'json-schema' })[0]?.name).toBe('a.b');
  });

  it('reads a raw JSON Schema a tool carries (JSON-Schema and MCP-shaped tools)', () => {
    const raw = { ...defineTool({ name: 'raw', execute: () => 1 }), inputJsonSchema: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] }, outputJsonSchema: { type: 'object', properties: { ok: { type: 'boolean' } } } };
    const d = toolDeclarations([raw], { provider: 'openai-chat' })[0];
    expect(d?.function.description).toBe('Returns: { ok?: boolean }');
    expect(JSON.stringify(d?.function.parameters)).toContain('pattern');
  });
});
