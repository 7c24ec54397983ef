import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, MAIN, ROOT, runInProcess } from '../helpers/built-cli.js';

const TOOLS = 'test/fixtures/cli-tools.mjs';

describe('the toolgraph executable', () => {
  let dir: string;
  let child: ChildProcess | undefined;

  afterEach(() => {
    // A child still alive (the test failed or timed out) is not left running.
    if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill();
    child = undefined;
  });

  beforeAll(async () => {
    await ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'toolgraph-main-'));
    await writeFile(join(dir, 'plan.json'), JSON.stringify({ calls: [{ id: 'slow', tool: 'stubborn', args: {} }] }));
    // A tool that ignores its abort signal: its timer outlives the run's timeout by far.
    await writeFile(
      join(dir, 'stubborn.mjs'),
      "import { setTimeout } from 'node:timers/promises';\n" +
        "export default { stubborn: { effects: { readOnly: true }, execute: async () => { await setTimeout(60_000); return 'late'; } } };\n",
    );
  });

  it(
    'exits once its output is complete, even when a timed-out tool is still pending',
    async () => {
      const proc = spawn(process.execPath, [MAIN, 'run', 'plan.json', '--tools', 'stubborn.mjs', '--timeout', '100'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      const out: Buffer[] = [];
      proc.stdout.on('data', (c: Buffer) => out.push(c));
      proc.stderr.on('data', () => undefined);
      // Without the explicit exit, the process lives until the tool's 60 s timer fires,
      // and this test times out first.
      const code = await new Promise<number | null>((resolve, reject) => {
        proc.on('error', reject);
        proc.on('exit', (c) => resolve(c));
      });
      expect(code).toBe(1);
      expect(Buffer.concat(out).toString('utf8')).toMatch(/0\/1 succeeded, 1 failed/);
    },
    30_000,
  );

  it('a reader that goes away (| head) does not crash it with an EPIPE stack trace', async () => {
    const proc = spawn(process.execPath, [MAIN, 'report', join(ROOT, 'test/fixtures/observe/fine-tuned.trace.jsonl')], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    // Closed before the child writes anything: each of its writes to stdout fails with EPIPE.
    proc.stdout.destroy();
    const err: Buffer[] = [];
    proc.stderr.on('data', (c: Buffer) => err.push(c));
    const code = await new Promise<number | null>((resolve, reject) => {
      proc.on('error', reject);
      proc.on('close', (c) => resolve(c));
    });
    expect(Buffer.concat(err).toString('utf8')).toBe('');
    expect(code).toBe(0);
  });
});

describe('exit codes for input that cannot be used', () => {
  const noStack = (stderr: string): void => {
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
  };

  it('run: a missing plan file, text that is not JSON, or no known format exits 2, not 1 ("some calls failed")', async () => {
    const missing = await runInProcess(['run', 'test/fixtures/no-such-plan.json', '--tools', TOOLS]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^toolgraph run: PARSE_ERROR: test\/fixtures\/no-such-plan\.json: no such file/);
    noStack(missing.stderr);
    const notJson = await runInProcess(['run', '-', '--tools', TOOLS, '--format', 'plan'], '{"calls": [}');
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain('PARSE_ERROR: stdin:1:12: not JSON');
    const unknown = await runInProcess(['run', '-', '--tools', TOOLS], '{"hello": "world"}');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('UNKNOWN_FORMAT');
  });

  it('validate and graph keep 1 for input they cannot read, as their usage texts say', async () => {
    for (const verb of ['validate', 'graph']) {
      const missing = await runInProcess([verb, 'test/fixtures/no-such-plan.json']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('no such file');
      const notJson = await runInProcess([verb, '-'], '{"calls": [}');
      expect(notJson.code).toBe(1);
      const usage = await runInProcess([verb, '--help']);
      expect(usage.stdout).toMatch(/1 invalid[^\n]*unreadable or not JSON/);
    }
  });
});

describe('option errors from node:util parseArgs', () => {
  it.each([
    [['run', 'plan.json', '--tools', TOOLS, '--bogus'], "toolgraph run: Unknown option '--bogus'"],
    [['run', 'plan.json', '--tools', TOOLS, '-q'], "toolgraph run: Unknown option '-q'"],
    [['validate', '--bogus=1', 'plan.json'], "toolgraph validate: Unknown option '--bogus'"],
    [['graph', 'plan.json', '--format'], "toolgraph graph: Option '--format' needs a value"],
    [['report', 'trace.jsonl', '--json=yes'], "toolgraph report: Option '--json' takes no value"],
  ])('%j reads as one clean line, then the usage; exit 2', async (argv, line) => {
    const out = await runInProcess(argv);
    expect(out.code).toBe(2);
    const first = out.stderr.split('\n')[0] ?? '';
    expect(first).toBe(line);
    expect(out.stderr).toContain(`usage: toolgraph ${argv[0]}`);
  });
});
