import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTools } from '../../src/cli/load-tools.js';

describe('loadTools: tools that say what they are', () => {
  it('refuses a tool with a misspelt key, naming the module, the export and the key with a did-you-mean', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'toolgraph-load-keys-'));
    await writeFile(join(dir, 'tools.mjs'), "export default [{ name: 'fetch_url', effect: { readOnly: true }, execute: () => 1 }];\n");
    const error = (await loadTools('tools.mjs', dir).catch((e: unknown) => e)) as { code?: string; message?: string };
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toBe('--tools tools.mjs: default export [0]: tool "fetch_url": unknown key `effect` (did you mean `effects`?)');
  });

  it('accepts an MCP-shaped tool description and reads its annotations as effects', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'toolgraph-load-keys-'));
    await writeFile(
      join(dir, 'tools.mjs'),
      "export default [{ name: 'lookup', inputSchema: { type: 'object', properties: { q: { type: 'string' } } }, annotations: { readOnlyHint: true }, execute: () => 1 }];\n",
    );
    const tools = await loadTools('tools.mjs', dir);
    expect(tools.get('lookup')?.resolvedEffects.readOnly).toBe(true);
    expect(tools.get('lookup')?.inputJsonSchema).toEqual({ type: 'object', properties: { q: { type: 'string' } } });
  });
});
