/**
 * What `run`, `validate` and `graph` read (src/cli/plan-input.ts): every format, an explicit
 * --format that does not match, zero calls, and a response's malformed calls.
 */
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/built-cli.js';

const TOOLS = 'test/fixtures/cli-tools.mjs';
const TYPED = 'test/fixtures/cli-typed-tools.mjs';

const chat = (calls: readonly { id: string; name: string; args: string }[], content: string | null = null): string =>
  JSON.stringify({ choices: [{ message: { role: 'assistant', content, ...(calls.length > 0 ? { tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.args } })) } : {}) }, finish_reason: calls.length > 0 ? 'tool_calls' : 'stop' }] });

const response = chat([
  { id: 'call_A', name: 'search', args: '{"query":"q"}' },
  { id: 'call_B', name: 'search', args: '{"query": ' },
  { id: 'call_C', name: 'read_file', args: '{"path":"${call_B.hits[0].path}"}' },
]);
const noStack = (text: string): void => expect(text).not.toMatch(/\n\s+at |ZodError|invalid_type/);

describe('an explicit --format that does not match the input', () => {
  for (const verb of [['run', '--tools', TOOLS], ['validate'], ['graph']]) {
    it(`${verb[0]}: exits 2 and says what the input looks like`, async () => {
      const out = await runInProcess([...verb, '-', '--format', 'anthropic'], response);
      expect(out.code).toBe(2);
      expect(out.stderr).toContain('--format anthropic does not match stdin: it looks like openai-chat; use --format openai-chat or --format auto');
      expect(out.stdout).toBe('');
      noStack(out.stderr);
    });
  }

  it('--format plan on a provider response, and a format on input in none: exit 2 naming what it is', async () => {
    const plan = await runInProcess(['run', '-', '--tools', TOOLS, '--format', 'plan'], response);
    expect(plan.code).toBe(2);
    expect(plan.stderr).toContain('--format plan does not match stdin: it looks like openai-chat');
    const none = await runInProcess(['validate', '-', '--format', 'gemini'], '{"hello": "world"}');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--format gemini does not match stdin: it matches no format');
  });

  it('a matching explicit format reads the calls as auto does', async () => {
    const out = await runInProcess(['run', '-', '--tools', TOOLS, '--format', 'openai-chat', '--json'], chat([{ id: 'c1', name: 'search', args: '{"query":"q"}' }]));
    expect(out.code).toBe(0);
    expect(Object.keys((JSON.parse(out.stdout) as { calls: object }).calls)).toEqual(['c1']);
  });
});

describe('zero calls are said plainly', () => {
  it('run: a response without tool calls, or an empty plan, says there is nothing to run and exits 0', async () => {
    const text = await runInProcess(['run', '-', '--tools', TOOLS], chat([], 'It is 42.'));
    expect(text).toEqual({ code: 0, stdout: 'no tool calls in stdin (openai-chat): nothing to run; the model wrote: It is 42.\n', stderr: '' });
    const plan = await runInProcess(['run', '-', '--tools', TOOLS], '{"calls": []}');
    expect(plan).toMatchObject({ code: 0, stdout: 'no tool calls in stdin (plan): nothing to run\n' });
    expect(plan.stdout).not.toContain('0/0');
  });

  it('validate: valid, but nothing would run', async () => {
    const out = await runInProcess(['validate', '-'], chat([], 'Done.'));
    expect(out).toMatchObject({ code: 0, stdout: 'valid, but no tool calls in stdin (openai-chat): the model answered without tools; nothing would run\n' });
    expect((await runInProcess(['validate', '-'], '[]')).stdout).toBe('valid, but the plan has no calls; nothing would run\n');
  });
});

describe('validate and graph read what run reads', () => {
  it('validate: a provider response, its malformed call and the call waiting on it are reported; exit 1', async () => {
    const out = await runInProcess(['validate', '-'], response);
    expect(out.code).toBe(1);
    const lines = out.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^MALFORMED_CALL call_B \(search\): choices\[0\]\.message\.tool_calls\[1\]\.function\.arguments: .*not valid JSON/);
    expect(lines[1]).toBe('SKIPPED call_C (read_file) waits on call_B, which cannot run');
    // The format's message already names the location: it is said once.
    expect(lines[0]?.split('tool_calls[1].function.arguments')).toHaveLength(2);
    expect(out.stderr).toBe('2 problems found\n');
  });

  it('validate --tools: unknown tools and arguments that fail a tool\'s input schema', async () => {
    const out = await runInProcess(['validate', '-', '--tools', TYPED], chat([
      { id: 'a', name: 'search', args: '{"query": 7}' },
      { id: 'b', name: 'serach', args: '{"query": "q"}' },
    ]));
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/^INVALID_ARGS .*query/m);
    expect(out.stdout).toMatch(/^UNKNOWN_TOOL .*serach/m);
    const fine = await runInProcess(['validate', '-', '--tools', TYPED, '--json'], chat([{ id: 'a', name: 'search', args: '{"query": "q"}' }]));
    expect(JSON.parse(fine.stdout)).toMatchObject({ valid: true, issues: [], summary: { calls: 1 } });
  });

  it('validate reads LLMCompiler text and recorded streams too', async () => {
    const out = await runInProcess(['validate', '-'], '1. search(query="q")\n2. read_file(path="$1")\n');
    expect(out).toMatchObject({ code: 0, stdout: 'valid: 2 calls, 1 edge; 2 dependency levels, critical path 2 calls, widest level 1 call\n' });
    const chunk = (delta: unknown, finish: string | null = null): string => `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    const sse = chunk({ tool_calls: [{ index: 0, id: 'c1', type: 'function', function: { name: 'search', arguments: '{"query":' } }] }) + chunk({ tool_calls: [{ index: 0, function: { arguments: '"q"}' } }] }) + chunk({}, 'tool_calls') + 'data: [DONE]\n\n';
    expect(await runInProcess(['validate', '-'], sse)).toMatchObject({ code: 0, stdout: 'valid: 1 call, 0 edges; 1 dependency level, critical path 1 call, widest level 1 call\n' });
  });

  it('graph: draws a response\'s calls, --output picks the syntax, --tools reports unknown tools', async () => {
    const good = chat([{ id: 'c1', name: 'search', args: '{"query":"q"}' }, { id: 'c2', name: 'read_file', args: '{"path":"${c1.hits[0].path}"}' }]);
    const out = await runInProcess(['graph', '-', '--output', 'dot'], good);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^digraph/);
    expect(out.stdout).toMatch(/n0 -> n1/);
    const legacy = await runInProcess(['graph', '-', '--format', 'dot'], good);
    expect(legacy.stdout).toBe(out.stdout);
    const unknown = await runInProcess(['graph', '-', '--tools', TYPED], good);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toMatch(/^UNKNOWN_TOOL .*read_file/m);
  });
});

describe('run --dry-run on a response with a malformed call', () => {
  it('reports the call as run would end it (and its dependents as skipped), plans the rest, exits 1', async () => {
    const out = await runInProcess(['run', '-', '--tools', TOOLS, '--dry-run'], response);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain('level 1 (needs nothing): call_A');
    expect(out.stdout).toMatch(/^would fail: MALFORMED_CALL call_B \(search\): .*not valid JSON/m);
    expect(out.stdout).toContain('would skip: call_C (read_file) waits on call_B, which cannot run');
    noStack(out.stdout + out.stderr);
    const json = JSON.parse((await runInProcess(['run', '-', '--tools', TOOLS, '--dry-run', '--json'], response)).stdout) as { valid: boolean; wouldFail: { code: string; callId: string }[] };
    expect(json.valid).toBe(true);
    expect(json.wouldFail.map((i) => [i.code, i.callId])).toEqual([['MALFORMED_CALL', 'call_B'], ['SKIPPED', 'call_C']]);
  });
});
