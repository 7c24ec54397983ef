import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Limiter } from '../../src/mcp/limiter.js';

describe('Limiter', () => {
  afterEach(() => vi.useRealTimers());

  it('never holds more than its cap and grants in arrival order, under any interleaving of acquires, releases and aborts (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.array(fc.constantFrom('acquire', 'release', 'abort'), { maxLength: 60 }), async (cap, steps) => {
        const limiter = new Limiter(cap);
        const held: number[] = [];
        const granted: number[] = [];
        const waiting: Array<{ n: number; controller: AbortController }> = [];
        let n = 0;
        for (const step of steps) {
          if (step === 'acquire') {
            const me = n++;
            const controller = new AbortController();
            waiting.push({ n: me, controller });
            limiter.acquire(controller.signal).then(
              () => {
                held.push(me);
                granted.push(me);
              },
              () => undefined,
            );
          } else if (step === 'release' && held.length > 0) {
            held.shift();
            limiter.release();
          } else if (step === 'abort') {
            const victim = waiting.find((w) => !granted.includes(w.n) && !w.controller.signal.aborted);
            victim?.controller.abort();
          }
          await Promise.resolve();
          await Promise.resolve();
          expect(limiter.stats().active).toBeLessThanOrEqual(cap);
          expect(held.length).toBeLessThanOrEqual(cap);
        }
        const order = [...granted];
        expect(order).toEqual([...granted].sort((a, b) => a - b));
        expect(limiter.stats().peak).toBeLessThanOrEqual(cap);
      }),
      { numRuns: 200 },
    );
  });

  it('starts at most `limit` per window and wakes waiters when the window moves (fake time)', async () => {
    vi.useFakeTimers();
    const limiter = new Limiter(100, { limit: 2, intervalMs: 1000 });
    let started = 0;
    for (let i = 0; i < 5; i++) void limiter.acquire().then(() => void started++);
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toBe(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(started).toBe(4);
    await vi.advanceTimersByTimeAsync(1000);
    expect(started).toBe(5);
    expect(limiter.stats().peakPerWindow).toBe(2);
  });

  it('rejects at once with the reason of an already aborted signal', async () => {
    const limiter = new Limiter(1);
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    await expect(limiter.acquire(controller.signal)).rejects.toThrow('gone');
    expect(limiter.stats().active).toBe(0);
  });
});
