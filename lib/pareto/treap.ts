/**
 * An ordered map from number keys to number values (plus an integer tag per key), kept balanced as a
 * treap: a binary search tree on the keys that is a heap on seeded pseudo-random priorities, so its
 * expected depth is O(log n) and every operation below takes expected O(log n).
 *
 * Nodes live in typed arrays and are named by integer handles; {@link NIL} (-1) means "no node".
 * A handle stays valid until its key is removed. Priorities come from a fixed-seed xorshift, so the
 * shape of the tree, and so any floating-point summation that walks it, is deterministic.
 *
 * The 3-D hypervolume sweep keeps its 2-D staircase here (key = first objective, value = second).
 */
export const NIL = -1;

export class Treap {
  private keys: Float64Array;
  private vals: Float64Array;
  private tags: Int32Array;
  private prio: Uint32Array;
  private left: Int32Array;
  private right: Int32Array;
  private root = NIL;
  private used = 0;
  private freeList: number[] = [];
  private count = 0;
  private seed = 0x9e3779b9;
  /** Scratch results of split(): the part with keys < pivot and the part with keys >= pivot. */
  private splitLo = NIL;
  private splitHi = NIL;

  constructor(capacity = 16) {
    const n = Math.max(1, Math.floor(capacity));
    this.keys = new Float64Array(n);
    this.vals = new Float64Array(n);
    this.tags = new Int32Array(n);
    this.prio = new Uint32Array(n);
    this.left = new Int32Array(n);
    this.right = new Int32Array(n);
  }

  /** Number of keys stored. */
  get size(): number {
    return this.count;
  }

  key(node: number): number {
    return this.keys[node] as number;
  }

  value(node: number): number {
    return this.vals[node] as number;
  }

  /** The integer stored beside the value (e.g. the index of the point a key came from). */
  tag(node: number): number {
    return this.tags[node] as number;
  }

  /** Handle of the node holding exactly `key`, or NIL. */
  find(key: number): number {
    let t = this.root;
    while (t !== NIL) {
      const k = this.keys[t] as number;
      if (key === k) return t;
      t = key < k ? (this.left[t] as number) : (this.right[t] as number);
    }
    return NIL;
  }

  /** Largest key <= `key`. */
  floor(key: number): number {
    let t = this.root;
    let best = NIL;
    while (t !== NIL) {
      const k = this.keys[t] as number;
      if (k === key) return t;
      if (k < key) {
        best = t;
        t = this.right[t] as number;
      } else t = this.left[t] as number;
    }
    return best;
  }

  /** Largest key < `key`. */
  lower(key: number): number {
    let t = this.root;
    let best = NIL;
    while (t !== NIL) {
      if ((this.keys[t] as number) < key) {
        best = t;
        t = this.right[t] as number;
      } else t = this.left[t] as number;
    }
    return best;
  }

  /** Smallest key >= `key`. */
  ceiling(key: number): number {
    let t = this.root;
    let best = NIL;
    while (t !== NIL) {
      const k = this.keys[t] as number;
      if (k === key) return t;
      if (k > key) {
        best = t;
        t = this.left[t] as number;
      } else t = this.right[t] as number;
    }
    return best;
  }

  /** Smallest key > `key`. */
  higher(key: number): number {
    let t = this.root;
    let best = NIL;
    while (t !== NIL) {
      if ((this.keys[t] as number) > key) {
        best = t;
        t = this.left[t] as number;
      } else t = this.right[t] as number;
    }
    return best;
  }

  /** Smallest key, or NIL when empty. */
  first(): number {
    let t = this.root;
    if (t === NIL) return NIL;
    while ((this.left[t] as number) !== NIL) t = this.left[t] as number;
    return t;
  }

  /** Largest key, or NIL when empty. */
  last(): number {
    let t = this.root;
    if (t === NIL) return NIL;
    while ((this.right[t] as number) !== NIL) t = this.right[t] as number;
    return t;
  }

  /** Sets `key` to `value` (and `tag`), adding the key when absent. Returns the node's handle. */
  set(key: number, value: number, tag = 0): number {
    if (Number.isNaN(key)) throw new RangeError('Treap key: got NaN; allowed: a number');
    const existing = this.find(key);
    if (existing !== NIL) {
      this.vals[existing] = value;
      this.tags[existing] = tag;
      return existing;
    }
    const node = this.alloc(key, value, tag);
    this.split(this.root, key);
    const lo = this.splitLo;
    const hi = this.splitHi;
    this.root = this.merge(this.merge(lo, node), hi);
    this.count++;
    return node;
  }

  /** Removes `key`; returns whether it was present. */
  delete(key: number): boolean {
    // Walk down to the node, remembering the parent link, then replace it by the merge of its children.
    let parent = NIL;
    let fromLeft = false;
    let t = this.root;
    while (t !== NIL) {
      const k = this.keys[t] as number;
      if (k === key) break;
      parent = t;
      fromLeft = key < k;
      t = fromLeft ? (this.left[t] as number) : (this.right[t] as number);
    }
    if (t === NIL) return false;
    const merged = this.merge(this.left[t] as number, this.right[t] as number);
    if (parent === NIL) this.root = merged;
    else if (fromLeft) this.left[parent] = merged;
    else this.right[parent] = merged;
    this.freeList.push(t);
    this.count--;
    return true;
  }

  clear(): void {
    this.root = NIL;
    this.used = 0;
    this.count = 0;
    this.freeList.length = 0;
  }

  /** Keys and values in key order (for tests and debugging; O(n)). */
  entries(): [number, number][] {
    const out: [number, number][] = [];
    const stack: number[] = [];
    let t = this.root;
    while (t !== NIL || stack.length > 0) {
      while (t !== NIL) {
        stack.push(t);
        t = this.left[t] as number;
      }
      t = stack.pop() as number;
      out.push([this.keys[t] as number, this.vals[t] as number]);
      t = this.right[t] as number;
    }
    return out;
  }

  private nextPriority(): number {
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x >>> 0;
    return this.seed;
  }

  private alloc(key: number, value: number, tag: number): number {
    let node = this.freeList.pop();
    if (node === undefined) {
      if (this.used === this.keys.length) this.grow();
      node = this.used++;
    }
    this.keys[node] = key;
    this.vals[node] = value;
    this.tags[node] = tag;
    this.prio[node] = this.nextPriority();
    this.left[node] = NIL;
    this.right[node] = NIL;
    return node;
  }

  private grow(): void {
    const n = this.keys.length * 2;
    const keys = new Float64Array(n);
    keys.set(this.keys);
    const vals = new Float64Array(n);
    vals.set(this.vals);
    const tags = new Int32Array(n);
    tags.set(this.tags);
    const prio = new Uint32Array(n);
    prio.set(this.prio);
    const left = new Int32Array(n);
    left.set(this.left);
    const right = new Int32Array(n);
    right.set(this.right);
    this.keys = keys;
    this.vals = vals;
    this.tags = tags;
    this.prio = prio;
    this.left = left;
    this.right = right;
  }

  /** Splits subtree `t` into keys < pivot (splitLo) and keys >= pivot (splitHi). */
  private split(t: number, pivot: number): void {
    if (t === NIL) {
      this.splitLo = NIL;
      this.splitHi = NIL;
      return;
    }
    if ((this.keys[t] as number) < pivot) {
      this.split(this.right[t] as number, pivot);
      this.right[t] = this.splitLo;
      this.splitLo = t;
    } else {
      this.split(this.left[t] as number, pivot);
      this.left[t] = this.splitHi;
      this.splitHi = t;
    }
  }

  /** Joins two treaps where every key of `a` is below every key of `b`. */
  private merge(a: number, b: number): number {
    if (a === NIL) return b;
    if (b === NIL) return a;
    if ((this.prio[a] as number) >= (this.prio[b] as number)) {
      this.right[a] = this.merge(this.right[a] as number, b);
      return a;
    }
    this.left[b] = this.merge(a, this.left[b] as number);
    return b;
  }
}
