/**
 * A process-wide counter of the work done by toolgraph's input readers (path evaluation, the
 * format parsers, Python literals, SSE): each loop over untrusted input adds the steps it did.
 * Tests read it to prove that work grows linearly with the input (counted, not timed).
 */

let steps = 0;

/** Adds `n` steps of work. */
export function addSteps(n: number): void {
  steps += n;
}

/**
 * The steps counted since the process started (compare two readings).
 *
 * @example
 * const before = workSteps(); parseAny(text); const cost = workSteps() - before
 */
export function workSteps(): number {
  return steps;
}
