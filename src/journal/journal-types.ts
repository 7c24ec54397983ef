/**
 * Durable runs and result caches, one design: a {@link Journal} records each call's start and
 * outcome under its idempotency key (a hash of run id, call id and canonical args); a
 * {@link ResultCache} is its read side plus the success half of its write side. Re-running a
 * plan with the same run id finds every call's record again.
 */
import type { SerializedError } from '../schedule/events.js';
import type { ResolvedEffects } from '../tools/tool-types.js';

/** A value, or a promise of it: journals may be synchronous (memory) or not (a file, Redis). */
export type MaybePromise<T> = T | Promise<T>;

/** How an execution of a call ended, as a journal keeps it. */
export type RecordedOutcome =
  | { readonly status: 'succeeded'; readonly result: unknown }
  | { readonly status: 'failed'; readonly error: SerializedError };

/** What a journal keeps about a call's start. */
export interface CallStart {
  /** The run's id. */
  readonly runId: string;
  /** The call's id in the plan. */
  readonly callId: string;
  /** The tool's name. */
  readonly tool: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
}

/**
 * What a journal knows about one idempotency key: nothing (`undefined`), that an execution
 * started (and nothing more: the process may have died while it ran), or how it ended.
 */
export type JournalRecord =
  | { readonly state: 'started'; readonly start: CallStart }
  | { readonly state: 'finished'; readonly outcome: RecordedOutcome };

/**
 * Records each call's start and outcome by idempotency key. `started` is awaited before the
 * tool runs (so a crash can never hide an execution); `finished` is not awaited by the run.
 *
 * @example
 * const journal = new MemoryJournal()
 * await run(plan, { tools, runId: 'job-42', journal })
 * await run(plan, { tools, runId: 'job-42', journal }) // resumes: nothing that succeeded runs again
 */
export interface Journal {
  /** What is known about `key`. */
  lookup(key: string): MaybePromise<JournalRecord | undefined>;
  /** An execution of the call with `key` is about to start. */
  started(key: string, info: CallStart): MaybePromise<void>;
  /** The execution of the call with `key` ended with `outcome`. */
  finished(key: string, outcome: RecordedOutcome): MaybePromise<void>;
}

/**
 * A cache of call outcomes by idempotency key: a hit fills the call's references and its tool
 * is not executed (the call still emits its events, `call_succeeded` with `cached: true`).
 * Only successes are looked for and stored: a failure is decided again.
 *
 * @example
 * const resultCache = new MemoryResultCache()
 * await run(plan, { tools, runId: 'thread-7', resultCache }) // a second run with the same id executes nothing that succeeded
 */
export interface ResultCache {
  /** The outcome stored for `key`, if any. */
  get(key: string): MaybePromise<RecordedOutcome | undefined>;
  /** Stores the outcome of the call with `key`. */
  set(key: string, outcome: RecordedOutcome): MaybePromise<void>;
}

/** A call found started with no recorded outcome, as the `onUnknownOutcome` policy sees it. */
export interface UnknownOutcomeCall {
  /** The call's id. */
  readonly callId: string;
  /** The tool's name. */
  readonly tool: string;
  /** The tool's effects (defaults applied). */
  readonly effects: ResolvedEffects;
  /** The call's idempotency key. */
  readonly idempotencyKey: string;
  /** The start the journal recorded. */
  readonly start: CallStart;
  /** True when the tool's own `execute` returns the first execution's outcome for a repeated key (e.g. `toolgraph/bullmq`'s remote tools). */
  readonly dedupesByKey: boolean;
}

/**
 * What to do with a call that started in an earlier run and has no recorded outcome: run it
 * again, or end it `failed` with `OUTCOME_UNKNOWN`. The default runs it again only when that is
 * safe: read-only or idempotent tools, and tools that deduplicate by idempotency key.
 */
export type UnknownOutcomePolicy = 'fail' | 'run' | ((call: UnknownOutcomeCall) => 'fail' | 'run');

/**
 * Marks a tool whose `execute`, called again with the same idempotency key, returns the first
 * execution's outcome instead of running it again (a queue job keyed by it, an API's
 * idempotency-key header). Set as a property of the tool definition: `{ [DEDUPES_BY_KEY]: true, ... }`.
 */
export const DEDUPES_BY_KEY: unique symbol = Symbol.for('toolgraph.dedupesByKey');
