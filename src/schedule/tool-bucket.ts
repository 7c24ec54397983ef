/**
 * A ready queue per concurrency domain: one shared bucket for tools without limits, and one
 * per tool with a `concurrency` cap or a `rateLimit`. A call waiting on its tool's cap or rate
 * limit stays in its bucket, holds no global slot and blocks no other bucket.
 */
import type { CallNode } from './call-node.js';
import { PriorityHeap } from './priority-heap.js';

/** Highest rank first, then plan order. */
export function compareNodes(a: CallNode, b: CallNode): number {
  return b.rank - a.rank || a.index - b.index;
}

/** The ready calls of one concurrency domain and its limits. */
export class ToolBucket {
  readonly heap = new PriorityHeap<CallNode>(compareNodes);
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
  ) {}

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
