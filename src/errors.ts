/**
 * Typed errors. Every error toolgraph reports is data: a stable `code`, a readable
 * `message`, and where it applies the call id and a JSON location such as
 * `calls[2].args.query`.
 */

const MARKER = Symbol.for('toolgraph.error');

/**
 * Every stable error and issue code toolgraph emits.
 *
 * Plan issues: `INVALID_PLAN`, `DUPLICATE_ID`, `UNKNOWN_REF`, `SELF_REF`, `CYCLE`, `INVALID_REF`,
 * `UNSAFE_PATH`, `PLAN_TOO_LARGE`, `UNKNOWN_TOOL`, `INVALID_ARGS`, `REF_NOT_ALLOWED`, `FANOUT_EXCEEDED`,
 * `UNKNOWN_FIELD` (a reference into a field the producer's output schema lacks), `TYPE_MISMATCH`
 * (a whole-string placeholder whose type the receiving argument cannot take).
 * Run-time call errors: `UNRESOLVED_REFERENCE`, `INVALID_ARGS`, `TOOL_ERROR`, `TIMEOUT`,
 * `INVALID_OUTPUT`, `CANCELLED`, `SKIPPED`, `REJECTED`, `UNKNOWN_TOOL`, `UNKNOWN_REF`, `CYCLE`,
 * `MALFORMED_CALL`, `OUTCOME_UNKNOWN` (a journal found the call started in an earlier run with no
 * recorded outcome), `JOURNAL_ERROR`, `PATH_TOO_COSTLY` (a path over its `maxSteps`/`maxMatches` limits),
 * `UNREADABLE_RESULT` (a result whose reading threw, or cyclic / too deep / too large to interpolate).
 * Other: `INVALID_OPTION`, `PARSE_ERROR`, `UNKNOWN_FORMAT`, `AMBIGUOUS_FORMAT`.
 */
export type ErrorCode =
  | 'INVALID_PLAN'
  | 'DUPLICATE_ID'
  | 'UNKNOWN_REF'
  | 'SELF_REF'
  | 'CYCLE'
  | 'INVALID_REF'
  | 'UNSAFE_PATH'
  | 'PLAN_TOO_LARGE'
  | 'UNKNOWN_TOOL'
  | 'INVALID_ARGS'
  | 'REF_NOT_ALLOWED'
  | 'FANOUT_EXCEEDED'
  | 'UNKNOWN_FIELD'
  | 'TYPE_MISMATCH'
  | 'UNRESOLVED_REFERENCE'
  | 'TOOL_ERROR'
  | 'TIMEOUT'
  | 'INVALID_OUTPUT'
  | 'CANCELLED'
  | 'SKIPPED'
  | 'REJECTED'
  | 'MALFORMED_CALL'
  | 'INVALID_OPTION'
  | 'PARSE_ERROR'
  | 'UNKNOWN_FORMAT'
  | 'AMBIGUOUS_FORMAT'
  | 'OUTCOME_UNKNOWN'
  | 'JOURNAL_ERROR'
  | 'PATH_TOO_COSTLY'
  | 'UNREADABLE_RESULT';

/**
 * One problem found in a plan. Validation returns all of them at once.
 *
 * @example
 * { code: 'UNKNOWN_REF', callId: 'read', location: 'calls[1].args.path',
 *   message: 'calls[1].args.path: ${serach} refers to no call (known: search, read)' }
 */
export interface Issue {
  /** Stable machine-readable code. */
  readonly code: ErrorCode;
  /** What is wrong and how to fix it. */
  readonly message: string;
  /** The id of the call the issue is about, when there is one. */
  readonly callId?: string;
  /** JSON location inside the plan, e.g. `calls[3].args.query`. */
  readonly location?: string;
  /** For `CYCLE`: the ids on the cycle, in order. */
  readonly cycle?: readonly string[];
}

/** Options of {@link ToolgraphError}. */
export interface ToolgraphErrorOptions {
  /** The call the error is about. */
  readonly callId?: string;
  /** JSON location, e.g. `args.user.id`. */
  readonly location?: string;
  /** Extra structured data. */
  readonly details?: Readonly<Record<string, unknown>>;
  /** The underlying error. */
  readonly cause?: unknown;
}

/**
 * Base class of every error toolgraph throws. Use {@link ToolgraphError.isInstance}
 * rather than `instanceof`: it also recognises errors from a second copy of the package.
 *
 * @example
 * try { parsePlan(input) } catch (e) {
 *   if (ToolgraphError.isInstance(e)) console.error(e.code, e.message)
 * }
 */
export class ToolgraphError extends Error {
  /** Stable machine-readable code. */
  readonly code: ErrorCode;
  /** The call the error is about, when there is one. */
  readonly callId: string | undefined;
  /** JSON location, when there is one. */
  readonly location: string | undefined;
  /** Extra structured data. */
  readonly details: Readonly<Record<string, unknown>> | undefined;
  private readonly [MARKER] = true;

  constructor(code: ErrorCode, message: string, options: ToolgraphErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ToolgraphError';
    this.code = code;
    this.callId = options.callId;
    this.location = options.location;
    this.details = options.details;
  }

  /** True for any toolgraph error, even one created by another copy of the package. */
  static isInstance(value: unknown): value is ToolgraphError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}

/**
 * A plan that failed validation. `issues` holds every problem found, not just the first.
 */
export class PlanError extends ToolgraphError {
  /** Every problem found in the plan. */
  readonly issues: readonly Issue[];

  constructor(issues: readonly Issue[]) {
    const first = issues[0];
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super(first?.code ?? 'INVALID_PLAN', `invalid plan: ${first?.message ?? 'unknown problem'}${more}`, {
      ...(first?.callId === undefined ? {} : { callId: first.callId }),
      ...(first?.location === undefined ? {} : { location: first.location }),
    });
    this.name = 'PlanError';
    this.issues = issues;
  }
}

/**
 * Thrown by a tool to say "do not retry this": retries stop at once.
 *
 * @example
 * throw new NonRetryableError('account is locked')
 */
export class NonRetryableError extends Error {
  /** Always `false`. */
  readonly retryable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NonRetryableError';
  }
}
