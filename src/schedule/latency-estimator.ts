/**
 * Per-tool latency estimates learned from observed durations. The scheduler ranks calls by
 * the longest remaining path under these estimates, and hedging reads their percentiles.
 * Share one estimator across runs so later runs start from what earlier ones saw.
 */

/** Options of {@link LatencyEstimator}. */
export interface LatencyEstimatorOptions {
  /** Estimate for a tool with no observations and no `latencyMs`. @default 1 */
  readonly defaultMs?: number;
  /** Weight of a new observation in the moving average. @default 0.2 */
  readonly alpha?: number;
  /** Observations kept per tool for percentiles. @default 256 */
  readonly window?: number;
}

/**
 * What the estimator knows of one tool. The engine holds the one of the tool it last saw and
 * records through it, so an observation costs no lookup by name.
 */
export class ToolLatency {
  mean = 0;
  count = 0;
  readonly ring: Float64Array;
  next = 0;
  /** Sorted copy of the window, rebuilt at most every few observations. */
  sorted: Float64Array | undefined;
  sortedAt = -1;
  constructor(
    window: number,
    private readonly alpha: number,
  ) {
    this.ring = new Float64Array(window);
  }

  /** Records one observed duration (ms); a negative or non-finite one is ignored. */
  observe(ms: number): void {
    if (!(ms >= 0 && ms !== Infinity)) return;
    this.mean = this.count === 0 ? ms : this.mean + this.alpha * (ms - this.mean);
    const ring = this.ring;
    ring[this.next] = ms;
    const next = this.next + 1;
    this.next = next === ring.length ? 0 : next;
    this.count++;
  }
}

/**
 * Learns per-tool latencies.
 *
 * @example
 * const estimator = new LatencyEstimator()
 * await run(plan, { tools, estimator })   // learns
 * await run(plan2, { tools, estimator })  // ranks with what it learned
 * estimator.percentile('search', 95)
 */
export class LatencyEstimator {
  private readonly stats = new Map<string, ToolLatency>();
  private readonly defaultMs: number;
  private readonly alpha: number;
  private readonly window: number;

  constructor(options: LatencyEstimatorOptions = {}) {
    this.defaultMs = options.defaultMs ?? 1;
    this.alpha = options.alpha ?? 0.2;
    this.window = options.window ?? 256;
  }

  /** Records one observed duration of a tool. */
  observe(tool: string, ms: number): void {
    this.of(tool).observe(ms);
  }

  /**
   * The record of one tool (made on first use), to observe through directly: the same as
   * {@link LatencyEstimator.observe} without the lookup by name.
   *
   * @example
   * const search = estimator.of('search')
   * search.observe(120)
   * estimator.estimate('search') // 120
   */
  of(tool: string): ToolLatency {
    let s = this.stats.get(tool);
    if (s === undefined) {
      s = new ToolLatency(this.window, this.alpha);
      this.stats.set(tool, s);
    }
    return s;
  }

  /** The current estimate for a tool: the moving average, else `prior`, else the default. */
  estimate(tool: string, prior?: number): number {
    const s = this.stats.get(tool);
    if (s !== undefined && s.count > 0) return s.mean;
    return prior ?? this.defaultMs;
  }

  /** Observations recorded for a tool. */
  samples(tool: string): number {
    return this.stats.get(tool)?.count ?? 0;
  }

  /** The p-th percentile (0-100) of recent observations, or `undefined` with none. */
  percentile(tool: string, p: number): number | undefined {
    const s = this.stats.get(tool);
    if (s === undefined || s.count === 0) return undefined;
    const n = Math.min(s.count, this.window);
    // Re-sort only when enough new observations came in (every 1/16 of the window).
    if (s.sorted === undefined || s.count - s.sortedAt >= Math.max(1, this.window >> 4) || s.sorted.length !== n) {
      s.sorted = s.ring.slice(0, n).sort();
      s.sortedAt = s.count;
    }
    const sorted = s.sorted;
    const rank = Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1));
    return sorted[rank];
  }
}
