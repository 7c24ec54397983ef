/**
 * Test helpers for the CLI: run `runCli` in-process with fake streams, and spawn the built
 * `dist/cli/main.js` (building it first only when it is missing or older than a source file;
 * a lock directory keeps parallel test files from building at once).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli/run-cli.js';

/** Repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The built executable. */
export const MAIN = join(ROOT, 'dist', 'cli', 'main.js');

/** What a CLI run printed and returned. */
export interface CliOutput {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function collect(stream: PassThrough): () => string {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer | string) => chunks.push(typeof c === 'string' ? Buffer.from(c) : c));
  return () => Buffer.concat(chunks).toString('utf8');
}

/** Runs `runCli` in-process; `stdin` is the text read for `-`. */
export async function runInProcess(argv: readonly string[], stdin = ''): Promise<CliOutput> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out = collect(stdout);
  const err = collect(stderr);
  const code = await runCli(argv, { stdout, stderr, stdin: Readable.from([Buffer.from(stdin)]), cwd: ROOT });
  return { code, stdout: out(), stderr: err() };
}

function newestSource(dir: string): number {
  let newest = 0;
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop() as string;
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) stack.push(p);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  }
  return newest;
}

function isFresh(): boolean {
  return existsSync(MAIN) && statSync(MAIN).mtimeMs >= newestSource(join(ROOT, 'src'));
}

/** Builds dist/ when it is missing or stale. */
export async function ensureBuilt(): Promise<void> {
  const lock = join(tmpdir(), `toolgraph-build-${Buffer.from(ROOT).toString('hex').slice(-32)}.lock`);
  for (;;) {
    if (isFresh()) return;
    try {
      mkdirSync(lock);
    } catch {
      await sleep(200);
      continue;
    }
    try {
      if (!isFresh()) {
        try {
          execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
        } catch (error) {
          // Type errors elsewhere still emit JavaScript; only a missing executable is fatal.
          if (!existsSync(MAIN)) throw error;
        }
      }
      return;
    } finally {
      rmdirSync(lock);
    }
  }
}

/** Spawns `node dist/cli/main.js` with the given arguments and stdin text. */
export function runBuilt(argv: readonly string[], stdin = ''): Promise<CliOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...argv], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
    child.stdin.end(stdin);
  });
}

