/**
 * Exact 3-D hypervolume: HV3D+ (Guerreiro and Fonseca, "Computing and updating hypervolume
 * contributions in up to four dimensions", IEEE TEVC 22(3), 2018), the dimension sweep HV3D of Beume,
 * Fonseca, López-Ibáñez, Paquete and Vahrenhold ("On the complexity of computing the hypervolume
 * indicator", IEEE TEVC 13(5), 2009) with the balanced tree replaced by a linked list whose
 * neighbours are found from ranks computed once.
 *
 * Visit the points by ascending z. Between consecutive z values the cross-section of the dominated
 * region is the 2-D region the points seen so far dominate; its area grows as each point enters the
 * 2-D staircase (`Staircase.insert`, which also drops the points it dominates). Volume = sum of
 * area x z-gap. Each point enters and leaves the staircase at most once.
 *
 * Contract: `./packed.ts` (m = 3, n >= 1, finite coordinates strictly below `ref`; dominated points
 * and copies allowed; inputs not mutated). Complexity O(n log n) time (the two sorts of `prepare3d`,
 * radix sorts, are O(n) on the high words; the sweep is O(n log_32 n)), O(n) memory; below
 * HV3D_SMALL_BELOW points a sorted-array sweep without ranking ({@link hv3dSmall}, faster there).
 */
import type { Packed } from './packed.js';
import { prepare3d } from './rank3d.js';
import { Staircase } from './staircase.js';

/** Sets below this many points take {@link hv3dSmall} (no ranking; measured on Node 20). */
export const HV3D_SMALL_BELOW = 1024;

/** Moves of more elements than this go through copyWithin (memmove) instead of a loop. */
const MOVE_LOOP_BELOW = 32;

/** Scratch of {@link hv3dSmall}, grown on demand (no allocation per call once warm). */
let zKey = new Float64Array(0);
let zOrder = new Int32Array(0);
let zKey2 = new Float64Array(0);
let zOrder2 = new Int32Array(0);
let sx = new Float64Array(0);
let sy = new Float64Array(0);
/** Where {@link sortByZ} left its result (one of the two key / order pairs above). */
let zSorted = zKey;
let zSortedOrder = zOrder;

function growSmall(n: number): void {
  const size = Math.max(n + 2, 2 * zKey.length);
  zKey = new Float64Array(size);
  zOrder = new Int32Array(size);
  zKey2 = new Float64Array(size);
  zOrder2 = new Int32Array(size);
  sx = new Float64Array(size);
  sy = new Float64Array(size);
}

/** Runs of this many points are insertion-sorted before the merge passes. */
const RUN = 8;

/**
 * Stable sort of the n points of `d` (3 coordinates each) by z into `zSorted` (z) and `zSortedOrder`
 * (3 x input index): insertion-sorted runs of {@link RUN}, then bottom-up merge passes between the
 * two scratch pairs. O(n log n), no allocation.
 * Not order.ts's mergeRange: fill fused with the runs, measured 1.1-2.4x faster than it at 20-1,000 points.
 */
function sortByZ(d: Float64Array, n: number): void {
  if (zKey.length < n + 2) growSmall(n);
  let key = zKey;
  let order = zOrder;
  for (let i = 0; i < n; i++) {
    const z = d[3 * i + 2] as number;
    let j = i;
    const runStart = i - (i % RUN);
    while (j > runStart && (key[j - 1] as number) > z) {
      key[j] = key[j - 1] as number;
      order[j] = order[j - 1] as number;
      j--;
    }
    key[j] = z;
    order[j] = 3 * i;
  }
  let toKey = zKey2;
  let toOrder = zOrder2;
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = lo + width < n ? lo + width : n;
      const hi = mid + width < n ? mid + width : n;
      let a = lo;
      let b = mid;
      let t = lo;
      while (a < mid && b < hi) {
        const ka = key[a] as number;
        const kb = key[b] as number;
        if (ka <= kb) {
          toKey[t] = ka;
          toOrder[t++] = order[a++] as number;
        } else {
          toKey[t] = kb;
          toOrder[t++] = order[b++] as number;
        }
      }
      while (a < mid) {
        toKey[t] = key[a] as number;
        toOrder[t++] = order[a++] as number;
      }
      while (b < hi) {
        toKey[t] = key[b] as number;
        toOrder[t++] = order[b++] as number;
      }
    }
    const k = key;
    key = toKey;
    toKey = k;
    const o = order;
    order = toOrder;
    toOrder = o;
  }
  zSorted = key;
  zSortedOrder = order;
}

/**
 * hv3d for small sets: HV3D's sweep (Beume et al. 2009, above) with the 2-D staircase in a plain sorted
 * array (x ascending, y strictly descending, sentinels (-Infinity, ref y) and (ref x, -Infinity) at the
 * ends) and a merge sort by z. Ties need no perturbation: a point weakly dominated in (x, y) by a
 * member adds nothing, and the members it weakly dominates leave. Same contract and result as
 * {@link hv3d}; O(n^2) time worst case with small constants, O(n) module-level scratch.
 */
export function hv3dSmall(points: Packed, ref: Float64Array): number {
  const n = points.n;
  const d = points.data;
  const rx = ref[0] as number;
  const ry = ref[1] as number;
  const rz = ref[2] as number;
  sortByZ(d, n);
  const key = zSorted;
  const order = zSortedOrder;
  const xs = sx;
  const ys = sy;
  xs[0] = -Infinity;
  ys[0] = ry;
  xs[1] = rx;
  ys[1] = -Infinity;
  let last = 1; // index of the end sentinel
  let area = 0;
  let volume = 0;
  let prevZ = key[0] as number;
  for (let t = 0; t < n; t++) {
    const z = key[t] as number;
    volume += area * (z - prevZ);
    prevZ = z;
    const o = order[t] as number;
    const x = d[o] as number;
    const y = d[o + 1] as number;
    // l: the last member with xs < x (the start sentinel at worst).
    let l = 0;
    let hi = last; // xs[l] < x <= xs[hi]
    while (hi - l > 8) {
      const mid = (l + hi) >>> 1;
      if ((xs[mid] as number) < x) l = mid;
      else hi = mid;
    }
    while ((xs[l + 1] as number) < x) l++;
    let curH = ys[l] as number;
    if (curH <= y) continue;
    let h = l + 1;
    if ((xs[h] as number) === x && (ys[h] as number) <= y) continue;
    let curX = x;
    let gained = 0;
    while ((ys[h] as number) >= y) {
      const hx = xs[h] as number;
      gained += (hx - curX) * (curH - y);
      curX = hx;
      curH = ys[h] as number;
      h++;
    }
    area += gained + ((xs[h] as number) - curX) * (curH - y);
    // Members l+1 .. h-1 leave; the new point takes slot l+1.
    const shift = h - l - 2; // > 0: close a gap; -1: open a slot
    if (shift !== 0) {
      if (last - h > MOVE_LOOP_BELOW) {
        xs.copyWithin(h - shift, h, last + 1);
        ys.copyWithin(h - shift, h, last + 1);
      } else if (shift > 0) {
        for (let k = h; k <= last; k++) {
          xs[k - shift] = xs[k] as number;
          ys[k - shift] = ys[k] as number;
        }
      } else {
        for (let k = last; k >= h; k--) {
          xs[k + 1] = xs[k] as number;
          ys[k + 1] = ys[k] as number;
        }
      }
    }
    last -= shift;
    xs[l + 1] = x;
    ys[l + 1] = y;
  }
  return volume + area * (rz - prevZ);
}

/** Hypervolume of n >= 1 points of m = 3 against `ref` (the measure of { x : p <= x < ref, some p }). */
export function hv3d(points: Packed, ref: Float64Array): number {
  const n = points.n;
  const rx = ref[0] as number;
  const ry = ref[1] as number;
  const rz = ref[2] as number;
  if (n === 1) {
    const d = points.data;
    return (rx - (d[0] as number)) * (ry - (d[1] as number)) * (rz - (d[2] as number));
  }
  return n < HV3D_SMALL_BELOW ? hv3dSmall(points, ref) : hv3dRanked(points, ref);
}

/** {@link hv3d} through the rank space (`prepare3d`, {@link Staircase}); n >= 2. O(n log n). */
export function hv3dRanked(points: Packed, ref: Float64Array): number {
  const n = points.n;
  const rx = ref[0] as number;
  const ry = ref[1] as number;
  const rz = ref[2] as number;
  const { xs, ys, sweep, zs, arena } = prepare3d(points, Staircase.bytes(n));
  const stairs = new Staircase(xs, ys, arena);
  let area = 0;
  let volume = 0;
  let prevZ = zs[0] as number;
  for (let t = 0; t < n; t++) {
    const z = zs[t] as number;
    volume += area * (z - prevZ);
    prevZ = z;
    const gained = stairs.insert(sweep[t] as number, rx, ry);
    if (gained > 0) area += gained;
  }
  return volume + area * (rz - prevZ);
}
