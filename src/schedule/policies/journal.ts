/**
 * The engine's side of journals and result caches: before a call's first attempt, what the
 * journal knows decides whether its tool runs (nothing known, or a failure), its recorded result
 * is used (a success), or it ends `OUTCOME_UNKNOWN` (started in an earlier run with no outcome,
 * and running it again is not known to be safe). Starts are recorded, and awaited, before the
 * tool runs; outcomes after it ends.
 */
import { ToolgraphError } from '../../errors.js';
import { journalOfCache } from '../../journal/memory-journal.js';
import {
  DEDUPES_BY_KEY,
  type Journal,
  type JournalRecord,
  type MaybePromise,
  type UnknownOutcomeCall,
  type UnknownOutcomePolicy,
} from '../../journal/journal-types.js';
import type { Tool } from '../../tools/tool-types.js';
import type { CallNode, Execution } from '../call-node.js';
import type { SerializedError } from '../events.js';
import type { ExecuteOptions } from '../execute-options.js';

/** What the journal decided about an execution. */
export type JournalDecision =
  | { readonly kind: 'run' }
  | { readonly kind: 'hit'; readonly result: unknown }
  | { readonly kind: 'unknown'; readonly error: SerializedError };

const RUN: JournalDecision = Object.freeze({ kind: 'run' });

function isThenable<T>(value: unknown): value is PromiseLike<T> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function journalError(what: string, error: unknown, callId: string): ToolgraphError {
  const message = error instanceof Error ? error.message : String(error);
  return new ToolgraphError('JOURNAL_ERROR', `the journal's ${what} failed: ${message}`, { callId, cause: error });
}

/** The default unknown-outcome decision: run again only when that cannot duplicate an effect. */
function safeToRunAgain(call: UnknownOutcomeCall): 'fail' | 'run' {
  return call.effects.readOnly || call.effects.idempotent || call.dedupesByKey ? 'run' : 'fail';
}

/**
 * The journal of a run, from its options (`journal`, or `resultCache` seen as a journal), or
 * `undefined` when it has neither. Both at once is an `INVALID_OPTION`.
 */
export function journalPolicyOf(options: ExecuteOptions): JournalPolicy | undefined {
  const { journal, resultCache, onUnknownOutcome } = options;
  if (journal !== undefined && resultCache !== undefined) {
    throw new ToolgraphError('INVALID_OPTION', 'expected `journal` or `resultCache`, not both: a journal is a result cache that also records starts');
  }
  for (const [name, value, methods] of [
    ['journal', journal, ['lookup', 'started', 'finished']],
    ['resultCache', resultCache, ['get', 'set']],
  ] as const) {
    if (value === undefined) continue;
    const missing = methods.filter((m) => typeof (value as unknown as Record<string, unknown>)[m] !== 'function');
    if (typeof value !== 'object' || value === null || missing.length > 0) {
      throw new ToolgraphError('INVALID_OPTION', `expected \`${name}\` to be an object with ${methods.map((m) => `${m}()`).join(', ')}${missing.length > 0 && typeof value === 'object' && value !== null ? ` (missing ${missing.join(', ')})` : ''}`);
    }
  }
  if (onUnknownOutcome !== undefined && onUnknownOutcome !== 'fail' && onUnknownOutcome !== 'run' && typeof onUnknownOutcome !== 'function') {
    throw new ToolgraphError('INVALID_OPTION', `expected \`onUnknownOutcome\` to be 'fail', 'run' or a function, got \`${JSON.stringify(onUnknownOutcome) ?? String(onUnknownOutcome)}\``);
  }
  if (journal !== undefined) return new JournalPolicy(journal, onUnknownOutcome);
  if (resultCache !== undefined) return new JournalPolicy(journalOfCache(resultCache), onUnknownOutcome);
  return undefined;
}

/** One run's use of a journal. */
export class JournalPolicy {
  /** Executions whose tool really ran (their outcomes are recorded). */
  private readonly ran = new WeakSet<Execution>();
  /** Calls served from the journal. */
  private readonly cached = new WeakSet<CallNode>();

  constructor(
    private readonly journal: Journal,
    private readonly onUnknownOutcome: UnknownOutcomePolicy | undefined,
  ) {}

  /**
   * Whether the execution's tool runs. Only a call's first attempt asks (a retry is the same
   * run deciding again; a hedged copy runs beside an attempt that asked).
   */
  decide(exec: Execution): MaybePromise<JournalDecision> {
    if (exec.attempt !== 1 || exec.hedge) return RUN;
    const key = exec.idempotencyKey;
    let found: MaybePromise<JournalRecord | undefined>;
    try {
      found = this.journal.lookup(key);
    } catch (error) {
      throw journalError('lookup', error, exec.callId);
    }
    if (isThenable<JournalRecord | undefined>(found)) {
      return Promise.resolve(found).then(
        (record) => this.decideOn(exec, key, record),
        (error: unknown) => {
          throw journalError('lookup', error, exec.callId);
        },
      );
    }
    return this.decideOn(exec, key, found);
  }

  private decideOn(exec: Execution, key: string, record: JournalRecord | undefined): JournalDecision {
    if (record === undefined || typeof record !== 'object' || record === null) return RUN;
    if (record.state === 'finished') return record.outcome.status === 'succeeded' ? { kind: 'hit', result: record.outcome.result } : RUN;
    if (record.state !== 'started') return RUN;
    const tool = exec.node.tool as Tool;
    const call: UnknownOutcomeCall = {
      callId: exec.callId,
      tool: tool.name,
      effects: tool.resolvedEffects,
      idempotencyKey: key,
      start: record.start,
      dedupesByKey: (tool as unknown as Record<symbol, unknown>)[DEDUPES_BY_KEY] === true,
    };
    const policy = this.onUnknownOutcome ?? safeToRunAgain;
    let choice: 'fail' | 'run';
    try {
      choice = typeof policy === 'function' ? policy(call) : policy;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { kind: 'unknown', error: { code: 'OUTCOME_UNKNOWN', message: `the onUnknownOutcome policy failed (${message}); "${exec.callId}" started in an earlier run and its outcome was never recorded`, callId: exec.callId, details: { idempotencyKey: key } } };
    }
    if (choice === 'run') return RUN;
    return {
      kind: 'unknown',
      error: {
        code: 'OUTCOME_UNKNOWN',
        message: `"${exec.callId}" (${tool.name}) started in an earlier run of ${record.start.runId} and its outcome was never recorded; it is not run again because ${tool.name} is not idempotent (pass onUnknownOutcome to decide otherwise)`,
        callId: exec.callId,
        details: { idempotencyKey: key, tool: tool.name },
      },
    };
  }

  /** Records that the execution's tool is about to run; a promise when the journal is asynchronous. */
  start(exec: Execution): MaybePromise<void> {
    this.ran.add(exec);
    if (exec.hedge) return undefined;
    const node = exec.node;
    let out: MaybePromise<void>;
    try {
      out = this.journal.started(exec.idempotencyKey, { runId: exec.runId, callId: node.id, tool: node.toolName, attempt: exec.attempt });
    } catch (error) {
      throw journalError('started()', error, exec.callId);
    }
    if (isThenable<void>(out)) {
      return Promise.resolve(out).then(undefined, (error: unknown) => {
        throw journalError('started()', error, exec.callId);
      });
    }
    return undefined;
  }

  /** The call was served from the journal. */
  markCached(node: CallNode): void {
    this.cached.add(node);
  }

  /** True when the call's result came from the journal. */
  isCached(node: CallNode): boolean {
    return this.cached.has(node);
  }

  /** Records a success of an execution that ran. */
  succeeded(exec: Execution, result: unknown): void {
    if (!this.ran.has(exec)) return;
    this.record(exec, { status: 'succeeded', result });
  }

  /** Records a failure of an execution that ran. */
  failed(exec: Execution, error: SerializedError): void {
    if (!this.ran.has(exec)) return;
    this.record(exec, { status: 'failed', error });
  }

  private record(exec: Execution, outcome: { status: 'succeeded'; result: unknown } | { status: 'failed'; error: SerializedError }): void {
    // A write that fails leaves the start alone: the next run finds it started, never finished.
    try {
      const out = this.journal.finished(exec.idempotencyKey, outcome);
      if (isThenable<void>(out)) Promise.resolve(out).catch(() => undefined);
    } catch {
      // As above.
    }
  }
}
