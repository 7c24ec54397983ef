// MCP load: 50 concurrent sessions over Streamable HTTP on loopback, each sending bursts of
// run_plan calls (10 plans of 10 calls, half of them dependent) against simulated tools of
// 20-200 ms. Uncapped, it measures the overhead of the whole path (HTTP, MCP, the engine) over
// each plan's own critical path; capped (8 per session, a 32-wide shared per-tool cap), it checks
// that no cap is ever exceeded. Both check that no call is lost or run twice. Then one session
// sends a 1,000-call plan.
import { createServer } from 'node:http';
import os from 'node:os';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createPlanServer } from '../dist/mcp/index.js';
import { delay, fmt, pass, percentile, prng, table, writeResult } from './helpers.mjs';

const SESSIONS = 50;
const BURSTS = 2;
const PLANS_PER_BURST = 10;
const CALLS_PER_PLAN = 10;
const SESSION_CAP = 8;
const TOOL_CAP = 32;
const BIG_PLAN = 1000;

/** Simulated tools that count what ran: per key (lost/duplicated), per session and per tool in flight. */
function simulatedTools(toolCap) {
  const ran = new Map();
  const perSession = new Map();
  const peaks = { session: 0, capped: 0 };
  let cappedInflight = 0;
  const body = (capped) => async ({ key, ms }, ctx) => {
    ran.set(key, (ran.get(key) ?? 0) + 1);
    const session = ctx.runId.slice(0, ctx.runId.lastIndexOf('-'));
    const n = (perSession.get(session) ?? 0) + 1;
    perSession.set(session, n);
    peaks.session = Math.max(peaks.session, n);
    if (capped) peaks.capped = Math.max(peaks.capped, ++cappedInflight);
    try {
      await delay(ms, undefined, ctx.signal);
      return { key, ms };
    } finally {
      perSession.set(session, perSession.get(session) - 1);
      if (capped) cappedInflight--;
    }
  };
  const input = { type: 'object', properties: { key: { type: 'string' }, ms: { type: 'number' } }, required: ['key', 'ms'] };
  const tools = [
    { name: 'sim_read', inputSchema: input, annotations: { readOnlyHint: true }, execute: body(false) },
    { name: 'sim_capped', inputSchema: input, annotations: { readOnlyHint: true }, ...(toolCap === undefined ? {} : { concurrency: toolCap }), execute: body(true) },
  ];
  return { tools, ran, peaks };
}

/** A plan of `n` calls: the first half independent, each of the second half reads one of the first half. */
function makePlan(prefix, n, rnd) {
  const ms = Array.from({ length: n }, () => 20 + Math.floor(rnd() * 181));
  const half = Math.floor(n / 2);
  const calls = [];
  let critical = 0;
  for (let i = 0; i < n; i++) {
    const tool = i % 2 === 0 ? 'sim_read' : 'sim_capped';
    if (i < half) {
      calls.push({ id: `c${i}`, tool, args: { key: `${prefix}/c${i}`, ms: ms[i] } });
      critical = Math.max(critical, ms[i]);
    } else {
      const dep = Math.floor(rnd() * half);
      // The dependency is real: the key embeds the input's result.
      calls.push({ id: `c${i}`, tool, args: { key: `${prefix}/c${i}/\${c${dep}.ms}`, ms: ms[i] } });
      critical = Math.max(critical, ms[dep] + ms[i]);
    }
  }
  const keys = calls.map((c, i) => (i < half ? c.args.key : `${prefix}/c${i}/${ms[Math.floor(Number(/\$\{c(\d+)\.ms\}/.exec(c.args.key)[1]))]}`));
  return { plan: { calls }, critical, keys };
}

async function serve(options, toolCap) {
  const sim = simulatedTools(toolCap);
  const server = createPlanServer({ tools: sim.tools, yes: true, ...options });
  const http = createServer((req, res) => void server.handleHttp(req, res));
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = new URL(`http://127.0.0.1:${http.address().port}/mcp`);
  const close = async () => {
    await server.shutdown({ deadlineMs: 1000 });
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  };
  return { sim, server, url, close };
}

async function loadRun(label, options, toolCap) {
  const { sim, server, url, close } = await serve(options, toolCap);
  const clients = await Promise.all(
    Array.from({ length: SESSIONS }, async () => {
      const client = new Client({ name: 'bench', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(url));
      return client;
    }),
  );
  const rnd = prng(42);
  const expected = [];
  const overheads = [];
  let failedCalls = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    clients.map(async (client, s) => {
      for (let b = 0; b < BURSTS; b++) {
        await Promise.all(
          Array.from({ length: PLANS_PER_BURST }, async (_, p) => {
            const { plan, critical, keys } = makePlan(`s${s}/b${b}/p${p}`, CALLS_PER_PLAN, rnd);
            expected.push(...keys);
            const start = performance.now();
            const result = await client.callTool({ name: 'run_plan', arguments: plan }, undefined, { timeout: 120_000 });
            overheads.push(performance.now() - start - critical);
            failedCalls += result.structuredContent.calls.filter((c) => c.status !== 'succeeded').length;
          }),
        );
      }
    }),
  );
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await Promise.all(clients.map((c) => c.close()));
  const metrics = server.metrics();
  const sessionPeak = Math.max(...metrics.map((m) => m.cap.peak));
  const toolPeak = server.toolCaps.get('sim_capped')?.stats().peak ?? 0;
  await close();
  const lost = expected.filter((k) => !sim.ran.has(k)).length;
  const duplicated = [...sim.ran.values()].filter((n) => n > 1).length;
  const calls = expected.length;
  return {
    label,
    calls,
    wallMs: wall,
    callsPerSecond: (calls / wall) * 1000,
    cpuMsPerCall: (cpu.user + cpu.system) / 1000 / calls,
    overheadP50: percentile(overheads, 50),
    overheadP99: percentile(overheads, 99),
    failedCalls,
    lost,
    duplicated,
    sessionPeak: Math.max(sessionPeak, sim.peaks.session),
    toolPeak: Math.max(toolPeak, sim.peaks.capped),
  };
}

async function bigPlan() {
  const { sim, url, close } = await serve({ sessionConcurrency: BIG_PLAN, maxCalls: BIG_PLAN });
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(url));
  const { plan, critical, keys } = makePlan('big', BIG_PLAN, prng(7));
  const start = performance.now();
  const result = await client.callTool({ name: 'run_plan', arguments: plan }, undefined, { timeout: 120_000 });
  const latency = performance.now() - start;
  await client.close();
  await close();
  const ok = result.structuredContent.calls.filter((c) => c.status === 'succeeded').length;
  const lost = keys.filter((k) => !sim.ran.has(k)).length;
  const duplicated = [...sim.ran.values()].filter((n) => n > 1).length;
  return { calls: BIG_PLAN, succeeded: ok, latencyMs: latency, criticalMs: critical, overheadMs: latency - critical, lost, duplicated };
}

export async function mcpLoadBench() {
  const uncapped = await loadRun('uncapped (no session or tool cap)', { sessionConcurrency: 1_000_000 }, undefined);
  const capped = await loadRun(`capped (${SESSION_CAP} per session, sim_capped ${TOOL_CAP} shared)`, { sessionConcurrency: SESSION_CAP }, TOOL_CAP);
  const big = await bigPlan();
  const rows = [uncapped, capped].map((r) => [
    r.label,
    String(r.calls),
    fmt(r.wallMs / 1000, 2),
    fmt(r.callsPerSecond, 0),
    fmt(r.cpuMsPerCall, 3),
    r.label.startsWith('uncapped') ? fmt(r.overheadP50, 1) : '–',
    r.label.startsWith('uncapped') ? fmt(r.overheadP99, 1) : '–',
    `${r.lost} / ${r.duplicated}`,
    `${r.sessionPeak}${r.label.startsWith('capped') ? ` ≤ ${SESSION_CAP} ${pass(r.sessionPeak <= SESSION_CAP)}` : ''}`,
    r.label.startsWith('capped') ? `${r.toolPeak} ≤ ${TOOL_CAP} ${pass(r.toolPeak <= TOOL_CAP)}` : String(r.toolPeak),
    `${pass(r.lost === 0 && r.duplicated === 0 && r.failedCalls === 0)}`,
  ]);
  const text = [
    `## MCP load: ${SESSIONS} sessions over Streamable HTTP (loopback), ${BURSTS} bursts of ${PLANS_PER_BURST} run_plan calls of ${CALLS_PER_PLAN} calls (half dependent), tools 20-200 ms`,
    '',
    table(['run', 'calls', 'wall s', 'calls/s', 'CPU ms per call', 'overhead p50 ms', 'overhead p99 ms', 'lost / duplicated', 'peak per session', 'peak sim_capped', 'all succeeded, none lost or twice'], rows),
    '',
    `Client, server and tools share one process on loopback (CPU per call counts all three). Load average when it ended: ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')} on ${os.cpus().length} CPUs: the latencies stretch with the machine's load; calls per CPU ms do not.`,
    '',
    'Overhead: a run_plan call\'s latency at the client minus the plan\'s own critical path (its tools\' durations along the longest chain); measured uncapped, where nothing waits for a slot. Capped, waiting for slots is the point, so only the caps are checked.',
    '',
    `One session, one ${BIG_PLAN}-call plan (half dependent, uncapped): latency ${fmt(big.latencyMs, 0)} ms for a critical path of ${big.criticalMs} ms (overhead ${fmt(big.overheadMs, 0)} ms), ${big.succeeded}/${big.calls} succeeded, lost ${big.lost}, duplicated ${big.duplicated} ${pass(big.succeeded === big.calls && big.lost === 0 && big.duplicated === 0)}`,
  ].join('\n');
  const file = writeResult('mcp-load', { sessions: SESSIONS, bursts: BURSTS, plansPerBurst: PLANS_PER_BURST, callsPerPlan: CALLS_PER_PLAN, uncapped, capped, bigPlan: big });
  return { text, file };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { text } = await mcpLoadBench();
  console.log(text);
}
