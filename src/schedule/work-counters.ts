/**
 * Counters of the engine's bookkeeping work, process-wide. Tests read them before and after a
 * run to check that work grows linearly with the plan (counting steps, not milliseconds).
 */
export const workCounters = {
  /** Steps of hazard list searches and scans (see `HazardTracker`). */
  steps: 0,
  /** Parked calls woken (put back in a ready queue) because a call they waited behind let go. */
  wakeups: 0,
  /** Calls checked against conflicts when taken from a ready queue. */
  hazardChecks: 0,
};
