/**
 * A binary min-heap over an array, ordered by a comparator. Used for the ready queue, so
 * push and pop are O(log n) and allocation-free after growth.
 */

/** A binary heap; `compare(a, b) < 0` means `a` comes out first. */
export class PriorityHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly compare: (a: T, b: T) => number) {}

  /** Number of items. */
  get size(): number {
    return this.items.length;
  }

  /** The first item, without removing it. */
  peek(): T | undefined {
    return this.items[0];
  }

  /** Adds an item. */
  push(item: T): void {
    const items = this.items;
    let i = items.length;
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent] as T;
      if (this.compare(item, p) >= 0) break;
      items[i] = p;
      i = parent;
    }
    items[i] = item;
  }

  /** Removes and returns the first item. */
  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    const n = items.length;
    if (n > 0 && last !== undefined) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && this.compare(items[r] as T, items[l] as T) < 0 ? r : l;
        if (this.compare(items[c] as T, last) >= 0) break;
        items[i] = items[c] as T;
        i = c;
      }
      items[i] = last;
    }
    return top;
  }

  /** Removes every item and returns them (in no particular order). */
  drain(): T[] {
    return this.items.splice(0, this.items.length);
  }
}
