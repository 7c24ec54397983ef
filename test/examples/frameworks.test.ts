import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, ensureBuilt } from '../helpers/built-cli.js';

const exec = promisify(execFile);

async function example(name: string, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return exec(process.execPath, [join(ROOT, 'examples', 'frameworks', name), ...args], { cwd: ROOT });
}

describe('the framework examples (examples/frameworks/*.mjs, importing toolgraph/<framework> from the build)', () => {
  beforeAll(async () => {
    await ensureBuilt();
  }, 120_000);

  it('ai-sdk.mjs: the dependent call runs with the filled value and the model answers', async () => {
    const { stdout, stderr } = await example('ai-sdk.mjs');
    expect(stderr).toBe('');
    expect(stdout).toBe('answer: Customer u7 has one order.\nran: get_user(7), get_orders(41)\n');
  }, 60_000);

  it('openai-agents.mjs: approval shows the filled args; approve runs the delete once, reject never', async () => {
    const approved = await example('openai-agents.mjs', 'approve');
    expect(approved.stderr).toBe('');
    expect(approved.stdout).toBe('approval asked: delete_user {"id":"u7"} -> approve\nran: get_user(7), delete_user(u7)\nanswer: The customer was deleted.\n');
    const rejected = await example('openai-agents.mjs', 'reject');
    expect(rejected.stdout).toBe('approval asked: delete_user {"id":"u7"} -> reject\nran: get_user(7)\nanswer: The customer was kept.\n');
  }, 60_000);

  it('langgraph.mjs: interrupt() stops the graph with the filled args; resume runs only the delete', async () => {
    const { stdout, stderr } = await example('langgraph.mjs');
    expect(stderr).toBe('');
    expect(stdout.split('\n').slice(0, 3)).toEqual([
      'interrupted: {"tool":"delete_user","args":{"id":"u7"}}',
      'ran before resume: get_user(7), get_orders(41)',
      'ran in total: get_user(7), get_orders(41), delete_user(u7)',
    ]);
    expect(stdout).toContain('c3: deleted u7');
  }, 60_000);
});
