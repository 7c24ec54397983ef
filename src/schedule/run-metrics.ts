/**
 * Run metrics accumulated while the run goes, so that reading them at the end costs nothing:
 * makespan, the critical path of observed durations (the physical limit of this run), their
 * ratio, peak parallelism and rounds. A call settles after every call it read from, so its path
 * and round are known from its inputs' the moment it settles (no sort, no second pass). Paths
 * and rounds are kept in typed arrays by arrival position, not on the calls.
 */
import type { CallStatus, RunMetrics } from './events.js';
import { grown } from './grown.js';

/** What the accumulator reads of a call when it settles. */
export interface SettledCall {
  /** Arrival position (0, 1, 2, … with no gaps). */
  readonly index: number;
  readonly status: CallStatus | undefined;
  /** When its first attempt started (ms since the run started); NaN when it never ran. */
  readonly startedMs: number;
  /** When it ended; NaN when it has not. */
  readonly endedMs: number;
  /** Set when it was served by an identical call's execution (it did not run itself). */
  readonly coalescedWith: string | undefined;
}

/** Counters the engine keeps while running. */
export interface RunCounters {
  readonly retries: number;
  readonly hedges: number;
  readonly coalesced: number;
}

/**
 * Accumulates {@link RunMetrics} call by call.
 *
 * @example
 * const metrics = new RunMetricsAccumulator()
 * metrics.executing(engineRunningCount)  // after each start
 * metrics.settled(node, inputPositions)  // when a call ends, in any state
 * metrics.snapshot(calls, counters)
 */
export class RunMetricsAccumulator {
  private succeeded = 0;
  private failed = 0;
  private skipped = 0;
  private cancelled = 0;
  private rejected = 0;
  private first = Infinity;
  private last = -Infinity;
  private criticalPathMs = 0;
  private rounds = 0;
  private peak = 0;
  /** Longest chain of observed durations ending with each call, by arrival position. */
  private path = new Float64Array(64);
  /** Calls that ran on the deepest chain ending with each call, by arrival position. */
  private round = new Int32Array(64);
  /**
   * For calls that waited behind a conflicting call (resource hazards): the longest chain and
   * the deepest round among the calls they waited behind, by arrival position. Made on first use.
   */
  private held: { path: Float64Array; round: Int32Array } | undefined;
  /** Time each call waited for a person's approval, by arrival position. Made on first use. */
  private approval: Float64Array | undefined;

  /**
   * Records how many calls are executing right now (holding a slot). Calls waiting to retry,
   * for approval or behind a conflict do not count; a call that ends before the next starts
   * (a synchronous tool) does not overlap it.
   */
  executing(count: number): void {
    if (count > this.peak) this.peak = count;
  }

  /**
   * Accounts for a call that just reached its terminal state. Its inputs are the arrival
   * positions `inputs[from]` … `inputs[to - 1]` (a list of its own, or a range of a plan's
   * packed lists).
   */
  settled(call: SettledCall, inputs: ArrayLike<number>, from = 0, to = inputs.length): void {
    switch (call.status) {
      case 'succeeded':
        this.succeeded++;
        break;
      case 'failed':
        this.failed++;
        break;
      case 'skipped':
        this.skipped++;
        break;
      case 'cancelled':
        this.cancelled++;
        break;
      case 'rejected':
        this.rejected++;
        break;
      case undefined:
        break;
    }
    // Inputs that have not settled (a call skipped or cancelled while another input still ran)
    // add nothing: such a call did not run, so the longest chain is counted at that input.
    if (call.index >= this.path.length) this.grow(call.index + 1);
    const paths = this.path;
    const rounds = this.round;
    let before = 0;
    let round = 0;
    const held = this.held;
    if (held !== undefined && call.index < held.path.length) {
      before = held.path[call.index] as number;
      round = held.round[call.index] as number;
    }
    for (let i = from; i < to; i++) {
      // An input that has not settled reads 0 (positions not settled yet stay zeroed).
      const d = inputs[i] as number;
      if (d >= paths.length) continue;
      const p = paths[d] as number;
      if (p > before) before = p;
      const r = rounds[d] as number;
      if (r > round) round = r;
    }
    const started = call.startedMs;
    const ended = call.endedMs;
    if (!Number.isNaN(started) && !Number.isNaN(ended) && call.coalescedWith === undefined) {
      if (started < this.first) this.first = started;
      if (ended > this.last) this.last = ended;
      before += ended - started;
      const approval = this.approval;
      if (approval !== undefined && call.index < approval.length) before += approval[call.index] as number;
      round++;
    }
    paths[call.index] = before;
    rounds[call.index] = round;
    if (before > this.criticalPathMs) this.criticalPathMs = before;
    if (round > this.rounds) this.rounds = round;
  }

  /**
   * Records that the call at `index` waited behind the call at `blocker` (a resource conflict),
   * which has settled: a chain through the blocker holds the call as an input would.
   */
  waitedBehind(index: number, blocker: number): void {
    let held = this.held;
    if (held === undefined || index >= held.path.length) {
      const path = grown(held?.path ?? new Float64Array(0), Math.max(index + 1, this.path.length));
      held = this.held = { path, round: grown(held?.round ?? new Int32Array(0), path.length) };
    }
    const p = this.pathOf(blocker);
    if (p > (held.path[index] as number)) held.path[index] = p;
    const r = this.roundOf(blocker);
    if (r > (held.round[index] as number)) held.round[index] = r;
  }

  /**
   * Records that the call at `index` waited `ms` for a person's approval: that wait is a link of
   * its chain (like an input), so makespan / critical path does not count it as scheduling loss.
   */
  approvalWaited(index: number, ms: number): void {
    let approval = this.approval;
    if (approval === undefined || index >= approval.length) approval = this.approval = grown(approval ?? new Float64Array(0), Math.max(index + 1, this.path.length));
    approval[index] = (approval[index] as number) + ms;
  }

  /** Longest chain of observed durations ending with the call at `index` (0 before it settles). */
  pathOf(index: number): number {
    return index < this.path.length ? (this.path[index] as number) : 0;
  }

  /** Calls that ran on the deepest chain ending with the call at `index` (0 before it settles). */
  roundOf(index: number): number {
    return index < this.round.length ? (this.round[index] as number) : 0;
  }

  /** Makes room for `n` calls (at least doubling). */
  private grow(n: number): void {
    this.path = grown(this.path, n);
    this.round = grown(this.round, this.path.length);
  }

  /** The metrics so far, for a run of `calls` calls. */
  snapshot(calls: number, counters: RunCounters): RunMetrics {
    const makespanMs = this.last === -Infinity ? 0 : this.last - this.first;
    return {
      calls,
      succeeded: this.succeeded,
      failed: this.failed,
      skipped: this.skipped,
      cancelled: this.cancelled,
      rejected: this.rejected,
      makespanMs,
      criticalPathMs: this.criticalPathMs,
      makespanOverCriticalPath: this.criticalPathMs > 0 ? makespanMs / this.criticalPathMs : 1,
      maxParallelism: this.peak,
      rounds: this.rounds,
      dependencyDepth: this.rounds,
      retries: counters.retries,
      hedges: counters.hedges,
      coalesced: counters.coalesced,
    };
  }
}
