/**
 * Where the scheduler reads time and sets timers. The default is the monotonic
 * `performance.now()` with `setTimeout`; pass an RxJS scheduler (for example a
 * `VirtualTimeScheduler` or `TestScheduler`) to run timeouts, retries and hedges in virtual time.
 */
import type { SchedulerLike } from 'rxjs';

/** A time source with one-shot timers. */
export interface Clock {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Runs `fn` after `ms`; returns a function that cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
}

/**
 * The longest delay `setTimeout` takes (2^31 - 1 ms, about 24.8 days); Node turns a longer one
 * into 1 ms. Longer timers are chained.
 */
export const MAX_TIMER_MS = 2_147_483_647;

/** The real clock: `performance.now()` and `setTimeout`. Timers do not keep the process alive past the run. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer(fn, ms) {
    let handle: ReturnType<typeof setTimeout>;
    const arm = (left: number): void => {
      handle = left > MAX_TIMER_MS ? setTimeout(() => arm(left - MAX_TIMER_MS), MAX_TIMER_MS) : setTimeout(fn, left);
    };
    arm(ms);
    return () => clearTimeout(handle);
  },
};

/**
 * Adapts an RxJS scheduler (virtual or real) to a {@link Clock}.
 *
 * @example
 * const scheduler = new VirtualTimeScheduler()
 * execute(plan, { tools, scheduler }) // timeouts fire when scheduler.flush() reaches them
 */
export function clockFromScheduler(scheduler: SchedulerLike): Clock {
  return {
    now: () => scheduler.now(),
    setTimer(fn, ms) {
      const subscription = scheduler.schedule(fn, ms);
      return () => subscription.unsubscribe();
    },
  };
}
