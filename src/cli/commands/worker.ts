/**
 * `toolgraph worker --tools <module> --redis <url>`: runs the jobs of `toolgraph/bullmq`'s remote
 * tools with the module's tools until SIGINT or SIGTERM, then lets running jobs end.
 */
import { parseArgs } from 'node:util';
import { ToolgraphError } from '../../errors.js';
import { UsageError, writeLine, type CliIo, type ExitCode } from '../cli-io.js';
import { loadTools } from '../load-tools.js';
import { printable } from '../progress.js';
import { intOption } from './validate.js';

/** Usage text of `toolgraph worker`. */
export const WORKER_USAGE = `usage: toolgraph worker --tools <module> --redis <url> [options]

Runs the tools of <module> for remote tools (toolgraph/bullmq) until SIGINT or SIGTERM.
  --tools M          ES module whose default (or \`tools\`) export is the tools
  --redis URL        Redis to take jobs from, e.g. redis://127.0.0.1:6379
  --queue NAME       the queue's name (default toolgraph)
  --concurrency N    jobs at once in this process (default 16; each tool's own cap applies too)
  --lock-ms N        a worker silent this long is taken for dead (default 30000)
  --timeout-ms N     per-call timeout of tools without their own (default 30000)
  --quiet            print nothing per job
Needs the bullmq package (npm install bullmq). Exit: 0 stopped, 2 bad usage or unusable tools.`;

/** Runs `toolgraph worker`. */
export async function workerCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      tools: { type: 'string' },
      redis: { type: 'string' },
      queue: { type: 'string', default: 'toolgraph' },
      concurrency: { type: 'string' },
      'lock-ms': { type: 'string' },
      'timeout-ms': { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument \`${positionals[0]}\``);
  if (values.tools === undefined) throw new UsageError('missing --tools <module>');
  if (values.redis === undefined) throw new UsageError('missing --redis <url>');
  let url: URL;
  try {
    url = new URL(values.redis);
  } catch {
    throw new UsageError(`expected --redis to be a URL such as redis://127.0.0.1:6379, got \`${values.redis}\``);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new UsageError(`expected --redis to start with redis:// or rediss://, got \`${values.redis}\``);
  const concurrency = intOption('concurrency', values.concurrency);
  const lockMs = intOption('lock-ms', values['lock-ms'], 100);
  const timeoutMs = intOption('timeout-ms', values['timeout-ms']);
  const tools = await loadTools(values.tools, io.cwd);
  let bullmq: typeof import('../../bullmq/index.js');
  try {
    bullmq = await import('../../bullmq/index.js');
  } catch (error) {
    throw new ToolgraphError('INVALID_OPTION', `toolgraph worker needs the bullmq package: npm install bullmq (${error instanceof Error ? error.message : String(error)})`);
  }
  const connection = {
    host: url.hostname === '' ? '127.0.0.1' : url.hostname,
    port: url.port === '' ? 6379 : Number(url.port),
    ...(url.username === '' ? {} : { username: decodeURIComponent(url.username) }),
    ...(url.password === '' ? {} : { password: decodeURIComponent(url.password) }),
    ...(url.pathname.length > 1 ? { db: Number(url.pathname.slice(1)) || 0 } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
  const worker = bullmq.createToolWorker(values.queue, [...tools.values()], {
    connection,
    ...(concurrency === undefined ? {} : { concurrency }),
    ...(lockMs === undefined ? {} : { lockDurationMs: lockMs, stalledIntervalMs: lockMs }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(values.quiet ? {} : { onJob: (job) => writeLine(io.stderr, `${job.ok ? 'done' : `failed ${job.code ?? ''}`.trim()} ${printable(job.tool)} ${printable(job.callId)}`) }),
  });
  // ioredis retries a Redis it cannot reach without end: say so instead of waiting in silence.
  const slow = setTimeout(() => writeLine(io.stderr, `worker ${process.pid}: still connecting to Redis at ${printable(url.host)}…`), 3000);
  await worker.waitUntilReady();
  clearTimeout(slow);
  writeLine(io.stderr, `worker ${process.pid} ready: queue ${printable(values.queue)} on ${url.host}, tools ${[...tools.keys()].map((name) => printable(name)).join(', ')}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  writeLine(io.stderr, `worker ${process.pid} stopping: running jobs finish first`);
  await worker.close();
  return 0;
}
