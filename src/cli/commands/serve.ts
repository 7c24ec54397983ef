/**
 * `toolgraph serve`: serves a tools module's tools and/or MCP servers' tools, plus `run_plan`,
 * as an MCP server over stdio or Streamable HTTP; each session is one rollout.
 */
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ToolgraphError } from '../../errors.js';
import { toolRegistry } from '../../tools/define-tool.js';
import type { Tool } from '../../tools/tool-types.js';
import { UsageError, writeLine, type CliIo, type ExitCode } from '../cli-io.js';
import { loadTools } from '../load-tools.js';
import { connectMcpSources } from '../mcp-sources.js';
import { intOption } from './validate.js';

/** Usage text of `toolgraph serve`. */
export const SERVE_USAGE = `usage: toolgraph serve [--tools M] [--mcp "CMD"]... [--port N | --stdio] [options]

Serves tools as an MCP server: each tool (with its annotations and schemas) and
run_plan, which runs a whole plan of calls as a DAG in one call. One MCP session
is one rollout, with its own concurrency cap, rate limit, trace and metrics.
  --tools M          ES module exporting tools (as for toolgraph run)
  --mcp "CMD"        also serve the tools of the MCP server this command starts (repeatable)
  --mcp-url URL      also serve the tools of an MCP server over Streamable HTTP (repeatable)
  --stdio            serve one session over stdin/stdout (the default)
  --port N           serve Streamable HTTP on 127.0.0.1:N (0 picks a free port)
  --host H           address to listen on with --port (default 127.0.0.1)
  --concurrency N    tool calls of one session running at once (default 8)
  --rate N/MS        at most N tool call starts per MS milliseconds per session
  --timeout MS       per-call timeout unless the tool sets one (default 30000)
  --trace-dir D      write each session's JSONL trace to D/<session>.jsonl
                     (read it with toolgraph report)
  -y, --yes          run destructive calls without asking; otherwise they are asked
                     through MCP elicitation, and refused where the client cannot be asked
  --shutdown-deadline MS
                     on SIGTERM, let running calls finish for MS before cancelling them
                     (default 10000)
The HTTP address is printed on stderr. SIGTERM or SIGINT stops the server: no new calls,
running ones finish or are cancelled at the deadline, traces are flushed.`;

/** Parses `--rate N/MS`. */
function rateOption(value: string | undefined): { limit: number; intervalMs: number } | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(value);
  if (m === null || Number(m[1]) < 1 || Number(m[2]) < 1) throw new UsageError(`expected --rate to be N/MS (e.g. 10/1000), got \`${value}\``);
  return { limit: Number(m[1]), intervalMs: Number(m[2]) };
}

/** Runs `toolgraph serve` until SIGTERM/SIGINT (or stdin closes with --stdio). */
export async function serveCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      tools: { type: 'string' },
      mcp: { type: 'string', multiple: true },
      'mcp-url': { type: 'string', multiple: true },
      stdio: { type: 'boolean', default: false },
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      concurrency: { type: 'string' },
      rate: { type: 'string' },
      timeout: { type: 'string' },
      'trace-dir': { type: 'string' },
      yes: { type: 'boolean', short: 'y', default: false },
      'shutdown-deadline': { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length > 0) throw new UsageError(`serve takes no positional arguments, got ${JSON.stringify(positionals[0])}`);
  const commands = values.mcp ?? [];
  const urls = values['mcp-url'] ?? [];
  if (values.tools === undefined && commands.length === 0 && urls.length === 0) throw new UsageError('give --tools <module> and/or --mcp / --mcp-url');
  if (values.stdio && values.port !== undefined) throw new UsageError('give --port or --stdio, not both');
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new UsageError(`expected --port to be 0-65535, got \`${values.port}\``);
  const concurrency = intOption('concurrency', values.concurrency);
  const timeoutMs = intOption('timeout', values.timeout);
  const deadlineMs = intOption('shutdown-deadline', values['shutdown-deadline']) ?? 10_000;
  const rate = rateOption(values.rate);
  const traceDir = values['trace-dir'] === undefined ? undefined : resolve(io.cwd, values['trace-dir']);
  if (traceDir !== undefined) {
    try {
      await mkdir(traceDir, { recursive: true });
    } catch (error) {
      throw new ToolgraphError('INVALID_OPTION', `--trace-dir ${values['trace-dir']}: cannot create: ${(error as Error).message}`);
    }
  }
  const moduleTools = values.tools === undefined ? new Map<string, Tool>() : await loadTools(values.tools, io.cwd);
  const sources = await connectMcpSources(commands, urls);
  try {
    const tools = toolRegistry([...moduleTools.values(), ...sources.tools]);
    let mcp: typeof import('../../mcp/plan-server.js');
    try {
      mcp = await import('../../mcp/plan-server.js');
    } catch (error) {
      throw new ToolgraphError('INVALID_OPTION', 'toolgraph serve needs the package @modelcontextprotocol/sdk: npm install @modelcontextprotocol/sdk', { cause: error });
    }
    const server = mcp.createPlanServer({
      tools,
      yes: values.yes,
      ...(concurrency === undefined ? {} : { sessionConcurrency: concurrency }),
      ...(rate === undefined ? {} : { sessionRateLimit: rate }),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      ...(traceDir === undefined ? {} : { traceDir }),
    });
    const stopped = new Promise<void>((resolveStop) => {
      const stop = (): void => {
        process.removeListener('SIGTERM', stop);
        process.removeListener('SIGINT', stop);
        resolveStop();
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      if (port === undefined) process.stdin.once('end', stop);
    });
    const names = [...tools.keys()];
    if (port === undefined) {
      // stdout is the protocol's channel: what tools print goes to stderr.
      console.log = (...args: unknown[]): void => void io.stderr.write(`${args.map(String).join(' ')}\n`);
      console.info = console.log;
      console.debug = console.log;
      const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
      await server.connect(new StdioServerTransport());
      writeLine(io.stderr, `toolgraph serve: serving ${names.length} tool${names.length === 1 ? '' : 's'} and run_plan over stdio`);
      await stopped;
      await server.shutdown({ deadlineMs });
      return 0;
    }
    const http = createServer((req, res) => {
      server.handleHttp(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500).end(String((error as Error).message));
      });
    });
    await new Promise<void>((resolveListen, reject) => {
      http.once('error', (error: NodeJS.ErrnoException) => reject(new ToolgraphError('INVALID_OPTION', `--port ${port}: cannot listen: ${error.code ?? error.message}`)));
      http.listen(port, values.host, () => resolveListen());
    });
    const address = http.address() as { port: number };
    const host = (values.host as string).includes(':') ? `[${values.host as string}]` : (values.host as string);
    writeLine(io.stderr, `toolgraph serve: serving ${names.length} tool${names.length === 1 ? '' : 's'} and run_plan on http://${host}:${address.port}/mcp`);
    await stopped;
    writeLine(io.stderr, 'toolgraph serve: shutting down');
    await server.shutdown({ deadlineMs });
    http.closeAllConnections();
    await new Promise<void>((resolveClose) => http.close(() => resolveClose()));
    const metrics = server.metrics();
    const calls = metrics.reduce((acc, m) => acc + m.calls, 0);
    writeLine(io.stderr, `toolgraph serve: stopped after ${metrics.length} session${metrics.length === 1 ? '' : 's'} and ${calls} call${calls === 1 ? '' : 's'}`);
    return 0;
  } finally {
    await sources.close();
  }
}
