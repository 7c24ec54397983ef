/**
 * `createPlanServer(options)`: toolgraph as an MCP server. It serves every tool it fronts (with
 * annotations and schemas) plus `run_plan`, a whole DAG in one call. Each MCP session is one
 * rollout with its own cap, rate limit, trace and metrics.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ToolgraphError } from '../errors.js';
import { callDeps } from '../plan/call-deps.js';
import { planTool, PLAN_TOOL_NAME } from '../protocol/plan-tool.js';
import { runPlanOutcome, type PlanOutcome } from '../protocol/run-plan-outcome.js';
import type { ApprovalDecision, ApprovalPolicy, ApprovalRequest } from '../schedule/policies/approval.js';
import type { RunEvent, RunMetrics } from '../schedule/events.js';
import { toolRegistry } from '../tools/define-tool.js';
import { inputJsonSchemaOf, outputJsonSchemaOf, type JsonSchema } from '../tools/tool-json-schema.js';
import type { RateLimit, Tool, ToolsInput } from '../tools/tool-types.js';
import { Limiter } from './limiter.js';
import { PlanSession, type SessionMetrics } from './plan-session.js';

/** Options of {@link createPlanServer}. */
export interface PlanServerOptions {
  /** The tools served (a tools module's, `mcpTools(...)`'s, or both). */
  readonly tools: ToolsInput;
  /** Server name in `initialize`. @default 'toolgraph' */
  readonly name?: string;
  /** Server version in `initialize`. @default '0.1.0' */
  readonly version?: string;
  /** Tool calls of one session running at once, over all its requests. @default 8 */
  readonly sessionConcurrency?: number;
  /** Tool call starts of one session per window. @default none */
  readonly sessionRateLimit?: RateLimit;
  /** Per-call timeout unless the tool sets one, ms. @default 30000 */
  readonly timeoutMs?: number;
  /** Which calls ask for approval (through MCP elicitation). @default 'destructive' */
  readonly requireApproval?: ApprovalPolicy;
  /** Run every call without asking (`--yes`). @default false */
  readonly yes?: boolean;
  /** Folder for per-session JSONL traces (`<dir>/<sessionId>.jsonl`, readable by `toolgraph report`). */
  readonly traceDir?: string;
  /** Most sessions open at once over HTTP; more are refused with 503. @default 1000 */
  readonly maxSessions?: number;
  /** Most calls in one `run_plan`. @default 10000 */
  readonly maxCalls?: number;
  /** Called when a session ends, with its metrics. */
  readonly onSessionClosed?: (metrics: SessionMetrics) => void;
}

/** Options of {@link PlanServer.shutdown}. */
export interface ShutdownOptions {
  /** How long running requests may take to finish before they are cancelled, ms. @default 10000 */
  readonly deadlineMs?: number;
}

/** A running plan server: sessions over any transport, an HTTP handler, and shutdown. */
export interface PlanServer {
  /** Serves one session over a transport (e.g. stdio); resolves when connected. */
  connect(transport: Transport, sessionId?: string): Promise<PlanSession>;
  /** Handles one HTTP request of the Streamable HTTP transport (any path: mount it where you like). */
  handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** The open sessions. */
  sessions(): readonly PlanSession[];
  /** Metrics of every session so far (closed ones included). */
  metrics(): readonly SessionMetrics[];
  /** The shared per-tool caps (for checking that none was exceeded). */
  readonly toolCaps: ReadonlyMap<string, Limiter>;
  /** Stops taking calls, lets running ones finish until the deadline, cancels the rest, flushes traces, closes sessions. */
  shutdown(options?: ShutdownOptions): Promise<void>;
}

const SHUTTING_DOWN = 'the server is shutting down and takes no new calls';

function objectSchema(schema: JsonSchema | undefined): JsonSchema {
  if (schema === undefined) return { type: 'object' };
  return schema['type'] === 'object' ? schema : { ...schema, type: 'object' };
}

function annotationsOf(tool: Tool): Record<string, boolean> {
  const e = tool.resolvedEffects;
  return { readOnlyHint: e.readOnly, destructiveHint: e.destructive, idempotentHint: e.idempotent, openWorldHint: e.openWorld };
}

/** The `tools/list` entry of a tool. */
function listing(tool: Tool, inputSchema: JsonSchema | undefined): Record<string, unknown> {
  const output = outputJsonSchemaOf(tool);
  return {
    name: tool.name,
    ...(tool.title === undefined ? {} : { title: tool.title }),
    ...(tool.description === undefined ? {} : { description: tool.description }),
    inputSchema: objectSchema(inputSchema ?? inputJsonSchemaOf(tool)),
    ...(output !== undefined && output['type'] === 'object' ? { outputSchema: output } : {}),
    annotations: annotationsOf(tool),
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Text a person reads before approving: the tool, the call and its filled arguments. */
function approvalText(request: ApprovalRequest): string {
  let args: string;
  try {
    args = JSON.stringify(request.args, null, 2) ?? 'undefined';
  } catch {
    args = String(request.args);
  }
  if (args.length > 4000) args = `${args.slice(0, 4000)}… (${args.length - 4000} more characters)`;
  const why = request.effects.destructive ? 'is destructive' : request.effects.readOnly ? 'reads' : 'writes';
  return `Approve ${request.tool} (call ${request.id})? It ${why}. Arguments:\n${args}`;
}

/**
 * Creates a plan server over the given tools. Serve it over stdio with `connect(new
 * StdioServerTransport())`, over Streamable HTTP by passing requests to `handleHttp`, or run
 * `toolgraph serve`.
 *
 * @example
 * const server = createPlanServer({ tools: [search, readFile], sessionConcurrency: 4, traceDir: 'traces' })
 * http.createServer((req, res) => void server.handleHttp(req, res)).listen(3000, '127.0.0.1')
 */
export function createPlanServer(options: PlanServerOptions): PlanServer {
  const registry = toolRegistry(options.tools);
  if (registry.has(PLAN_TOOL_NAME)) throw new ToolgraphError('INVALID_OPTION', `createPlanServer: a served tool is named "${PLAN_TOOL_NAME}", the plan tool's name`);
  const sessionConcurrency = options.sessionConcurrency ?? 8;
  if (!(Number.isInteger(sessionConcurrency) && sessionConcurrency >= 1)) {
    throw new ToolgraphError('INVALID_OPTION', `createPlanServer: expected sessionConcurrency to be a positive integer, got ${String(sessionConcurrency)}`);
  }
  const policy: ApprovalPolicy = options.yes === true ? 'none' : (options.requireApproval ?? 'destructive');
  const maxSessions = options.maxSessions ?? 1000;
  const toolCaps = new Map<string, Limiter>();
  for (const tool of registry.values()) {
    if (tool.concurrency !== undefined || tool.rateLimit !== undefined) toolCaps.set(tool.name, new Limiter(tool.concurrency ?? Number.POSITIVE_INFINITY, tool.rateLimit));
  }
  const planListing = listing(planTool(registry, { requireApproval: policy }) as unknown as Tool, undefined);
  const toolListings = [...[...registry.values()].map((t) => listing(t, undefined)), planListing];
  const open = new Map<string, PlanSession>();
  const closedMetrics: SessionMetrics[] = [];
  const transports = new Map<string, StreamableHTTPServerTransport>();
  let closing = false;

  function closeSession(session: PlanSession): void {
    if (!open.delete(session.sessionId)) return;
    session.controller.abort(new ToolgraphError('CANCELLED', 'the session closed'));
    const metrics = session.summary();
    closedMetrics.push(metrics);
    void session.flush().catch(() => undefined);
    options.onSessionClosed?.(metrics);
  }

  function makeServer(session: PlanSession): Server {
    const server = new Server({ name: options.name ?? 'toolgraph', version: options.version ?? '0.1.0' }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: toolListings }) as never);
    server.setRequestHandler(CallToolRequestSchema, (request, extra) => {
      const served = serveCall(server, session, request.params.name, request.params.arguments ?? {}, extra);
      session.inflight.add(served);
      void served.finally(() => session.inflight.delete(served));
      return served as never;
    });
    return server;
  }

  async function serveCall(
    server: Server,
    session: PlanSession,
    name: string,
    args: Record<string, unknown>,
    extra: { signal: AbortSignal; requestId: string | number; _meta?: { progressToken?: string | number | undefined } | undefined; sendNotification: (n: never) => Promise<void> },
  ): Promise<CallToolResult> {
    if (closing) return { content: [{ type: 'text', text: `Error (CANCELLED): ${SHUTTING_DOWN}` }], isError: true };
    const isPlan = name === PLAN_TOOL_NAME;
    if (!isPlan && !session.tools.has(name)) {
      return { content: [{ type: 'text', text: `Error (UNKNOWN_TOOL): no tool named ${JSON.stringify(name)}` }], isError: true };
    }
    const plan = isPlan ? args : { calls: [{ id: 'call', tool: name, args }] };
    const rawCalls = Array.isArray((plan as { calls?: unknown }).calls) ? ((plan as { calls: unknown[] }).calls as unknown[]) : [];
    const ids = rawCalls.map((c) => (isPlainObject(c) && typeof c['id'] === 'string' ? c['id'] : '')).filter((id) => id !== '');
    const deps = new Map<string, readonly string[]>();
    for (const c of rawCalls) if (isPlainObject(c) && typeof c['id'] === 'string') deps.set(c['id'], callDeps(c));
    const traced = session.beginRun(ids, deps);
    const progressToken = extra._meta?.progressToken;
    let progress = 0;
    let metrics: RunMetrics | undefined;
    const onEvent = (event: RunEvent): void => {
      traced.onEvent(event);
      if (event.type === 'run_finished') metrics = event.metrics;
      if (progressToken === undefined || !isPlan) return;
      const started = event.type === 'call_started';
      const ended = event.type === 'call_succeeded' || event.type === 'call_failed' || event.type === 'call_skipped' || event.type === 'call_cancelled' || event.type === 'call_rejected';
      if (!started && !ended) return;
      progress++;
      const e = event as { callId: string; tool: string; type: string };
      const what = started ? 'started' : e.type.slice('call_'.length);
      void extra
        .sendNotification({ method: 'notifications/progress', params: { progressToken, progress, total: ids.length * 2, message: `${e.callId} (${e.tool}) ${what}` } } as never)
        .catch(() => undefined);
    };
    const approve = async (call: ApprovalRequest): Promise<ApprovalDecision> => {
      const capabilities = server.getClientCapabilities();
      if (capabilities?.elicitation === undefined) {
        return {
          reject: `${call.tool} ${call.effects.destructive ? 'is destructive' : 'writes'} and needs approval, but this MCP client cannot be asked (it does not support elicitation); the server must be started with --yes (or requireApproval: 'none') to run it without asking`,
        };
      }
      try {
        const answer = await server.elicitInput(
          {
            message: approvalText(call),
            requestedSchema: { type: 'object', properties: { approve: { type: 'boolean', title: 'Approve', description: `Run ${call.tool} with these arguments` } }, required: ['approve'] },
          },
          { relatedRequestId: extra.requestId, signal: signal },
        );
        if (answer.action === 'accept' && answer.content?.['approve'] === true) return 'approve';
        return { reject: answer.action === 'accept' ? 'the user did not approve it' : `the user answered ${answer.action}` };
      } catch (error) {
        return { reject: `asking the user failed: ${error instanceof Error ? error.message : String(error)}` };
      }
    };
    const signal = AbortSignal.any([extra.signal, session.controller.signal]);
    let outcome: PlanOutcome;
    try {
      outcome = await runPlanOutcome(plan, {
        tools: session.tools,
        runId: traced.runId,
        signal,
        onEvent,
        concurrency: sessionConcurrency,
        requireApproval: policy,
        approve,
        // A direct call fails on its own (INVALID_ARGS ...) rather than as a refused one-call plan.
        validateFirst: isPlan,
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        ...(options.maxCalls === undefined ? {} : { maxCalls: options.maxCalls }),
      });
    } finally {
      await traced.end(metrics ?? emptyMetrics()).catch(() => undefined);
    }
    if (isPlan) {
      // A refused plan is an error; a plan that ran is a result, with each call's outcome in it.
      return { content: [{ type: 'text', text: outcome.text }], structuredContent: outcome.result as unknown as Record<string, unknown>, isError: outcome.result.problems !== undefined };
    }
    const call = outcome.result.calls[0];
    if (call === undefined) return { content: [{ type: 'text', text: outcome.text }], isError: true };
    if (call.status !== 'succeeded') return { content: [{ type: 'text', text: call.error ?? call.status }], isError: true };
    const text = typeof call.result === 'string' ? call.result : (JSON.stringify(call.result) ?? 'null');
    return { content: [{ type: 'text', text }], ...(isPlainObject(call.result) ? { structuredContent: call.result } : {}) };
  }

  function newSession(sessionId: string): PlanSession {
    const session = new PlanSession(sessionId, registry, toolCaps, {
      concurrency: sessionConcurrency,
      ...(options.sessionRateLimit === undefined ? {} : { rateLimit: options.sessionRateLimit }),
      ...(options.traceDir === undefined ? {} : { traceDir: options.traceDir }),
    });
    open.set(sessionId, session);
    return session;
  }

  return {
    toolCaps,
    async connect(transport, sessionId = randomUUID()) {
      if (closing) throw new ToolgraphError('INVALID_OPTION', SHUTTING_DOWN);
      const session = newSession(sessionId);
      const server = makeServer(session);
      server.onclose = () => closeSession(session);
      await server.connect(transport);
      return session;
    },
    async handleHttp(req, res) {
      const header = req.headers['mcp-session-id'];
      const id = typeof header === 'string' ? header : undefined;
      if (id !== undefined) {
        const transport = transports.get(id);
        if (transport === undefined) {
          res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }));
          return;
        }
        await transport.handleRequest(req, res);
        return;
      }
      if (closing || open.size >= maxSessions) {
        res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: closing ? SHUTTING_DOWN : `too many sessions (at most ${maxSessions})` }, id: null }));
        return;
      }
      // The id is made here so the session (trace file, run ids) exists before the transport uses it.
      const sid = randomUUID();
      const session = newSession(sid);
      const server = makeServer(session);
      const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => sid,
        onsessioninitialized: () => void transports.set(sid, transport),
      });
      server.onclose = () => {
        transports.delete(sid);
        closeSession(session);
      };
      await server.connect(transport);
      await transport.handleRequest(req, res);
      if (transport.sessionId === undefined) {
        // Not an initialize request: no session was made (the transport answered the error).
        open.delete(sid);
        await transport.close();
      }
    },
    sessions: () => [...open.values()],
    metrics: () => [...closedMetrics, ...[...open.values()].map((s) => s.summary())],
    async shutdown(shutdownOptions = {}) {
      closing = true;
      const deadline = shutdownOptions.deadlineMs ?? 10_000;
      const running = [...open.values()].flatMap((s) => [...s.inflight]);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const expired = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, deadline);
      });
      await Promise.race([Promise.allSettled(running), expired]);
      clearTimeout(timer);
      for (const session of open.values()) session.controller.abort(new ToolgraphError('CANCELLED', SHUTTING_DOWN));
      await Promise.allSettled(running);
      await Promise.allSettled([...open.values()].map((s) => s.flush()));
      for (const transport of transports.values()) await transport.close().catch(() => undefined);
      for (const session of [...open.values()]) closeSession(session);
    },
  };
}

function emptyMetrics(): RunMetrics {
  return {
    calls: 0,
    succeeded: 0,
    failed: 0,
    skipped: 0,
    cancelled: 0,
    rejected: 0,
    makespanMs: 0,
    criticalPathMs: 0,
    makespanOverCriticalPath: 1,
    maxParallelism: 0,
    rounds: 0,
  } as unknown as RunMetrics;
}
