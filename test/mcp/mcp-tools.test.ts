import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { mcpTools } from '../../src/mcp/index.js';
import { run } from '../../src/schedule/scheduler.js';
import type { Tool } from '../../src/tools/tool-types.js';
// @ts-expect-error a plain .mjs test fixture without types
import { startHttpServer } from '../fixtures/mcp/upstream-server.mjs';

const SERVER = fileURLToPath(new URL('../fixtures/mcp/upstream-server.mjs', import.meta.url));

interface Stats {
  readonly hanging?: number;
  readonly cancelled: number;
  readonly log: readonly string[];
}

async function stats(client: Client): Promise<Stats> {
  const result = await client.callTool({ name: 'stats', arguments: {} });
  return result.structuredContent as unknown as Stats;
}

/** Waits (by polling the server, at most ~10 s) until `check` holds for its stats. */
async function eventually(client: Client, check: (s: Stats) => boolean): Promise<Stats> {
  let last = await stats(client);
  for (let i = 0; i < 200 && !check(last); i++) {
    await new Promise((r) => setTimeout(r, 50));
    last = await stats(client);
  }
  return last;
}

function behaviours(name: string, connect: () => Promise<{ client: Client; close: () => Promise<void> }>): void {
  describe(name, () => {
    let client: Client;
    let close: () => Promise<void>;
    let tools: Tool[];
    beforeAll(async () => {
      ({ client, close } = await connect());
      tools = await mcpTools(client);
    });
    afterAll(async () => close());

    it('reads every page of tools/list, with descriptions, schemas and effects from the annotations', () => {
      expect(tools.map((t) => t.name).sort()).toEqual(['append', 'fail', 'hang', 'lookup', 'meet', 'slow_read', 'stats', 'text_json', 'text_plain']);
      const lookup = tools.find((t) => t.name === 'lookup') as Tool;
      expect(lookup.description).toBe('A user by name');
      expect(lookup.inputJsonSchema).toMatchObject({ properties: { name: { type: 'string' } } });
      expect(lookup.outputJsonSchema).toMatchObject({ properties: { id: { type: 'number' } } });
      expect(lookup.resolvedEffects.readOnly).toBe(true);
      expect((tools.find((t) => t.name === 'append') as Tool).resolvedEffects).toMatchObject({ readOnly: false, destructive: true });
    });

    it('runs read-only tools in parallel and keeps destructive ones in plan order', async () => {
      // Each meet call returns met: true only if all 4 were running on the server at the same time.
      const group = `g${Math.random()}`;
      const calls = [
        ...[1, 2, 3, 4].map((i) => ({ id: `r${i}`, tool: 'meet', args: { group, n: 4, i } })),
        // Earlier appends take longer: run in parallel they would land out of order.
        ...['a', 'b', 'c', 'd'].map((item, i) => ({ id: `w_${item}`, tool: 'append', args: { item, ms: 40 - i * 10 } })),
      ];
      const before = (await stats(client)).log.length;
      const result = await run({ calls }, { tools, requireApproval: 'none' });
      expect(Object.values(result.calls).every((c) => c.status === 'succeeded')).toBe(true);
      for (const i of [1, 2, 3, 4]) expect(result.calls[`r${i}`]?.result).toEqual({ met: true });
      expect((await stats(client)).log.slice(before)).toEqual(['a', 'b', 'c', 'd']);
    });

    it('fills references from structured results, from JSON text, and passes plain text as a string', async () => {
      const result = await run(
        {
          calls: [
            { id: 'u', tool: 'lookup', args: { name: 'alice' } },
            { id: 'j', tool: 'text_json', args: {} },
            { id: 'p', tool: 'text_plain', args: {} },
            { id: 'r', tool: 'slow_read', args: { key: '${u.name}-${u.id}-${j.list[1]}-${j.n}', ms: 1 } },
            { id: 's', tool: 'slow_read', args: { key: '${p}', ms: 1 } },
          ],
        },
        { tools },
      );
      expect(result.calls['u']?.result).toEqual({ id: 5, name: 'alice' });
      expect(result.calls['r']?.result).toEqual({ key: 'alice-5-2-5' });
      expect(result.calls['s']?.result).toEqual({ key: 'hello there' });
    });

    it('validates args against the input schema before calling, and fails isError calls with the server text', async () => {
      const result = await run({ calls: [{ id: 'bad', tool: 'lookup', args: { name: 5 } }, { id: 'f', tool: 'fail', args: {} }] }, { tools });
      expect(result.calls['bad']?.error).toMatchObject({ code: 'INVALID_ARGS', location: 'args.name' });
      expect(result.calls['f']?.status).toBe('failed');
      expect(result.calls['f']?.error).toMatchObject({ code: 'TOOL_ERROR', message: 'disk full', details: { code: 'MCP_TOOL_ERROR' } });
    });

    it('a cancelled run cancels the request on the server (notifications/cancelled)', async () => {
      const before = await stats(client);
      const controller = new AbortController();
      const running = run({ calls: [{ id: 'h', tool: 'hang', args: {} }] }, { tools, signal: controller.signal });
      // Cancel once the server is running the call.
      await eventually(client, (s) => (s.hanging ?? 0) > (before.hanging ?? 0));
      controller.abort();
      const result = await running;
      expect(result.calls['h']?.status).toBe('cancelled');
      expect((await eventually(client, (s) => s.cancelled > before.cancelled)).cancelled).toBe(before.cancelled + 1);
    });

    it('a toolgraph timeout is TIMEOUT (not a server error) and cancels the request on the server', async () => {
      const before = (await stats(client)).cancelled;
      const result = await run({ calls: [{ id: 'h', tool: 'hang', args: {} }] }, { tools, timeoutMs: 1500 });
      expect(result.calls['h']?.status).toBe('failed');
      expect(result.calls['h']?.error?.code).toBe('TIMEOUT');
      expect((await eventually(client, (s) => s.cancelled > before)).cancelled).toBe(before + 1);
    });
  });
}

behaviours('mcpTools over stdio (a child process)', async () => {
  const client = new Client({ name: 'toolgraph-test', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [SERVER], stderr: 'ignore' }));
  return { client, close: () => client.close() };
});

behaviours('mcpTools over Streamable HTTP (127.0.0.1:0)', async () => {
  const server = (await startHttpServer()) as { url: string; close: () => Promise<void> };
  const client = new Client({ name: 'toolgraph-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
  return {
    client,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
});

describe('mcpTools options', () => {
  it('prefixes names, filters, and with trustAnnotations: false makes every tool an unannotated write', async () => {
    const client = new Client({ name: 'toolgraph-test', version: '1.0.0' });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [SERVER], stderr: 'ignore' }));
    try {
      const tools = await mcpTools(client, { prefix: 'up_', trustAnnotations: false, filter: (n) => n !== 'hang' });
      expect(tools.map((t) => t.name)).not.toContain('up_hang');
      expect(tools.map((t) => t.name)).toContain('up_lookup');
      for (const tool of tools) expect(tool.resolvedEffects).toEqual({ readOnly: false, destructive: true, idempotent: false, openWorld: true });
      const result = await run({ calls: [{ id: 'u', tool: 'up_lookup', args: { name: 'bob' } }] }, { tools, requireApproval: 'none' });
      expect(result.calls['u']?.result).toEqual({ id: 3, name: 'bob' });
    } finally {
      await client.close();
    }
  });
});
