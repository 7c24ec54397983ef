import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTools } from '../../src/cli/load-tools.js';
import { runInProcess } from '../helpers/built-cli.js';

const MISSING_PACKAGE = 'toolgraph-test-package-that-is-not-installed';
let dir: string;

/** The message `loadTools` rejects with (it must be an INVALID_OPTION). */
async function failure(file: string): Promise<string> {
  const error = (await loadTools(file, dir).then(
    () => undefined,
    (e: unknown) => e,
  )) as { code?: string; message?: string } | undefined;
  expect(error?.code).toBe('INVALID_OPTION');
  return error?.message ?? '';
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'toolgraph-load-tools-'));
  const tool = "{ name: 'ok', execute: () => 1 }";
  const files: Record<string, string> = {
    'badimport.mjs': `import pad from '${MISSING_PACKAGE}';\nexport default [${tool}];\n`,
    'badrelative.mjs': `import helper from './helper.mjs';\nexport default [${tool}];\n`,
    'nested.mjs': `import './badimport.mjs';\nexport default [${tool}];\n`,
    'record.mjs': 'export default { greet: 5 };\n',
    'array.mjs': `export default [${tool}, { name: 'two', execute: () => 2 }, { execute: () => 3 }];\n`,
    'named.mjs': "export const tools = { greet: { name: 'greet', execute: 'not a function' } };\n",
    'duplicate.mjs': `export default [${tool}, ${tool}];\n`,
    'throws.mjs': "throw new TypeError('no API key');\n",
    'good.mjs': `export default { ok: { execute: () => 1 } };\n`,
  };
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  await mkdir(join(dir, 'folder.mjs'));
  await writeFile(join(dir, 'plan.json'), JSON.stringify({ calls: [{ id: 'a', tool: 'ok', args: {} }] }));
});

describe('loadTools', () => {
  it('a missing tools file says so, not "module not found"', async () => {
    expect(await failure('./nope.mjs')).toBe('--tools ./nope.mjs: no such file');
    expect(await failure('folder.mjs')).toMatch(/^--tools folder\.mjs: is a directory/);
  });

  it('a module that imports a package that is not installed names the package', async () => {
    expect(await failure('./badimport.mjs')).toBe(`--tools ./badimport.mjs: cannot load: it imports "${MISSING_PACKAGE}", which cannot be found`);
  });

  it('a missing relative import is named as written; a missing import further down names the importer', async () => {
    expect(await failure('./badrelative.mjs')).toBe('--tools ./badrelative.mjs: cannot load: it imports "./helper.mjs", which cannot be found');
    expect(await failure('./nested.mjs')).toBe(`--tools ./nested.mjs: cannot load: badimport.mjs imports "${MISSING_PACKAGE}", which cannot be found`);
  });

  it('an error thrown while loading is one line with its class', async () => {
    expect(await failure('./throws.mjs')).toBe('--tools ./throws.mjs: cannot load: TypeError: no API key');
  });

  it('a malformed tool is named by the module and its export key or array index', async () => {
    expect(await failure('./record.mjs')).toBe('--tools ./record.mjs: default export key "greet": expected a tool object, got 5');
    expect(await failure('./array.mjs')).toMatch(/^--tools \.\/array\.mjs: default export \[2\]: expected a tool `name` .*undefined/);
    expect(await failure('./named.mjs')).toMatch(/^--tools \.\/named\.mjs: `tools` export key "greet": tool "greet": expected `execute` to be a function$/);
    expect(await failure('./duplicate.mjs')).toBe('--tools ./duplicate.mjs: two tools are named "ok"');
  });

  it('loads a good module', async () => {
    expect([...(await loadTools('good.mjs', dir)).keys()]).toEqual(['ok']);
  });

  it('through the CLI: exit 2, one line, no stack trace', async () => {
    const out = await runInProcess(['run', join(dir, 'plan.json'), '--tools', join(dir, 'badimport.mjs')]);
    expect(out.code).toBe(2);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    expect(out.stderr).toContain(`cannot load: it imports "${MISSING_PACKAGE}", which cannot be found`);
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });
});
