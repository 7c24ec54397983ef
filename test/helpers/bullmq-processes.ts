/**
 * Child processes for the toolgraph/bullmq tests: workers started with the built CLI
 * (`toolgraph worker`), a coordinator script, and a bounded wait on a condition.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MAIN, ROOT } from './built-cli.js';

/** A child process and what it printed to stderr so far. */
export interface Child {
  readonly child: ChildProcess;
  stderr(): string;
  /** Resolves with the exit code once it exits. */
  readonly exited: Promise<number | null>;
  /** SIGKILL, then waits for the exit. */
  kill(): Promise<void>;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

function track(child: ChildProcess): Child {
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err += c.toString('utf8')));
  child.stdout?.on('data', () => undefined);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stderr: () => err,
    exited,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Waits (polling every 20 ms) until `condition` holds; throws after `limitMs` with `what`. */
export async function waitFor(what: string, condition: () => boolean, limitMs = 60_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`gave up waiting for ${what} after ${limitMs} ms`);
    await sleep(20);
  }
}

/** Lines of a file (none when it does not exist). */
export function linesOf(path: string): string[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0);
}

/** Starts `toolgraph worker` on the test tools and waits until it is ready. */
export async function startWorker(redisUrl: string, queue: string, log: string, extra: readonly string[] = [], env: Readonly<Record<string, string>> = {}): Promise<Child> {
  const child = track(
    spawn(process.execPath, [MAIN, 'worker', '--tools', join(ROOT, 'test/fixtures/bullmq-tools.mjs'), '--redis', redisUrl, '--queue', queue, '--quiet', ...extra], {
      cwd: ROOT,
      env: { ...process.env, ...env, TOOLGRAPH_TEST_LOG: log },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  await Promise.race([
    waitFor('the worker to be ready', () => child.stderr().includes(' ready: '), 30_000),
    child.exited.then((code) => {
      throw new Error(`the worker exited (${String(code)}): ${child.stderr()}`);
    }),
  ]);
  return child;
}

/** Starts the coordinator script of the kill tests. */
export function startCoordinator(port: number, queue: string, runId: string, journal: string, out: string, count: number, log: string): Child {
  return track(
    spawn(process.execPath, [join(ROOT, 'test/fixtures/bullmq-coordinator.mjs'), String(port), queue, runId, journal, out, String(count)], {
      cwd: ROOT,
      env: { ...process.env, TOOLGRAPH_TEST_LOG: log },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}
