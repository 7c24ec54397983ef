// Real, read-only tools over a folder (this repository in the demo): find, grep, list, read.
// Model-written paths are untrusted: every path is resolved inside the root (symlinks too),
// nothing is executed, and sizes are bounded.
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';

const SKIP = new Set(['node_modules', '.git', 'dist', 'coverage']);
const MAX_FILES = 5000;
const MAX_READ = 64 * 1024;

/** Resolves a model-written path inside `root`, or throws. */
async function inside(root, path) {
  if (typeof path !== 'string' || path.length > 1024 || path.includes('\0')) throw new Error('path must be a string of at most 1024 characters');
  const full = resolve(root, path);
  const real = await realpath(full).catch(() => full);
  if (real !== root && !real.startsWith(root + sep)) throw new Error(`${path} is outside the workspace`);
  return real;
}

/** Lists files under `dir` (iteratively, bounded), relative to root. */
async function walk(root, dir) {
  const out = [];
  const stack = [dir];
  while (stack.length > 0 && out.length < MAX_FILES) {
    const current = stack.pop();
    const entries = await readdir(current, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (SKIP.has(e.name)) continue;
      const full = join(current, e.name);
      if (e.isDirectory()) stack.push(full);
      else if (e.isFile()) out.push(relative(root, full));
    }
  }
  return out.sort();
}

/** Converts a simple glob (`*`, `**`, `?`) to a RegExp, without eval. */
function globToRegExp(glob) {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        re += '.*';
        i++;
        if (glob[i + 1] === '/') i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** The tools, rooted at `rootDir`. */
export async function repoTools(rootDir) {
  const root = await realpath(resolve(rootDir));
  const readOnly = { readOnly: true, idempotent: true, openWorld: false };
  return [
    {
      name: 'find',
      description: 'Find files by glob, e.g. "src/**/*.ts".',
      effects: readOnly,
      async execute({ pattern }) {
        const re = globToRegExp(String(pattern ?? '**/*'));
        const files = (await walk(root, root)).filter((f) => re.test(f.split(sep).join('/')));
        return { count: files.length, files: files.slice(0, 200) };
      },
    },
    {
      name: 'grep',
      description: 'Find a literal text in files matching a glob.',
      effects: readOnly,
      async execute({ text, glob = '**/*' }, { signal }) {
        const re = globToRegExp(String(glob));
        const matches = [];
        for (const file of await walk(root, root)) {
          if (signal.aborted) throw signal.reason;
          if (!re.test(file.split(sep).join('/'))) continue;
          const body = await readFile(join(root, file), 'utf8').catch(() => '');
          const lines = body.split('\n');
          for (let i = 0; i < lines.length && matches.length < 100; i++) {
            if (lines[i].includes(String(text))) matches.push({ path: file.split(sep).join('/'), line: i + 1, text: lines[i].trim().slice(0, 160) });
          }
        }
        return { count: matches.length, matches };
      },
    },
    {
      name: 'list_dir',
      description: 'List a folder.',
      effects: readOnly,
      async execute({ path = '.' }) {
        const dir = await inside(root, path);
        const entries = await readdir(dir, { withFileTypes: true });
        return { path, entries: entries.filter((e) => !SKIP.has(e.name)).map((e) => ({ name: e.name, dir: e.isDirectory() })).sort((a, b) => a.name.localeCompare(b.name)) };
      },
    },
    {
      name: 'read_file',
      description: 'Read a text file (first 64 KiB).',
      effects: readOnly,
      async execute({ path }) {
        const file = await inside(root, path);
        const info = await stat(file);
        if (!info.isFile()) throw new Error(`${path} is not a file`);
        const text = (await readFile(file, 'utf8')).slice(0, MAX_READ);
        return { path, bytes: info.size, lines: text.split('\n').length, head: text.split('\n').slice(0, 8).join('\n') };
      },
    },
  ];
}
