/**
 * A trace file written atomically: the text goes to a temporary file in the same directory,
 * which is then renamed over the target. A reader sees the old trace or the new one, never a
 * half-written file, and a run that fails before it commits leaves an existing trace untouched.
 */
import { closeSync, openSync, renameSync, writeSync } from 'node:fs';
import { open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** A trace file that becomes visible at its path only when committed. */
export interface AtomicFile {
  /** Where the file ends up. */
  readonly path: string;
  /** The temporary file (same directory) the text is written to first. */
  readonly tempPath: string;
  /** Writes `text` to the temporary file, then renames it over `path`. */
  commit(text: string): Promise<void>;
  /** {@link commit}, synchronously: for a signal handler about to exit. */
  commitSync(text: string): void;
  /** Removes the temporary file; `path` keeps what it had. */
  discard(): Promise<void>;
  /** True once committed or discarded. */
  readonly settled: boolean;
}

/**
 * Creates the temporary file now (so a path that cannot be written fails before anything
 * runs); the target is not touched until {@link AtomicFile.commit}.
 *
 * @example
 * const file = await openAtomicFile('trace.jsonl')
 * try { await file.commit(recorder.toJsonl()) } finally { await file.discard() }
 */
export async function openAtomicFile(path: string): Promise<AtomicFile> {
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory() === true) throw Object.assign(new Error(`${path} is a directory`), { code: 'EISDIR' });
  const tempPath = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(tempPath, 'wx', 0o644);
  await handle.close();
  let settled = false;
  return {
    path,
    tempPath,
    get settled() {
      return settled;
    },
    async commit(text) {
      if (settled) return;
      // Settled from the first step: a second commit (or a discard) cannot interleave with this one.
      settled = true;
      try {
        const h = await open(tempPath, 'w');
        try {
          await h.writeFile(text);
          await h.sync();
        } finally {
          await h.close();
        }
        await rename(tempPath, path);
      } catch (error) {
        await unlink(tempPath).catch(() => undefined);
        throw error;
      }
    },
    commitSync(text) {
      if (settled) return;
      settled = true;
      const fd = openSync(tempPath, 'w');
      try {
        writeSync(fd, text);
      } finally {
        closeSync(fd);
      }
      renameSync(tempPath, path);
    },
    async discard() {
      if (settled) return;
      settled = true;
      await unlink(tempPath).catch(() => undefined);
    },
  };
}
