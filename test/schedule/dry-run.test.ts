import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { dryRun } from '../../src/schedule/dry-run.js';
import { defineTool } from '../../src/tools/define-tool.js';

let executed = 0;
const exec = (): null => {
  executed++;
  return null;
};
const file = (a: { path: string }): string[] => [`file:${a.path}`];
const tools = [
  defineTool({ name: 'read_file', input: z.object({ path: z.string() }), effects: { readOnly: true, idempotent: true }, resources: file, execute: exec }),
  defineTool({ name: 'edit_file', input: z.object({ path: z.string(), text: z.string().optional() }), effects: { destructive: false }, resources: file, execute: exec }),
  defineTool({ name: 'delete_file', input: z.object({ path: z.string() }), resources: file, execute: exec }),
  defineTool({ name: 'search', effects: { readOnly: true, idempotent: true }, execute: exec }),
  defineTool({ name: 'log_event', execute: exec }),
  defineTool({ name: 'broken', resources: () => { throw new Error('no idea'); }, execute: exec }),
];

const plan = {
  calls: [
    { id: 'read_a', tool: 'read_file', args: { path: 'a' } },
    { id: 'read_b', tool: 'read_file', args: { path: 'b' } },
    { id: 'find', tool: 'search', args: { q: 'todo' } },
    { id: 'edit_a', tool: 'edit_file', args: { path: 'a', text: '${read_a}' } },
    { id: 'edit_a2', tool: 'edit_file', args: { path: 'a', text: 'again' } },
    { id: 'del_b', tool: 'delete_file', args: { path: 'b' } },
    { id: 'edit_found', tool: 'edit_file', args: { path: '${find.path}' } },
    { id: 'log1', tool: 'log_event', args: {} },
    { id: 'log2', tool: 'log_event', args: {}, after: ['edit_a2'] },
  ],
};

describe('dryRun', () => {
  it('runs nothing and returns rounds, known conflicts, who would ask and what is unknown', () => {
    executed = 0;
    const r = dryRun(plan, { tools });
    expect(executed).toBe(0);
    expect(r.valid).toBe(true);
    expect(r.issues).toEqual([]);
    expect(r.rounds).toEqual([
      ['read_a', 'read_b', 'find', 'edit_a2', 'del_b', 'log1'],
      ['edit_a', 'edit_found', 'log2'],
    ]);
    expect(r.unknownResources).toEqual(['edit_a', 'edit_found']);
    expect(r.wouldAsk).toEqual(['del_b', 'log1', 'log2']);
    expect(r.conflicts).toEqual([
      { from: 'read_a', to: 'edit_a2', resources: ['file:a'] },
      { from: 'read_b', to: 'del_b', resources: ['file:b'] },
      { from: 'log1', to: 'log2', resources: ['tool:log_event'] },
    ]);
  });

  it('the approval policy decides wouldAsk; a predicate sees the args as written, and one that throws counts as asking', () => {
    expect(dryRun(plan, { tools, requireApproval: 'writes' }).wouldAsk).toEqual(['edit_a', 'edit_a2', 'del_b', 'edit_found', 'log1', 'log2']);
    expect(dryRun(plan, { tools, requireApproval: 'none' }).wouldAsk).toEqual([]);
    const seen: unknown[] = [];
    const r = dryRun(plan, { tools, requireApproval: (call) => { seen.push(call.args); if (call.id === 'find') throw new Error('bug'); return call.id === 'edit_found'; } });
    expect(r.wouldAsk).toEqual(['find', 'edit_found']);
    expect(seen).toContainEqual({ path: '${find.path}' });
  });

  it('a conflict the dependencies already order the other way is not reported', () => {
    const r = dryRun({ calls: [
      { id: 'first', tool: 'edit_file', args: { path: 'x' }, after: ['second'] },
      { id: 'second', tool: 'edit_file', args: { path: 'x' } },
      { id: 'third', tool: 'edit_file', args: { path: 'x' } },
    ] }, { tools });
    expect(r.rounds).toEqual([['second', 'third'], ['first']]);
    expect(r.conflicts).toEqual([{ from: 'second', to: 'third', resources: ['file:x'] }]);
  });

  it('an invalid plan returns its issues and no schedule', () => {
    const r = dryRun({ calls: [{ id: 'a', tool: 'nope', args: {} }, { id: 'b', tool: 'read_file', args: { path: '${zzz}' } }] }, { tools });
    expect(r.valid).toBe(false);
    expect(r.issues.map((i) => i.code).sort()).toEqual(['UNKNOWN_REF', 'UNKNOWN_TOOL']);
    expect([r.rounds, r.conflicts, r.wouldAsk, r.unknownResources]).toEqual([[], [], [], []]);
  });

  it('a resources() that throws is an issue naming the call', () => {
    const r = dryRun({ calls: [{ id: 'x', tool: 'broken', args: {} }] }, { tools });
    expect(r.valid).toBe(false);
    expect(r.issues).toMatchObject([{ code: 'TOOL_ERROR', callId: 'x', location: 'calls[0]' }]);
    expect(r.rounds).toEqual([['x']]);
  });
});
