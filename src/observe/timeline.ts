/**
 * A text timeline of a run: one bar per call, scaled to a width, for terminals.
 */

/** One row of the timeline. */
export interface TimelineRow {
  /** Shown on the left (usually the tool's name). */
  readonly label: string;
  /** Shown on the right after the times (usually the call id). */
  readonly note?: string;
  /** When it started (absent when it never ran). */
  readonly startedMs?: number;
  /** When it ended (absent when it never ended). */
  readonly endedMs?: number;
  /** Terminal state; anything but `succeeded` gets a mark. */
  readonly status?: string;
}

/** Options of {@link renderTimeline}. */
export interface TimelineOptions {
  /** Total line width in characters. @default 80 */
  readonly width?: number;
}

const MARKS: Readonly<Record<string, string>> = { failed: '✗ failed', skipped: '⊘ skipped', cancelled: '■ cancelled', rejected: '⊗ rejected' };
const MIN_BAR = 10;
const MAX_LABEL = 16;

function fmt(ms: number): string {
  return Math.abs(ms) < 10_000 ? `${Math.round(ms)}` : `${(ms / 1000).toFixed(1)}k`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/**
 * Renders one line per row: `label  ████░░░░  0–812 ms  note`, the bar scaled from the earliest
 * start to the latest end. Rows that never ran show an empty bar and their status. Lines fit in
 * `width` unless it is too narrow for a 10-character bar.
 *
 * @example
 * renderTimeline([{ label: 'search', startedMs: 0, endedMs: 812, status: 'succeeded' }], { width: 40 })
 */
export function renderTimeline(rows: readonly TimelineRow[], options: TimelineOptions = {}): string[] {
  const width = options.width ?? 80;
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const r of rows) {
    if (r.startedMs !== undefined && r.startedMs < t0) t0 = r.startedMs;
    const end = r.endedMs ?? r.startedMs;
    if (end !== undefined && end > t1) t1 = end;
  }
  if (t0 === Infinity) {
    t0 = 0;
    t1 = 0;
  }
  const span = t1 - t0;
  const labelWidth = Math.min(MAX_LABEL, Math.max(0, ...rows.map((r) => r.label.length)));
  const times = rows.map((r) => {
    if (r.startedMs === undefined) return r.status === undefined ? 'no response' : '';
    if (r.endedMs === undefined) return `${fmt(r.startedMs - t0)}– ms`;
    return `${fmt(r.startedMs - t0)}–${fmt(r.endedMs - t0)} ms`;
  });
  const marks = rows.map((r) => (r.status === undefined || r.status === 'succeeded' ? '' : (MARKS[r.status] ?? r.status)));
  const timeWidth = Math.max(0, ...times.map((t) => t.length));
  const markWidth = Math.max(0, ...marks.map((m) => m.length));
  const noteRoom = rows.some((r) => r.note !== undefined) ? 12 : 0;
  const fixed = labelWidth + 2 + 2 + timeWidth + (markWidth > 0 ? 2 + markWidth : 0) + (noteRoom > 0 ? 2 + noteRoom : 0);
  const barWidth = Math.max(MIN_BAR, width - fixed);
  const noteWidth = noteRoom > 0 ? Math.max(noteRoom, width - (labelWidth + 2 + barWidth + 2 + timeWidth + (markWidth > 0 ? 2 + markWidth : 0) + 2)) : 0;
  return rows.map((r, i) => {
    let bar = '░'.repeat(barWidth);
    if (r.startedMs !== undefined) {
      const end = r.endedMs ?? t1;
      let from = span > 0 ? Math.floor(((r.startedMs - t0) / span) * barWidth) : 0;
      let to = span > 0 ? Math.ceil(((end - t0) / span) * barWidth) : barWidth;
      from = Math.min(Math.max(0, from), barWidth - 1);
      to = Math.min(Math.max(from + 1, to), barWidth);
      bar = '░'.repeat(from) + (r.endedMs === undefined ? '▒' : '█').repeat(to - from) + '░'.repeat(barWidth - to);
    }
    const parts = [clip(r.label, labelWidth).padEnd(labelWidth), bar, (times[i] as string).padStart(timeWidth)];
    if (markWidth > 0) parts.push((marks[i] as string).padEnd(markWidth));
    if (noteWidth > 0) parts.push(clip(r.note ?? '', noteWidth));
    return parts.join('  ').trimEnd();
  });
}
