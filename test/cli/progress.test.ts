import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { formatMs, printable, ProgressView, waitingNote } from '../../src/cli/progress.js';
import type { RunEvent } from '../../src/schedule/events.js';

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

const runId = 'r';
const events: RunEvent[] = [
  { type: 'run_started', runId, t: 0, calls: 3 },
  { type: 'call_started', runId, t: 0, callId: 'a', tool: 'search', attempt: 1, args: {} },
  { type: 'call_succeeded', runId, t: 12, callId: 'a', tool: 'search', result: 1, durationMs: 12, attempts: 1 },
  { type: 'call_started', runId, t: 12, callId: 'a_much_longer_call_id', tool: 'read_file', attempt: 1, args: {} },
  { type: 'call_failed', runId, t: 20, callId: 'a_much_longer_call_id', tool: 'read_file', attempts: 1, error: { code: 'TOOL_ERROR', message: 'boom' } },
  { type: 'call_skipped', runId, t: 20, callId: 'c', tool: 'write_file', cause: 'a_much_longer_call_id', error: { code: 'SKIPPED', message: 'skipped' } },
];

describe('ProgressView, plain lines (not a terminal)', () => {
  it('prints one line per finished call with its state, duration and why, columns aligned on the known ids', () => {
    const out = sink();
    const view = new ProgressView(out.stream, { live: false, ids: ['a', 'a_much_longer_call_id', 'c'] });
    for (const e of events) view.update(e);
    const lines = out.text().trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^✓ a {20} {2}search {13}succeeded +12 ms$/);
    expect(lines[1]).toContain('failed');
    expect(lines[1]).toContain('TOOL_ERROR: boom');
    expect(lines[2]).toContain('after a_much_longer_call_id');
    // The tool column starts at the same place on every line.
    const toolAt = lines.map((l, i) => l.indexOf(['search', 'read_file', 'write_file'][i] as string));
    expect(new Set(toolAt).size).toBe(1);
  });
});

describe('formatMs and printable', () => {
  it('keeps two significant decimals under 10 ms, rounds above, switches to seconds at 1 s', () => {
    expect(formatMs(0.0421)).toBe('0.04 ms');
    expect(formatMs(8.14)).toBe('8.1 ms');
    expect(formatMs(812.4)).toBe('812 ms');
    expect(formatMs(1420)).toBe('1.42 s');
  });

  it('escapes control characters (C0, DEL, C1) and leaves other text alone', () => {
    expect(printable('a\u001b[2Jb\u0007c\u009bd ✓ é')).toBe('a\\u001b[2Jb\\u0007c\\u009bd ✓ é');
  });
});

describe('ProgressView.suspend', () => {
  it('draws the rows, stops redrawing, and draws them again below the question after resume', () => {
    vi.useFakeTimers();
    try {
      const out = sink();
      const view = new ProgressView(out.stream, { live: true, intervalMs: 10 });
      view.update({ type: 'run_started', runId, t: 0, calls: 1 });
      view.update({ type: 'call_started', runId, t: 0, callId: 'a', tool: 'search', attempt: 1, args: {} });
      view.suspend();
      const afterSuspend = out.text();
      expect(afterSuspend).toContain('▶ a');
      vi.advanceTimersByTime(100);
      expect(out.text()).toBe(afterSuspend); // nothing drawn over the question
      view.resume();
      vi.advanceTimersByTime(10);
      // The first redraw after a question starts fresh: it does not move the cursor up over it.
      const redrawn = out.text().slice(afterSuspend.length);
      expect(redrawn).toContain('▶ a');
      expect(redrawn).not.toContain('\u001b[1F');
      view.stop();
      const stopped = out.text();
      view.resume(); // after stop, nothing restarts
      vi.advanceTimersByTime(100);
      expect(out.text()).toBe(stopped);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('ProgressView, waiting reasons', () => {
  it('shows why a ready call is not running, and drops the reason once it runs', () => {
    vi.useFakeTimers();
    try {
      const out = sink();
      const view = new ProgressView(out.stream, { live: true, intervalMs: 10 });
      view.update({ type: 'run_started', runId, t: 0, calls: 2 });
      view.update({ type: 'call_started', runId, t: 0, callId: 'a', tool: 'fetch_url', attempt: 1, args: {} });
      view.update({ type: 'call_ready', runId, t: 0, callId: 'b', tool: 'fetch_url' });
      view.update({ type: 'call_waiting', runId, t: 0, callId: 'b', tool: 'fetch_url', reason: 'conflict', on: 'a', resource: 'tool:fetch_url' });
      vi.advanceTimersByTime(10);
      expect(out.text()).toContain('waiting: conflict with a on tool:fetch_url');
      const before = out.text().length;
      view.update({ type: 'call_started', runId, t: 5, callId: 'b', tool: 'fetch_url', attempt: 1, args: {} });
      vi.advanceTimersByTime(10);
      expect(out.text().slice(before)).not.toContain('waiting:');
      view.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('words every reason', () => {
    const base = { type: 'call_waiting', runId, t: 0, callId: 'c', tool: 'api' } as const;
    expect(waitingNote({ ...base, reason: 'input', on: 'a', inputs: 3 })).toBe('waiting: input a and 2 more');
    expect(waitingNote({ ...base, reason: 'cap', scope: 'global', limit: 8 })).toBe('waiting: run concurrency cap (8)');
    expect(waitingNote({ ...base, reason: 'cap', scope: 'tool', limit: 2 })).toBe("waiting: api's concurrency cap (2)");
    expect(waitingNote({ ...base, reason: 'rate_limit', scope: 'tool', limit: 5 })).toBe("waiting: api's rate limit");
    expect(waitingNote({ ...base, reason: 'approval' })).toBe('waiting: approval');
  });
});
