import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { ROOT, runInProcess } from '../helpers/built-cli.js';

const FIXTURE = 'test/fixtures/observe/fine-tuned.trace.jsonl';

/** Runs the CLI with a stdout that claims to be a terminal of the given width. */
async function runOnTty(argv: readonly string[], columns: number): Promise<{ code: number; stdout: string }> {
  const stdout = Object.assign(new PassThrough(), { isTTY: true, columns });
  const chunks: string[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  const code = await runCli(argv, { stdout, stderr: new PassThrough(), stdin: Readable.from([]), cwd: ROOT });
  return { code, stdout: chunks.join('') };
}

describe('toolgraph report', () => {
  it('prints the metrics and one bar per call, 80 columns when not a terminal', async () => {
    const out = await runInProcess(['report', FIXTURE]);
    expect(out.code).toBe(0);
    expect(out.stderr).toBe('');
    expect(out.stdout).toContain('calls        6 (4 succeeded, 1 failed, 1 skipped) in 3 model turns');
    expect(out.stdout).toContain('batches      2 batches, one per model turn that asked for tools: [4, 2] calls, largest 4');
    expect(out.stdout).toContain('rounds       2 sequential rounds: the model waited for tool results 2 times');
    expect(out.stdout).toContain('depth        dependency depth 2 calls (on the longest chain that ran, as toolgraph run prints it)');
    expect(out.stdout).toMatch(/makespan +2\.81 s; critical path 2\.00 s/);
    expect(out.stdout).toContain('at most 4 calls running at once');
    expect(out.stdout).toMatch(/stragglers: c3 5\.\d\d×/);
    expect(out.stdout).toContain('rejoin       10 ms waited after the last needed result');
    const bars = out.stdout.split('\n').filter((l) => l.includes('░') || l.includes('█'));
    expect(bars).toHaveLength(6);
    for (const l of bars) expect([...l].length).toBeLessThanOrEqual(80);
    expect(bars.find((l) => l.includes('c4'))).toContain('✗ failed');
    expect(bars.find((l) => l.includes('c6'))).toContain('⊘ skipped');
    expect(bars[0]).toMatch(/^shell\s+█/);
  });

  it('--width sets the line width; on a terminal its width is used', async () => {
    const narrow = await runInProcess(['report', FIXTURE, '--width', '60']);
    const lines = narrow.stdout.split('\n').filter((l) => l.includes('█'));
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(60);
    const tty = await runOnTty(['report', FIXTURE], 120);
    const wide = tty.stdout.split('\n').filter((l) => l.includes('█'));
    expect(Math.max(...wide.map((l) => [...l].length))).toBeGreaterThan(80);
    for (const l of wide) expect([...l].length).toBeLessThanOrEqual(120);
  });

  it('--json prints the analysis', async () => {
    const out = await runInProcess(['report', '--json', FIXTURE]);
    expect(out.code).toBe(0);
    const json = JSON.parse(out.stdout) as { parallelization: { calls_per_batch: number[] }; sequentialRounds: number; metrics: { maxParallelism: number }; calls: unknown[] };
    expect(json.parallelization.calls_per_batch).toEqual([4, 2]);
    expect(json.sequentialRounds).toBe(2);
    expect(json.metrics.maxParallelism).toBe(4);
    expect(json.calls).toHaveLength(6);
  });

  it('one batch and one round are singular; the dependency depth is told apart from the rounds the model waited', async () => {
    // One model turn asks for a and b, b needs a's result: one wait of the model, a chain of two calls.
    const trace = [
      { type: 'assistant_message', turn: 1, t: 0, tool_calls: ['a', 'b'] },
      { type: 'tool_call', id: 'a', name: 'search', turn: 1, t: 1, deps: [] },
      { type: 'tool_call', id: 'b', name: 'read_file', turn: 1, t: 1, deps: ['a'] },
      { type: 'tool_response', call_id: 'a', status: 'succeeded', t: 11, duration_ms: 10 },
      { type: 'tool_response', call_id: 'b', status: 'succeeded', t: 21, duration_ms: 10 },
    ];
    const out = await runInProcess(['report', '-'], trace.map((e) => JSON.stringify(e)).join('\n'));
    expect(out.code).toBe(0);
    const lines = out.stdout.split('\n');
    expect(lines).toContain('batches      1 batch, one per model turn that asked for tools: [2] calls, largest 2');
    expect(lines).toContain('rounds       1 sequential round: the model waited for tool results once');
    expect(lines).toContain('depth        dependency depth 2 calls (on the longest chain that ran, as toolgraph run prints it)');
    expect(out.stdout).not.toMatch(/\b1 (batches|rounds)\b/);
    const usage = await runInProcess(['report', '--help']);
    expect(usage.stdout).toContain('a sequential round is one wait of');
  });

  it('reads stdin with -, and says so when there are no calls', async () => {
    const out = await runInProcess(['report', '-'], '{"type":"assistant_message","turn":1,"t":0,"content":"hi"}\n');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('no tool calls in the trace');
  });

  it('a malformed trace: exit 1, one clear line naming the line, no stack trace', async () => {
    const out = await runInProcess(['report', '-'], '{"type":"tool_call","id":"a"}\nnope\n');
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    expect(out.stderr).toMatch(/^toolgraph report: PARSE_ERROR: stdin:1: tool_call entry: .*\(and 1 more malformed line\)/);
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });

  it('a missing file: exit 1 with the reason', async () => {
    const out = await runInProcess(['report', 'test/fixtures/observe/missing.jsonl']);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('test/fixtures/observe/missing.jsonl: no such file');
  });

  it('bad usage: exit 2 with the usage text', async () => {
    for (const argv of [['report'], ['report', 'a', 'b'], ['report', FIXTURE, '--width', 'wide'], ['report', FIXTURE, '--width', '5'], ['report', FIXTURE, '--color']]) {
      const out = await runInProcess(argv);
      expect(out.code, argv.join(' ')).toBe(2);
      expect(out.stderr).toContain('usage: toolgraph report');
    }
    const help = await runInProcess(['report', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: toolgraph report');
  });
});

describe('toolgraph run --trace, then toolgraph report --html / --chrome-trace', () => {
  const fetches = { calls: ['a', 'b', 'c'].map((id) => ({ id, tool: 'fetch_url', args: { url: `https://example.com/${id}` } })) };

  it('--json carries the same diagnostics, each with its code, message and fix', async () => {
    const ran = await runInProcess(['run', '-', '--tools', 'test/fixtures/observe/no-effects-tools.mjs', '--yes', '--json'], JSON.stringify(fetches));
    expect(ran.code).toBe(0);
    const doc = JSON.parse(ran.stdout) as { diagnostics: { code: string; message: string; fix: string }[] };
    expect(doc.diagnostics.map((d) => d.code)).toEqual(['SERIALIZED_BY_DEFAULT_EFFECTS']);
    expect(doc.diagnostics[0]?.fix).toContain('effects: { readOnly: true }');
  });

  it('prints the diagnostic after the summary, and the report files show why each call waited', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'toolgraph-report-'));
    const trace = join(dir, 't.jsonl');
    const ran = await runInProcess(['run', '-', '--tools', 'test/fixtures/observe/no-effects-tools.mjs', '--yes', '--trace', trace], JSON.stringify(fetches));
    expect(ran.code).toBe(0);
    const lines = ran.stdout.trimEnd().split('\n');
    expect(lines.at(-2)).toMatch(/^3\/3 succeeded in /);
    expect(lines.at(-1)).toBe(
      'SERIALIZED_BY_DEFAULT_EFFECTS 3 calls of fetch_url ran one at a time because the tool declares no effects, so each call is taken to write tool:fetch_url. Fix: declare effects: { readOnly: true } on fetch_url if it only reads, or resources: (args) => [...] naming what each call writes',
    );
    const report = await runInProcess(['report', trace, '--html', join(dir, 'out.html'), '--chrome-trace', join(dir, 'out.json')]);
    expect(report.code).toBe(0);
    expect(report.stdout).toContain('calls        3 (3 succeeded)');
    const html = await readFile(join(dir, 'out.html'), 'utf8');
    expect(html.match(/<g class="call /g)).toHaveLength(3);
    expect(html).toMatch(/<g class="call status-succeeded[^"]*" data-id="b" data-tool="fetch_url"/);
    expect(html).toContain('conflict with a on tool:fetch_url');
    const chrome = JSON.parse(await readFile(join(dir, 'out.json'), 'utf8')) as { traceEvents: { name: string; ph: string; cat?: string }[] };
    expect(chrome.traceEvents.filter((e) => e.ph === 'X' && e.cat !== 'wait' && e.cat !== 'turn' && e.cat !== 'model').map((e) => e.name).sort()).toEqual(['fetch_url a', 'fetch_url b', 'fetch_url c']);
    expect(chrome.traceEvents.filter((e) => e.cat === 'wait').map((e) => e.name)).toEqual(['wait: conflict', 'wait: conflict']); // b behind a; c behind b (the latest earlier conflicting call)
  });

  it('--html to a path that cannot be written exits 2 with one line', async () => {
    const out = await runInProcess(['report', FIXTURE, '--html', join(tmpdir(), 'no-such-dir-toolgraph', 'r.html')]);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/--html .*r\.html: cannot write: no such directory/);
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });
});
