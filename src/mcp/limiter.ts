/**
 * A concurrency cap with an optional rate limit, shared by every run of one scope (an MCP
 * session, or one tool across sessions). Waiters are served in arrival order; an aborted
 * waiter leaves the queue at once.
 */
import type { RateLimit } from '../tools/tool-types.js';

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

/** Counts what a {@link Limiter} has done, to check that no cap was exceeded. */
export interface LimiterStats {
  /** Slots held now. */
  readonly active: number;
  /** Most slots held at once. */
  readonly peak: number;
  /** Slots granted in all. */
  readonly granted: number;
  /** Most starts seen inside any one rate window (0 without a rate limit). */
  readonly peakPerWindow: number;
}

/** A FIFO semaphore of `max` slots, optionally also at most `rate.limit` grants per `rate.intervalMs`. */
export class Limiter {
  private active = 0;
  private peak = 0;
  private granted = 0;
  private peakPerWindow = 0;
  private readonly queue: Waiter[] = [];
  private head = 0;
  private readonly starts: number[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly max: number,
    private readonly rate?: RateLimit,
  ) {}

  /** Resolves when a slot is held (call `release` once after); rejects with the signal's reason if it aborts first. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) return Promise.reject(signal.reason);
    if (this.queue.length === this.head && this.canStart()) {
      this.start();
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const at = this.queue.indexOf(waiter, this.head);
          if (at >= 0) this.queue.splice(at, 1);
          reject(signal?.reason);
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.queue.push(waiter);
      this.drain();
    });
  }

  /** Gives a slot back. */
  release(): void {
    this.active--;
    this.drain();
  }

  /** What the limiter has done so far. */
  stats(): LimiterStats {
    return { active: this.active, peak: this.peak, granted: this.granted, peakPerWindow: this.peakPerWindow };
  }

  private canStart(): boolean {
    if (this.active >= this.max) return false;
    if (this.rate === undefined) return true;
    this.forget(Date.now());
    return this.starts.length < this.rate.limit;
  }

  private forget(now: number): void {
    const window = (this.rate as RateLimit).intervalMs;
    let drop = 0;
    while (drop < this.starts.length && (this.starts[drop] as number) <= now - window) drop++;
    if (drop > 0) this.starts.splice(0, drop);
  }

  private start(): void {
    this.active++;
    this.granted++;
    if (this.active > this.peak) this.peak = this.active;
    if (this.rate !== undefined) {
      this.starts.push(Date.now());
      if (this.starts.length > this.peakPerWindow) this.peakPerWindow = this.starts.length;
    }
  }

  private drain(): void {
    while (this.head < this.queue.length && this.canStart()) {
      const waiter = this.queue[this.head++] as Waiter;
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      this.start();
      waiter.resolve();
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    // Waiting only on the rate window: wake when its oldest start leaves it.
    if (this.head < this.queue.length && this.active < this.max && this.rate !== undefined && this.timer === undefined) {
      const wait = Math.max(1, (this.starts[0] as number) + this.rate.intervalMs - Date.now());
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.drain();
      }, wait);
      this.timer.unref?.();
    }
  }
}
