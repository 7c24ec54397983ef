/**
 * A ready queue per concurrency domain: one shared bucket for tools without limits, and one
 * per tool with a `concurrency` cap or a `rateLimit`. A call waiting on its tool's cap or rate
 * limit stays in its bucket, holds no global slot and blocks no other bucket.
 */
import type { CallNode } from './call-node.js';
import { FifoQueue } from './fifo-queue.js';
import { RankHeap } from './rank-heap.js';

/** What a bucket's ready calls wait in: a priority heap, or a FIFO when no slot is ever contended. */
export interface ReadyQueue<T> {
  /** Number of queued items. */
  readonly size: number;
  /** The item that would come out next, without removing it. */
  peek(): T | undefined;
  /** Queues an item; a queue that orders by rank takes its rank too. */
  push(item: T, rank: number): void;
  /** Removes and returns the next item. */
  pop(): T | undefined;
  /** Removes every item and returns them. */
  drain(): T[];
}

/** The ready calls of one concurrency domain and its limits. */
export class ToolBucket {
  /** Ready calls, best first (highest rank, then plan order). */
  heap: ReadyQueue<CallNode>;
  running = 0;
  active = false;
  private readonly starts: number[] = [];
  private startHead = 0;
  cancelTimer: (() => void) | undefined;

  constructor(
    /** Tool name, or `*` for the shared bucket. */
    readonly name: string,
    /** Calls running at once. */
    readonly cap: number,
    /** Starts allowed per window. */
    readonly rateLimit: number,
    /** Window length in ms. */
    readonly intervalMs: number,
    /** The run's call at an arrival position (the heap keeps positions, not calls). */
    callAt: (index: number) => CallNode,
  ) {
    this.heap = new RankHeap<CallNode>(callAt);
  }

  /** Makes the ready queue first-in-first-out (call before any call is queued). */
  unordered(): void {
    this.heap = new FifoQueue<CallNode>();
  }

  /** When a start is next allowed (`now` or earlier when allowed now). */
  nextStartAt(now: number): number {
    if (this.rateLimit === Infinity || this.starts.length - this.startHead < this.rateLimit) return now;
    return (this.starts[this.startHead] as number) + this.intervalMs;
  }

  /** Records a start for the rate limit. */
  recordStart(now: number): void {
    if (this.rateLimit === Infinity) return;
    this.starts.push(now);
    if (this.starts.length - this.startHead > this.rateLimit) this.startHead++;
    if (this.startHead > 1024) {
      this.starts.splice(0, this.startHead);
      this.startHead = 0;
    }
  }
}
