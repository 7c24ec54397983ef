/**
 * `mcpTools(client)`: the tools of a connected MCP server as toolgraph tools, scheduled by
 * their annotations (read-only tools in parallel, destructive ones in plan order).
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ToolgraphError } from '../errors.js';
import { defineTool } from '../tools/define-tool.js';
import type { JsonSchema } from '../tools/tool-schema.js';
import type { McpToolAnnotations, Tool, ToolDefinition } from '../tools/tool-types.js';
import { McpToolError } from './mcp-tool-error.js';
import { selectResult, type McpCallResult } from './select-result.js';

/** Options of {@link mcpTools}. */
export interface McpToolsOptions {
  /** Put before every tool name, e.g. `github_` (keeps two servers' `search` apart). @default '' */
  readonly prefix?: string;
  /**
   * Trust the server's annotations (`readOnlyHint`, ...) for scheduling. With `false` every tool
   * is an unannotated write: destructive, kept in plan order, asked about. @default true
   */
  readonly trustAnnotations?: boolean;
  /** Only the tools whose MCP name passes. @default every tool */
  readonly filter?: (name: string) => boolean;
  /** Per-call timeout (toolgraph's, reported as `TIMEOUT`) for every tool. @default the run's `timeoutMs` */
  readonly timeoutMs?: number;
  /** Calls of each tool running at once. @default unlimited */
  readonly concurrency?: number;
  /**
   * The SDK's own request timeout; when it fires the call fails `TOOL_ERROR` with
   * `details.code: 'MCP_REQUEST_TIMEOUT'`. Keep it above toolgraph's timeout. @default 600000 (10 minutes)
   */
  readonly requestTimeoutMs?: number;
  /** Most tools read from the server (pages of `tools/list` are followed up to it). @default 10000 */
  readonly maxTools?: number;
}

/** A tool as `tools/list` describes it (the fields toolgraph reads). */
interface ListedTool {
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly inputSchema?: unknown;
  readonly outputSchema?: unknown;
  readonly annotations?: McpToolAnnotations;
}

/** The part of the SDK's `Client` that {@link mcpTools} uses. */
export type McpClientLike = Pick<Client, 'listTools' | 'callTool'>;

/**
 * Lists every tool of `client`'s server (following `tools/list` pages) and returns them as toolgraph
 * tools. Each call is `tools/call` with the call's `ctx.signal`, so a toolgraph timeout or
 * cancellation sends `notifications/cancelled` to the server. See docs/mcp.md for the value a
 * call's result is (what references select from).
 *
 * @example
 * const client = new Client({ name: 'me', version: '1.0.0' })
 * await client.connect(new StdioClientTransport({ command: 'node', args: ['server.mjs'] }))
 * const result = await run(plan, { tools: await mcpTools(client, { prefix: 'fs_' }) })
 */
export async function mcpTools(client: McpClientLike, options: McpToolsOptions = {}): Promise<Tool[]> {
  const prefix = options.prefix ?? '';
  const trust = options.trustAnnotations ?? true;
  const maxTools = options.maxTools ?? 10_000;
  const requestTimeout = options.requestTimeoutMs ?? 600_000;
  const listed: ListedTool[] = [];
  let cursor: string | undefined;
  const seenCursors = new Set<string>();
  do {
    const page = await client.listTools(cursor === undefined ? {} : { cursor });
    for (const tool of page.tools as readonly ListedTool[]) {
      if (listed.length >= maxTools) throw new ToolgraphError('INVALID_OPTION', `mcpTools: the server lists more than ${maxTools} tools (raise maxTools)`);
      listed.push(tool);
    }
    cursor = typeof page.nextCursor === 'string' && page.nextCursor !== '' ? page.nextCursor : undefined;
    if (cursor !== undefined) {
      if (seenCursors.has(cursor)) throw new ToolgraphError('INVALID_OPTION', 'mcpTools: the server repeats a tools/list cursor (pagination loops)');
      seenCursors.add(cursor);
    }
  } while (cursor !== undefined);

  const tools: Tool[] = [];
  for (const listedTool of listed) {
    if (options.filter !== undefined && !options.filter(listedTool.name)) continue;
    const mcpName = listedTool.name;
    const annotations = trust ? pickHints(listedTool.annotations) : undefined;
    const definition: ToolDefinition = {
      name: `${prefix}${mcpName}`,
      ...(listedTool.description === undefined ? {} : { description: listedTool.description }),
      ...(listedTool.title === undefined ? {} : { title: listedTool.title }),
      ...(isObject(listedTool.inputSchema) ? { inputSchema: listedTool.inputSchema } : {}),
      ...(isObject(listedTool.outputSchema) ? { outputSchema: listedTool.outputSchema } : {}),
      ...(annotations === undefined ? {} : { annotations }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      execute: async (args, ctx) => {
        let result: McpCallResult;
        try {
          result = (await client.callTool({ name: mcpName, arguments: args }, undefined, { signal: ctx.signal, timeout: requestTimeout })) as McpCallResult;
        } catch (error) {
          // The SDK's own timeout (JSON-RPC -32001) is the server being slow, not toolgraph's TIMEOUT.
          if (!ctx.signal.aborted && (error as { code?: unknown } | null)?.code === -32001) {
            throw new McpToolError(`the MCP request timed out after ${requestTimeout} ms (requestTimeoutMs)`, 'MCP_REQUEST_TIMEOUT');
          }
          throw error;
        }
        return selectResult(result);
      },
    };
    try {
      tools.push(defineTool(definition));
    } catch (error) {
      if (!ToolgraphError.isInstance(error)) throw error;
      throw new ToolgraphError(error.code, `mcpTools: ${error.message}`, { ...(error.details === undefined ? {} : { details: error.details }), cause: error });
    }
  }
  return tools;
}

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Only the annotation hints (servers may send other keys; they are not toolgraph's to refuse). */
function pickHints(annotations: McpToolAnnotations | undefined): McpToolAnnotations | undefined {
  if (annotations === undefined || annotations === null || typeof annotations !== 'object') return undefined;
  const hints: Record<string, boolean> = {};
  for (const key of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const) {
    if (typeof annotations[key] === 'boolean') hints[key] = annotations[key];
  }
  return hints as McpToolAnnotations;
}
