// Tools for the write-heavy example: plain tool objects (no toolgraph import needed) that say
// what they do to the world (`effects`, MCP-style) and what they touch (`resources`), with
// simulated latency, working on an in-memory file system so nothing on disk changes.
//
//   createWorkspace()            → { tools, files, writes, approvals }
//   createWorkspace({ sleep })   → the same with your own clock (tests pass a virtual one)

/** Waits `ms` on the real clock, or rejects when the call's signal aborts. */
export function realSleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

/** The project the plan edits. */
export const INITIAL_FILES = {
  'src/config.ts': 'export const config = {\n  timeout: 30,\n  retries: 2,\n};\n',
  'src/server.ts': "import { config } from './config';\n\nserver.listen({ timeout: config.timeout });\n",
  'src/legacy-timeout.ts': '// old timeout shim, unused since 2.0\nexport const TIMEOUT = 30;\n',
  'CHANGELOG.md': '# Changelog\n\n',
};

function dirOf(path) {
  const i = path.lastIndexOf('/');
  return i === -1 ? '.' : path.slice(0, i);
}

/**
 * A fresh in-memory workspace and the tools that work on it. `writes` records every change in
 * the order it happened; `files` is the file system.
 */
export function createWorkspace({ sleep = realSleep, files = INITIAL_FILES } = {}) {
  const fs = new Map(Object.entries(files));
  const writes = [];
  const read = { readOnly: true, idempotent: true };
  const file = (args) => [`file:${args.path}`];

  const need = (path) => {
    if (!fs.has(path)) throw Object.assign(new Error(`no such file: ${path}`), { code: 'ENOENT' });
    return fs.get(path);
  };

  const listDir = {
    name: 'list_dir',
    description: 'List the files in a folder.',
    effects: read,
    resources: (args) => [`dir:${args.path}`],
    latencyMs: 40,
    async execute(args, { signal }) {
      await sleep(40, signal);
      return { path: args.path, entries: [...fs.keys()].filter((p) => dirOf(p) === args.path).sort() };
    },
  };

  const readFile = {
    name: 'read_file',
    description: 'Read one file.',
    effects: read,
    resources: file,
    latencyMs: 60,
    async execute(args, { signal }) {
      await sleep(60, signal);
      return { path: args.path, text: need(args.path) };
    },
  };

  const editFile = {
    name: 'edit_file',
    description: 'Replace the first occurrence of `find` with `replace` in a file.',
    // Changes only the matched text: a write, but not a destructive one. Not idempotent.
    effects: { destructive: false },
    resources: file,
    latencyMs: 30,
    async execute(args, { signal, callId }) {
      await sleep(30, signal);
      const text = need(args.path);
      if (!text.includes(args.find)) throw new Error(`${args.path}: ${JSON.stringify(args.find)} not found`);
      fs.set(args.path, text.replace(args.find, args.replace));
      writes.push({ callId, op: 'edit', path: args.path, what: `${args.find} → ${args.replace}` });
      return { path: args.path, changed: true };
    },
  };

  const appendFile = {
    name: 'append_file',
    description: 'Append text to a file.',
    effects: { destructive: false },
    resources: file,
    latencyMs: 20,
    async execute(args, { signal, callId }) {
      await sleep(20, signal);
      fs.set(args.path, need(args.path) + args.text);
      writes.push({ callId, op: 'append', path: args.path, what: args.text.trim() });
      return { path: args.path };
    },
  };

  const deleteFile = {
    name: 'delete_file',
    description: 'Delete a file.',
    // Says nothing about effects: a destructive, non-idempotent write (MCP defaults).
    // Deleting changes its folder's listing too.
    resources: (args) => [`file:${args.path}`, `dir:${dirOf(args.path)}`],
    latencyMs: 25,
    async execute(args, { signal, callId }) {
      await sleep(25, signal);
      need(args.path);
      fs.delete(args.path);
      writes.push({ callId, op: 'delete', path: args.path, what: 'deleted' });
      return { path: args.path, deleted: true };
    },
  };

  return { tools: [listDir, readFile, editFile, appendFile, deleteFile], files: fs, writes };
}
