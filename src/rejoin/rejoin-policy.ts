/**
 * When to hand results back to the model. `'all'` waits for every call; `{ deadlineMs }`
 * hands back what has finished by then; `{ first: n }` hands back as soon as n calls have
 * finished; a function decides from the current state after each finished call.
 */

/** What a custom rejoin policy sees. */
export interface RejoinState {
  /** Milliseconds since the turn's calls started being dispatched. */
  readonly elapsedMs: number;
  /** Calls known so far (streamed plans grow). */
  readonly total: number;
  /** Calls that reached a terminal state. */
  readonly finished: number;
  /** Calls that succeeded. */
  readonly succeeded: number;
  /** True once the plan is complete (the model's response ended). */
  readonly planComplete: boolean;
  /** Ids of calls still unfinished. */
  readonly pending: readonly string[];
}

/**
 * A rejoin policy.
 *
 * @example
 * { deadlineMs: 2000 }          // hand back whatever is done after 2 s
 * { first: 3 }                  // hand back once 3 calls are done
 * (s) => s.succeeded >= 1 && s.elapsedMs > 500
 */
export type RejoinPolicy = 'all' | { readonly deadlineMs: number } | { readonly first: number } | ((state: RejoinState) => boolean);

/** True when the policy says to rejoin now. Every policy rejoins once all calls are done. */
export function shouldRejoin(policy: RejoinPolicy, state: RejoinState): boolean {
  if (state.planComplete && state.finished === state.total) return true;
  if (policy === 'all') return false;
  if (typeof policy === 'function') return policy(state);
  if ('first' in policy) return state.finished >= policy.first;
  return state.elapsedMs >= policy.deadlineMs;
}

/** The deadline of a policy, if it has one. */
export function rejoinDeadline(policy: RejoinPolicy): number | undefined {
  return typeof policy === 'object' && 'deadlineMs' in policy ? policy.deadlineMs : undefined;
}
