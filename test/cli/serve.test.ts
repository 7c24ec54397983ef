import { spawn } from 'node:child_process';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ensureBuilt, MAIN, ROOT, runBuilt, runInProcess } from '../helpers/built-cli.js';

const TOOLS = join(ROOT, 'test', 'fixtures', 'mcp', 'served-tools.mjs');
const UPSTREAM = join(ROOT, 'test', 'fixtures', 'mcp', 'upstream-server.mjs');

beforeAll(ensureBuilt);

describe('toolgraph serve --port', () => {
  it('serves over HTTP and on SIGTERM finishes what it can, cancels the rest at the deadline, flushes the trace and exits 0', async () => {
    const traceDir = await mkdtemp(join(tmpdir(), 'toolgraph-serve-cli-'));
    const child = spawn(process.execPath, [MAIN, 'serve', '--tools', TOOLS, '--port', '0', '--trace-dir', traceDir, '--shutdown-deadline', '300'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const found = /on (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(stderr);
        if (found !== null) resolve(found[1] as string);
      });
      child.once('exit', () => reject(new Error(`serve exited early: ${stderr}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    const running = client.callTool({
      name: 'run_plan',
      arguments: { calls: [{ id: 'u', tool: 'get_user', args: { name: 'ann' } }, { id: 'h', tool: 'hang', args: {} }] },
    });
    const progressed = await client.callTool({ name: 'get_user', arguments: { name: 'zed' } });
    expect(progressed.structuredContent).toEqual({ id: 3, name: 'zed' });
    child.kill('SIGTERM');
    const result = (await running.catch((e: unknown) => e)) as { structuredContent?: { calls: Array<{ id: string; status: string }> } } | Error;
    if (!(result instanceof Error)) {
      expect(result.structuredContent?.calls.map((c) => [c.id, c.status])).toEqual([
        ['u', 'succeeded'],
        ['h', 'cancelled'],
      ]);
    }
    expect(await exited).toBe(0);
    expect(stderr).toContain('toolgraph serve: shutting down');
    expect(stderr).toMatch(/stopped after 1 session and 3 calls/);
    const files = (await readdir(traceDir)).filter((f) => f.endsWith('.jsonl'));
    expect(files).toHaveLength(1);
    const report = await runInProcess(['report', join(traceDir, files[0] as string)]);
    expect(report.code).toBe(0);
    await client.close().catch(() => undefined);
  });

  it('says what is wrong with its options, exit 2', async () => {
    const none = await runInProcess(['serve']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('give --tools <module> and/or --mcp / --mcp-url');
    const both = await runInProcess(['serve', '--tools', TOOLS, '--stdio', '--port', '1']);
    expect(both.stderr).toContain('give --port or --stdio, not both');
    const rate = await runInProcess(['serve', '--tools', TOOLS, '--rate', 'fast']);
    expect(rate.stderr).toContain('expected --rate to be N/MS');
  });
});

describe('toolgraph run --mcp', () => {
  it('runs a plan with the tools of an MCP server started as a child process', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'toolgraph-run-mcp-'));
    const plan = join(dir, 'plan.json');
    await writeFile(plan, JSON.stringify({ calls: [{ id: 'u', tool: 'lookup', args: { name: 'alice' } }, { id: 'r', tool: 'slow_read', args: { key: '${u.name}', ms: 1 } }] }));
    const out = await runBuilt(['run', plan, '--mcp', `"${process.execPath}" "${UPSTREAM}"`, '--json']);
    expect(out.code).toBe(0);
    const json = JSON.parse(out.stdout) as { calls: Record<string, { result: unknown }> };
    expect(json.calls['r']?.result).toEqual({ key: 'alice' });
  });

  it('a --mcp command that cannot start is one clear line, exit 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'toolgraph-run-mcp-'));
    const plan = join(dir, 'plan.json');
    await writeFile(plan, JSON.stringify({ calls: [] }));
    const out = await runBuilt(['run', plan, '--mcp', 'toolgraph-no-such-command-xyz']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^toolgraph run: INVALID_OPTION: --mcp "toolgraph-no-such-command-xyz": cannot start or reach the server/);
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });
});
