/**
 * `toolgraph run --trace` interrupted: a real child process of the built CLI, signalled while a
 * tool waits for a marker file (never released). What ran is in the trace; the exit code says
 * which signal; an existing trace survives a run killed before it could commit.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseTrace } from '../../src/observe/trace-jsonl.js';
import { ensureBuilt, MAIN, ROOT } from '../helpers/built-cli.js';

const TOOLS = 'test/fixtures/hostile-tools.mjs';

/** Resolves when `path` exists (polled); fails if the child ends first or after 60 s. */
async function appears(path: string, ended: () => boolean, output: () => string): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    if (existsSync(path)) return;
    if (ended()) throw new Error(`the CLI ended before ${path} appeared: ${output()}`);
    await sleep(20);
  }
  throw new Error(`${path} never appeared`);
}

async function interruptedRun(signal: NodeJS.Signals, waitTool = 'wait_marker'): Promise<{ code: number | null; dir: string; trace: string; stderr: string; stdout: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'toolgraph-interrupt-'));
  const trace = join(dir, 'trace.jsonl');
  await writeFile(trace, 'previous trace\n');
  const started = join(dir, 'started');
  const plan = {
    calls: [
      { id: 'quick', tool: 'fast', args: {} },
      { id: 'waits', tool: waitTool, args: { started, release: join(dir, 'never') }, after: ['quick'] },
    ],
  };
  const planFile = join(dir, 'plan.json');
  await writeFile(planFile, JSON.stringify(plan));
  const child = spawn(process.execPath, [MAIN, 'run', planFile, '--tools', TOOLS, '--trace', trace], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  let ended = false;
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => {
    ended = true;
    resolve(code);
  }));
  await appears(started, () => ended, () => stderr);
  // The tool is now running; the run is mid-way.
  expect(await readFile(trace, 'utf8')).toBe('previous trace\n');
  child.kill(signal);
  return { code: await exited, dir, trace, stderr, stdout };
}

describe('toolgraph run --trace, interrupted', () => {
  beforeAll(async () => {
    await ensureBuilt();
  }, 120_000);

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s: the trace keeps what ran, is replaced atomically, and the exit code is %i', async (signal, expected) => {
    const { code, dir, trace, stderr } = await interruptedRun(signal);
    expect(code).toBe(expected);
    expect(stderr).toContain(`interrupted by ${signal}`);
    const entries = parseTrace(await readFile(trace, 'utf8'), { source: trace });
    const responses = entries.filter((e) => e.type === 'tool_response');
    expect(responses.map((e) => (e as { call_id: string }).call_id)).toContain('quick');
    expect(entries.some((e) => e.type === 'tool_call' && (e as { id: string }).id === 'waits')).toBe(true);
    // No temporary file is left behind.
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 60_000);

  it('SIGINT with a tool that honours its abort signal: the run ends, the summary and the trace are written, exit 130', async () => {
    const { code, dir, trace, stderr, stdout } = await interruptedRun('SIGINT', 'wait_abort');
    expect(code).toBe(130);
    expect(stderr).toContain('interrupted by SIGINT');
    expect(stdout).toMatch(/1\/2 succeeded/);
    const entries = parseTrace(await readFile(trace, 'utf8'), { source: trace });
    const statuses = Object.fromEntries(entries.filter((e) => e.type === 'tool_response').map((e) => [(e as { call_id: string }).call_id, (e as { status: string }).status]));
    expect(statuses['quick']).toBe('succeeded');
    expect(statuses['waits']).toMatch(/cancelled|failed/);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 60_000);

  it('a run killed before it could commit (SIGKILL) leaves the existing trace as it was', async () => {
    const { code, trace } = await interruptedRun('SIGKILL');
    expect(code).toBe(null);
    expect(await readFile(trace, 'utf8')).toBe('previous trace\n');
  }, 60_000);
});
