import { describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/built-cli.js';

const TOOLS = 'test/fixtures/hostile-tools.mjs';
/** A raw C0 (except LF/TAB), DEL, C1, bidi or line-separator character. */
// eslint-disable-next-line no-control-regex
const RAW_UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('what a person sees: no raw control or bidi characters reach the terminal', () => {
  const plan = {
    calls: [
      { id: 'h', tool: 'hostile', args: {} },
      { id: 'f', tool: 'hostile_fail', args: { x: 'a\u009bb' } },
      { id: 'c', tool: 'cyclic', args: {} },
      { id: 'd', tool: 'deep', args: {} },
    ],
  };

  it('plain progress lines and the summary', async () => {
    const out = await runInProcess(['run', '-', '--tools', TOOLS], JSON.stringify(plan));
    expect(out.stdout + out.stderr).not.toMatch(RAW_UNSAFE);
    expect(out.stdout).toContain('failed: ok\\u001b[2J');
    expect(out.stdout).toContain('\\u202egnp.exe');
  });

  it('--json escapes C1 and bidi controls, and still parses; a cyclic result is marked and a too-deep one fails that call alone', async () => {
    const out = await runInProcess(['run', '-', '--tools', TOOLS, '--json'], JSON.stringify(plan));
    expect(out.stdout).not.toMatch(RAW_UNSAFE);
    const doc = JSON.parse(out.stdout) as { calls: Record<string, { status: string; result?: unknown; error?: { message: string } }> };
    expect(doc.calls['h']?.result).toMatchObject({ text: 'ok\u001b[2J\u001b]0;pwned\u0007\u009b31m\u202egnp.exe\u2066\u200f\u061c\r\u0085end' });
    expect(doc.calls['f']?.error?.message).toContain('\u202egnp.exe');
    expect(doc.calls['c']?.result).toEqual({ n: 1, self: '[unserializable: cyclic]' });
    // A result nested 50,000 deep is past the engine's snapshot bound (1,000 levels): that call
    // fails INVALID_OUTPUT, and the document around it is still whole and parses.
    expect(doc.calls['d']).toMatchObject({ status: 'failed', error: { code: 'INVALID_OUTPUT' } });
    expect(doc.calls['d']?.error?.message).toMatch(/deeper than 1000/);
  });

  it('--dry-run resources and ids, and validation problems, are escaped', async () => {
    const writes = {
      calls: [
        { id: 'a', tool: 'write_path', args: { path: 'x\u202e\u009b.txt' } },
        { id: 'b', tool: 'write_path', args: { path: 'x\u202e\u009b.txt' } },
      ],
    };
    const dry = await runInProcess(['run', '-', '--tools', TOOLS, '--dry-run'], JSON.stringify(writes));
    expect(dry.stdout).toContain('conflict');
    expect(dry.stdout + dry.stderr).not.toMatch(RAW_UNSAFE);
    expect(dry.stdout).toContain('x\\u202e\\u009b.txt');
    const dryJson = await runInProcess(['run', '-', '--tools', TOOLS, '--dry-run', '--json'], JSON.stringify(writes));
    expect(dryJson.stdout).not.toMatch(RAW_UNSAFE);
    const invalid = await runInProcess(['run', '-', '--tools', TOOLS], JSON.stringify({ calls: [{ id: 'a', tool: 'nope\u202e\u001b[31m', args: {} }] }));
    expect(invalid.code).toBe(2);
    expect(invalid.stdout + invalid.stderr).not.toMatch(RAW_UNSAFE);
    expect(invalid.stderr).toContain('nope\\u202e\\u001b[31m');
  });

  it('report: ids, tool names, statuses and waste reasons from a trace are escaped, text and --json', async () => {
    const evil = 'x\u202e\u001b[2J\u009b\u2066';
    const lines = [
      { type: 'assistant_message', turn: 1, t: 0, tool_calls: [evil, 'b'] },
      { type: 'tool_call', id: evil, name: `tool${evil}`, turn: 1, t: 0 },
      { type: 'tool_call', id: 'b', name: 't', turn: 1, t: 0 },
      { type: 'tool_response', call_id: evil, status: `failed${evil}`, t: 5, duration_ms: 5, error: { code: 'X', message: evil } },
      { type: 'tool_response', call_id: 'b', status: 'succeeded', t: 9, duration_ms: 9 },
    ];
    const trace = lines.map((l) => JSON.stringify(l)).join('\n');
    const text = await runInProcess(['report', '-'], trace);
    expect(text.code).toBe(0);
    expect(text.stdout + text.stderr).not.toMatch(RAW_UNSAFE);
    expect(text.stdout).toContain('\\u202e');
    const json = await runInProcess(['report', '-', '--json'], trace);
    expect(json.stdout).not.toMatch(RAW_UNSAFE);
    expect(JSON.stringify(JSON.parse(json.stdout))).toContain(JSON.stringify(evil).slice(1, -1));
  });
});
