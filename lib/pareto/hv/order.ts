/**
 * Stable ascending argsort of float64 keys (ties keep index order): the one sort the hypervolume
 * kernels and the sorts share. Keys are finite or ±Infinity, never NaN; -0 and 0 are equal keys (as
 * with `a - b`), so they keep index order between them.
 *
 * Small inputs (n < RADIX_FROM) use an insertion sort (n <= 16) or the builtin comparison sort on an
 * index array. Larger ones use an LSD radix sort (Friend 1956; the float trick of Herf 2001, "Radix
 * tricks"): each key's IEEE-754 bits become an unsigned 64-bit integer with the same order (flip every
 * bit of a negative number, only the sign bit of a positive one), split into a high and a low 32-bit
 * half, and sorted by six stable counting passes of 11, 11 and 10 bits per half, low digits first.
 * One pass computes all six histograms; a pass whose digit is the same for every key is skipped (so
 * keys in a narrow range, e.g. all in [0, 1), take about four passes).
 *
 * Complexity: O(n) time for the radix path (6 passes of n plus 6 x 2048 counters), O(n log n) below
 * it; O(n) extra memory (two Uint32Array halves and two index buffers).
 */
export function argsort(keys: Float64Array): Uint32Array {
  const n = keys.length;
  if (n <= 16) return insertionArgsort(keys);
  if (n < RADIX_FROM) return comparisonArgsort(keys);
  return radixArgsort(keys);
}

/** From this many keys on, the radix sort beats the builtin comparison sort (measured on Node 20). */
const RADIX_FROM = 256;

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

function comparisonArgsort(keys: Float64Array): Uint32Array {
  const n = keys.length;
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => (keys[a] as number) - (keys[b] as number) || a - b);
  return Uint32Array.from(order);
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
