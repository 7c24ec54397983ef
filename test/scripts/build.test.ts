/**
 * scripts/build.mjs: `npm install && npm run demo` compiles once (prepare builds, the demo
 * reuses a fresh dist/), and installing from a folder without TypeScript does not fail.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MAIN, ROOT, ensureBuilt } from '../helpers/built-cli.js';

const exec = promisify(execFile);
const BUILD = join(ROOT, 'scripts', 'build.mjs');

/** A copy of the build script in a folder that has sources but neither dist/ nor TypeScript. */
function unbuiltFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'toolgraph-unbuilt-'));
  mkdirSync(join(dir, 'scripts'));
  mkdirSync(join(dir, 'src'));
  copyFileSync(BUILD, join(dir, 'scripts', 'build.mjs'));
  for (const file of ['package.json', 'tsconfig.json', 'tsconfig.build.json']) copyFileSync(join(ROOT, file), join(dir, file));
  writeFileSync(join(dir, 'src', 'index.ts'), 'export const x = 1;\n');
  return dir;
}

describe('scripts/build.mjs', () => {
  it('--if-stale leaves a dist/ newer than every source alone (the demo after npm install)', async () => {
    await ensureBuilt();
    const before = statSync(MAIN).mtimeMs;
    const { stdout } = await exec(process.execPath, [BUILD, '--if-stale'], { cwd: ROOT });
    expect(stdout).toContain('dist/ is up to date, not rebuilding');
    expect(statSync(MAIN).mtimeMs).toBe(before);
  });

  it('prepare and demo build only when stale, so npm install && npm run demo runs tsc at most once', () => {
    const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(scripts['prepare']).toBe('node scripts/build.mjs --if-stale --optional');
    expect(scripts['demo']).toBe('node scripts/build.mjs --if-stale && node examples/demo.mjs');
  });

  it('--optional in a folder without TypeScript says what to do and exits 0 (prepare of an unbuilt folder)', async () => {
    const dir = unbuiltFolder();
    try {
      const { stderr } = await exec(process.execPath, [join(dir, 'scripts', 'build.mjs'), '--if-stale', '--optional'], { cwd: dir });
      expect(stderr).toMatch(/dist\/ is not built and TypeScript is not installed in .*\n.*Run `npm install` inside that folder first/);
      // Without --optional (npm run build) the same folder fails, with the same message.
      const failed = await exec(process.execPath, [join(dir, 'scripts', 'build.mjs')], { cwd: dir }).then(
        () => undefined,
        (error: { code?: number; stderr?: string }) => error,
      );
      expect(failed?.code).toBe(1);
      expect(failed?.stderr).toMatch(/TypeScript is not installed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
