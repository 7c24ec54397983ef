import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dryRun } from '../../src/schedule/dry-run.js';
import type { ApprovalRequest } from '../../src/schedule/policies/approval.js';
import { createWorkspace, INITIAL_FILES } from '../../examples/write-heavy/tools.mjs';
import { eventsOf, runVirtual, VirtualTime } from '../schedule/policies/virtual-time.js';

const plan: unknown = JSON.parse(readFileSync(new URL('../../examples/write-heavy/plan.json', import.meta.url), 'utf8'));

async function runExample() {
  const time = new VirtualTime();
  const workspace = createWorkspace({ sleep: (ms, signal) => time.sleep(ms, signal) });
  const asked: ApprovalRequest[] = [];
  const { result, events } = await runVirtual(plan, {
    tools: workspace.tools,
    strict: true,
    approve: (call) => {
      asked.push(call);
      return 'approve';
    },
  }, time);
  const started = new Map(eventsOf(events, 'call_started').map((e) => [e.callId, e.t]));
  return { result, events, workspace, asked, started };
}

describe('examples/write-heavy', () => {
  it('runs every call and edits the in-memory files, leaving the initial ones untouched', async () => {
    const { result, workspace } = await runExample();
    expect(result.order.filter((id) => result.calls[id]?.status !== 'succeeded')).toEqual([]);
    expect(workspace.files.get('src/config.ts')).toBe('export const config = {\n  timeoutMs: 30_000,\n  retries: 2,\n};\n');
    expect(workspace.files.get('src/server.ts')).toContain('config.timeoutMs');
    expect(workspace.files.has('src/legacy-timeout.ts')).toBe(false);
    expect(workspace.files.get('CHANGELOG.md')).toContain('removed src/legacy-timeout.ts');
    expect(INITIAL_FILES['src/legacy-timeout.ts']).toBeDefined();
  });

  it('reads fan out at once', async () => {
    const { started, result } = await runExample();
    expect(['list_src', 'read_config', 'read_server', 'read_legacy'].map((id) => started.get(id))).toEqual([0, 0, 0, 0]);
    expect(result.metrics.maxParallelism).toBeGreaterThanOrEqual(4);
  });

  it('conflicting writes keep the plan order; writes to different files run together', async () => {
    const { workspace, started } = await runExample();
    const order = workspace.writes.map((w) => w.callId);
    expect(order.indexOf('rename_key')).toBeLessThan(order.indexOf('fix_unit'));
    expect(order.indexOf('changelog')).toBeGreaterThan(order.indexOf('delete_legacy'));
    // Each write to a file starts after the read of that file (write-after-read).
    expect(started.get('rename_key')).toBe(60);
    expect(started.get('rename_use')).toBe(60);
    expect(started.get('fix_unit')).toBe(90);
    expect(started.get('delete_legacy')).toBe(60);
    expect(workspace.writes.map((w) => `${w.op} ${w.path}`)).toEqual([
      'delete src/legacy-timeout.ts',
      'edit src/config.ts',
      'edit src/server.ts',
      'append CHANGELOG.md',
      'edit src/config.ts',
    ]);
  });

  it('only the destructive call asks, with its filled args', async () => {
    const { asked, events } = await runExample();
    expect(asked.map((a) => [a.id, a.tool, a.args])).toEqual([['delete_legacy', 'delete_file', { path: 'src/legacy-timeout.ts' }]]);
    expect(eventsOf(events, 'approval_requested').map((e) => [e.callId, e.t])).toEqual([['delete_legacy', 40]]);
  });

  it('rejecting the delete skips the changelog and keeps the file', async () => {
    const time = new VirtualTime();
    const workspace = createWorkspace({ sleep: (ms, signal) => time.sleep(ms, signal) });
    const { result } = await runVirtual(plan, { tools: workspace.tools, approve: () => ({ reject: 'keep the shim for now' }) }, time);
    expect(result.calls['delete_legacy']?.status).toBe('rejected');
    expect(result.calls['changelog']?.status).toBe('skipped');
    expect(workspace.files.has('src/legacy-timeout.ts')).toBe(true);
    expect(workspace.writes.map((w) => w.callId).sort()).toEqual(['fix_unit', 'rename_key', 'rename_use']);
  });

  it('its dry run shows the rounds, the conflicts and the call that would ask', () => {
    const r = dryRun(plan, { tools: createWorkspace().tools });
    expect(r.valid).toBe(true);
    expect(r.rounds).toEqual([
      ['list_src', 'read_config', 'read_server', 'read_legacy', 'rename_key', 'rename_use', 'fix_unit'],
      ['delete_legacy'],
      ['changelog'],
    ]);
    expect(r.wouldAsk).toEqual(['delete_legacy']);
    expect(r.unknownResources).toEqual(['delete_legacy', 'changelog']);
    expect(r.conflicts).toEqual([
      { from: 'read_config', to: 'rename_key', resources: ['file:src/config.ts'] },
      { from: 'read_server', to: 'rename_use', resources: ['file:src/server.ts'] },
      { from: 'rename_key', to: 'fix_unit', resources: ['file:src/config.ts'] },
    ]);
  });
});
