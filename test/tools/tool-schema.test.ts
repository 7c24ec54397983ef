import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod3';
import * as v from 'valibot';
import { ToolgraphError } from '../../src/errors.js';
import { run } from '../../src/schedule/scheduler.js';
import { defineTool } from '../../src/tools/define-tool.js';
import { inputJsonSchemaOf, outputJsonSchemaOf } from '../../src/tools/tool-json-schema.js';
import { validateWith } from '../../src/tools/tool-schema.js';
import type { StandardSchemaV1 } from '../../src/tools/standard-schema.js';

const echo = (args: unknown): unknown => args;

describe('validateWith', () => {
  it('validates through zod 4, zod 3 and valibot with the same result shape', () => {
    const schemas = [z.object({ n: z.number() }), z3.object({ n: z3.number() }), v.object({ n: v.number() })];
    for (const schema of schemas) {
      const tool = defineTool({ name: 't', input: schema, execute: echo });
      expect(validateWith(tool.input as StandardSchemaV1, { n: 1 })).toEqual({ ok: true, value: { n: 1 } });
      const bad = validateWith(tool.input as StandardSchemaV1, { n: 'x' });
      expect(bad.ok).toBe(false);
      if (!bad.ok) expect(bad.issues.map((i) => i.path)).toEqual([['n']]);
    }
  });

  it('compiles a JSON Schema once and reports every problem with its path', () => {
    const tool = defineTool({
      name: 'search',
      input: { type: 'object', properties: { q: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } }, required: ['q'], additionalProperties: false },
      execute: echo,
    });
    expect(tool.inputJsonSchema).toMatchObject({ required: ['q'] });
    const bad = validateWith(tool.input as StandardSchemaV1, { tags: ['a', 3], extra: true });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.issues).toEqual(
        expect.arrayContaining([
          { message: 'required', path: ['q'] },
          { message: 'unknown key (the schema allows no other keys)', path: ['extra'] },
          { message: 'must be string', path: ['tags', 1] },
        ]),
      );
    }
  });

  it('reads a draft-07 JSON Schema (what zod-to-json-schema emits) as draft-07', () => {
    const tool = defineTool({ name: 't', input: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', items: [{ type: 'string' }] }, execute: echo });
    expect(validateWith(tool.input as StandardSchemaV1, {}).ok).toBe(true);
  });

  it('refuses a schema that answers with a Promise, saying why, without an unhandled rejection', () => {
    const asyncSchema: StandardSchemaV1<unknown, { a: number }> = {
      '~standard': { version: 1, vendor: 'test', validate: () => Promise.reject(new Error('async')) },
    };
    const result = validateWith(asyncSchema, {});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]?.message).toMatch(/asynchronously/);
  });
});

describe('defineTool schemas', () => {
  it('refuses something that is neither a Standard Schema nor a JSON Schema object, naming the option', () => {
    class NotASchema {}
    expect(() => defineTool({ name: 't', input: new NotASchema() as never, execute: echo })).toThrow(/tool "t": `input`: expected a Standard Schema .* got an instance of NotASchema/);
    expect(() => defineTool({ name: 't', output: 'string' as never, execute: echo })).toThrow(/`output`: expected .* got string/);
  });

  it('refuses an invalid JSON Schema at definition with INVALID_OPTION', () => {
    try {
      defineTool({ name: 't', input: { type: 'object', properties: { a: { type: 'nonsense' } } }, execute: echo });
      expect.unreachable();
    } catch (error) {
      expect(ToolgraphError.isInstance(error) && error.code).toBe('INVALID_OPTION');
      expect((error as Error).message).toMatch(/tool "t": `input`: not a valid JSON Schema/);
    }
  });

  it('gives a JSON Schema for zod 4 schemas and the one it was given for JSON Schema tools', () => {
    const zodTool = defineTool({ name: 'z', input: z.object({ a: z.string() }), execute: echo });
    expect(inputJsonSchemaOf(zodTool)).toMatchObject({ type: 'object', properties: { a: { type: 'string' } } });
    const jsonTool = defineTool({ name: 'j', inputSchema: { type: 'object', properties: { b: { type: 'number' } } }, execute: echo });
    expect(inputJsonSchemaOf(jsonTool)).toEqual({ type: 'object', properties: { b: { type: 'number' } } });
    expect(outputJsonSchemaOf(jsonTool)).toBeUndefined();
  });
});

describe('the engine validates every kind of schema', () => {
  it('fails bad args INVALID_ARGS and bad results INVALID_OUTPUT for zod 3, valibot and JSON Schema tools', async () => {
    const tools = [
      defineTool({ name: 'z3', input: z3.object({ n: z3.number() }), output: z3.string(), execute: ({ n }) => (n > 0 ? 'ok' : (n as unknown as string)), effects: { readOnly: true } }),
      defineTool({ name: 'vb', input: v.object({ n: v.number() }), output: v.string(), execute: ({ n }) => (n > 0 ? 'ok' : (n as unknown as string)), effects: { readOnly: true } }),
      defineTool({
        name: 'js',
        inputSchema: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] },
        outputSchema: { type: 'string' },
        execute: (args) => ((args as { n: number }).n > 0 ? 'ok' : 0),
        annotations: { readOnlyHint: true },
      }),
    ];
    const calls = tools.flatMap((t) => [
      { id: `${t.name}_good`, tool: t.name, args: { n: 1 } },
      { id: `${t.name}_badargs`, tool: t.name, args: { n: 'one' } },
      { id: `${t.name}_badout`, tool: t.name, args: { n: -1 } },
    ]);
    const result = await run({ calls }, { tools });
    for (const t of tools) {
      expect(result.calls[`${t.name}_good`]?.result).toBe('ok');
      expect(result.calls[`${t.name}_badargs`]?.error).toMatchObject({ code: 'INVALID_ARGS', location: 'args.n' });
      expect(result.calls[`${t.name}_badout`]?.error?.code).toBe('INVALID_OUTPUT');
    }
  });

  it('fails a call whose schema is async with a message that says so', async () => {
    const asyncSchema: StandardSchemaV1<unknown, Record<string, unknown>> = { '~standard': { version: 1, vendor: 'test', validate: async (value) => ({ value: value as Record<string, unknown> }) } };
    const tool = defineTool({ name: 'slow_schema', input: asyncSchema, execute: echo });
    const result = await run({ calls: [{ id: 'a', tool: 'slow_schema', args: {} }] }, { tools: [tool] });
    expect(result.calls['a']?.error?.code).toBe('INVALID_ARGS');
    expect(result.calls['a']?.error?.message).toMatch(/asynchronously/);
  });
});
