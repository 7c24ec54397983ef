/**
 * Every ```ts / ```typescript snippet of the README and docs/*.md compiles under strict +
 * NodeNext against the package as users import it (`import … from 'toolgraph'` resolves through
 * the package's own exports to the built types), then runs: it exits 0, and each `// → text`
 * comment is a line it printed. A snippet marked ```ts nocompile is skipped, and so is a named
 * file of a multi-file example (```ts tools.ts), which its own doc's test type-checks together.
 * A snippet marked ```ts norun (one that needs a server it names) is compiled but not run.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, ensureBuilt } from '../helpers/built-cli.js';
import { codeBlocks, docFiles, type CodeBlock } from './markdown.js';

const exec = promisify(execFile);
// Inside the repository, so `toolgraph` is a self-reference to this package and `zod` resolves.
const DIR = join(ROOT, '.doc-snippets');

const snippets: CodeBlock[] = docFiles()
  .flatMap(codeBlocks)
  .filter((b) => (b.lang === 'ts' || b.lang === 'typescript') && !/\bnocompile\b/.test(b.info) && !/\b[\w.-]+\.ts\b/.test(b.info));

describe('documentation snippets', () => {
  beforeAll(async () => {
    await ensureBuilt();
  }, 120_000);

  it('there are snippets to check (README and docs)', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(6);
    expect(snippets.some((s) => s.file === 'README.md')).toBe(true);
  });

  it('every TypeScript snippet compiles under strict + NodeNext, importing toolgraph by name, and runs printing what it says', async () => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR);
    const names = new Map<string, CodeBlock>();
    snippets.forEach((s, i) => {
      const name = `snippet${i}.ts`;
      names.set(name, s);
      // A snippet without import or export would be a script sharing one global scope.
      writeFileSync(join(DIR, name), `${s.code}\n${/^\s*(import|export)\s/m.test(s.code) ? '' : 'export {};\n'}`);
    });
    writeFileSync(
      join(DIR, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2023'], types: ['node'], skipLibCheck: true, rootDir: '.', outDir: 'out' },
        include: ['*.ts'],
      }),
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    try {
      const errors = await exec(process.execPath, [tsc, '-p', DIR, '--pretty', 'false'], { cwd: ROOT }).then(
        () => [],
        (error: { stdout?: string }) =>
          (error.stdout ?? String(error)).split('\n').filter((l) => l.trim() !== '').map((line) => {
            // snippetN.ts(line,col): error … → README.md:line: error …
            const m = /(snippet\d+\.ts)\((\d+),\d+\): (.*)$/.exec(line);
            const block = m === null ? undefined : names.get(m[1] as string);
            return block === undefined || m === null ? line : `${block.file}:${block.line + Number(m[2]) - 1}: ${m[3]}`;
          }),
      );
      expect(errors).toEqual([]);
      // Each snippet runs as written; what its comments say it prints, it prints.
      const failures: string[] = [];
      const runs = await Promise.all(
        [...names].filter(([, block]) => !/\bnorun\b/.test(block.info)).map(([name, block]) =>
          exec(process.execPath, [join(DIR, 'out', name.replace(/\.ts$/, '.js'))], { cwd: ROOT, timeout: 30_000 }).then(
            (r) => ({ block, ok: true, stdout: r.stdout, stderr: r.stderr }),
            (e: { stdout?: string; stderr?: string }) => ({ block, ok: false, stdout: e.stdout ?? '', stderr: e.stderr ?? String(e) }),
          ),
        ),
      );
      for (const { block, ...ran } of runs) {
        const where = `${block.file}:${block.line}`;
        if (!ran.ok) failures.push(`${where}: exited with an error: ${ran.stderr.split('\n').slice(0, 5).join(' | ')}`);
        const printed = new Set(ran.stdout.split('\n').map((l) => l.trimEnd()));
        for (const m of block.code.matchAll(/\/\/ → (.*)$/gm)) {
          if (!printed.has((m[1] as string).trimEnd())) failures.push(`${where}: did not print ${JSON.stringify(m[1])}; printed ${JSON.stringify(ran.stdout)}`);
        }
      }
      expect(failures).toEqual([]);
      expect(snippets.filter((s) => /\/\/ → /.test(s.code)).length).toBeGreaterThanOrEqual(5);
    } finally {
      rmSync(DIR, { recursive: true, force: true });
    }
  }, 120_000);
});
