import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openJsonlJournal } from '../../src/journal/jsonl-journal.js';
import { run } from '../../src/schedule/scheduler.js';
import { runAgent } from '../../src/agent/run-agent.js';
import { openAIChatAdapter } from '../../src/agent/openai-chat-adapter.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'toolgraph-jsonl-journal-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const plan = {
  calls: [
    { id: 'w1', tool: 'append', args: { line: 'one' } },
    { id: 'w2', tool: 'append', args: { line: '${w1.text}!' } },
  ],
};

function appendTool(log: string[]) {
  return {
    name: 'append',
    resources: (a: { line: string }) => [`line:${a.line}`],
    execute: ({ line }: { line: string }, { callId }: { callId: string }) => (log.push(callId), { text: line.toUpperCase() }),
  };
}

describe('openJsonlJournal', () => {
  it('survives closing and reopening: the second run executes nothing and fills references from the file', async () => {
    const path = join(dir, 'j.jsonl');
    const log: string[] = [];
    const journal = await openJsonlJournal(path);
    await run(plan, { tools: [appendTool(log)], runId: 'r', journal });
    await journal.close();
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { s: string });
    expect(lines.map((l) => l.s)).toEqual(['started', 'finished', 'started', 'finished']);
    const again = await openJsonlJournal(path, { fsync: 'never' });
    expect(again.recovered).toBe(4);
    const second = await run(plan, { tools: [appendTool(log)], runId: 'r', journal: again });
    await again.close();
    expect(log).toEqual(['w1', 'w2']);
    expect(second.calls['w2']?.result).toEqual({ text: 'ONE!' });
    expect(second.calls['w2']?.args).toEqual({ line: 'ONE!' });
  });

  it('tolerates a torn last line, reports a bad line in the middle, and appends on a fresh line', async () => {
    const path = join(dir, 'j.jsonl');
    const journal = await openJsonlJournal(path);
    await run({ calls: [plan.calls[0]] }, { tools: [appendTool([])], runId: 'r', journal });
    await journal.close();
    const whole = readFileSync(path, 'utf8');
    writeFileSync(path, `not json\n${whole}{"k":"abc","s":"fini`);
    const reopened = await openJsonlJournal(path);
    expect(reopened.problems).toEqual([{ line: 1, message: 'not JSON' }]);
    expect(reopened.recovered).toBe(2);
    const log: string[] = [];
    const result = await run(plan, { tools: [appendTool(log)], runId: 'r', journal: reopened });
    await reopened.close();
    expect(log).toEqual(['w2']);
    expect(result.calls['w2']?.status).toBe('succeeded');
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.filter((l) => l.startsWith('{"k":"abc"'))).toEqual(['{"k":"abc","s":"fini']);
    expect(lines.filter((l) => l.length > 0).slice(-2).map((l) => (JSON.parse(l) as { s: string }).s)).toEqual(['started', 'finished']);
  });

  it('a start with no outcome in the file (the process died) ends a write OUTCOME_UNKNOWN', async () => {
    const path = join(dir, 'j.jsonl');
    const journal = await openJsonlJournal(path);
    let began!: () => void;
    const executing = new Promise<void>((r) => (began = r));
    const hang = { ...appendTool([]), execute: () => (began(), new Promise(() => undefined)) };
    const controller = new AbortController();
    const first = run({ calls: [plan.calls[0]] }, { tools: [hang], runId: 'r', journal, signal: controller.signal });
    await executing;
    controller.abort();
    await first;
    await journal.close();
    const reopened = await openJsonlJournal(path);
    const log: string[] = [];
    const result = await run(plan, { tools: [appendTool(log)], runId: 'r', journal: reopened });
    await reopened.close();
    expect(result.calls['w1']?.error?.code).toBe('OUTCOME_UNKNOWN');
    expect(result.calls['w2']?.status).toBe('skipped');
    expect(log).toEqual([]);
  });

  it('refuses an unknown fsync policy', async () => {
    await expect(openJsonlJournal(join(dir, 'x'), { fsync: 'sometimes' as never })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });
});

describe('runAgent with a journal', () => {
  it('a second agent run with the same agentId replays the model and executes no tool again', async () => {
    const path = join(dir, 'agent.jsonl');
    const executed: string[] = [];
    const write = { name: 'write', execute: (a: { v: string }) => (executed.push(a.v), `wrote ${a.v}`) };
    const script = [
      { choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'write', arguments: '{"v":"x"}' } }] }, finish_reason: 'tool_calls' }] },
      { choices: [{ index: 0, message: { role: 'assistant', content: 'done' }, finish_reason: 'stop' }] },
    ];
    const agent = async () => {
      const journal = await openJsonlJournal(path);
      const seen: unknown[] = [];
      const result = await runAgent({
        provider: openAIChatAdapter(),
        callModel: ({ turn, messages }) => (seen.push(messages.at(-1)), script[turn - 1]),
        messages: [{ role: 'user', content: 'go' }],
        tools: [write],
        agentId: 'agent-7',
        journal,
      });
      await journal.close();
      return { result, seen };
    };
    const one = await agent();
    const two = await agent();
    expect(executed).toEqual(['x']);
    expect(two.result.text).toBe('done');
    expect(two.seen[1]).toEqual(one.seen[1]);
    expect(two.seen[1]).toMatchObject({ role: 'tool', content: 'wrote x' });
  });
});
