/**
 * Timeouts without a timer per call: calls that share a timeout length expire in start
 * order, so each length keeps a FIFO of deadlines and one timer is armed for the earliest
 * head. Finished calls are dropped lazily when they reach the head.
 */
import type { Clock } from '../clock.js';

interface Deadline<T> {
  readonly at: number;
  readonly item: T;
  readonly token: number;
}

/** Deadlines grouped by timeout length; `onExpire` runs for each live expired entry. */
export class DeadlineQueue<T> {
  private readonly queues = new Map<number, { items: Deadline<T>[]; head: number }>();
  private cancelTimer: (() => void) | undefined;
  private armedAt = Infinity;

  constructor(
    private readonly clock: Clock,
    private readonly isLive: (item: T, token: number) => boolean,
    private readonly onExpire: (item: T) => void,
  ) {}

  /**
   * Adds a deadline `ms` after `now` (the clock's time, read here when not given) for `item`
   * (live while `isLive(item, token)`).
   */
  add(item: T, token: number, ms: number, now = this.clock.now()): void {
    if (!Number.isFinite(ms)) return;
    let q = this.queues.get(ms);
    if (q === undefined) {
      q = { items: [], head: 0 };
      this.queues.set(ms, q);
    }
    const at = now + ms;
    q.items.push({ at, item, token });
    if (at < this.armedAt) this.arm(at);
  }

  private arm(at: number): void {
    this.cancelTimer?.();
    this.armedAt = at;
    this.cancelTimer = this.clock.setTimer(() => this.fire(), Math.max(0, at - this.clock.now()));
  }

  private fire(): void {
    this.cancelTimer = undefined;
    this.armedAt = Infinity;
    const now = this.clock.now();
    let next = Infinity;
    for (const [ms, q] of this.queues) {
      while (q.head < q.items.length) {
        const d = q.items[q.head] as Deadline<T>;
        if (!this.isLive(d.item, d.token)) {
          q.head++;
          continue;
        }
        if (d.at > now) {
          if (d.at < next) next = d.at;
          break;
        }
        q.head++;
        this.onExpire(d.item);
      }
      if (q.head === q.items.length) this.queues.delete(ms);
      else if (q.head > 1024 && q.head * 2 > q.items.length) {
        q.items.splice(0, q.head);
        q.head = 0;
      }
    }
    if (next !== Infinity && next < this.armedAt) this.arm(next);
  }

  /** Cancels the timer and forgets every deadline. */
  clear(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.armedAt = Infinity;
    this.queues.clear();
  }
}
