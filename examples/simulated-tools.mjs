// Example tools with simulated latency, for `toolgraph run` on the example plans:
//   npx toolgraph run examples/research.plan.json --tools examples/simulated-tools.mjs
// Each tool is a plain object: a name, effects (MCP-style annotations) and execute().
// Results are canned but shaped like the real thing, so placeholders such as
// ${search_returns.hits[0].path} have something to select.

/** Waits `ms`, or rejects when the call's signal aborts (timeouts, cancellation). */
function delay(ms, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

const read = { readOnly: true, idempotent: true };

export const search = {
  name: 'search',
  description: 'Search documents (query) or code (pattern).',
  effects: read,
  latencyMs: 300,
  async execute(args, { signal }) {
    await delay(args.pattern ? 220 : 300, signal);
    if (typeof args.pattern === 'string') {
      const name = args.pattern.includes('UserAuth') ? 'auth' : 'db';
      return { matches: [{ path: `app/${name}.py`, line: 12, text: args.pattern }] };
    }
    const topic = String(args.query ?? '').toLowerCase().includes('return') ? 'returns' : 'financials';
    return {
      hits: [
        { path: `data/${topic}_table.csv`, title: `ACME ${topic} 2023` },
        { path: 'data/competitor_data.csv', title: 'Competitors 2023' },
      ],
    };
  },
};

export const readFile = {
  name: 'read_file',
  description: 'Read one file (path) or several (paths).',
  effects: read,
  latencyMs: 150,
  async execute(args, { signal }) {
    const paths = Array.isArray(args.paths) ? args.paths : [args.path];
    await delay(120 + 30 * paths.length, signal);
    if (String(args.path ?? '').endsWith('.pdf')) {
      return { path: args.path, sections: { 'Return metrics': 'p. 47', Revenue: 'p. 12' }, pages: 96 };
    }
    return { files: paths.map((p) => ({ path: p, text: `contents of ${p}` })) };
  },
};

export const listDir = {
  name: 'list_dir',
  description: 'List a folder.',
  effects: read,
  latencyMs: 80,
  async execute(args, { signal }) {
    await delay(80, signal);
    return { path: args.path, entries: [{ name: args.path === 'tests' ? 'test_auth.py' : 'annual-report-2023.pdf' }, { name: 'README.md' }] };
  },
};

export const shell = {
  name: 'shell',
  description: 'Run a read-only shell command (simulated).',
  effects: read,
  latencyMs: 200,
  async execute(args, { signal }) {
    await delay(200, signal);
    return { command: args.command, lines: ['app/main.py', 'app/auth.py', 'app/db.py', 'tests/test_auth.py'] };
  },
};

export default [search, readFile, listDir, shell];
