/**
 * Reward shaping for parallel tool use: correctness plus a small bonus for finishing in few
 * sequential rounds (the LatencyAwareGrader of the "Parallel Tool Call Learning" pattern).
 */
import { ToolgraphError } from '../errors.js';
import { countSequentialRounds } from './sequential-rounds.js';
import type { TraceLike } from './trace-entry.js';

/** One bonus step: traces with at most `maxRounds` rounds earn `bonus`. */
export interface EfficiencyThreshold {
  readonly maxRounds: number;
  readonly bonus: number;
}

/** The default steps: 0.1 for at most 3 rounds, 0.05 for at most 5, else 0. */
export const DEFAULT_EFFICIENCY_THRESHOLDS: readonly EfficiencyThreshold[] = [
  { maxRounds: 3, bonus: 0.1 },
  { maxRounds: 5, bonus: 0.05 },
];

/** Options of {@link latencyAwareGrade}. */
export interface LatencyAwareGradeOptions {
  /** Bonus steps; the first whose `maxRounds` is not exceeded applies (checked in ascending maxRounds). @default DEFAULT_EFFICIENCY_THRESHOLDS */
  readonly thresholds?: readonly EfficiencyThreshold[];
}

/** A grade, shaped like the pattern's grader output (plus the rounds counted). */
export interface LatencyAwareGrade {
  /** correctness + efficiency. */
  readonly score: number;
  readonly subscores: { readonly correctness: number; readonly efficiency: number };
  /** Sequential rounds counted in the trace. */
  readonly rounds: number;
}

/**
 * Grades a rollout: `score = correctness + efficiency bonus`, the bonus from the number of
 * sequential rounds ({@link countSequentialRounds}). A trace with no tool calls has 0 rounds and
 * earns the top bonus, as in the seed. Throws `INVALID_OPTION` for a non-finite correctness or a
 * bad threshold.
 *
 * @example
 * latencyAwareGrade(trace, 1) // { score: 1.1, subscores: { correctness: 1, efficiency: 0.1 }, rounds: 2 }
 */
export function latencyAwareGrade(trace: Iterable<TraceLike>, correctness: number, options: LatencyAwareGradeOptions = {}): LatencyAwareGrade {
  if (typeof correctness !== 'number' || !Number.isFinite(correctness)) {
    throw new ToolgraphError('INVALID_OPTION', `expected \`correctness\` to be a finite number, got \`${String(correctness)}\``);
  }
  const thresholds = [...(options.thresholds ?? DEFAULT_EFFICIENCY_THRESHOLDS)];
  thresholds.forEach((th, i) => {
    if (typeof th.maxRounds !== 'number' || Number.isNaN(th.maxRounds) || th.maxRounds < 0 || typeof th.bonus !== 'number' || !Number.isFinite(th.bonus)) {
      throw new ToolgraphError('INVALID_OPTION', `expected \`thresholds[${i}]\` to have a non-negative maxRounds and a finite bonus`);
    }
  });
  thresholds.sort((a, b) => a.maxRounds - b.maxRounds);
  const rounds = countSequentialRounds(trace);
  const efficiency = thresholds.find((th) => rounds <= th.maxRounds)?.bonus ?? 0;
  return { score: correctness + efficiency, subscores: { correctness, efficiency }, rounds };
}
