import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTrace } from '../../src/observe/trace-jsonl.js';
import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/run-cli.js';
import { ensureBuilt, ROOT, runBuilt, runInProcess } from '../helpers/built-cli.js';

const originalLog = console.log;

const TOOLS = 'test/fixtures/cli-tools.mjs';

async function tmpFile(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'toolgraph-run-'));
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

const plan = {
  calls: [
    { id: 'search', tool: 'search', args: { query: 'limits' } },
    { id: 'read', tool: 'read_file', args: { path: '${search.hits[0].path}' } },
  ],
};

describe('toolgraph run', () => {
  it('runs a canonical plan; --json keys calls by id with status, args as filled and times', async () => {
    const out = await runInProcess(['run', '-', '--tools', TOOLS, '--json'], JSON.stringify(plan));
    expect(out.code).toBe(0);
    const json = JSON.parse(out.stdout) as { calls: Record<string, { status: string; args: unknown; result: unknown; startedMs: number; endedMs: number }>; metrics: { rounds: number } };
    expect(json.calls['read']).toMatchObject({ status: 'succeeded', args: { path: 'limits.md' }, result: { text: 'contents of limits.md' } });
    expect(json.calls['read']?.startedMs).toBeGreaterThanOrEqual(json.calls['search']?.endedMs ?? Infinity);
    expect(json.metrics.rounds).toBe(2);
  });

  it('plain output names each call and the totals; a failure exits 1 and skips its dependents', async () => {
    const failing = { calls: [{ id: 'x', tool: 'boom', args: {} }, { id: 'y', tool: 'read_file', args: { path: '${x.p}' } }, { id: 'z', tool: 'search', args: {} }] };
    const out = await runInProcess(['run', '-', '--tools', TOOLS], JSON.stringify(failing));
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/✗ x .*TOOL_ERROR: kaput/);
    expect(out.stdout).toMatch(/- y .*skipped.*after x/);
    expect(out.stdout).toMatch(/1\/3 succeeded, 1 failed, 1 skipped/);
    expect(out.stdout).toMatch(/critical path [\d.]+ m?s \(wall time ÷ critical path \d\.\d{3}\), dependency depth 1 call, up to [12] calls? at once$/m);
  });

  it('an invalid canonical plan exits 2 with every issue and runs nothing', async () => {
    const bad = { calls: [{ id: 'a', tool: 'nope', args: { q: '${missing}' } }] };
    const out = await runInProcess(['run', '-', '--tools', TOOLS], JSON.stringify(bad));
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('UNKNOWN_REF');
    expect(out.stderr).toContain('UNKNOWN_TOOL');
    expect(out.stderr).toContain('nothing was run');
  });

  it('reads an LLMCompiler plan: positional ids, $1 references, join() is not a call', async () => {
    const file = await tmpFile('plan.txt', 'Thought: look it up\n1. search(query="limits")\n2. read_file(path="$1")\n3. join()\n<END_OF_PLAN>\n');
    const out = await runInProcess(['run', file, '--tools', TOOLS, '--json']);
    expect(out.code).toBe(0);
    const json = JSON.parse(out.stdout) as { calls: Record<string, { status: string; args: unknown }> };
    expect(Object.keys(json.calls)).toEqual(['1', '2']);
    expect(json.calls['2']?.args).toEqual({ path: { hits: [{ path: 'limits.md' }] } });
  });

  it('reads an OpenAI response: keys by the provider ids, a malformed call fails and the rest run', async () => {
    const response = {
      choices: [
        {
          message: {
            role: 'assistant',
            tool_calls: [
              { id: 'call_A', type: 'function', function: { name: 'search', arguments: '{"query":"q"}' } },
              { id: 'call_B', type: 'function', function: { name: 'search', arguments: '{"query": ' } },
            ],
          },
          finish_reason: 'tool_calls',
        },
      ],
    };
    const out = await runInProcess(['run', '-', '--tools', TOOLS, '--json'], JSON.stringify(response));
    expect(out.code).toBe(1);
    const json = JSON.parse(out.stdout) as { calls: Record<string, { status: string; error?: { code: string } }> };
    expect(json.calls['call_A']?.status).toBe('succeeded');
    expect(json.calls['call_B']).toMatchObject({ status: 'failed', error: { code: 'MALFORMED_CALL' } });
  });

  it('--dry-run prints the dependency levels and the calls that would ask, and runs nothing', async () => {
    const withWrite = { calls: [...plan.calls, { id: 'note', tool: 'write_note', args: { text: '${read.text}' } }] };
    const out = await runInProcess(['run', '-', '--tools', TOOLS, '--dry-run'], JSON.stringify(withWrite));
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('level 1 (needs nothing): search');
    expect(out.stdout).toContain('level 3: note');
    expect(out.stdout).toContain('would ask for approval: note');
  });

  it('--trace writes a JSONL trace that toolgraph report reads', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'toolgraph-trace-'));
    const file = join(dir, 'trace.jsonl');
    const out = await runInProcess(['run', '-', '--tools', TOOLS, '--trace', file], JSON.stringify(plan));
    expect(out.code).toBe(0);
    const entries = parseTrace(await readFile(file, 'utf8'));
    expect(entries.filter((e) => e.type === 'tool_call').map((e) => (e as { id: string }).id).sort()).toEqual(['read', 'search']);
    const report = await runInProcess(['report', file]);
    expect(report.code).toBe(0);
    expect(report.stdout).toContain('dependency depth 2');
  });

  it('--trace to a path that cannot be written exits 2 before anything runs', async () => {
    const out = await runInProcess(['run', '-', '--tools', TOOLS, '--trace', join(tmpdir(), 'no-such-dir-toolgraph', 't.jsonl')], JSON.stringify(plan));
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/--trace .*t\.jsonl: cannot write: no such directory/);
    expect(out.stderr).not.toMatch(/\n\s+at /);
    expect(out.stdout).toBe('');
  });

  it('--json keeps stdout one JSON document when a tool writes to the console', async () => {
    const chatty = { calls: [{ id: 'a', tool: 'chatty', args: { n: 2 } }] };
    const out = await runInProcess(['run', '-', '--tools', TOOLS, '--json'], JSON.stringify(chatty));
    expect(out.code).toBe(0);
    expect((JSON.parse(out.stdout) as { calls: Record<string, { result: unknown }> }).calls['a']?.result).toBe(2);
    expect(out.stderr).toContain('debug: hello from a tool\nand more\n');
    expect(console.log).toBe(originalLog);
  });

  it('plain lines keep the whole reason and show control characters escaped', async () => {
    const long = { calls: [{ id: 'a', tool: 'search', args: { query: 'q' } }, { id: 'b', tool: 'read_file', args: { path: '${a.hits[0].missing_field_with_a_long_name_to_push_the_reason_past_eighty_characters}' } }, { id: 'c', tool: 'escape', args: {} }] };
    const out = await runInProcess(['run', '-', '--tools', TOOLS], JSON.stringify(long));
    expect(out.code).toBe(1);
    expect(out.stdout).toContain('missing_field_with_a_long_name_to_push_the_reason_past_eighty_characters selected nothing');
    expect(out.stdout).toContain('bad \\u001b[2J\\u001b[31mred');
    expect(out.stdout).not.toContain('\u001b');
  });

  it('a destructive call is refused when nobody can approve it; --yes or --require-approval none runs it', async () => {
    const withWrite = { calls: [...plan.calls, { id: 'note', tool: 'write_note', args: { text: '${read.text}' } }] };
    const refused = await runInProcess(['run', '-', '--tools', TOOLS, '--json'], JSON.stringify(withWrite));
    expect(refused.code).toBe(1);
    const json = JSON.parse(refused.stdout) as { calls: Record<string, { status: string; error?: { message: string } }> };
    expect(json.calls['read']?.status).toBe('succeeded');
    expect(json.calls['note']?.status).toBe('rejected');
    expect(json.calls['note']?.error?.message).toContain('--yes');
    for (const flag of [['--yes'], ['-y'], ['--require-approval', 'none']]) {
      const out = await runInProcess(['run', '-', '--tools', TOOLS, '--json', ...flag], JSON.stringify(withWrite));
      expect(out.code).toBe(0);
      expect((JSON.parse(out.stdout) as { calls: Record<string, { result: unknown }> }).calls['note']?.result).toBe('written');
    }
    // Reads never ask under the default policy; `writes` asks for every write; a typo is bad usage.
    expect((await runInProcess(['run', '-', '--tools', TOOLS], JSON.stringify(plan))).code).toBe(0);
    expect((await runInProcess(['run', '-', '--tools', TOOLS, '--require-approval', 'all'], JSON.stringify(plan))).code).toBe(2);
  });

  it('asks at the terminal, one call at a time: y runs the call, anything else refuses it', async () => {
    const twoWrites = { calls: [{ id: 'w1', tool: 'write_note', args: { text: 'one' } }, { id: 'w2', tool: 'write_note', args: { text: 'two' } }, { id: 'r', tool: 'search', args: { query: 'q' } }] };
    const file = await tmpFile('plan.json', JSON.stringify(twoWrites));
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out: string[] = [];
    const questions: string[] = [];
    stdout.on('data', (c: Buffer) => out.push(c.toString()));
    const answers = ['yes', 'n'];
    stderr.on('data', (c: Buffer) => {
      const text = c.toString();
      if (!text.startsWith('approve ')) return;
      questions.push(text);
      stdin.write(`${answers.shift() ?? ''}\n`);
    });
    const code = await runCli(['run', file, '--tools', TOOLS, '--json'], { stdout, stderr, stdin, cwd: ROOT });
    expect(questions).toEqual(['approve w1: write_note {"text":"one"}? [y/N/a = all write_note calls] ', 'approve w2: write_note {"text":"two"}? [y/N/a = all write_note calls] ']);
    expect(code).toBe(1);
    const json = JSON.parse(out.join('')) as { calls: Record<string, { status: string; error?: { message: string } }> };
    expect(json.calls['w1']?.status).toBe('succeeded');
    expect(json.calls['w2']).toMatchObject({ status: 'rejected', error: { message: expect.stringContaining('declined') as unknown } });
    expect(json.calls['r']?.status).toBe('succeeded');
  });

  it('the write-heavy example from the CLI: the delete is refused without a terminal, and runs with --yes', async () => {
    // Each run in its own process: the module's in-memory workspace is made once per import.
    await ensureBuilt();
    const args = ['run', 'examples/write-heavy/plan.json', '--tools', 'examples/write-heavy/tools-module.mjs', '--json'];
    const refused = await runBuilt(args);
    expect(refused.code).toBe(1);
    const calls = (JSON.parse(refused.stdout) as { calls: Record<string, { status: string }> }).calls;
    expect([calls['delete_legacy']?.status, calls['changelog']?.status, calls['rename_key']?.status]).toEqual(['rejected', 'skipped', 'succeeded']);
    const approved = await runBuilt([...args, '--yes']);
    expect(approved.code).toBe(0);
    expect(Object.values((JSON.parse(approved.stdout) as { calls: Record<string, { status: string }> }).calls).every((c) => c.status === 'succeeded')).toBe(true);
  }, 60_000);

  it('an empty plan says it is empty and exits 2', async () => {
    const out = await runInProcess(['run', '-', '--tools', TOOLS], '\uFEFF  \n');
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('input is empty');
  });

  it('bad usage exits 2 with the usage text', async () => {
    expect((await runInProcess(['run', '-'], '{}')).code).toBe(2);
    const out = await runInProcess(['run', '-', '--tools', TOOLS, '--format', 'yaml'], '{}');
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('usage: toolgraph run');
  });
});

describe('toolgraph graph --tools', () => {
  it('draws the conflicts known before running as dashed edges with the resource', async () => {
    const writes = { calls: [{ id: 'a', tool: 'write_note', args: { t: 1 } }, { id: 'b', tool: 'search', args: { query: 'x' } }, { id: 'c', tool: 'write_note', args: { t: 2 } }] };
    const dot = await runInProcess(['graph', '-', '--tools', TOOLS, '--format', 'dot'], JSON.stringify(writes));
    expect(dot.code).toBe(0);
    expect(dot.stdout).toMatch(/n0 -> n2 \[label="conflict: tool:write_note", style=dashed/);
    expect(dot.stdout).not.toMatch(/n1 -> /);
    const plain = await runInProcess(['graph', '-', '--format', 'dot'], JSON.stringify(writes));
    expect(plain.stdout).not.toContain('dashed');
  });
});

describe('toolgraph run: saying what happens', () => {
  const TYPED = 'test/fixtures/cli-typed-tools.mjs';

  it('--show prints each call\'s filled args and its result or error, clipped, without --json', async () => {
    const out = await runInProcess(['run', '-', '--tools', TYPED, '--show', '--yes'], JSON.stringify({ calls: [
      { id: 's', tool: 'search', args: { query: 'limits' } },
      { id: 'f', tool: 'fetch_url', args: { url: '${s.hits[0]}' } },
      { id: 'bad', tool: 'search', args: { query: '${s.nothing}' } },
    ] }));
    expect(out.code).toBe(1);
    const lines = out.stdout.split('\n');
    const at = lines.indexOf('s search {"query":"limits"}');
    expect(at).toBeGreaterThanOrEqual(0);
    // The result is cut at 200 characters with a marker.
    expect(lines[at + 1]).toMatch(/^ {2}→ \{"hits":\["limits\.md"\],"long":"x+…$/);
    expect(lines[at + 1]?.length).toBe('  → '.length + 200);
    expect(lines).toContain('f fetch_url {"url":"limits.md"}');
    expect(lines).toContain('  → "fetched limits.md"');
    expect(lines).toContain('bad search {"query":"${s.nothing}"}');
    expect(out.stdout).toMatch(/^ {2}→ failed: UNRESOLVED_REFERENCE: /m);
  });

  it('names each tool that declares no effects before running, and the refusal says why the call needs approval', async () => {
    const out = await runInProcess(['run', '-', '--tools', TYPED, '--json'], JSON.stringify({ calls: [{ id: 'f', tool: 'fetch_url', args: { url: 'u' } }, { id: 's', tool: 'search', args: { query: 'q' } }] }));
    expect(out.code).toBe(1);
    expect(out.stderr).toBe('note: `fetch_url` declares no effects, so it counts as destructive; declare `effects: { readOnly: true }` if it only reads.\n');
    const json = JSON.parse(out.stdout) as { calls: Record<string, { status: string; error?: { message: string } }> };
    expect(json.calls['f']?.status).toBe('rejected');
    expect(json.calls['f']?.error?.message).toContain('`fetch_url` declares no effects, so it counts as destructive; declare `effects: { readOnly: true }` if it only reads; it needs approval and there is no terminal to ask: rerun with --yes');
    // Tools that declare their effects are not named.
    const declared = await runInProcess(['run', '-', '--tools', TYPED], JSON.stringify({ calls: [{ id: 's', tool: 'search', args: { query: 'q' } }] }));
    expect(declared.stderr).toBe('');
  });

  it('at the terminal, a approves every call of that tool for the run', async () => {
    const calls = { calls: [1, 2, 3].map((n) => ({ id: `f${n}`, tool: 'fetch_url', args: { url: `u${n}` } })) };
    const file = await tmpFile('plan.json', JSON.stringify(calls));
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out: string[] = [];
    const said: string[] = [];
    stdout.on('data', (c: Buffer) => out.push(c.toString()));
    stderr.on('data', (c: Buffer) => {
      const text = c.toString();
      said.push(text);
      if (text.startsWith('approve ')) stdin.write('a\n');
    });
    const code = await runCli(['run', file, '--tools', TYPED, '--json'], { stdout, stderr, stdin, cwd: ROOT });
    expect(code).toBe(0);
    expect(said.filter((t) => t.startsWith('approve '))).toEqual(['approve f1: fetch_url {"url":"u1"}? [y/N/a = all fetch_url calls] ']);
    expect(said).toContain('`fetch_url` declares no effects, so it counts as destructive; declare `effects: { readOnly: true }` if it only reads.\n');
    const json = JSON.parse(out.join('')) as { calls: Record<string, { status: string }> };
    expect(Object.values(json.calls).map((c) => c.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
  });

  it('toolgraph help <command> prints that command\'s help; an unknown one is bad usage', async () => {
    for (const verb of ['run', 'validate', 'graph', 'report']) {
      const out = await runInProcess(['help', verb]);
      expect(out.code).toBe(0);
      expect(out.stdout).toBe((await runInProcess([verb, '--help'])).stdout);
      expect(out.stdout).toMatch(new RegExp(`^usage: toolgraph ${verb} `));
    }
    const unknown = await runInProcess(['help', 'runn']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('toolgraph help: unknown command "runn"');
  });
});
