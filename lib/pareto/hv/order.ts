/**
 * Stable ascending argsort of float64 keys (ties keep index order): the one sort the hypervolume
 * kernels and the sorts share. Keys are finite or ±Infinity, never NaN; -0 and 0 are equal keys (as
 * with `a - b`), so they keep index order between them.
 *
 * - n <= 16: insertion sort.
 * - n < BUCKET_FROM, or keys whose range is infinite: a monomorphic merge sort over parallel
 *   (Float64Array key, Uint32Array index) buffers, insertion-sorted runs of 16 then bottom-up merges
 *   (no comparator calls); from RADIX_FROM keys on, the radix sort below instead.
 * - otherwise a value-bucket sort (distribution sort, e.g. Knuth TAOCP vol. 3, 5.2.1 exercise / the
 *   "bucket sort" of Cormen et al.): n equal-width buckets over [min, max], one stable counting pass,
 *   then insertion sort inside buckets of at most 32 keys and the merge sort inside larger ones (so
 *   O(n log n) worst case). Bucket indices are monotone in the key, so the result is exact whatever
 *   the rounding. When one bucket holds more than a quarter of n >= RADIX_FROM keys (skewed keys) the
 *   radix sort runs instead.
 * - radix: an LSD radix sort (Friend 1956; the float trick of Herf 2001, "Radix tricks"): each key's
 *   IEEE-754 bits become an unsigned 64-bit integer with the same order (flip every bit of a negative
 *   number, only the sign bit of a positive one), split into a high and a low 32-bit half, and sorted
 *   by six stable counting passes of 11, 11 and 10 bits per half, low digits first. One pass computes
 *   all six histograms; a pass whose digit is the same for every key is skipped.
 *
 * Complexity: O(n) expected for spread keys (bucket), O(n) for the radix path, O(n log n) worst case;
 * O(n) extra memory. Measured on Node 20 (10^3 near-front x keys): bucket ~3x faster than the radix
 * sort, the merge sort ~3x faster than the builtin comparator sort at 100 keys.
 */
export function argsort(keys: Float64Array): Uint32Array {
  const n = keys.length;
  if (n <= 16) return insertionArgsort(keys);
  if (n < BUCKET_FROM) return mergeArgsort(keys);
  return bucketArgsort(keys);
}

/** From this many keys on, the bucket sort beats the merge sort (measured on Node 20). */
const BUCKET_FROM = 96;
/** From this many keys on, the radix sort beats the merge sort (the fallback for unbucketable keys). */
const RADIX_FROM = 1024;
/** Insertion-sorted run length of the merge sort, and the largest bucket sorted by insertion. */
const RUN = 16;
const BUCKET_INSERTION_MAX = 32;

function insertionArgsort(keys: Float64Array): Uint32Array {
  const n = keys.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const k = keys[i] as number;
    let t = i - 1;
    while (t >= 0 && (keys[order[t] as number] as number) > k) {
      order[t + 1] = order[t] as number;
      t--;
    }
    order[t + 1] = i;
  }
  return order;
}

/** Insertion sort of the parallel buffers over [lo, hi) (stable: only strictly greater keys move). */
function insertionRange(k: Float64Array, o: Uint32Array, lo: number, hi: number): void {
  for (let i = lo + 1; i < hi; i++) {
    const x = k[i] as number;
    const oi = o[i] as number;
    let t = i - 1;
    while (t >= lo && (k[t] as number) > x) {
      k[t + 1] = k[t] as number;
      o[t + 1] = o[t] as number;
      t--;
    }
    k[t + 1] = x;
    o[t + 1] = oi;
  }
}

/**
 * Stable sort of parallel (k, o) over [lo, hi) in place, ascending by k (keys move with their
 * indices): insertion-sorted runs of RUN, then bottom-up merges ping-ponging through the scratch
 * buffers k2, o2 (at least hi long; their contents are overwritten). Monomorphic (no comparator
 * calls), no allocation; the sort every kernel with (key, index) pairs on its own scratch uses.
 * O(s log s) time for s = hi - lo keys.
 */
export function mergeRange(k: Float64Array, o: Uint32Array, lo: number, hi: number, k2: Float64Array, o2: Uint32Array): void {
  for (let a = lo; a < hi; a += RUN) insertionRange(k, o, a, a + RUN < hi ? a + RUN : hi);
  let sk = k;
  let so = o;
  let dk = k2;
  let dO = o2;
  for (let w = RUN; w < hi - lo; w *= 2) {
    for (let a = lo; a < hi; a += 2 * w) {
      const mid = a + w < hi ? a + w : hi;
      const b = a + 2 * w < hi ? a + 2 * w : hi;
      let i = a;
      let j = mid;
      let t = a;
      if (mid < b && (sk[mid - 1] as number) > (sk[mid] as number)) {
        while (i < mid && j < b) {
          const x = sk[i] as number;
          const y = sk[j] as number;
          if (y < x) {
            dk[t] = y;
            dO[t] = so[j] as number;
            j++;
          } else {
            dk[t] = x;
            dO[t] = so[i] as number;
            i++;
          }
          t++;
        }
      }
      for (; i < mid; i++, t++) {
        dk[t] = sk[i] as number;
        dO[t] = so[i] as number;
      }
      for (; j < b; j++, t++) {
        dk[t] = sk[j] as number;
        dO[t] = so[j] as number;
      }
    }
    const tk = sk;
    sk = dk;
    dk = tk;
    const to = so;
    so = dO;
    dO = to;
  }
  if (sk !== k) {
    for (let i = lo; i < hi; i++) {
      k[i] = sk[i] as number;
      o[i] = so[i] as number;
    }
  }
}

function mergeArgsort(keys: Float64Array): Uint32Array {
  const n = keys.length;
  const k = new Float64Array(2 * n);
  const o = new Uint32Array(2 * n);
  for (let i = 0; i < n; i++) {
    k[i] = keys[i] as number;
    o[i] = i;
  }
  mergeRange(k, o, 0, n, k.subarray(n), o.subarray(n));
  return o.subarray(0, n);
}

function bucketArgsort(keys: Float64Array): Uint32Array {
  const n = keys.length;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = keys[i] as number;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const span = max - min;
  if (span === 0) {
    const o = new Uint32Array(n);
    for (let i = 0; i < n; i++) o[i] = i;
    return o;
  }
  if (!(span < Infinity)) return n < RADIX_FROM ? mergeArgsort(keys) : radixArgsort(keys);
  const scale = n / span;
  const bucket = new Uint32Array(n);
  const ends = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const s = ((keys[i] as number) - min) * scale; // monotone in the key
    const b = s >= n ? n - 1 : s | 0;
    bucket[i] = b;
    ends[b + 1]++;
  }
  let largest = 0;
  for (let b = 0; b < n; b++) {
    const c = ends[b + 1] as number;
    if (c > largest) largest = c;
    ends[b + 1] = c + (ends[b] as number);
  }
  if (n >= RADIX_FROM && 4 * largest > n) return radixArgsort(keys);
  const k = new Float64Array(n);
  const o = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const p = ends[bucket[i] as number]++ as number; // ends[b] becomes bucket b's end
    k[p] = keys[i] as number;
    o[p] = i;
  }
  let scratchK: Float64Array | undefined;
  let scratchO: Uint32Array | undefined;
  let start = 0;
  for (let b = 0; b < n; b++) {
    const end = ends[b] as number;
    if (end - start > BUCKET_INSERTION_MAX) {
      scratchK ??= new Float64Array(n);
      scratchO ??= new Uint32Array(n);
      mergeRange(k, o, start, end, scratchK, scratchO);
    } else if (end - start > 1) insertionRange(k, o, start, end);
    start = end;
  }
  return o;
}

const BITS = [11, 11, 10] as const;
const SHIFT = [0, 11, 22] as const;
const MASK = [0x7ff, 0x7ff, 0x3ff] as const;

function radixArgsort(keys: Float64Array): Uint32Array {
  const n = keys.length;
  // The keys' bits as order-preserving unsigned halves (little-endian: word 2i is the low half).
  const bits = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = keys[i] as number;
    bits[i] = v === 0 ? 0 : v; // -0 sorts as 0
  }
  const words = new Uint32Array(bits.buffer);
  const lo = new Uint32Array(n);
  const hi = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const h = words[2 * i + 1] as number;
    const l = words[2 * i] as number;
    if (h & 0x80000000) {
      hi[i] = ~h >>> 0;
      lo[i] = ~l >>> 0;
    } else {
      hi[i] = (h | 0x80000000) >>> 0;
      lo[i] = l;
    }
  }
  // All six histograms in one pass: pass p (0..5) reads half p < 3 ? lo : hi, digit p % 3.
  const counts = new Uint32Array(6 * 2048);
  for (let i = 0; i < n; i++) {
    const l = lo[i] as number;
    const h = hi[i] as number;
    counts[l & 0x7ff]++;
    counts[2048 + ((l >>> 11) & 0x7ff)]++;
    counts[4096 + (l >>> 22)]++;
    counts[6144 + (h & 0x7ff)]++;
    counts[8192 + ((h >>> 11) & 0x7ff)]++;
    counts[10240 + (h >>> 22)]++;
  }
  let src = new Uint32Array(n);
  for (let i = 0; i < n; i++) src[i] = i;
  let dst = new Uint32Array(n);
  for (let p = 0; p < 6; p++) {
    const base = p * 2048;
    const d = p % 3;
    const size = 1 << (BITS[d] as number);
    const shift = SHIFT[d] as number;
    const mask = MASK[d] as number;
    const half = p < 3 ? lo : hi;
    // A digit shared by every key leaves the order unchanged.
    if ((counts[base + ((half[0] as number) >>> shift & mask)] as number) === n) continue;
    let sum = 0;
    for (let b = 0; b < size; b++) {
      const c = counts[base + b] as number;
      counts[base + b] = sum;
      sum += c;
    }
    for (let t = 0; t < n; t++) {
      const i = src[t] as number;
      const b = base + (((half[i] as number) >>> shift) & mask);
      dst[counts[b] as number] = i;
      counts[b]++;
    }
    const tmp = src;
    src = dst;
    dst = tmp;
  }
  return src;
}
