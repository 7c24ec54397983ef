import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Issue } from '../../src/errors.js';
import { PlanError, ToolgraphError } from '../../src/errors.js';
import { DEFAULT_MAX_CALLS, parsePlan, summarizePlan, validatePlan } from '../../src/graph/validate.js';
import { defineTool } from '../../src/tools/define-tool.js';

const noop = () => null;
const tools = [
  defineTool({ name: 'search', input: z.object({ query: z.string(), limit: z.number().int().optional() }), execute: noop, latencyMs: 300 }),
  defineTool({ name: 'read_file', input: z.object({ path: z.string() }).strict(), execute: noop, latencyMs: 20 }),
  defineTool({ name: 'shell', input: z.object({ command: z.string() }), execute: noop, refs: { command: 'literal' } }),
  defineTool({ name: 'email', input: z.object({ to: z.string(), body: z.string() }), execute: noop, refs: { to: ['lookup'] }, maxCallsPerRun: 1 }),
  defineTool({ name: 'lookup', execute: noop }),
];

function issuesOf(plan: unknown, options: Parameters<typeof validatePlan>[1] = {}): Issue[] {
  const r = validatePlan(plan, options);
  expect(r.valid).toBe(r.issues.length === 0);
  return [...r.issues];
}

function only(plan: unknown, options: Parameters<typeof validatePlan>[1] = {}): Issue {
  const issues = issuesOf(plan, options);
  expect(issues, JSON.stringify(issues, null, 2)).toHaveLength(1);
  return issues[0]!;
}

const call = (id: string, args: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({ id, tool: 'search', args, ...extra });

describe('validatePlan: valid plans', () => {
  it.each(['examples/research.plan.json', 'examples/file-planning.plan.json'])('%s is valid with 2 levels', (file) => {
    const plan = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    const r = validatePlan(plan);
    expect(r.issues).toEqual([]);
    expect(r.plan?.analysis.depth).toBe(2);
    expect(summarizePlan(r.plan!).levels).toBe(2);
  });

  it('accepts a bare array of calls and an empty plan', () => {
    expect(validatePlan([call('a'), call('b', { q: '${a}' })]).valid).toBe(true);
    const empty = validatePlan({ calls: [] });
    expect(empty.valid).toBe(true);
    expect(summarizePlan(empty.plan!)).toEqual({ calls: 0, edges: 0, levels: 0, criticalPath: 0, maxWidth: 0 });
  });

  it('summarizes calls, edges, levels, critical path and width', () => {
    const r = validatePlan([call('a'), call('b'), call('c', { x: '${a}', y: { $ref: 'b' } }), call('d', {}, { after: ['c', 'a'] })]);
    expect(summarizePlan(r.plan!)).toEqual({ calls: 4, edges: 4, levels: 3, criticalPath: 3, maxWidth: 2 });
  });

  it('ids with dots are referenced with the object form', () => {
    expect(validatePlan([call('search.v2'), call('b', { x: { $ref: 'search.v2', path: '$.a' } })]).valid).toBe(true);
  });
});

describe('validatePlan: every issue code with its location', () => {
  it('INVALID_PLAN for the plan shape', () => {
    expect(only(42)).toMatchObject({ code: 'INVALID_PLAN', location: '' });
    expect(only({ calls: 'x' })).toMatchObject({ code: 'INVALID_PLAN', location: 'calls' });
    expect(only({ calls: [], extra: 1 })).toMatchObject({ code: 'INVALID_PLAN', location: 'extra' });
  });

  it('INVALID_PLAN for each bad call field, with the call id when there is one', () => {
    const issues = issuesOf([
      { id: 'a', tool: 'search' },
      { id: 'bad id!', tool: 'search', args: {} },
      { id: 'c', tool: '', args: [] },
      { id: 'd', tool: 'search', args: {}, after: 'a' },
      { id: 'e', tool: 'search', args: {}, extra: true },
      'not a call',
    ]);
    expect(issues.map((i) => [i.code, i.location, i.callId])).toEqual([
      ['INVALID_PLAN', 'calls[0].args', 'a'],
      ['INVALID_PLAN', 'calls[1].id', 'bad id!'],
      ['INVALID_PLAN', 'calls[2].tool', 'c'],
      ['INVALID_PLAN', 'calls[2].args', 'c'],
      ['INVALID_PLAN', 'calls[3].after', 'd'],
      ['INVALID_PLAN', 'calls[4]', 'e'],
      ['INVALID_PLAN', 'calls[5]', undefined],
    ]);
    for (const i of issues) expect(i.message.startsWith(`${i.location}: `)).toBe(true);
  });

  it('DUPLICATE_ID at the second id, naming the first', () => {
    expect(only([call('a'), call('b'), call('a')])).toMatchObject({
      code: 'DUPLICATE_ID',
      callId: 'a',
      location: 'calls[2].id',
      message: expect.stringContaining('calls[0]') as unknown,
    });
  });

  it('UNKNOWN_REF lists the known ids', () => {
    const issue = only([call('search'), call('read'), call('write', { text: '${serach}' })]);
    expect(issue).toEqual({
      code: 'UNKNOWN_REF',
      callId: 'write',
      location: 'calls[2].args.text',
      message: 'calls[2].args.text: ${serach} refers to no call (known: search, read, write)',
    });
  });

  it('UNKNOWN_REF in the object form, in after, and with a hint for dotted ids', () => {
    expect(only([call('a', { x: [{ $ref: 'zz' }] })])).toMatchObject({ code: 'UNKNOWN_REF', location: 'calls[0].args.x[0]' });
    expect(only([call('a', {}, { after: ['b', 'zz'] }), call('b')])).toMatchObject({ code: 'UNKNOWN_REF', location: 'calls[0].after[1]' });
    const dotted = only([call('search.v2'), call('b', { x: '${search.v2}' })]);
    expect(dotted.code).toBe('UNKNOWN_REF');
    expect(dotted.message).toContain('{"$ref": "search.v2"}');
  });

  it('SELF_REF in args and in after', () => {
    expect(only([call('a', { x: { y: '${a.z}' } })])).toMatchObject({ code: 'SELF_REF', callId: 'a', location: 'calls[0].args.x.y' });
    expect(only([call('a', {}, { after: ['a'] })])).toMatchObject({ code: 'SELF_REF', callId: 'a', location: 'calls[0].after[0]' });
  });

  it('CYCLE with the ids in order', () => {
    const issue = only([call('a', { x: '${c}' }), call('b', { x: '${a}' }), call('c', {}, { after: ['b'] }), call('d', { x: '${c}' })]);
    expect(issue.code).toBe('CYCLE');
    expect(issue.location).toBe('calls[0]');
    // Each call needs the one before it, and the first needs the last.
    expect(issue.cycle).toEqual(['a', 'b', 'c']);
    expect(issue.message).toContain('a → b → c → a');
  });

  it('one CYCLE per cycle', () => {
    const issues = issuesOf([call('a', { x: '${b}' }), call('b', { x: '${a}' }), call('c', { x: '${d}' }), call('d', { x: '${c}' })]);
    expect(issues.map((i) => [i.code, [...(i.cycle ?? [])].sort()])).toEqual([
      ['CYCLE', ['a', 'b']],
      ['CYCLE', ['c', 'd']],
    ]);
  });

  it('INVALID_REF and UNSAFE_PATH at the placeholder', () => {
    expect(only([call('a'), call('b', { q: 'x ${a' })])).toMatchObject({ code: 'INVALID_REF', callId: 'b', location: 'calls[1].args.q' });
    expect(only([call('a'), call('b', { q: [{ $ref: 'a', path: '$.__proto__' }] })])).toMatchObject({
      code: 'UNSAFE_PATH',
      callId: 'b',
      location: 'calls[1].args.q[0]',
    });
    expect(only([call('a'), call('b', { 'odd key': '${a[?(@.x)]}' })])).toMatchObject({ code: 'UNSAFE_PATH', location: 'calls[1].args["odd key"]' });
  });

  it('PLAN_TOO_LARGE at 10,000 by default, configurable', () => {
    expect(DEFAULT_MAX_CALLS).toBe(10_000);
    const many = Array.from({ length: 10_001 }, (_, i) => call(`c${i}`));
    expect(only(many)).toMatchObject({ code: 'PLAN_TOO_LARGE', location: 'calls' });
    expect(validatePlan(many.slice(0, 10_000)).valid).toBe(true);
    expect(validatePlan(many, { maxCalls: 10_001 }).valid).toBe(true);
    expect(only(many.slice(0, 3), { maxCalls: 2 })).toMatchObject({ code: 'PLAN_TOO_LARGE', message: 'calls: plan has 3 calls; the limit is 2 (raise it with maxCalls)' });
  });

  it('UNKNOWN_TOOL lists the known tools', () => {
    expect(only([{ id: 'a', tool: 'serch', args: { query: 'x' } }], { tools })).toEqual({
      code: 'UNKNOWN_TOOL',
      callId: 'a',
      location: 'calls[0].tool',
      message: 'calls[0].tool: no tool named "serch" (known: search, read_file, shell, email, lookup)',
    });
  });

  it('INVALID_ARGS for literal arguments that fail the schema, at the argument', () => {
    expect(only([{ id: 'a', tool: 'search', args: { query: 3 } }], { tools })).toMatchObject({ code: 'INVALID_ARGS', callId: 'a', location: 'calls[0].args.query' });
    expect(only([{ id: 'a', tool: 'search', args: {} }], { tools })).toMatchObject({ code: 'INVALID_ARGS', location: 'calls[0].args.query' });
    expect(only([{ id: 'a', tool: 'read_file', args: { path: 'x', mode: 'r' } }], { tools })).toMatchObject({ code: 'INVALID_ARGS', location: 'calls[0].args' });
  });

  it('arguments holding a placeholder are not checked before run time; the others still are', () => {
    const plan = [
      { id: 's', tool: 'search', args: { query: 'x' } },
      { id: 'r', tool: 'read_file', args: { path: '${s.hits[0].path}' } },
      { id: 't', tool: 'search', args: { query: '${s.total}', limit: 'ten' } },
    ];
    expect(issuesOf(plan, { tools }).map((i) => [i.code, i.location])).toEqual([['INVALID_ARGS', 'calls[2].args.limit']]);
  });

  it('a schema zod cannot pick from (refinements) does not throw', () => {
    const refined = defineTool({ name: 'refined', input: z.object({ a: z.string(), b: z.string() }).refine(() => true), execute: noop });
    expect(validatePlan([call('s', { query: 'q' }), { id: 'x', tool: 'refined', args: { a: '${s}', b: 1 } }], { tools: [refined, ...tools] }).valid).toBe(true);
  });

  it('REF_NOT_ALLOWED for placeholders feeding literal-only or restricted arguments', () => {
    const issues = issuesOf(
      [
        { id: 's', tool: 'search', args: { query: 'x' } },
        { id: 'l', tool: 'lookup', args: {} },
        { id: 'sh', tool: 'shell', args: { command: 'cat ${s.hits[0].path}' } },
        { id: 'm', tool: 'email', args: { to: '${s.owner}', body: '${s.total}' } },
        { id: 'ok', tool: 'email', args: { to: '${l.addr}', body: 'hi' } },
      ],
      { tools },
    );
    expect(issues.map((i) => [i.code, i.callId, i.location])).toEqual([
      ['REF_NOT_ALLOWED', 'sh', 'calls[2].args.command'],
      ['REF_NOT_ALLOWED', 'm', 'calls[3].args.to'],
      ['FANOUT_EXCEEDED', undefined, 'calls'],
    ]);
    expect(issues[0]!.message).toContain('takes only literal values');
    expect(issues[1]!.message).toContain('takes values only from lookup');
    expect(issues[2]!.message).toContain('2 calls of email');
  });

  it('FANOUT_EXCEEDED when a tool is called more than maxCallsPerRun times', () => {
    const plan = [1, 2].map((i) => ({ id: `e${i}`, tool: 'email', args: { to: 'a@b.c', body: 'x' } }));
    expect(only(plan, { tools })).toMatchObject({ code: 'FANOUT_EXCEEDED', location: 'calls' });
    expect(validatePlan(plan.slice(0, 1), { tools }).valid).toBe(true);
  });
});

describe('validatePlan: all issues at once', () => {
  it('reports problems of different calls and kinds together', () => {
    const issues = issuesOf(
      [
        { id: 'a', tool: 'search', args: { query: '${ghost}' } },
        { id: 'a', tool: 'search', args: { query: 'x' } },
        { id: 'b', tool: 'nope', args: { x: '${b}' } },
        { id: 'c', tool: 'search', args: { query: '${a.__proto__}' } },
        { id: 'd', tool: 'search' },
        { id: 'e', tool: 'search', args: { query: '${f}' } },
        { id: 'f', tool: 'search', args: { query: '${e}' } },
      ],
      { tools },
    );
    expect(issues.map((i) => i.code).sort()).toEqual(
      ['CYCLE', 'DUPLICATE_ID', 'INVALID_PLAN', 'SELF_REF', 'UNKNOWN_REF', 'UNKNOWN_TOOL', 'UNSAFE_PATH'].sort(),
    );
  });

  it('references inside a duplicate are still checked', () => {
    const issues = issuesOf([call('a'), call('a', { x: '${ghost}' })]);
    expect(issues.map((i) => [i.code, i.location])).toEqual([
      ['DUPLICATE_ID', 'calls[1].id'],
      ['UNKNOWN_REF', 'calls[1].args.x'],
    ]);
  });

  it('a reference to a malformed call is not also reported as unknown', () => {
    const issues = issuesOf([{ id: 'a', tool: 'search' }, call('b', { x: '${a}' })]);
    expect(issues.map((i) => i.code)).toEqual(['INVALID_PLAN']);
  });
});

describe('validatePlan: analysis', () => {
  it("uses latencyMs, then the tool's latencyMs, then 1", () => {
    const plan = [
      { id: 's', tool: 'search', args: { query: 'q' } },
      { id: 'r', tool: 'read_file', args: { path: '${s.p}' } },
      { id: 'l', tool: 'lookup', args: { k: '${r}' } },
    ];
    expect(validatePlan(plan, { tools }).plan?.analysis.criticalPathLength).toBe(300 + 20 + 1);
    expect(validatePlan(plan, { tools, latencyMs: { search: 5 } }).plan?.analysis.criticalPathLength).toBe(5 + 20 + 1);
    expect(validatePlan(plan).plan?.analysis.criticalPathLength).toBe(3);
  });

  it('throws INVALID_OPTION for bad options, naming the value', () => {
    expect(() => validatePlan([], { maxCalls: -1 })).toThrow(/maxCalls.*-1/);
    expect(() => validatePlan([], { latencyMs: { search: Number.NaN } })).toThrow(/latencyMs\["search"\].*NaN/);
    try {
      validatePlan([], { maxCalls: Number.NaN });
    } catch (error) {
      expect(ToolgraphError.isInstance(error) && error.code).toBe('INVALID_OPTION');
    }
  });
});

describe('parsePlan', () => {
  it('returns the compiled plan or throws a PlanError with every issue', () => {
    expect(parsePlan([call('a')]).calls).toHaveLength(1);
    try {
      parsePlan([call('a', { x: '${b}' }), call('a')]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PlanError);
      expect((error as PlanError).issues.map((i) => i.code)).toEqual(['DUPLICATE_ID', 'UNKNOWN_REF']);
      expect((error as PlanError).code).toBe('DUPLICATE_ID');
    }
  });
});
