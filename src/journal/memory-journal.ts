/**
 * In-memory journal and result cache: for one process (tests, a framework's resume within a
 * process). Lost when the process exits; use a file or Redis journal to survive a crash.
 */
import type { CallStart, Journal, JournalRecord, RecordedOutcome, ResultCache } from './journal-types.js';

/**
 * A {@link Journal} in a Map. Synchronous, so a run with it pays no promise per call.
 *
 * @example
 * const journal = new MemoryJournal()
 * await run(plan, { tools, runId: 'r1', journal })
 */
export class MemoryJournal implements Journal {
  private readonly records = new Map<string, JournalRecord>();

  /** What is known about `key`. */
  lookup(key: string): JournalRecord | undefined {
    return this.records.get(key);
  }

  /** Records a start (an outcome already recorded is kept). */
  started(key: string, info: CallStart): void {
    const known = this.records.get(key);
    if (known === undefined || known.state === 'started' || known.outcome.status === 'failed') this.records.set(key, { state: 'started', start: info });
  }

  /** Records an outcome. */
  finished(key: string, outcome: RecordedOutcome): void {
    this.records.set(key, { state: 'finished', outcome });
  }

  /** Number of keys recorded. */
  get size(): number {
    return this.records.size;
  }

  /** Forgets everything. */
  clear(): void {
    this.records.clear();
  }
}

/**
 * A {@link ResultCache} in a Map, with an optional bound on entries (oldest dropped first).
 *
 * @example
 * const resultCache = new MemoryResultCache({ maxEntries: 10_000 })
 */
export class MemoryResultCache implements ResultCache {
  private readonly entries = new Map<string, RecordedOutcome>();
  private readonly maxEntries: number;

  constructor(options: { readonly maxEntries?: number } = {}) {
    this.maxEntries = options.maxEntries ?? Infinity;
  }

  /** The outcome stored for `key`. */
  get(key: string): RecordedOutcome | undefined {
    return this.entries.get(key);
  }

  /** Stores an outcome, dropping the oldest entry beyond `maxEntries`. */
  set(key: string, outcome: RecordedOutcome): void {
    this.entries.delete(key);
    this.entries.set(key, outcome);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }

  /** Number of entries. */
  get size(): number {
    return this.entries.size;
  }
}

/** A result cache seen as a journal: lookups find only stored outcomes, starts are not kept. */
export function journalOfCache(cache: ResultCache): Journal {
  return {
    lookup(key) {
      const found = cache.get(key);
      if (found !== null && typeof found === 'object' && typeof (found as Promise<unknown>).then === 'function') {
        return (found as Promise<RecordedOutcome | undefined>).then((outcome) => (outcome === undefined ? undefined : { state: 'finished', outcome }));
      }
      const outcome = found as RecordedOutcome | undefined;
      return outcome === undefined ? undefined : { state: 'finished', outcome };
    },
    started() {},
    finished(key, outcome) {
      if (outcome.status === 'succeeded') return cache.set(key, outcome);
    },
  };
}
