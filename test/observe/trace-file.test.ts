import { mkdtemp, readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openAtomicFile } from '../../src/observe/trace-file.js';

async function dir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'toolgraph-atomic-'));
}

describe('openAtomicFile', () => {
  it('writes to a temporary file in the same directory and renames it over the target on commit', async () => {
    const d = await dir();
    const path = join(d, 'trace.jsonl');
    await writeFile(path, 'old\n');
    const file = await openAtomicFile(path);
    expect(dirname(file.tempPath)).toBe(d);
    expect(await readFile(path, 'utf8')).toBe('old\n'); // untouched until the commit
    await file.commit('new\n');
    expect(await readFile(path, 'utf8')).toBe('new\n');
    expect(await readdir(d)).toEqual(['trace.jsonl']);
  });

  it('discarding leaves an existing file as it was and removes the temporary file', async () => {
    const d = await dir();
    const path = join(d, 'trace.jsonl');
    await writeFile(path, 'kept\n');
    const file = await openAtomicFile(path);
    await file.discard();
    expect(await readFile(path, 'utf8')).toBe('kept\n');
    expect(await readdir(d)).toEqual(['trace.jsonl']);
    await file.commit('ignored'); // settled: no effect
    expect(await readFile(path, 'utf8')).toBe('kept\n');
  });

  it('commitSync does the same synchronously (for signal handlers)', async () => {
    const d = await dir();
    const path = join(d, 't.jsonl');
    const file = await openAtomicFile(path);
    file.commitSync('x\n');
    expect(await readFile(path, 'utf8')).toBe('x\n');
    expect(file.settled).toBe(true);
  });

  it('a directory or a missing directory fails when opened, before anything runs', async () => {
    const d = await dir();
    await mkdir(join(d, 'sub'));
    await expect(openAtomicFile(join(d, 'sub'))).rejects.toMatchObject({ code: 'EISDIR' });
    await expect(openAtomicFile(join(d, 'missing', 't.jsonl'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
