/**
 * Sequential rounds: how many times the agent waited on tools. Parallel calls in one round count
 * once. The measure the LatencyAwareGrader rewards.
 */
import { isToolCallEntry, isToolResponseEntry, type TraceLike } from './trace-entry.js';

/**
 * Counts sequential rounds: a round opens with the first `tool_call` after the previous round
 * closed, takes in every call made while it is open, and closes when every one of them has a
 * `tool_response`.
 *
 * As in the seed's `count_sequential_rounds`, a response whose `call_id` is not open (unknown, or
 * answered already) is ignored. Unlike the seed, a round still open at the end of the trace (calls
 * that never got a response) counts too: a truncated rollout must not score as fewer rounds.
 * Entries without a string id are ignored.
 *
 * @example
 * countSequentialRounds([
 *   { type: 'tool_call', id: 'a' }, { type: 'tool_call', id: 'b' },
 *   { type: 'tool_response', call_id: 'b' }, { type: 'tool_response', call_id: 'a' },
 *   { type: 'tool_call', id: 'c' }, { type: 'tool_response', call_id: 'c' },
 * ]) // 2
 */
export function countSequentialRounds(trace: Iterable<TraceLike>): number {
  let rounds = 0;
  const open = new Set<string>();
  for (const entry of trace) {
    if (isToolCallEntry(entry)) open.add(entry.id);
    else if (isToolResponseEntry(entry) && open.delete(entry.call_id) && open.size === 0) rounds++;
  }
  return open.size > 0 ? rounds + 1 : rounds;
}
