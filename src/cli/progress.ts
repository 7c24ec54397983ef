/**
 * Live progress for `toolgraph run`: on a terminal, one line per call with its state and
 * duration, redrawn in place; elsewhere, one plain line per finished call.
 */
import type { RunEvent } from '../schedule/events.js';
import { printable } from './printable.js';

type State = 'waiting' | 'ready' | 'asking' | 'running' | 'retrying' | 'succeeded' | 'failed' | 'skipped' | 'cancelled' | 'rejected';

const MARK: Record<State, string> = {
  waiting: '·',
  ready: '○',
  asking: '?',
  running: '▶',
  retrying: '↻',
  succeeded: '✓',
  failed: '✗',
  skipped: '-',
  cancelled: '⊘',
  rejected: '⊗',
};

interface Row {
  id: string;
  tool: string;
  state: State;
  startedAt: number | undefined;
  endedAt: number | undefined;
  note: string;
}

/** Formats milliseconds for people: `0.42 ms`, `8.1 ms`, `812 ms`, `1.42 s`. */
export function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** Re-exported: the CLI's one escape for text a model or tool wrote (see `printable.ts`). */
export { printable } from './printable.js';

/**
 * Why a call waits, as the progress view shows it: "waiting: conflict with a on tool:fetch_url".
 *
 * @example
 * waitingNote({ type: 'call_waiting', runId: 'r', t: 1, callId: 'b', tool: 't', reason: 'cap', scope: 'global', limit: 8 }) // 'waiting: run concurrency cap (8)'
 */
export function waitingNote(event: Extract<RunEvent, { type: 'call_waiting' }>): string {
  switch (event.reason) {
    case 'input':
      return `waiting: input ${event.on ?? '?'}${(event.inputs ?? 1) > 1 ? ` and ${(event.inputs ?? 1) - 1} more` : ''}`;
    case 'conflict':
      return `waiting: conflict with ${event.on ?? '?'}${event.resource === undefined ? '' : ` on ${event.resource}`}`;
    case 'cap':
      return `waiting: ${event.scope === 'tool' ? `${event.tool}'s` : 'run'} concurrency cap${event.limit === undefined ? '' : ` (${event.limit})`}`;
    case 'rate_limit':
      return `waiting: ${event.tool}'s rate limit`;
    case 'approval':
      return 'waiting: approval';
  }
}

/** Options of {@link ProgressView}. */
export interface ProgressOptions {
  /** Redraw in place (a terminal) or print plain lines. */
  readonly live: boolean;
  /** Milliseconds between redraws on a terminal. @default 80 */
  readonly intervalMs?: number;
  /** The call ids known before the run, so plain lines line up from the first one. */
  readonly ids?: readonly string[];
}

/** Renders run events as progress on a stream. */
export class ProgressView {
  private readonly rows = new Map<string, Row>();
  private drawn = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private now = 0;
  private stopped = false;

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly options: ProgressOptions,
  ) {}

  /** Feeds one event. */
  update(event: RunEvent): void {
    this.now = event.t;
    if (event.type === 'run_started') {
      if (this.options.live) this.timer = setInterval(() => this.draw(), this.options.intervalMs ?? 80);
      return;
    }
    if (event.type === 'run_finished') {
      this.stop();
      return;
    }
    let row = this.rows.get(event.callId);
    if (row === undefined) {
      row = { id: event.callId, tool: event.tool, state: 'waiting', startedAt: undefined, endedAt: undefined, note: '' };
      this.rows.set(event.callId, row);
    }
    switch (event.type) {
      case 'call_ready':
        row.state = 'ready';
        row.note = '';
        break;
      case 'call_waiting':
        row.note = waitingNote(event);
        break;
      case 'approval_requested':
        row.state = 'asking';
        break;
      case 'call_started':
        row.state = 'running';
        if (event.attempt === 1 && event.hedge !== true) row.note = '';
        row.startedAt ??= event.t;
        break;
      case 'call_retry':
        row.state = 'retrying';
        row.note = `attempt ${event.attempt} after ${event.error.code}`;
        break;
      case 'call_partial':
        break;
      case 'call_succeeded':
        this.end(row, 'succeeded', event.t, event.coalescedWith === undefined ? '' : `same as ${event.coalescedWith}`);
        break;
      case 'call_failed':
        this.end(row, 'failed', event.t, `${event.error.code}: ${event.error.message}`);
        break;
      case 'call_skipped':
        this.end(row, 'skipped', event.t, `after ${event.cause}`);
        break;
      case 'call_cancelled':
        this.end(row, 'cancelled', event.t, '');
        break;
      case 'call_rejected':
        this.end(row, 'rejected', event.t, event.reason);
        break;
    }
  }

  private end(row: Row, state: State, t: number, note: string): void {
    row.state = state;
    row.endedAt = t;
    row.note = note;
    if (!this.options.live) this.out.write(`${this.line(row)}\n`);
  }

  private line(row: Row): string {
    let width = 16;
    for (const id of this.options.ids ?? []) if (id.length > width) width = id.length;
    for (const r of this.rows.values()) if (r.id.length > width) width = r.id.length;
    const tool = row.tool.length > 18 ? `${row.tool.slice(0, 17)}…` : row.tool;
    const duration = row.startedAt === undefined ? '' : formatMs((row.endedAt ?? this.now) - row.startedAt);
    // A redrawn line must fit the terminal's width; a plain line keeps the whole reason.
    const note = this.options.live && row.note.length > 80 ? `${row.note.slice(0, 79)}…` : row.note;
    return printable(`${MARK[row.state]} ${row.id.padEnd(width)}  ${tool.padEnd(18)} ${row.state.padEnd(9)} ${duration.padStart(9)}  ${note}`.trimEnd());
  }

  /** Redraws every row in place (terminal only). */
  draw(): void {
    if (!this.options.live) return;
    const lines = [...this.rows.values()].map((r) => this.line(r));
    let text = this.drawn > 0 ? `\u001b[${this.drawn}F` : '';
    for (const l of lines) text += `\u001b[2K${l}\n`;
    this.out.write(text);
    this.drawn = lines.length;
  }

  /**
   * Stops redrawing for a moment (while a question is asked below the rows): draws the rows
   * as they are and leaves them there; {@link resume} draws them again below.
   */
  suspend(): void {
    if (!this.options.live || this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.draw();
    this.drawn = 0;
  }

  /** Redraws again after {@link suspend}. */
  resume(): void {
    if (!this.options.live || this.timer !== undefined || this.stopped) return;
    this.timer = setInterval(() => this.draw(), this.options.intervalMs ?? 80);
  }

  /** Stops redrawing and draws the final state. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.draw();
  }
}
