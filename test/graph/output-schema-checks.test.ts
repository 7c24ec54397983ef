import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validatePlan } from '../../src/graph/validate.js';
import { defineTool } from '../../src/tools/define-tool.js';

const search = defineTool({
  name: 'search',
  input: z.object({ query: z.string() }),
  output: z.object({ hits: z.array(z.object({ path: z.string(), score: z.number() })), total: z.number().int() }),
  effects: { readOnly: true },
  execute: () => ({ hits: [], total: 0 }),
});
const read = defineTool({
  name: 'read_file',
  input: z.object({ path: z.string(), maxLines: z.number().int().optional(), tags: z.array(z.string()).optional() }),
  output: z.string(),
  effects: { readOnly: true },
  execute: () => '',
});
const anything = defineTool({ name: 'anything', execute: () => ({}) });
const tools = [search, read, anything];

function issuesOf(calls: unknown[]) {
  return validatePlan({ calls }, { tools }).issues.map((i) => ({ code: i.code, location: i.location, message: i.message }));
}

describe('validatePlan against output schemas', () => {
  it('reports a reference to a field the output schema does not have, with the fields that exist', () => {
    const issues = issuesOf([
      { id: 's', tool: 'search', args: { query: 'q' } },
      { id: 'r', tool: 'read_file', args: { path: '${s.hits[0].file}' } },
      { id: 't', tool: 'read_file', args: { path: '${s.results[0].path}' } },
    ]);
    expect(issues).toEqual([
      {
        code: 'UNKNOWN_FIELD',
        location: 'calls[1].args.path',
        message: 'calls[1].args.path: ${s.hits[0].file} reads "file" of hits[0] of "s" (search), which its output schema does not have (fields there: path, score)',
      },
      {
        code: 'UNKNOWN_FIELD',
        location: 'calls[2].args.path',
        message: 'calls[2].args.path: ${s.results[0].path} reads "results" of the result of "s" (search), which its output schema does not have (fields there: hits, total)',
      },
    ]);
  });

  it('reports a whole-string placeholder whose type the argument cannot take, with both types', () => {
    const issues = issuesOf([
      { id: 's', tool: 'search', args: { query: 'q' } },
      { id: 'r', tool: 'read_file', args: { path: '${s.hits}', maxLines: '${s.total}' } },
      { id: 'u', tool: 'read_file', args: { path: '${s.hits[0].path}', maxLines: '${s.hits[0].score}', tags: ['${s.hits[1].path}'] } },
      { id: 'v', tool: 'read_file', args: { path: 'a', maxLines: 'about ${s.total}' } },
    ]);
    expect(issues).toEqual([
      { code: 'TYPE_MISMATCH', location: 'calls[1].args.path', message: "calls[1].args.path: ${s.hits} is array (from search's output schema), but read_file takes string there" },
      { code: 'TYPE_MISMATCH', location: 'calls[3].args.maxLines', message: 'calls[3].args.maxLines: an interpolated string is a string, but read_file takes integer there' },
    ]);
  });

  it('a path into a string result, and the object form, are checked too', () => {
    const issues = issuesOf([
      { id: 'r', tool: 'read_file', args: { path: 'a' } },
      { id: 's', tool: 'search', args: { query: { $ref: 'r', path: '$.text' } } },
    ]);
    expect(issues).toEqual([
      { code: 'UNKNOWN_FIELD', location: 'calls[1].args.query', message: 'calls[1].args.query: {"$ref":"r","path":"$.text"} reads "text" of the result of "r" (read_file), which its output schema does not have (its result is string)' },
    ]);
  });

  it('says nothing where it cannot know: no output schema, wildcards, open objects, valid paths', () => {
    expect(
      issuesOf([
        { id: 'a', tool: 'anything', args: {} },
        { id: 's', tool: 'search', args: { query: '${a.whatever.deep}' } },
        { id: 'r', tool: 'read_file', args: { path: '${s.hits[0].path}', tags: '${s.hits[*].path}', maxLines: '${s.total}' } },
        { id: 'q', tool: 'read_file', args: { path: 'Total: ${s.total}' } },
      ]),
    ).toEqual([]);
  });

  it('a schema whose union refers to itself is unknown, not a hang', () => {
    const raw = { ...defineTool({ name: 'loop', execute: () => ({}) }), outputJsonSchema: { $ref: '#/$defs/A', $defs: { A: { anyOf: [{ $ref: '#/$defs/A' }, { $ref: '#' }] } } } };
    const v = validatePlan({ calls: [{ id: 'x', tool: 'loop', args: {} }, { id: 'r', tool: 'read_file', args: { path: '${x.a.b}' } }] }, { tools: [raw, read] });
    expect(v.issues).toEqual([]);
  });

  it('reads raw JSON Schemas (with $defs and anyOf) that a tool carries', () => {
    const raw = {
      ...defineTool({ name: 'raw', execute: () => ({}) }),
      outputJsonSchema: { type: 'object', properties: { item: { $ref: '#/$defs/Item' } }, required: ['item'], $defs: { Item: { anyOf: [{ type: 'object', properties: { id: { type: 'integer' } } }, { type: 'null' }] } } },
    };
    const issues = validatePlan(
      { calls: [{ id: 'x', tool: 'raw', args: {} }, { id: 'r', tool: 'read_file', args: { path: '${x.item.id}' } }, { id: 'y', tool: 'read_file', args: { path: 'p', tags: ['${x.item.name}'] } }] },
      { tools: [raw, read] },
    ).issues.map((i) => i.code);
    expect(issues).toEqual(['TYPE_MISMATCH', 'UNKNOWN_FIELD']);
  });
});
