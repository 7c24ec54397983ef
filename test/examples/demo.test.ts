import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, ensureBuilt } from '../helpers/built-cli.js';

const run = promisify(execFile);

describe('npm run demo (examples/demo.mjs)', () => {
  beforeAll(async () => {
    await ensureBuilt();
  }, 120_000);

  it('runs both agents to an answer and reports batches and the speed-up', async () => {
    const { stdout, stderr } = await run(process.execPath, [join(ROOT, 'examples', 'demo.mjs')], { cwd: ROOT });
    expect(stderr).toBe('');
    expect(stdout).toContain('6 calls in 2 batches [4,2], 3 model turns');
    expect(stdout).toContain('7 calls in 1 batch [7], 2 model turns');
    // Counts agree with their nouns: no "1 calls", "1 batches", "2 call".
    expect(stdout).not.toMatch(/\b1 (calls|batches|model turns)\b/);
    expect(stdout).not.toMatch(/\b([02-9]|\d\d+) (call|batch|model turn)\b(?!s)/);
    expect(stdout).toMatch(/answer: ACME returns/);
    expect(stdout).toMatch(/answer: Files to edit: src\/schedule\/run-engine\.ts/);
    expect(stdout).toMatch(/speed-up against one call per turn: research \d+\.\d\d×, file planning \d+\.\d\d×/);
    expect(stdout).not.toMatch(/failed|skipped/);
  }, 60_000);
});
