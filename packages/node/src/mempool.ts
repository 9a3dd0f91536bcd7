import type { DecodedTx } from '@lattice/app';
import { MEMPOOL_BYTES_MAX, MEMPOOL_TXS_MAX, MEMPOOL_TXS_PER_SENDER_MAX } from '@lattice/params';
import { LatticeError, toHex } from '@lattice/utils';

export interface MempoolEntry {
  tx: DecodedTx;
  priority: bigint;
  gasWanted: bigint;
  /** Arrival order: ties in priority go to whoever came first. */
  order: number;
}

export interface MempoolOptions {
  maxTxs?: number;
  maxBytes?: number;
  maxTxsPerSender?: number;
}

/**
 * Admitted transactions, bounded by count and bytes. Each sender's txs are kept in sequence
 * order (the app admits only the next sequence), and blocks are filled by fee priority across
 * senders while never reordering one sender's txs.
 */
export class Mempool {
  readonly #maxTxs: number;
  readonly #maxBytes: number;
  readonly #maxPerSender: number;
  readonly #byHash = new Map<string, MempoolEntry>();
  /** sender hex → that sender's entries in increasing sequence. */
  readonly #bySender = new Map<string, MempoolEntry[]>();
  #bytes = 0;
  #order = 0;

  constructor(opts: MempoolOptions = {}) {
    this.#maxTxs = opts.maxTxs ?? MEMPOOL_TXS_MAX;
    this.#maxBytes = opts.maxBytes ?? MEMPOOL_BYTES_MAX;
    this.#maxPerSender = opts.maxTxsPerSender ?? MEMPOOL_TXS_PER_SENDER_MAX;
  }

  get size(): number {
    return this.#byHash.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get(hashHex: string): DecodedTx | undefined {
    return this.#byHash.get(hashHex)?.tx;
  }

  has(hashHex: string): boolean {
    return this.#byHash.has(hashHex);
  }

  /** Throws when the pool cannot take the tx; the caller checks capacity before running checkTx too. */
  ensureCapacity(size: number, senderHex: string): void {
    if (this.#byHash.size >= this.#maxTxs || this.#bytes + size > this.#maxBytes) {
      throw new LatticeError(
        'MEMPOOL_FULL',
        `mempool is full (${this.#byHash.size} txs, ${this.#bytes} bytes)`,
      );
    }
    if ((this.#bySender.get(senderHex)?.length ?? 0) >= this.#maxPerSender) {
      throw new LatticeError(
        'MEMPOOL_SENDER_FULL',
        `this sender already has ${this.#maxPerSender} pending txs`,
      );
    }
  }

  add(tx: DecodedTx, priority: bigint, gasWanted: bigint): void {
    if (this.#byHash.has(tx.hashHex)) {
      throw new LatticeError('TX_ALREADY_KNOWN', 'transaction is already in the mempool', {
        hash: tx.hashHex,
      });
    }
    const sender = toHex(tx.signer);
    this.ensureCapacity(tx.bytes.length, sender);
    const entry: MempoolEntry = { tx, priority, gasWanted, order: this.#order++ };
    this.#byHash.set(tx.hashHex, entry);
    let list = this.#bySender.get(sender);
    if (!list) this.#bySender.set(sender, (list = []));
    list.push(entry);
    this.#bytes += tx.bytes.length;
  }

  /**
   * Txs for the next block: repeatedly takes the best sender head (highest priority, then
   * earliest), until the byte, gas or count budget is spent.
   */
  reap(maxBytes: number, maxGas: bigint, maxTxs: number): DecodedTx[] {
    const heads = new Heap();
    const cursor = new Map<MempoolEntry[], number>();
    for (const list of this.#bySender.values()) {
      cursor.set(list, 0);
      heads.push(list);
    }
    const out: DecodedTx[] = [];
    let bytes = 0;
    let gas = 0n;
    while (out.length < maxTxs) {
      const list = heads.pop();
      if (!list) break;
      const i = cursor.get(list)!;
      const e = list[i]!;
      if (bytes + e.tx.bytes.length > maxBytes || gas + e.gasWanted > maxGas) continue;
      bytes += e.tx.bytes.length;
      gas += e.gasWanted;
      out.push(e.tx);
      if (i + 1 < list.length) {
        cursor.set(list, i + 1);
        heads.push(list, i + 1);
      }
    }
    return out;
  }

  remove(hashHex: string): void {
    const e = this.#byHash.get(hashHex);
    if (!e) return;
    this.#byHash.delete(hashHex);
    this.#bytes -= e.tx.bytes.length;
    const sender = toHex(e.tx.signer);
    const list = this.#bySender.get(sender);
    if (!list) return;
    const idx = list.indexOf(e);
    if (idx >= 0) list.splice(idx, 1);
    if (list.length === 0) this.#bySender.delete(sender);
  }

  /** All entries, each sender's in sequence order: the order recheck must follow. */
  entries(): MempoolEntry[] {
    const out: MempoolEntry[] = [];
    for (const list of this.#bySender.values()) out.push(...list);
    return out;
  }

  clear(): void {
    this.#byHash.clear();
    this.#bySender.clear();
    this.#bytes = 0;
  }
}

/** A max-heap of sender lists keyed by their current head's (priority desc, order asc). */
class Heap {
  readonly #items: { list: MempoolEntry[]; head: MempoolEntry }[] = [];

  push(list: MempoolEntry[], index = 0): void {
    const items = this.#items;
    items.push({ list, head: list[index]! });
    let i = items.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!better(items[i]!.head, items[p]!.head)) break;
      [items[i], items[p]] = [items[p]!, items[i]!];
      i = p;
    }
  }

  pop(): MempoolEntry[] | undefined {
    const items = this.#items;
    if (items.length === 0) return undefined;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && better(items[l]!.head, items[m]!.head)) m = l;
        if (r < items.length && better(items[r]!.head, items[m]!.head)) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m]!, items[i]!];
        i = m;
      }
    }
    return top.list;
  }
}

function better(a: MempoolEntry, b: MempoolEntry): boolean {
  return a.priority !== b.priority ? a.priority > b.priority : a.order < b.order;
}
