import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT, ensureBuilt } from '../helpers/built-cli.js';

/** The named ```ts blocks of docs/protocol.md: file name → code. */
function snippets(): Map<string, string> {
  const text = readFileSync(join(ROOT, 'docs', 'protocol.md'), 'utf8');
  const out = new Map<string, string>();
  for (const m of text.matchAll(/```ts ([\w.-]+\.ts)\n([\s\S]*?)```/g)) out.set(m[1] as string, m[2] as string);
  return out;
}

/** Type-checks files (in a folder under the repository, so `openai` etc. resolve) and returns the diagnostics as text. */
function typeCheck(files: ReadonlyMap<string, string>): string[] {
  const dir = join(ROOT, 'node_modules', '.cache', `toolgraph-doc-snippets-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // The built declarations (not the sources): the check reads the public API as users get it, and fast.
  const entry = join(ROOT, 'dist', 'index.js');
  const names: string[] = [];
  for (const [name, code] of files) {
    const file = join(dir, name);
    writeFileSync(file, code.replace(/from 'toolgraph'/g, `from ${JSON.stringify(entry)}`));
    names.push(file);
  }
  try {
    const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), (f) => ts.sys.readFile(f));
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
    const program = ts.createProgram(names, { ...parsed.options, noEmit: true, rootDir: ROOT });
    return ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('docs/protocol.md "Use it with a real model"', () => {
  it('every snippet type-checks against the SDKs; a wrong one does not', async () => {
    await ensureBuilt();
    const files = snippets();
    expect([...files.keys()]).toEqual(['tools.ts', 'openai.ts', 'anthropic.ts', 'plan-tool.ts', 'gemini.ts']);
    const broken = new Map(files);
    broken.set('openai.ts', (files.get('openai.ts') ?? '').replace("provider: 'openai-chat'", "provider: 'anthropic'"));
    const both = typeCheck(new Map([...files, ...[...broken].filter(([n]) => n === 'openai.ts').map(([n, c]) => [`broken-${n}`, c] as const)]));
    expect(both.filter((d) => !d.includes('broken-openai.ts'))).toEqual([]);
    expect(both.some((d) => d.includes('broken-openai.ts'))).toBe(true);
  }, 180_000);
});
