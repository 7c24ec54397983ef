import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runBuilt, runInProcess, type CliOutput } from '../helpers/built-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'toolgraph-validate-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const broken = JSON.stringify({
  calls: [
    { id: 'search', tool: 'search', args: { q: 'x' } },
    { id: 'read', tool: 'read_file', args: { path: '${serach.hits[0]}' } },
    { id: 'read', tool: 'read_file', args: {} },
    { id: 'bad', tool: 'x', args: { p: '${search.__proto__}' } },
  ],
});

function noStackTrace(out: CliOutput): void {
  expect(out.stdout + out.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(out.stdout + out.stderr).not.toMatch(/\b(TypeError|ReferenceError|SyntaxError)\b/);
}

describe('toolgraph validate (in-process)', () => {
  it('a valid plan: exit 0 and one summary line', async () => {
    const out = await runInProcess(['validate', 'examples/research.plan.json']);
    expect(out).toEqual({ code: 0, stdout: 'valid: 6 calls, 4 edges; 2 dependency levels, critical path 2 calls, widest level 4 calls\n', stderr: '' });
  });

  it('an invalid plan: exit 1 and every issue on its own line', async () => {
    const out = await runInProcess(['validate', file('broken.json', broken)]);
    expect(out.code).toBe(1);
    expect(out.stdout.trimEnd().split('\n')).toEqual([
      'DUPLICATE_ID calls[2].id: "read" is already the id of calls[1]; ids must be unique',
      'UNSAFE_PATH calls[3].args.p: path segment "__proto__" is refused (__proto__, prototype and constructor are never followed)',
      'UNKNOWN_REF calls[1].args.path: ${serach.hits[0]} refers to no call (known: search, read, bad)',
    ]);
    expect(out.stderr).toBe('3 problems found\n');
    noStackTrace(out);
  });

  it('--json prints { valid, issues, summary }', async () => {
    const ok = await runInProcess(['validate', '--json', 'examples/file-planning.plan.json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({
      valid: true,
      issues: [],
      summary: { calls: 8, edges: 4, levels: 2, criticalPath: 2, maxWidth: 4 },
    });
    const bad = await runInProcess(['validate', file('broken2.json', broken), '--json']);
    expect(bad.code).toBe(1);
    const json = JSON.parse(bad.stdout) as { valid: boolean; issues: { code: string; location: string; callId: string }[]; summary: unknown };
    expect(json.valid).toBe(false);
    expect(json.summary).toBeNull();
    expect(json.issues.map((i) => [i.code, i.location, i.callId])).toEqual([
      ['DUPLICATE_ID', 'calls[2].id', 'read'],
      ['UNSAFE_PATH', 'calls[3].args.p', 'bad'],
      ['UNKNOWN_REF', 'calls[1].args.path', 'read'],
    ]);
  });

  it('not JSON: exit 1 naming file:line:col, no stack trace', async () => {
    const path = file('not-json.json', '{\n  "calls": [\n    { "id": "a", }\n  ]\n}\n');
    const out = await runInProcess(['validate', path]);
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain(`${path}:3:18: not JSON`);
    expect(out.stderr.trimEnd().split('\n')).toHaveLength(1);
    noStackTrace(out);
  });

  it.each([
    ['{"calls": [', 1, 12],
    ['{"calls": []} x', 1, 15],
    ['\n\n  nul', 3, 6],
    ['{"a": "tab\there"}', 1, 11],
    ['{"a": 1.}', 1, 9],
    ['{"a": 1e}', 1, 9],
    ['{"a": -}', 1, 8],
    ['{"a": "\\x"}', 1, 9],
    ['[1, 2', 1, 6],
    ['{"a" 1}', 1, 6],
    ['[tru]', 1, 5],
  ])('not JSON %j is reported at line %i column %i', async (text, line, column) => {
    const out = await runInProcess(['validate', '-'], text);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(`stdin:${line}:${column}: not JSON`);
  });

  it('not JSON with --json: the same shape, with a PARSE_ERROR issue', async () => {
    const out = await runInProcess(['validate', '--json', '-'], '{"calls": [}');
    expect(out.code).toBe(1);
    const json = JSON.parse(out.stdout) as { valid: boolean; issues: { code: string; message: string }[]; summary: unknown };
    expect(json.valid).toBe(false);
    expect(json.summary).toBeNull();
    expect(json.issues[0]!.code).toBe('PARSE_ERROR');
    expect(json.issues[0]!.message).toContain('stdin:1:12');
  });

  it('empty input, a missing file, and a byte-order mark', async () => {
    const empty = await runInProcess(['validate', '-'], '  \n');
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('input is empty');
    const missing = await runInProcess(['validate', join(dir, 'nope.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file');
    noStackTrace(missing);
    const bom = await runInProcess(['validate', '-'], '\ufeff{"calls": []}');
    expect(bom.code).toBe(0);
  });

  it('stdin "-" works', async () => {
    const out = await runInProcess(['validate', '-'], JSON.stringify([{ id: 'a', tool: 't', args: {} }]));
    expect(out).toMatchObject({ code: 0, stdout: 'valid: 1 call, 0 edges; 1 dependency level, critical path 1 call, widest level 1 call\n' });
  });

  it('--max-calls sets the limit', async () => {
    const plan = JSON.stringify([1, 2, 3].map((i) => ({ id: `c${i}`, tool: 't', args: {} })));
    const out = await runInProcess(['validate', '--max-calls', '2', '-'], plan);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain('PLAN_TOO_LARGE');
  });

  it.each([
    [['validate'], 'missing the plan file'],
    [['validate', 'a.json', 'b.json'], 'expected one plan file, got 2'],
    [['validate', '--nope', 'a.json'], "Unknown option '--nope'"],
    [['validate', '--max-calls', 'many', 'a.json'], 'expected --max-calls to be an integer >= 1, got `many`'],
    [['validate', '--max-calls', '0', 'a.json'], 'expected --max-calls to be an integer >= 1, got `0`'],
  ])('bad usage %j: exit 2 with the usage text', async (argv, message) => {
    const out = await runInProcess(argv);
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain(message);
    expect(out.stderr).toContain('usage: toolgraph validate <file|->');
    noStackTrace(out);
  });

  it('no command, an unknown command, --help and --version', async () => {
    const none = await runInProcess([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('usage: toolgraph <command>');
    const unknown = await runInProcess(['valdate', 'x.json']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "valdate"');
    const help = await runInProcess(['validate', '--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toContain('--json');
    const version = await runInProcess(['--version']);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe('toolgraph validate (built executable)', () => {
  beforeAll(async () => {
    await ensureBuilt();
  });

  it('valid example from a file: exit 0 and the summary line', async () => {
    const out = await runBuilt(['validate', 'examples/research.plan.json']);
    expect(out).toEqual({ code: 0, stdout: 'valid: 6 calls, 4 edges; 2 dependency levels, critical path 2 calls, widest level 4 calls\n', stderr: '' });
  });

  it('broken plan from stdin: exit 1, one issue per line', async () => {
    const out = await runBuilt(['validate', '-'], broken);
    expect(out.code).toBe(1);
    expect(out.stdout.trimEnd().split('\n').map((l) => l.split(' ')[0])).toEqual(['DUPLICATE_ID', 'UNSAFE_PATH', 'UNKNOWN_REF']);
    noStackTrace(out);
  });

  it('not JSON and bad usage: exit 1 and 2, no stack trace', async () => {
    const notJson = await runBuilt(['validate', '-'], '{"calls": [}');
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toContain('stdin:1:12: not JSON');
    noStackTrace(notJson);
    const usage = await runBuilt(['validate']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: toolgraph validate');
    noStackTrace(usage);
  });
});
