import { createServer, type Server as HttpServer } from 'node:http';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { createPlanServer, type PlanServer } from '../../src/mcp/index.js';
import { defineTool } from '../../src/tools/define-tool.js';
import type { Tool } from '../../src/tools/tool-types.js';
import { ensureBuilt, MAIN, ROOT, runInProcess } from '../helpers/built-cli.js';

const TOOLS_MODULE = join(ROOT, 'test', 'fixtures', 'mcp', 'served-tools.mjs');

interface PlanResultShape {
  readonly ok: boolean;
  readonly calls: ReadonlyArray<{ id: string; status: string; result?: unknown; error?: string }>;
}

function planResult(result: unknown): PlanResultShape {
  return (result as { structuredContent: PlanResultShape }).structuredContent;
}

function textOf(result: unknown): string {
  return ((result as { content: Array<{ text: string }> }).content[0] as { text: string }).text;
}

describe('toolgraph serve over stdio (the built CLI as a child process, the SDK client)', () => {
  let traceDir: string;
  beforeAll(async () => {
    await ensureBuilt();
    traceDir = await mkdtemp(join(tmpdir(), 'toolgraph-serve-trace-'));
  });

  it('lists the tools with annotations and schemas, runs a plan with progress, asks approval by elicitation, and writes a trace report reads', async () => {
    const client = new Client({ name: 'test', version: '1.0.0' }, { capabilities: { elicitation: { form: {} } } });
    const asked: string[] = [];
    client.setRequestHandler(ElicitRequestSchema, (request) => {
      const message = (request.params as { message: string }).message;
      asked.push(message);
      return { action: 'accept', content: { approve: message.includes('tmp/ok.txt') } };
    });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [MAIN, 'serve', '--tools', TOOLS_MODULE, '--stdio', '--trace-dir', traceDir], stderr: 'ignore' }));
    try {
      const { tools } = await client.listTools();
      const byName = new Map(tools.map((t) => [t.name, t]));
      expect([...byName.keys()].sort()).toEqual(['delete_file', 'get_user', 'hang', 'run_plan', 'slow_read']);
      expect(byName.get('get_user')?.annotations).toEqual({ readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true });
      expect(byName.get('get_user')?.inputSchema).toMatchObject({ type: 'object', properties: { name: { type: 'string' } } });
      expect(byName.get('get_user')?.outputSchema).toMatchObject({ type: 'object', properties: { id: { type: 'number' } } });
      expect(byName.get('slow_read')?.inputSchema).toMatchObject({ required: ['key'] });
      expect(byName.get('delete_file')?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });

      const direct = await client.callTool({ name: 'get_user', arguments: { name: 'alice' } });
      expect(direct.structuredContent).toEqual({ id: 5, name: 'alice' });
      const bad = await client.callTool({ name: 'get_user', arguments: { name: 7 } });
      expect(bad.isError).toBe(true);
      expect(textOf(bad)).toMatch(/INVALID_ARGS/);

      const progress: string[] = [];
      const result = await client.callTool(
        {
          name: 'run_plan',
          arguments: {
            calls: [
              { id: 'u', tool: 'get_user', args: { name: 'bob' } },
              { id: 'r', tool: 'slow_read', args: { key: 'user-${u.id}' } },
              { id: 'd', tool: 'delete_file', args: { path: 'tmp/ok.txt' } },
              { id: 'x', tool: 'delete_file', args: { path: 'etc/passwd-${u.id}' } },
            ],
          },
        },
        undefined,
        { onprogress: (p) => void progress.push(p.message ?? '') },
      );
      const plan = planResult(result);
      expect(plan.calls.map((c) => [c.id, c.status])).toEqual([
        ['u', 'succeeded'],
        ['r', 'succeeded'],
        ['d', 'succeeded'],
        ['x', 'rejected'],
      ]);
      expect(plan.calls[1]?.result).toEqual({ key: 'user-3' });
      expect(textOf(result)).toContain('r (slow_read) succeeded: {"key":"user-3"}');
      // The approval question shows the filled arguments.
      expect(asked.some((m) => m.includes('etc/passwd-3'))).toBe(true);
      for (const id of ['u', 'r', 'd']) {
        expect(progress).toContain(`${id} (${id === 'u' ? 'get_user' : id === 'r' ? 'slow_read' : 'delete_file'}) started`);
      }
      expect(progress).toContain('u (get_user) succeeded');
      expect(progress).toContain('x (delete_file) rejected');
    } finally {
      await client.close();
    }
    // The session's trace is flushed after each run and readable by toolgraph report.
    let files: string[] = [];
    for (let i = 0; i < 50 && files.length === 0; i++) {
      files = (await readdir(traceDir)).filter((f) => f.endsWith('.jsonl'));
      if (files.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(files).toHaveLength(1);
    const report = await runInProcess(['report', join(traceDir, files[0] as string)]);
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(/calls/);
    expect(await readFile(join(traceDir, files[0] as string), 'utf8')).toContain('"call_id":"r3.u"');
  });
});

/** A server over HTTP on 127.0.0.1:0, and clients of it. */
async function serveHttp(server: PlanServer): Promise<{ url: URL; http: HttpServer }> {
  const http = createServer((req, res) => void server.handleHttp(req, res));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return { url: new URL(`http://127.0.0.1:${(http.address() as { port: number }).port}/mcp`), http };
}

async function connect(url: URL): Promise<Client> {
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(url));
  return client;
}

/** A tool whose calls wait until `open()`; counts calls in flight. */
function gateTool(name: string, extra: { concurrency?: number } = {}): { tool: Tool; open: () => void; stats: { inflight: number; peak: number; calls: number } } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const stats = { inflight: 0, peak: 0, calls: 0 };
  const tool: Tool = defineTool({
    name,
    effects: { readOnly: true },
    ...extra,
    execute: async () => {
      stats.calls++;
      stats.inflight++;
      stats.peak = Math.max(stats.peak, stats.inflight);
      try {
        await gate;
        await new Promise((r) => setTimeout(r, 5));
        return 'ok';
      } finally {
        stats.inflight--;
      }
    },
  });
  return { tool, open: release, stats };
}

describe('createPlanServer over Streamable HTTP (127.0.0.1:0)', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0)) await c();
  });

  async function start(tools: Tool[], options: Partial<Parameters<typeof createPlanServer>[0]> = {}): Promise<{ server: PlanServer; url: URL }> {
    const server = createPlanServer({ tools, ...options });
    const { url, http } = await serveHttp(server);
    cleanup.push(async () => {
      await server.shutdown({ deadlineMs: 0 });
      http.closeAllConnections();
      await new Promise((r) => http.close(r));
    });
    return { server, url };
  }

  it('refuses a destructive call with a clear text when the client cannot be asked (no elicitation)', async () => {
    const del = defineTool({ name: 'delete_file', input: { type: 'object', properties: { path: { type: 'string' } } }, execute: () => 'gone' });
    const { url } = await start([del]);
    const client = await connect(url);
    cleanup.push(() => client.close());
    const result = await client.callTool({ name: 'delete_file', arguments: { path: 'a' } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/delete_file is destructive and needs approval, but this MCP client cannot be asked .* --yes/);
  });

  it('runs destructive calls without asking with yes: true', async () => {
    const del = defineTool({ name: 'delete_file', execute: () => 'gone' });
    const { url } = await start([del], { yes: true });
    const client = await connect(url);
    cleanup.push(() => client.close());
    expect(textOf(await client.callTool({ name: 'delete_file', arguments: {} }))).toBe('gone');
  });

  it('holds each session to its concurrency cap, and a tool to its cap across sessions', async () => {
    const wide = gateTool('wide');
    const narrow = gateTool('narrow', { concurrency: 1 });
    const { server, url } = await start([wide.tool, narrow.tool], { sessionConcurrency: 2 });
    const a = await connect(url);
    const b = await connect(url);
    cleanup.push(() => a.close(), () => b.close());
    const plan = (tool: string, n: number) => ({ name: 'run_plan', arguments: { calls: Array.from({ length: n }, (_, i) => ({ id: `c${i}`, tool, args: {} })) } });
    const runs = [a.callTool(plan('wide', 6)), b.callTool(plan('wide', 6)), a.callTool(plan('narrow', 3)), b.callTool(plan('narrow', 3))];
    // Wait until both sessions are at their cap, then let everything finish.
    for (let i = 0; i < 1000 && wide.stats.inflight + narrow.stats.inflight < 4; i++) await new Promise((r) => setTimeout(r, 10));
    wide.open();
    narrow.open();
    const results = await Promise.all(runs);
    for (const r of results) expect(planResult(r).ok).toBe(true);
    expect(wide.stats.calls + narrow.stats.calls).toBe(18);
    expect(narrow.stats.peak).toBe(1);
    expect(server.toolCaps.get('narrow')?.stats().peak).toBe(1);
    expect(wide.stats.peak).toBeLessThanOrEqual(4);
    for (const s of server.sessions()) expect(s.summary().cap.peak).toBeLessThanOrEqual(2);
    expect(server.metrics().reduce((n, m) => n + m.calls, 0)).toBe(18);
  });

  it('isolates sessions: one session blocked at its cap does not stall another', async () => {
    const gate = gateTool('gate');
    const quick = defineTool({ name: 'quick', effects: { readOnly: true }, execute: () => 'fast' });
    const { url } = await start([gate.tool, quick], { sessionConcurrency: 2 });
    const a = await connect(url);
    const b = await connect(url);
    cleanup.push(() => a.close(), () => b.close());
    let aDone = false;
    const blocked = a.callTool({ name: 'run_plan', arguments: { calls: [1, 2, 3, 4].map((i) => ({ id: `g${i}`, tool: 'gate', args: {} })) } }).then((r) => {
      aDone = true;
      return r;
    });
    for (let i = 0; i < 1000 && gate.stats.inflight < 2; i++) await new Promise((r) => setTimeout(r, 10));
    const fast = await b.callTool({ name: 'run_plan', arguments: { calls: [{ id: 'q', tool: 'quick', args: {} }] } });
    expect(planResult(fast).ok).toBe(true);
    expect(aDone).toBe(false);
    gate.open();
    expect(planResult(await blocked).ok).toBe(true);
  });

  it('a cancelled request cancels only its own calls', async () => {
    const hang = defineTool({ name: 'hang', effects: { readOnly: true }, execute: (_a, { signal }) => new Promise((_r, reject) => signal.addEventListener('abort', () => reject(signal.reason))) });
    const quick = defineTool({ name: 'quick', effects: { readOnly: true }, execute: () => 'fast' });
    const { url } = await start([hang, quick]);
    const a = await connect(url);
    const b = await connect(url);
    cleanup.push(() => a.close(), () => b.close());
    const controller = new AbortController();
    const cancelled = a.callTool({ name: 'run_plan', arguments: { calls: [{ id: 'h', tool: 'hang', args: {} }] } }, undefined, { signal: controller.signal }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    expect(await cancelled).toBeInstanceOf(Error);
    expect(planResult(await b.callTool({ name: 'run_plan', arguments: { calls: [{ id: 'q', tool: 'quick', args: {} }] } })).ok).toBe(true);
  });

  it('shutdown cancels running calls at the deadline and refuses new sessions', async () => {
    const hang = defineTool({ name: 'hang', effects: { readOnly: true }, execute: (_a, { signal }) => new Promise((_r, reject) => signal.addEventListener('abort', () => reject(signal.reason))) });
    const { server, url } = await start([hang]);
    const client = await connect(url);
    cleanup.push(() => client.close());
    const running = client.callTool({ name: 'run_plan', arguments: { calls: [{ id: 'h', tool: 'hang', args: {} }] } });
    await new Promise((r) => setTimeout(r, 50));
    await server.shutdown({ deadlineMs: 20 });
    const outcome: PlanResultShape | Error = await running.then(planResult, (e: unknown) => e as Error);
    // The response may be cut by the transport closing; when it arrives, the call was cancelled.
    if (!(outcome instanceof Error)) expect(outcome.calls[0]?.status).toBe('cancelled');
    await expect(connect(url)).rejects.toThrow();
  });
});
