/**
 * Hedging budget and delay. A hedge is one extra copy of a slow read; the budget earns
 * `maxExtra` of a token per call and spends one per copy, so copies stay at or under
 * `maxExtra` of the calls that share the budget (one run by default; share a budget across
 * runs to hedge small fan-outs).
 */
import type { HedgeOptions } from '../../tools/tool-types.js';
import type { LatencyEstimator } from '../latency-estimator.js';

/** Percentile hedging waits for when no `afterMs` is set. @default 95 */
export const DEFAULT_HEDGE_PERCENTILE = 95;
/** Budget of copies as a fraction of calls. @default 0.05 */
export const DEFAULT_HEDGE_MAX_EXTRA = 0.05;
/** Observations needed before a percentile is trusted. @default 20 */
export const DEFAULT_HEDGE_MIN_SAMPLES = 20;

/**
 * Tokens for hedged copies.
 *
 * @example
 * const hedgeBudget = new HedgeBudget()
 * for (const plan of plans) await run(plan, { tools, estimator, hedgeBudget })
 */
export class HedgeBudget {
  private tokens = 0;
  /** Copies started so far. */
  spent = 0;
  /** Calls counted so far. */
  calls = 0;

  /** Counts one call, earning `maxExtra` of a token. */
  earn(maxExtra: number): void {
    this.calls++;
    this.tokens += maxExtra;
  }

  /** Spends a token if one is there. */
  trySpend(): boolean {
    // Tokens are sums of fractions: 100 × 0.05 is 4.99999999999999, so allow for rounding.
    if (this.tokens < 1 - 1e-9) return false;
    this.tokens -= 1;
    this.spent++;
    return true;
  }
}

/** How long to wait before hedging a call of `tool`, or `undefined` for "not yet known". */
export function hedgeDelay(hedge: HedgeOptions, tool: string, estimator: LatencyEstimator): number | undefined {
  if (hedge.afterMs !== undefined) return hedge.afterMs;
  if (estimator.samples(tool) < (hedge.minSamples ?? DEFAULT_HEDGE_MIN_SAMPLES)) return undefined;
  return estimator.percentile(tool, hedge.percentile ?? DEFAULT_HEDGE_PERCENTILE);
}
