/**
 * A first-in-first-out queue with the ready-queue interface of {@link RankHeap}: O(1) push
 * and pop. The engine uses it when no slot is ever contended (no global cap, no per-tool cap or
 * rate limit): every ready call then starts at once, so ordering them would be wasted work.
 */

/** A queue over an array with a moving head; the array is compacted as the head advances. */
export class FifoQueue<T> {
  private items: T[] = [];
  private head = 0;

  /** Number of items. */
  get size(): number {
    return this.items.length - this.head;
  }

  /** The first item, without removing it. */
  peek(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  /** Adds an item at the back. */
  push(item: T): void {
    this.items.push(item);
  }

  /** Removes and returns the first item. */
  pop(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head] as T;
    (this.items as (T | undefined)[])[this.head] = undefined; // the queue no longer holds it
    this.head++;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Removes every item and returns them (in queue order). */
  drain(): T[] {
    const out = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return out;
  }
}
