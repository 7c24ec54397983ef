/**
 * Retry policy: which failures are retried and how long to wait. Retries exist only for
 * read-only or idempotent tools (checked by `defineTool`).
 */
import { NonRetryableError } from '../../errors.js';
import type { RetryOptions } from '../../tools/tool-types.js';
import type { SerializedError } from '../events.js';

/** Codes toolgraph never retries: the call itself is wrong, or the run decided. */
const NEVER_RETRIED: ReadonlySet<string> = new Set(['INVALID_ARGS', 'UNRESOLVED_REFERENCE', 'INVALID_OUTPUT', 'CANCELLED', 'REJECTED']);

/** Attempts in total when `maxAttempts` is not set. @default 3 */
export const DEFAULT_MAX_ATTEMPTS = 3;

/**
 * True when a failure may be retried under `retry`: not a {@link NonRetryableError}, not a
 * listed code, and not one of toolgraph's own final codes. Never throws: a thrown value
 * whose reads throw is not retried.
 */
export function isRetryable(thrown: unknown, error: SerializedError, retry: RetryOptions): boolean {
  // What a tool threw is untrusted: a Proxy trap or a getter that throws reads as "do not retry".
  try {
    if (thrown instanceof NonRetryableError || (typeof thrown === 'object' && thrown !== null && (thrown as { retryable?: unknown }).retryable === false)) return false;
  } catch {
    return false;
  }
  if (NEVER_RETRIED.has(error.code)) return false;
  const listed = retry.nonRetryableCodes ?? [];
  const own = error.details?.['code'];
  return !listed.includes(error.code) && !(typeof own === 'string' && listed.includes(own));
}

/**
 * Delay before retry number `retryIndex` (1 for the first retry): exponential with a cap and
 * jitter that only shortens the wait.
 *
 * @example
 * backoffDelay({ initialMs: 100, factor: 2, maxMs: 1000, jitter: 0 }, 3, Math.random) // 400
 */
export function backoffDelay(retry: RetryOptions, retryIndex: number, random: () => number): number {
  const initial = retry.initialMs ?? 100;
  const factor = retry.factor ?? 2;
  const max = retry.maxMs ?? 5000;
  const jitter = retry.jitter ?? 0.2;
  const base = Math.min(max, initial * factor ** Math.max(0, retryIndex - 1));
  return Math.max(0, base * (1 - jitter * random()));
}
