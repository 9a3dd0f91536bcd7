import { assert } from '@lattice/utils';

interface Entry<T> {
  at: number;
  seq: number;
  item: T;
}

/**
 * A binary min-heap of events on a virtual clock. Equal times are ordered by insertion sequence,
 * so a run never depends on heap internals.
 */
export class Scheduler<T> {
  readonly #heap: Entry<T>[] = [];
  readonly #max: number;
  #seq = 0;
  #now = 0;

  constructor(maxPending: number) {
    this.#max = maxPending;
  }

  get now(): number {
    return this.#now;
  }

  get size(): number {
    return this.#heap.length;
  }

  /** Schedules `item` after `delayMs` of virtual time; false when the queue is full (the event is dropped). */
  schedule(delayMs: number, item: T): boolean {
    assert(Number.isSafeInteger(delayMs) && delayMs >= 0, 'delay must be a non-negative integer');
    if (this.#heap.length >= this.#max) return false;
    const heap = this.#heap;
    heap.push({ at: this.#now + delayMs, seq: this.#seq++, item });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
    return true;
  }

  /** The next event, advancing the clock to its time; undefined when nothing is pending. */
  pop(): T | undefined {
    const heap = this.#heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    this.#now = top.at;
    return top.item;
  }
}

function less<T>(a: Entry<T>, b: Entry<T>): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
