/**
 * A report model as a Chrome Trace Event file (JSON object format), which Perfetto
 * (ui.perfetto.dev) and chrome://tracing open: one complete event per execution of a call, its
 * waits before it on the same track, the model's turns on a track of their own.
 */
import type { ReportModel } from './report-model.js';

/** One Trace Event (the subset written here). */
export interface TraceEvent {
  readonly name: string;
  readonly cat?: string;
  /** `X` complete event, `M` metadata. */
  readonly ph: 'X' | 'M';
  /** Microseconds. */
  readonly ts?: number;
  readonly dur?: number;
  readonly pid: number;
  readonly tid: number;
  readonly args?: Readonly<Record<string, unknown>>;
}

/** The file: `{ traceEvents, displayTimeUnit }`. */
export interface ChromeTrace {
  readonly traceEvents: readonly TraceEvent[];
  readonly displayTimeUnit: 'ms';
}

const PID = 1;
const MODEL_TID = 0;

/** Microseconds from trace ms (rounded to 0.001 µs, which keeps the file small). */
function us(ms: number): number {
  return Math.round(ms * 1e6) / 1e3;
}

/**
 * Converts a report model to Trace Event JSON. Executions are packed onto the fewest tracks
 * where none overlaps another (a call's wait and its first execution share one track), so
 * viewers that nest events by time draw each one as its own bar.
 *
 * @example
 * await writeFile('trace.json', JSON.stringify(chromeTrace(buildReportModel(parseTrace(text)))))
 */
export function chromeTrace(model: ReportModel): ChromeTrace {
  const events: TraceEvent[] = [
    { name: 'process_name', ph: 'M', pid: PID, tid: MODEL_TID, args: { name: 'toolgraph run' } },
    { name: 'thread_name', ph: 'M', pid: PID, tid: MODEL_TID, args: { name: 'model turns' } },
  ];
  // Model turns: the model's time (from the previous rejoin to its response) and the tools' time.
  let previous: number | undefined = model.fromMs;
  for (const turn of model.turns) {
    if (turn.messageMs !== undefined && previous !== undefined && turn.messageMs > previous) {
      events.push({ name: `model turn ${turn.turn}`, cat: 'model', ph: 'X', ts: us(previous), dur: us(turn.messageMs - previous), pid: PID, tid: MODEL_TID });
    }
    if (turn.messageMs !== undefined && turn.rejoinMs !== undefined && turn.rejoinMs >= turn.messageMs) {
      events.push({ name: `tools of turn ${turn.turn}`, cat: 'turn', ph: 'X', ts: us(turn.messageMs), dur: us(turn.rejoinMs - turn.messageMs), pid: PID, tid: MODEL_TID, args: { calls: turn.calls.length } });
    }
    previous = turn.rejoinMs ?? previous;
  }
  // Track packing: a track's end time; the first track free at an item's start takes it.
  const trackEnds: number[] = [];
  const items: { from: number; to: number; events: TraceEvent[] }[] = [];
  for (const call of model.calls) {
    const base = { id: call.id, tool: call.tool, turn: call.turn, status: call.status, why: call.why };
    call.executions.forEach((e, k) => {
      const list: TraceEvent[] = [];
      let from = e.startMs;
      if (k === 0) {
        for (const w of call.waits) {
          if (w.reason === 'input' || w.toMs > e.startMs) continue;
          list.push({ name: `wait: ${w.reason}`, cat: 'wait', ph: 'X', ts: us(w.fromMs), dur: us(w.toMs - w.fromMs), pid: PID, tid: 0, args: { id: call.id, why: w.text } });
          if (w.fromMs < from) from = w.fromMs;
        }
      }
      const name = `${call.tool} ${call.id}${e.hedge ? ' (hedge)' : e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}`;
      const cat = [call.critical ? 'critical' : 'call', e.hedge ? 'hedge' : e.attempt > 1 ? 'retry' : '', call.stragglerRatio !== undefined ? 'straggler' : '', call.wasted === undefined ? '' : 'wasted'].filter((x) => x !== '').join(',');
      list.push({ name, cat, ph: 'X', ts: us(e.startMs), dur: us(Math.max(0, e.endMs - e.startMs)), pid: PID, tid: 0, args: { ...base, attempt: e.attempt, ...(e.hedge ? { hedge: true } : {}), ...(e.error === undefined ? {} : { error: e.error }) } });
      items.push({ from, to: e.endMs, events: list });
    });
  }
  items.sort((a, b) => a.from - b.from || a.to - b.to);
  for (const item of items) {
    let track = trackEnds.findIndex((end) => end <= item.from);
    if (track === -1) {
      track = trackEnds.length;
      trackEnds.push(item.to);
      events.push({ name: 'thread_name', ph: 'M', pid: PID, tid: track + 1, args: { name: `calls ${track + 1}` } });
    } else trackEnds[track] = item.to;
    for (const e of item.events) events.push({ ...e, tid: track + 1 });
  }
  return { traceEvents: events, displayTimeUnit: 'ms' };
}
