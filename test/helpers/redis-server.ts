/**
 * Starts a real redis-server for a test file: loopback only (127.0.0.1), a free port, no
 * persistence, in a temporary directory; stopped by `stop()`. When redis-server cannot be found
 * or started, `startRedis` returns the reason instead, for the test to skip with.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running redis-server. */
export interface RedisServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function startOnce(port: number, dir: string): Promise<ChildProcess | string> {
  return new Promise((resolve) => {
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'yes'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let ready = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(`redis-server did not report ready within 10 s: ${out.slice(-300)}`);
    }, 10_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve(`redis-server could not be started (${error.message}); install it with apt-get install -y redis-server`);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(`redis-server exited with code ${String(code)}: ${out.slice(-300)}`);
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      if (ready) return;
      out += chunk.toString('utf8');
      if (out.includes('Ready to accept connections')) {
        ready = true;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve(child);
      }
    });
  });
}

/** Starts redis-server, or returns why it could not be started. */
export async function startRedis(): Promise<RedisServer | string> {
  const dir = mkdtempSync(join(tmpdir(), 'toolgraph-redis-'));
  let reason = 'redis-server could not be started';
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    const started = await startOnce(port, dir);
    if (typeof started === 'string') {
      reason = started;
      if (started.includes('could not be started')) break;
      continue;
    }
    const child = started;
    return {
      host: '127.0.0.1',
      port,
      url: `redis://127.0.0.1:${port}`,
      stop: () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => {
            rmSync(dir, { recursive: true, force: true });
            resolve();
          });
          child.kill('SIGTERM');
        }),
    };
  }
  rmSync(dir, { recursive: true, force: true });
  return reason;
}
