/**
 * A journal in an append-only JSONL file: one line per start or outcome,
 * `{"k":<idempotency key>,"s":"started","start":{…}}` or `{"k":…,"s":"finished","outcome":{…}}`.
 * Opening reads the file back (the last record of a key wins); lookups are then answered from
 * memory. A torn last line (the process died mid-write) is ignored and the next record starts
 * on a fresh line.
 *
 * fsync policy: records written together are one `write` then, with `fsync: 'always'` (the
 * default), one `fdatasync` before any of their promises resolve — a start is on disk before
 * its tool runs, even across a power loss. With `fsync: 'never'` a record is handed to the
 * operating system before its promise resolves: it survives the process being killed
 * (SIGKILL, a crash), not the machine losing power.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { ToolgraphError } from '../errors.js';
import type { CallStart, Journal, JournalRecord, RecordedOutcome } from './journal-types.js';

/** Options of {@link openJsonlJournal}. */
export interface JsonlJournalOptions {
  /** `'always'`: fdatasync before a record's promise resolves; `'never'`: leave flushing to the OS. @default 'always' */
  readonly fsync?: 'always' | 'never';
  /** Longest line read back, in characters (longer lines are problems). @default 16 MiB */
  readonly maxLineLength?: number;
}

/** A problem found reading the file back: a line that is not a record. */
export interface JsonlJournalProblem {
  /** 1-based line number. */
  readonly line: number;
  /** What is wrong. */
  readonly message: string;
}

/** A {@link Journal} in a JSONL file. */
export interface JsonlJournal extends Journal {
  /** What is known about `key` (synchronous: answered from memory). */
  lookup(key: string): JournalRecord | undefined;
  /** Lines that were not records (a torn last line is not counted). */
  readonly problems: readonly JsonlJournalProblem[];
  /** Records read back when opened. */
  readonly recovered: number;
  /** Waits for pending writes and closes the file. */
  close(): Promise<void>;
}

function parseRecord(line: string): { key: string; record: JournalRecord } | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  if (typeof value !== 'object' || value === null) return 'not an object';
  const { k, s } = value as { k?: unknown; s?: unknown };
  if (typeof k !== 'string' || k.length === 0) return 'no key `k`';
  if (s === 'started') {
    const start = (value as { start?: unknown }).start;
    if (typeof start !== 'object' || start === null) return 'a start without `start`';
    return { key: k, record: { state: 'started', start: start as CallStart } };
  }
  if (s === 'finished') {
    const outcome = (value as { outcome?: { status?: unknown } }).outcome;
    if (typeof outcome !== 'object' || outcome === null || (outcome.status !== 'succeeded' && outcome.status !== 'failed')) return 'an outcome without `status`';
    return { key: k, record: { state: 'finished', outcome: outcome as RecordedOutcome } };
  }
  return 'state `s` is neither started nor finished';
}

/**
 * Opens (or creates) a JSONL journal file and reads it back.
 *
 * @example
 * const journal = await openJsonlJournal('runs/job-42.journal.jsonl')
 * await run(plan, { tools, runId: 'job-42', journal })
 * await journal.close()
 */
export async function openJsonlJournal(path: string, options: JsonlJournalOptions = {}): Promise<JsonlJournal> {
  const fsync = options.fsync ?? 'always';
  if (fsync !== 'always' && fsync !== 'never') throw new ToolgraphError('INVALID_OPTION', `expected \`fsync\` to be 'always' or 'never', got \`${String(fsync)}\``);
  const maxLine = options.maxLineLength ?? 16 * 1024 * 1024;
  const file: FileHandle = await open(path, 'a+');
  const records = new Map<string, JournalRecord>();
  const problems: JsonlJournalProblem[] = [];
  let recovered = 0;
  const text = await file.readFile('utf8');
  const lines = text.split('\n');
  const torn = text.length > 0 && !text.endsWith('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.length === 0) continue;
    const last = i === lines.length - 1;
    const parsed = line.length > maxLine ? `longer than ${maxLine} characters` : parseRecord(line);
    if (typeof parsed === 'string') {
      // The last line without its newline is a write the process did not finish: not a problem.
      if (!(last && torn)) problems.push({ line: i + 1, message: parsed });
      continue;
    }
    recovered++;
    const known = records.get(parsed.key);
    // A success stays: a later start line for it can only come from a run that ignored the journal.
    if (known?.state === 'finished' && known.outcome.status === 'succeeded' && parsed.record.state === 'started') continue;
    records.set(parsed.key, parsed.record);
  }

  let pending: string[] = [];
  let waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  let flushing: Promise<void> | undefined;
  let needsNewline = torn;
  let closed = false;

  const flush = async (): Promise<void> => {
    while (pending.length > 0) {
      const batch = pending;
      const done = waiters;
      pending = [];
      waiters = [];
      try {
        const body = `${needsNewline ? '\n' : ''}${batch.join('')}`;
        needsNewline = false;
        await file.appendFile(body, 'utf8');
        if (fsync === 'always') await file.datasync();
        for (const w of done) w.resolve();
      } catch (error) {
        for (const w of done) w.reject(error);
      }
    }
    flushing = undefined;
  };
  const append = (line: string): Promise<void> => {
    if (closed) return Promise.reject(new ToolgraphError('JOURNAL_ERROR', `the journal ${path} is closed`));
    pending.push(`${line}\n`);
    const written = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
    // Records arriving while a batch is written go together in the next batch (group commit).
    flushing ??= Promise.resolve().then(flush);
    return written;
  };

  return {
    problems,
    recovered,
    lookup(key) {
      return records.get(key);
    },
    started(key, info) {
      const known = records.get(key);
      if (!(known?.state === 'finished' && known.outcome.status === 'succeeded')) records.set(key, { state: 'started', start: info });
      return append(JSON.stringify({ k: key, s: 'started', start: info }));
    },
    finished(key, outcome) {
      records.set(key, { state: 'finished', outcome });
      let line: string;
      try {
        line = JSON.stringify({ k: key, s: 'finished', outcome });
      } catch (error) {
        // A result JSON cannot hold (a cycle, a BigInt): recorded as a failure to keep, so the call runs again next time.
        line = JSON.stringify({ k: key, s: 'finished', outcome: { status: 'failed', error: { code: 'JOURNAL_ERROR', message: `the result could not be written as JSON: ${error instanceof Error ? error.message : String(error)}` } } });
      }
      return append(line);
    },
    async close() {
      closed = true;
      while (flushing !== undefined) await flushing;
      await file.close();
    },
  };
}
