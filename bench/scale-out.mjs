// (f) Scaling out: 10,000 independent calls of a 10–50 ms tool, in-process against 1, 2 and 4
// worker processes (toolgraph/bullmq, `toolgraph worker`) on a local redis-server. Each worker
// runs 64 jobs at once; the coordinator's cap is the fleet's slots, and the in-process run has
// the same cap, so it is the ideal the fleet is measured against. Per-call queue overhead is a
// call's duration as the coordinator saw it minus the tool's own sleep.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../dist/index.js';
import { fmt, median, percentile, prng, table, writeResult } from './helpers.mjs';

const CALLS = Number(process.env.SCALE_OUT_CALLS ?? 10_000);
const PER_WORKER = 64;
const WORKERS = [1, 2, 4];
const LIMIT_MS = 10 * 60_000; // the whole benchmark gives up after this
const root = fileURLToPath(new URL('..', import.meta.url));
const toolsModule = join(root, 'bench/scale-out-tools.mjs');

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function waitForText(child, stream, text, limitMs) {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no "${text}" within ${limitMs} ms: ${out.slice(-300)}`)), limitMs);
    child.once('error', (e) => (clearTimeout(timer), reject(e)));
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`exited (${code}) before "${text}": ${out.slice(-300)}`))));
    const onData = (c) => {
      out += c;
      if (!out.includes(text)) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child[stream].off('data', onData);
      resolve();
    };
    child[stream].on('data', onData);
  });
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function plan() {
  const random = prng(7);
  return { calls: Array.from({ length: CALLS }, (_, i) => ({ id: `w${i}`, tool: 'work', args: { i, ms: 10 + Math.floor(random() * 41) } })) };
}

async function measure(tools, cap, runId) {
  const overhead = [];
  const t0 = performance.now();
  const result = await run(plan(), {
    tools,
    concurrency: cap,
    runId,
    timeoutMs: 120_000,
    onEvent: (e) => {
      if (e.type === 'call_succeeded') overhead.push(e.durationMs - e.result.ms);
    },
  });
  const wallMs = performance.now() - t0;
  const ok = Object.values(result.calls).filter((c) => c.status === 'succeeded').length;
  if (ok !== CALLS) throw new Error(`${CALLS - ok} calls did not succeed (${runId})`);
  return { wallMs, callsPerSec: CALLS / (wallMs / 1000), overheadP50: median(overhead), overheadP99: percentile(overhead, 99) };
}

export async function scaleOutBench() {
  let bullmq;
  try {
    bullmq = await import('../dist/bullmq/index.js');
  } catch (error) {
    return { text: `## (f) scale-out\n\nskipped: toolgraph/bullmq could not be loaded (${error.message})`, file: '(none)' };
  }
  const dir = mkdtempSync(join(tmpdir(), 'toolgraph-bench-redis-'));
  const port = await freePort();
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    await waitForText(redis, 'stdout', 'Ready to accept connections', 10_000);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    return { text: `## (f) scale-out\n\nskipped: redis-server could not be started (${error.message}); apt-get install -y redis-server`, file: '(none)' };
  }
  redis.stdout.resume();
  const deadline = setTimeout(() => {
    console.error(`scale-out: gave up after ${LIMIT_MS / 1000} s`);
    process.exit(1);
  }, LIMIT_MS);
  const connection = { host: '127.0.0.1', port, maxRetriesPerRequest: null };
  const local = (await import(toolsModule)).default;
  const rows = [];
  const data = [];
  try {
    for (const workers of WORKERS) {
      const cap = workers * PER_WORKER;
      console.error(`scale-out: in-process, cap ${cap}…`);
      const inProcess = await measure(local, cap, `bench-local-${workers}`);
      const queueName = `bench-${workers}`;
      const children = [];
      for (let w = 0; w < workers; w++) {
        const child = spawn(process.execPath, [join(root, 'dist/cli/main.js'), 'worker', '--tools', toolsModule, '--redis', `redis://127.0.0.1:${port}`, '--queue', queueName, '--concurrency', String(PER_WORKER), '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
        await waitForText(child, 'stderr', ' ready: ', 30_000);
        child.stderr.resume();
        children.push(child);
      }
      const remote = bullmq.remoteTools(local, { connection, queueName });
      console.error(`scale-out: ${workers} worker process(es), cap ${cap}…`);
      let fleet;
      try {
        fleet = await measure(remote.tools, cap, `bench-remote-${workers}`);
      } finally {
        await remote.close();
        await Promise.all(children.map(stop));
      }
      data.push({ workers, cap, inProcess, fleet });
    }
  } finally {
    clearTimeout(deadline);
    await stop(redis);
    rmSync(dir, { recursive: true, force: true });
  }
  const one = data[0].fleet.callsPerSec;
  for (const d of data) {
    rows.push([`in-process`, String(d.cap), fmt(d.inProcess.wallMs / 1000), fmt(d.inProcess.callsPerSec, 0), '—', '—', fmt(d.inProcess.overheadP50), fmt(d.inProcess.overheadP99)]);
    rows.push([`${d.workers} worker process${d.workers === 1 ? '' : 'es'}`, String(d.cap), fmt(d.fleet.wallMs / 1000), fmt(d.fleet.callsPerSec, 0), `${fmt(d.fleet.callsPerSec / one)}×`, fmt(d.fleet.callsPerSec / d.inProcess.callsPerSec), fmt(d.fleet.overheadP50), fmt(d.fleet.overheadP99)]);
  }
  const text = [
    `## (f) scale-out — ${CALLS.toLocaleString('en-US')} calls of a 10–50 ms tool, ${PER_WORKER} jobs per worker process, local redis-server`,
    '',
    table(['where', 'cap', 'wall s', 'calls/s', 'vs 1 worker', 'vs in-process (same cap)', 'overhead p50 ms', 'overhead p99 ms'], rows),
  ].join('\n');
  const file = writeResult('scale-out', { calls: CALLS, perWorker: PER_WORKER, results: data });
  return { text, file };
}
