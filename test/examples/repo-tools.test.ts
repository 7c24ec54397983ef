import { mkdtemp, mkdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs example without types
import { repoTools } from '../../examples/repo-tools.mjs';
import { run } from '../../src/schedule/scheduler.js';
import planning from '../../examples/repo-planning.plan.json' with { type: 'json' };

interface ExampleTool {
  name: string;
  execute(args: Record<string, unknown>, ctx: { signal: AbortSignal }): Promise<unknown>;
}

async function fixture(): Promise<{ root: string; tools: ExampleTool[] }> {
  const root = await mkdtemp(join(tmpdir(), 'toolgraph-repo-'));
  await mkdir(join(root, 'src'));
  await writeFile(join(root, 'src', 'a.ts'), 'export class UserAuth {}\n');
  await writeFile(join(root, 'src', 'b.ts'), 'export const x = 1;\n');
  await writeFile(join(tmpdir(), 'toolgraph-outside.txt'), 'secret\n');
  await symlink(join(tmpdir(), 'toolgraph-outside.txt'), join(root, 'escape.txt'));
  return { root, tools: (await repoTools(root)) as ExampleTool[] };
}

const signal = new AbortController().signal;
const tool = (tools: ExampleTool[], name: string): ExampleTool => tools.find((t) => t.name === name) as ExampleTool;

describe('examples/repo-tools', () => {
  it('find, grep and read work inside the root', async () => {
    const { tools } = await fixture();
    expect(await tool(tools, 'find').execute({ pattern: 'src/*.ts' }, { signal })).toMatchObject({ count: 2, files: ['src/a.ts', 'src/b.ts'] });
    expect(await tool(tools, 'grep').execute({ text: 'UserAuth', glob: '**/*.ts' }, { signal })).toMatchObject({ count: 1, matches: [{ path: 'src/a.ts', line: 1 }] });
    expect(await tool(tools, 'read_file').execute({ path: 'src/b.ts' }, { signal })).toMatchObject({ path: 'src/b.ts', lines: 2 });
  });

  it('refuses model-written paths that leave the root, directly or through a symlink', async () => {
    const { tools } = await fixture();
    await expect(tool(tools, 'read_file').execute({ path: '../../etc/passwd' }, { signal })).rejects.toThrow(/outside the workspace/);
    await expect(tool(tools, 'read_file').execute({ path: 'escape.txt' }, { signal })).rejects.toThrow(/outside the workspace/);
    await expect(tool(tools, 'list_dir').execute({ path: '/' }, { signal })).rejects.toThrow(/outside the workspace/);
  });

  it('the repo-planning example runs on this repository in two rounds', async () => {
    const tools = await repoTools(process.cwd());
    const result = await run(planning, { tools });
    expect(Object.values(result.calls).map((c) => c.status)).toEqual(Array(7).fill('succeeded'));
    expect(result.metrics.rounds).toBe(2);
    expect(result.calls['read_engine']?.args).toEqual({ path: 'src/schedule/run-engine.ts' });
  });
});
