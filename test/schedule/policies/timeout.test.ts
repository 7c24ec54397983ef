import fc from 'fast-check';
import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { clockFromScheduler } from '../../../src/schedule/clock.js';
import { DeadlineQueue } from '../../../src/schedule/policies/timeout.js';

/** A call as the queue sees it: live while its token is current and it has not ended. */
interface Item {
  readonly id: number;
  token: number;
  ended: boolean;
}

function setup() {
  const scheduler = new VirtualTimeScheduler();
  const clock = clockFromScheduler(scheduler);
  const expired: { id: number; at: number }[] = [];
  const queue = new DeadlineQueue<Item>(
    clock,
    (item, token) => !item.ended && item.token === token,
    (item) => expired.push({ id: item.id, at: clock.now() }),
  );
  /** Runs every timer due up to `to` (virtual ms). */
  const advance = (to: number) => {
    for (;;) {
      const action = scheduler.actions[0];
      if (action === undefined || action.delay > to) break;
      scheduler.actions.shift();
      scheduler.frame = action.delay;
      action.execute(action.state, action.delay);
    }
    scheduler.frame = Math.max(scheduler.frame, to);
  };
  return { scheduler, queue, expired, advance };
}

describe('DeadlineQueue', () => {
  it('expires every live call at its deadline and no other, across timeout lengths, restarts and growth (property)', () => {
    const op = fc.oneof(
      { weight: 4, arbitrary: fc.record({ add: fc.constantFrom(5, 10, 30) }) },
      { weight: 2, arbitrary: fc.record({ end: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ restart: fc.nat() }) },
      { weight: 2, arbitrary: fc.record({ wait: fc.integer({ min: 0, max: 12 }) }) },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const { scheduler, queue, expired, advance } = setup();
        const items: Item[] = [];
        /** The model: each live deadline (item, token) → when it falls due. */
        const due = new Map<Item, { token: number; at: number }>();
        const expected: { id: number; at: number }[] = [];
        const check = (to: number) => {
          // Every live deadline up to `to` fires; the queue fires at the timer's instant, which is
          // the deadline itself or the first instant it is looked at after it.
          for (const [item, d] of due) {
            if (d.at <= to && !item.ended && item.token === d.token) {
              expected.push({ id: item.id, at: d.at });
              due.delete(item);
            }
          }
          advance(to);
          expect(expired.map((e) => e.id).sort((a, b) => a - b)).toEqual(expected.map((e) => e.id).sort((a, b) => a - b));
          for (const e of expired) expect(e.at).toBeGreaterThanOrEqual(expected.find((x) => x.id === e.id)?.at as number);
        };
        for (const o of ops) {
          const now = scheduler.now();
          if ('add' in o) {
            const item: Item = { id: items.length, token: 0, ended: false };
            items.push(item);
            queue.add(item, item.token, o.add, now);
            due.set(item, { token: item.token, at: now + o.add });
          } else if ('end' in o) {
            const item = items[o.end % Math.max(1, items.length)];
            if (item !== undefined) item.ended = true;
          } else if ('restart' in o) {
            // A retry: a new token and a new deadline; the old one must not fire.
            const item = items[o.restart % Math.max(1, items.length)];
            if (item !== undefined && !item.ended && due.has(item)) {
              item.token++;
              queue.add(item, item.token, 10, now);
              due.set(item, { token: item.token, at: now + 10 });
            }
          } else {
            check(now + o.wait);
          }
        }
        check(scheduler.now() + 100);
        // Each call expired at most once.
        expect(new Set(expired.map((e) => e.id)).size).toBe(expired.length);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps each deadline with its call while earlier ones expire and later ones pile up', () => {
    const { scheduler, queue, expired, advance } = setup();
    const items: Item[] = [];
    const add = (at: number) => {
      const item: Item = { id: items.length, token: 0, ended: false };
      items.push(item);
      advance(at);
      queue.add(item, 0, 5, scheduler.now());
    };
    // Eight due at 5, then two each due at 6, 7, 8 and 9; at 5 the first eight expire, then
    // forty more come (due at 10) behind the eight still waiting.
    for (let i = 0; i < 8; i++) add(0);
    for (let i = 0; i < 8; i++) add(1 + (i >> 1));
    advance(5);
    expect(expired.map((e) => e.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (let i = 0; i < 40; i++) add(5);
    advance(9);
    expect(expired.slice(8).map((e) => [e.id, e.at])).toEqual(Array.from({ length: 8 }, (_, i) => [8 + i, 6 + (i >> 1)]));
    advance(10);
    expect(expired.slice(16).map((e) => [e.id, e.at])).toEqual(Array.from({ length: 40 }, (_, i) => [16 + i, 10]));
  });

  it('keeps one timer for the earliest deadline and lets go of every call once cleared', () => {
    const { scheduler, queue, expired, advance } = setup();
    const items = Array.from({ length: 100 }, (_, id): Item => ({ id, token: 0, ended: false }));
    for (const item of items) queue.add(item, 0, 50, 0);
    expect(scheduler.actions.length).toBe(1);
    queue.clear();
    expect(scheduler.actions.filter((a) => !a.closed).length).toBe(0);
    advance(1_000);
    expect(expired).toEqual([]);
    // A deadline added after clearing arms a timer again: only it expires, none of the cleared ones.
    const late: Item = { id: 100, token: 0, ended: false };
    queue.add(late, 0, 10, scheduler.now());
    advance(1_020);
    expect(expired.map((e) => e.id)).toEqual([100]);
  });

  it('ignores a timeout that is not finite', () => {
    const { scheduler, queue } = setup();
    queue.add({ id: 0, token: 0, ended: false }, 0, Infinity, 0);
    expect(scheduler.actions.length).toBe(0);
  });
});
