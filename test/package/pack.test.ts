/**
 * What a user installs: `npm pack` → install the tarball into a fresh project (offline, from
 * the npm cache that `npm ci` filled) → import it by name from ESM, `require` it from
 * CommonJS (a TypeScript consumer compiled by tsc), and `npx toolgraph --help`.
 * One pack per run of this file.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, ensureBuilt } from '../helpers/built-cli.js';

const exec = promisify(execFile);
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';

interface PackageJson {
  readonly name: string;
  readonly version: string;
  readonly license: string;
  readonly engines: Record<string, string>;
  readonly bin: Record<string, string>;
  readonly dependencies: Record<string, string>;
  readonly exports: Record<string, string | Record<string, string>>;
}
interface LockEntry {
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
}
interface Packed {
  readonly filename: string;
  readonly integrity: string;
  readonly files: readonly { readonly path: string }[];
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;
let work = '';
let project = '';
let packed: Packed;

/**
 * A lock file for a project that depends on the tarball alone: toolgraph's dependencies are
 * pinned to the versions (and integrity hashes) of this repository's lock, so `npm ci --offline`
 * takes them from the cache without asking the registry.
 */
function consumerLock(tarball: string): unknown {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const spec = `file:${tarball}`;
  const packages: Record<string, unknown> = {
    '': { name: 'consumer', dependencies: { toolgraph: spec } },
    'node_modules/toolgraph': { version: pkg.version, resolved: spec, integrity: packed.integrity, license: pkg.license, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines },
  };
  const queue = Object.keys(pkg.dependencies);
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    const key = `node_modules/${name}`;
    if (key in packages) continue;
    const entry = lock.packages[key];
    if (entry === undefined) throw new Error(`${name} is not in package-lock.json`);
    packages[key] = entry;
    queue.push(...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.peerDependencies ?? {}));
  }
  return { name: 'consumer', lockfileVersion: 3, requires: true, packages };
}

const CJS_CONSUMER = `import { run, type ToolLike } from 'toolgraph';

const tools: ToolLike[] = [
  { name: 'search', effects: { readOnly: true }, execute: () => ({ hits: ['a.md'] }) },
  { name: 'read', effects: { readOnly: true }, execute: (args) => ({ read: (args as { path: string }).path }) },
];
void run({ calls: [
  { id: 's', tool: 'search', args: {} },
  { id: 'r', tool: 'read', args: { path: '\${s.hits[0]}' } },
] }, { tools }).then((result) => console.log(JSON.stringify(result.calls['r']?.result)));
`;

// The checks after the install are independent processes: they run side by side.
describe.concurrent('the packed package, installed into a fresh project', () => {
  beforeAll(async () => {
    await ensureBuilt();
    work = mkdtempSync(join(tmpdir(), 'toolgraph-pack-'));
    project = join(work, 'consumer');
    // Scripts are not run: ensureBuilt made dist/ from the current sources already.
    const { stdout } = await exec(NPM, ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT });
    packed = (JSON.parse(stdout) as Packed[])[0] as Packed;
    mkdirSync(project);
    copyFileSync(join(work, packed.filename), join(project, packed.filename));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, dependencies: { toolgraph: `file:${packed.filename}` } }, null, 2));
    writeFileSync(join(project, 'package-lock.json'), JSON.stringify(consumerLock(packed.filename), null, 2));
    const args = ['ci', '--no-audit', '--no-fund', '--loglevel=error'];
    try {
      await exec(NPM, [...args, '--offline'], { cwd: project });
    } catch (error) {
      // A cache without these tarballs (not filled by `npm ci`): fetch what is missing.
      if (!String((error as { stderr?: unknown }).stderr).includes('ENOTCACHED')) throw error;
      await exec(NPM, [...args, '--prefer-offline'], { cwd: project });
    }
  }, 120_000);

  afterAll(() => {
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  it('ships the license, the README, the built code and the sources its maps point at', () => {
    const files = new Set(packed.files.map((f) => f.path));
    for (const file of ['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'schemas/plan.schema.json']) expect(files, file).toContain(file);
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0, January 2004[\s\S]*END OF TERMS AND CONDITIONS/);
    const maps = [...files].filter((f) => f.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(10);
    const missing: string[] = [];
    for (const map of maps) {
      const { sources } = JSON.parse(readFileSync(join(project, 'node_modules', 'toolgraph', map), 'utf8')) as { sources: string[] };
      for (const source of sources) {
        const target = posix.normalize(posix.join(posix.dirname(map), source));
        if (!files.has(target)) missing.push(`${map} → ${target}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('every export condition list ends in "default", so require() (require(esm)) finds it', () => {
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      if (typeof target === 'string') continue;
      const conditions = Object.keys(target);
      expect(conditions.at(-1), `exports["${subpath}"]`).toBe('default');
      if ('types' in target) expect(conditions[0], `exports["${subpath}"]: types first`).toBe('types');
      for (const path of Object.values(target)) expect(existsSync(join(project, 'node_modules', 'toolgraph', path)), `${subpath}: ${path}`).toBe(true);
    }
  });

  it('imports by name from an ES module', async () => {
    writeFileSync(join(project, 'esm.mjs'), "import { run, parseAny, defineTool } from 'toolgraph';\nconsole.log([run, parseAny, defineTool].map((f) => typeof f).join(' '));\n");
    const { stdout } = await exec(process.execPath, ['esm.mjs'], { cwd: project });
    expect(stdout.trim()).toBe('function function function');
  });

  it('is required by name from CommonJS', async () => {
    writeFileSync(join(project, 'cjs.cjs'), "const { run, parseAny } = require('toolgraph');\nconsole.log(typeof run, typeof parseAny);\n");
    const { stdout } = await exec(process.execPath, ['cjs.cjs'], { cwd: project });
    expect(stdout.trim()).toBe('function function');
  });

  it('a CommonJS TypeScript project compiles against it with tsc (NodeNext, strict) and runs', async () => {
    writeFileSync(join(project, 'index.ts'), CJS_CONSUMER);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, skipLibCheck: true, types: [], outDir: 'out' }, files: ['index.ts'] }),
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    await exec(process.execPath, [tsc, '-p', '.'], { cwd: project });
    const emitted = readFileSync(join(project, 'out', 'index.js'), 'utf8');
    expect(emitted).toContain('require("toolgraph")');
    const { stdout } = await exec(process.execPath, [join('out', 'index.js')], { cwd: project });
    expect(stdout.trim()).toBe('{"read":"a.md"}');
  });

  it('npx toolgraph --help prints the usage', async () => {
    const { stdout } = await exec(NPX, ['--no-install', 'toolgraph', '--help'], { cwd: project });
    expect(stdout).toMatch(/^usage: toolgraph <command>/);
  });
});
