/**
 * Everything `toolgraph report` shows about a trace, as data: parallelization, sequential rounds
 * and run metrics.
 */
import { computeCallMetrics, type CallMetrics } from './call-metrics.js';
import { callTimingsFromTrace, type TraceCallTiming } from './call-timings.js';
import { analyzeParallelization, type ParallelizationStats } from './parallelization.js';
import { countSequentialRounds } from './sequential-rounds.js';
import type { TraceLike } from './trace-entry.js';

/** Options of {@link analyzeTrace}. */
export interface AnalyzeTraceOptions {
  /** A call slower than this many times the median duration is a straggler. @default 3 */
  readonly stragglerFactor?: number;
}

/** What {@link analyzeTrace} returns. */
export interface TraceAnalysis {
  /** Model turns (assistant_message entries). */
  readonly turns: number;
  /** Batches of calls per model turn. */
  readonly parallelization: ParallelizationStats;
  /** Sequential rounds of tool waits. */
  readonly sequentialRounds: number;
  /** Metrics of the calls' timings. */
  readonly metrics: CallMetrics;
  /** The calls, in trace order. */
  readonly calls: readonly TraceCallTiming[];
}

/**
 * Analyzes a trace (see {@link callTimingsFromTrace} for how timings and dependencies are read).
 *
 * @example
 * const { metrics, parallelization } = analyzeTrace(parseTrace(text))
 */
export function analyzeTrace(trace: readonly TraceLike[], options: AnalyzeTraceOptions = {}): TraceAnalysis {
  const calls = callTimingsFromTrace(trace);
  return {
    turns: trace.filter((e) => e.type === 'assistant_message').length,
    parallelization: analyzeParallelization(trace),
    sequentialRounds: countSequentialRounds(trace),
    metrics: computeCallMetrics({ calls, ...(options.stragglerFactor === undefined ? {} : { stragglerFactor: options.stragglerFactor }) }),
    calls,
  };
}
