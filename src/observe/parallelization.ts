/**
 * How many calls a model asked for per turn: the monitoring numbers of the "Parallel Tool Call
 * Learning" pattern (num_batches, calls_per_batch, max_parallelism, total_calls).
 */
import type { TraceLike } from './trace-entry.js';

/** What {@link analyzeParallelization} returns (snake_case, as in the pattern's monitoring code). */
export interface ParallelizationStats {
  /** Batches of tool calls (model turns that asked for at least one call). */
  readonly num_batches: number;
  /** Calls in each batch, in order. */
  readonly calls_per_batch: readonly number[];
  /** The largest batch (0 when there are none). */
  readonly max_parallelism: number;
  /** Every tool_call entry in the trace. */
  readonly total_calls: number;
}

/**
 * Groups the trace's `tool_call` entries into batches: a batch ends at each `assistant_message`
 * (the model reasoned again), and empty batches are not counted.
 *
 * Unlike the seed's Python, a trailing batch with no assistant_message after it still counts:
 * a trace that ends on tool calls (a truncated rollout, or one whose final answer was not logged)
 * keeps those calls, so `total_calls` is always the number of tool_call entries. Other entry
 * types (tool_response, rejoin, unknown ones) are ignored.
 *
 * @example
 * analyzeParallelization([
 *   { type: 'tool_call', id: 'a' }, { type: 'tool_call', id: 'b' }, { type: 'assistant_message' },
 *   { type: 'tool_call', id: 'c' }, { type: 'assistant_message' },
 * ]) // { num_batches: 2, calls_per_batch: [2, 1], max_parallelism: 2, total_calls: 3 }
 */
export function analyzeParallelization(trace: Iterable<TraceLike>): ParallelizationStats {
  const batches: number[] = [];
  let current = 0;
  for (const entry of trace) {
    if (entry.type === 'tool_call') current++;
    else if (entry.type === 'assistant_message' && current > 0) {
      batches.push(current);
      current = 0;
    }
  }
  if (current > 0) batches.push(current);
  let max = 0;
  let total = 0;
  for (const b of batches) {
    if (b > max) max = b;
    total += b;
  }
  return { num_batches: batches.length, calls_per_batch: batches, max_parallelism: max, total_calls: total };
}
