/**
 * Every shell command shown in the README runs in a test. `npx toolgraph …` and `node …` run
 * here against the built CLI (the commands of the "own tools" block in a fresh folder holding
 * the README's tools.mjs and plan.json); the quick-start and install commands are checked more
 * cheaply, each against the test that really runs it. A command of no known kind fails.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN, ROOT, ensureBuilt } from '../helpers/built-cli.js';
import { codeBlocks } from './markdown.js';

const exec = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; scripts: Record<string, string> };
const blocks = codeBlocks('README.md');

interface Command {
  readonly text: string;
  readonly comment: string;
  readonly project: boolean;
}

const commands: Command[] = blocks
  .filter((b) => b.lang === 'sh')
  .flatMap((b) =>
    b.code
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => {
        const at = l.indexOf(' #');
        return { text: (at === -1 ? l : l.slice(0, at)).trim(), comment: at === -1 ? '' : l.slice(at + 2).trim(), project: /\bcwd=project\b/.test(b.info) };
      }),
  );

/** Files the README asks the reader to write (```js file=tools.mjs). */
const files = blocks.flatMap((b) => {
  const name = /\bfile=(\S+)/.exec(b.info)?.[1];
  return name === undefined ? [] : [{ name, code: b.code }];
});

let project = '';
let work = '';

/** Tests that run the commands checked only by reference here. */
const COVERED: readonly [RegExp, (c: Command) => void][] = [
  [/^npm install && npm run demo$/, () => {
    expect(pkg.scripts['demo']).toBe('node scripts/build.mjs --if-stale && node examples/demo.mjs');
    expect(readFileSync(join(ROOT, 'test/examples/demo.test.ts'), 'utf8')).toContain("'demo.mjs'");
  }],
  [/^npm install && npm test$/, () => expect(pkg.scripts['test']).toBe('npm run typecheck && vitest run')],
  // The install path: test/package/pack.test.ts packs the package and installs the tarball into a fresh project.
  [/^npm install$/, () => expect(pkg.scripts['prepare']).toContain('scripts/build.mjs')],
  [/^npm pack$/, () => expect(readFileSync(join(ROOT, 'test/package/pack.test.ts'), 'utf8')).toContain("'pack', '--json'")],
  [/^npm install \S+\.tgz$/, (c) => {
    // The tarball is named as npm pack names it.
    expect(c.text.endsWith(`/${pkg.name}-${pkg.version}.tgz`)).toBe(true);
    expect(readFileSync(join(ROOT, 'test/package/pack.test.ts'), 'utf8')).toContain('file:${tarball}');
  }],
];

describe('the README\'s commands', () => {
  beforeAll(async () => {
    await ensureBuilt();
    project = mkdtempSync(join(tmpdir(), 'toolgraph-readme-'));
    work = mkdtempSync(join(tmpdir(), 'toolgraph-readme-out-'));
    for (const f of files) writeFileSync(join(project, f.name), f.code);
  }, 120_000);

  afterAll(() => {
    for (const dir of [project, work]) if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('shows commands, and files for the own-tools path', () => {
    expect(commands.length).toBeGreaterThanOrEqual(12);
    expect(files.map((f) => f.name).sort()).toEqual(['plan.json', 'tools.mjs']);
  });

  it('every command runs (in order: a trace is written before it is reported)', async () => {
    const unknown: string[] = [];
    for (const command of commands) {
      const covered = COVERED.find(([pattern]) => pattern.test(command.text));
      if (covered !== undefined) {
        covered[1](command);
        continue;
      }
      // Files the README writes to /tmp go to a private folder instead.
      const words = command.text.replaceAll('/tmp/', `${work}/`).split(/\s+/);
      let argv: string[];
      if (words[0] === 'npx' && words[1] === 'toolgraph') argv = [MAIN, ...words.slice(2)];
      else if (words[0] === 'node' && words[1] !== undefined && existsSync(join(ROOT, words[1]))) argv = words.slice(1);
      else {
        unknown.push(command.text);
        continue;
      }
      const cwd = command.project ? project : ROOT;
      const result = await exec(process.execPath, argv, { cwd }).then(
        (r) => ({ code: 0, ...r }),
        (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }),
      );
      expect({ command: command.text, code: result.code, stderr: result.code === 0 ? '' : result.stderr }).toEqual({ command: command.text, code: 0, stderr: '' });
      // A comment that shows output (ending in …) is how the output starts.
      if (command.comment.endsWith('…')) expect(result.stdout.startsWith(command.comment.slice(0, -1).trimEnd())).toBe(true);
    }
    expect(unknown, 'commands of no known kind: run them here or map them to the test that runs them').toEqual([]);
  }, 120_000);
});
