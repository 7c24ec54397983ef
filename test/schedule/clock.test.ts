import { VirtualTimeScheduler } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clockFromScheduler, MAX_TIMER_MS, systemClock } from '../../src/schedule/clock.js';

describe('systemClock.setTimer', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires once after the delay, and not at all once cancelled', () => {
    const fired: number[] = [];
    systemClock.setTimer(() => fired.push(1), 50);
    const cancel = systemClock.setTimer(() => fired.push(2), 50);
    cancel();
    vi.advanceTimersByTime(49);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual([1]);
    vi.advanceTimersByTime(1000);
    expect(fired).toEqual([1]);
  });

  it('a delay past what setTimeout takes (about 24.8 days) is chained, not cut to 1 ms, and cancels at any link', () => {
    const fired: string[] = [];
    const thirtyDays = 30 * 24 * 3600 * 1000;
    systemClock.setTimer(() => fired.push('long'), thirtyDays);
    const cancel = systemClock.setTimer(() => fired.push('cancelled'), thirtyDays);
    vi.advanceTimersByTime(1000);
    expect(fired).toEqual([]);
    expect(vi.getTimerCount()).toBe(2); // one link each, no 1 ms polling
    vi.advanceTimersByTime(MAX_TIMER_MS);
    cancel(); // cancels the second link
    vi.advanceTimersByTime(thirtyDays - MAX_TIMER_MS - 1001);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(['long']);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('clockFromScheduler', () => {
  it('reads the scheduler time and runs timers in it', () => {
    const scheduler = new VirtualTimeScheduler();
    const clock = clockFromScheduler(scheduler);
    const fired: number[] = [];
    clock.setTimer(() => fired.push(clock.now()), 30);
    const cancel = clock.setTimer(() => fired.push(-1), 10);
    cancel();
    scheduler.flush();
    expect(fired).toEqual([30]);
  });
});
