import { describe, expect, it } from 'vitest';
import { diagnoseRun, type DiagnoseInput, type WaitFacts } from '../../src/observe/diagnostics.js';
import type { CallRecord } from '../../src/schedule/run-result.js';
import type { RunMetrics } from '../../src/schedule/events.js';
import { defineTool } from '../../src/tools/define-tool.js';

const metrics = {} as RunMetrics;
const rec = (id: string, tool: string, startedMs: number, endedMs: number): CallRecord => ({ id, tool, status: 'succeeded', args: {}, attempts: 1, startedMs, endedMs });
const facts = (over: Partial<WaitFacts> = {}): WaitFacts => ({ parkedByTool: new Map(), heldBy: new Map(), approvalWaitMs: 0, ...over });
const input = (calls: CallRecord[], tools: DiagnoseInput['tools'], waits: WaitFacts, concurrency = 8): DiagnoseInput => ({ calls, metrics, tools, concurrency, waits });

describe('diagnoseRun', () => {
  it('says nothing about a run where nothing held calls back', () => {
    const search = defineTool({ name: 'search', effects: { readOnly: true }, execute: () => 1 });
    const calls = [rec('a', 'search', 0, 10), rec('b', 'search', 0, 11), rec('c', 'search', 0, 9), rec('d', 'search', 0, 12)];
    expect(diagnoseRun(input(calls, new Map([['search', search]]), facts()))).toEqual([]);
  });

  it('a tool that declares a write but no resources: fix by naming resources', () => {
    const write = defineTool({ name: 'write_file', effects: { readOnly: false }, execute: () => 1 });
    const calls = [rec('w1', 'write_file', 0, 10), rec('w2', 'write_file', 10, 20)];
    const [d] = diagnoseRun(input(calls, new Map([['write_file', write]]), facts({ parkedByTool: new Map([['write_file', 1]]) })));
    expect(d?.code).toBe('SERIALIZED_BY_TOOL_RESOURCE');
    expect(d?.message).toBe('2 calls of write_file ran one at a time because the tool writes and names no resources, so every call writes tool:write_file');
    expect(d?.calls).toEqual(['w1', 'w2']);
  });

  it('a tool whose resources were declared: its conflicts are real, nothing to fix', () => {
    const write = defineTool({ name: 'write_file', effects: { readOnly: false }, resources: () => ['file:a'], execute: () => 1 });
    const calls = [rec('w1', 'write_file', 0, 10), rec('w2', 'write_file', 10, 20)];
    expect(diagnoseRun(input(calls, new Map([['write_file', write]]), facts({ parkedByTool: new Map([['write_file', 1]]) })))).toEqual([]);
  });

  it('a full cap is reported only when its slots were busy for at least half the run', () => {
    const t = defineTool({ name: 't', effects: { readOnly: true }, execute: () => 1 });
    const tools = new Map([['t', t]]);
    const waits = facts({ heldBy: new Map([['global', 1]]) });
    // Two slots busy 0-10, then one call alone 10-100: full for 10% of the run.
    const short = [rec('a', 't', 0, 10), rec('b', 't', 0, 10), rec('c', 't', 10, 100)];
    expect(diagnoseRun(input(short, tools, waits, 2))).toEqual([]);
    const long = [rec('a', 't', 0, 90), rec('b', 't', 0, 90), rec('c', 't', 90, 100)];
    expect(diagnoseRun(input(long, tools, waits, 2)).map((d) => d.message)).toEqual(["the run's concurrency of 2 held 1 call back: all 2 slots were busy for 90% of the run"]);
  });

  it('a straggler of a read-only idempotent tool: the fix is a hedge', () => {
    const get = defineTool({ name: 'get', effects: { readOnly: true, idempotent: true }, execute: () => 1 });
    const calls = [rec('a', 'get', 0, 10), rec('b', 'get', 0, 10), rec('c', 'get', 0, 10), rec('d', 'get', 0, 80)];
    const [d] = diagnoseRun(input(calls, new Map([['get', get]]), facts()));
    expect(d).toMatchObject({ code: 'STRAGGLER', calls: ['d'], fix: 'set hedge: { afterMs } on get to start a second copy of calls that run long' });
  });
});
