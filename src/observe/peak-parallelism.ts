/**
 * Peak number of calls running at one time, by a sweep over start and end times.
 */

/**
 * The most intervals open at one time. An interval ending at t does not overlap one starting at t;
 * a zero-length interval still counts as running at its instant (it overlaps calls running then,
 * and other zero-length calls at the same instant). O(n log n).
 *
 * @example
 * peakParallelism([{ start: 0, end: 10 }, { start: 5, end: 15 }, { start: 10, end: 20 }]) // 2
 */
export function peakParallelism(intervals: readonly { readonly start: number; readonly end: number }[]): number {
  // Kinds at equal times: ends of positive intervals (0), then starts (1), then ends of zero-length ones (2).
  const n = intervals.length;
  const times = new Float64Array(2 * n);
  const kinds = new Uint8Array(2 * n);
  for (let i = 0; i < n; i++) {
    const { start, end } = intervals[i] as { start: number; end: number };
    times[2 * i] = start;
    kinds[2 * i] = 1;
    times[2 * i + 1] = Math.max(start, end);
    kinds[2 * i + 1] = end > start ? 0 : 2;
  }
  const idx = Array.from({ length: 2 * n }, (_, k) => k).sort((a, b) => (times[a] as number) - (times[b] as number) || (kinds[a] as number) - (kinds[b] as number));
  let open = 0;
  let peak = 0;
  for (const k of idx) {
    if (kinds[k] === 1) {
      open++;
      if (open > peak) peak = open;
    } else open--;
  }
  return peak;
}
