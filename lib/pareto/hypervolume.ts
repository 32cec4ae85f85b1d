/**
 * Exact hypervolume (the Lebesgue measure of the region a point set dominates, bounded by a reference
 * point) and each point's exclusive contribution to it: the PUBLIC API and the dispatcher to the
 * per-dimension kernels in `./hv/` (which share the layout and contract of `./hv/packed.ts`).
 *
 * Conventions, shared with the rest of lib/pareto: every objective is minimised (negate maximised ones
 * first); a point set is `readonly (readonly number[])[]`; the measured region is
 * { x : p <= x < ref for some p in the set }.
 *
 * Inputs:
 * - The reference point must be a non-empty array of finite numbers (an infinite reference makes
 *   the measure meaningless); its length fixes the dimension m and every point must have m objectives.
 * - NaN anywhere throws InputError naming the point and objective index.
 * - A point counts only when it strictly dominates the reference (p_i < ref_i for every i); the others
 *   (including every point with +Infinity, or with a coordinate equal to the reference) are clipped out
 *   and contribute 0.
 * - -Infinity is allowed: a retained point with a -Infinity coordinate dominates a box with one infinite
 *   side and positive others, so the hypervolume is Infinity. Contributions stay exact measures of the
 *   region only that point dominates: Infinity for a point with -Infinity that nothing else weakly
 *   dominates, finite for finite points (see {@link hypervolumeContributions}).
 * - Duplicates and ties are fine; an empty (or fully clipped) set has hypervolume 0.
 * - Finite inputs never give NaN: when an axis range ref_j - min_j overflows or the ranges are far
 *   enough from 1 that a product of them could over- or underflow, the kernels run on an exact
 *   power-of-two rescaling (`hv/rescale.ts`); the result is the value when representable, else
 *   Infinity (contributions likewise).
 *
 * Each call validates and clips in one pass, packing the retained points into a module-level `Packed`
 * Float64Array reused across calls (grown on demand: a warm call allocates nothing before the kernel;
 * no kernel calls back into this API), and dispatches by m (kernels never re-check):
 * - m = 1: ref - min (contribution: the gap to the second smallest value), inline.
 * - m = 2: `hv/hv2d.ts`, one sort and sweep, O(N log N).
 * - m = 3: `hv/hv3d.ts` (HV3D+) and `hv/hvc3d.ts` (HVC3D), O(N log N).
 * - m = 4: `hv/hv4d.ts` (HV4D+) and `hv/hvc4d.ts`, O(N^2).
 * - m >= 5: `hv/wfg.ts` (WFG, While, Bradstreet and Barone 2012) and `hv/hvc-wfg.ts`.
 */
import { InputError } from '../errors.js';
import { checkPointSet } from './check.js';
import { hv2d, hvc2d } from './hv/hv2d.js';
import { hv3d } from './hv/hv3d.js';
import { hv4d } from './hv/hv4d.js';
import { hvcWfg } from './hv/hvc-wfg.js';
import { hvc3d } from './hv/hvc3d.js';
import { hvc4d } from './hv/hvc4d.js';
import { hvWfg } from './hv/wfg.js';
import type { Packed } from './hv/packed.js';
import { ExclusiveWorkspace } from './hv/exclusive.js';
import { exclusiveVolumeRescaled, rangesSafe, rescaleIfNeeded, scaleBack } from './hv/rescale.js';

/** One point in objective space (every objective minimised). */
export type Point = readonly number[];
/** A set of points, all with the same number of objectives. */
export type PointSet = readonly Point[];

// ---------------------------------------------------------------------------------------------------
// Validation


/**
 * Checks a point set and returns its dimension (the shared checker of `./check.ts`, re-exported: the
 * same rules and lines as the sorts and the crowding distance).
 */
export { checkPointSet };

/** Checks a reference point (non-empty, finite numbers) and returns its dimension m. Errors: InputError naming `ref` or `ref[j]`. */
export function checkReference(ref: unknown, field = 'ref'): number {
  if (!Array.isArray(ref) || ref.length === 0) {
    throw new InputError(field, ref, 'a non-empty array of finite numbers (one per objective)');
  }
  for (let j = 0; j < ref.length; j++) {
    const v: unknown = ref[j];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InputError(
        `${field}[${j}]`,
        v,
        'a finite number',
        `reference objective ${j} is ${typeof v === 'number' ? String(v) : `not a number (${typeof v})`}`,
      );
    }
  }
  return ref.length;
}

// Module scratch of the public entry points: no allocation on a warm call. It is filled by
// clipIntoScratch and read by one kernel call that returns before the next public call (kernels never
// call the public API, so nothing re-enters while it is in use).
let scratchRows = new Float64Array(1024);
let scratchIndex = new Int32Array(256);
let scratchNegInf = false;
/** Per-axis minimum of every point, retained or clipped (filled by clipIntoScratch). */
let scratchMin = new Float64Array(8);
const scratchRefs: Float64Array[] = [];

/** The reference (already checked) in a reused Float64Array of length m. */
function scratchRef(ref: Point, m: number): Float64Array {
  let r = scratchRefs[m];
  if (r === undefined) {
    r = new Float64Array(m);
    scratchRefs[m] = r;
  }
  for (let j = 0; j < m; j++) r[j] = ref[j] as number;
  return r;
}

/**
 * One pass over a point set checked against a reference of dimension m (the same errors, in the same
 * order, as {@link checkPointSet}): packs the points that strictly dominate `ref` into `scratchRows`
 * (grown on demand) and, `withIndex`, their input indices into `scratchIndex`; sets `scratchNegInf`
 * when a retained point has a -Infinity coordinate. Returns the number retained. O(N m), no allocation
 * on a warm call.
 */
function clipIntoScratch(points: unknown, ref: Float64Array, m: number, withIndex: boolean): number {
  if (!Array.isArray(points)) return refuse(points, m);
  const n = points.length;
  if (scratchRows.length < n * m) scratchRows = new Float64Array(Math.max(n * m, 2 * scratchRows.length));
  if (withIndex && scratchIndex.length < n) scratchIndex = new Int32Array(Math.max(n, 2 * scratchIndex.length));
  if (scratchMin.length < m) scratchMin = new Float64Array(2 * m);
  const data = scratchRows;
  const index = scratchIndex;
  const mins = scratchMin;
  for (let j = 0; j < m; j++) mins[j] = Infinity;
  let kept = 0;
  let negInf = false;
  for (let i = 0; i < n; i++) {
    const p: unknown = points[i];
    if (!Array.isArray(p) || p.length !== m) return refuse(points, m);
    const row = p as readonly unknown[];
    let inside = true;
    let hasNegInf = false;
    const base = kept * m;
    for (let j = 0; j < m; j++) {
      const v = row[j];
      if (typeof v !== 'number' || v !== v) return refuse(points, m);
      if (!(v < (ref[j] as number))) inside = false;
      else if (v === -Infinity) hasNegInf = true;
      if (v < (mins[j] as number)) mins[j] = v; // every point's (a clipped one only widens the range test)
      data[base + j] = v;
    }
    if (inside) {
      if (withIndex) index[kept] = i;
      kept++;
      if (hasNegInf) negInf = true;
    }
  }
  scratchNegInf = negInf;
  return kept;
}

/** The fused loop found a refused point set: the shared checker words the error (and throws). */
function refuse(points: unknown, m: number): never {
  checkPointSet(points, 'points', m);
  throw new Error('clipIntoScratch: refused a set checkPointSet accepts'); // unreachable
}

// ---------------------------------------------------------------------------------------------------
// Dispatch (kernel contract of hv/packed.ts: n >= 1, finite, every coordinate < ref)

/**
 * Hypervolume of packed points by dimension. Internal: the caller guarantees the kernel contract.
 * Ranges that overflow or are far from 1 go through the exact power-of-two rescaling of
 * `hv/rescale.ts` (never NaN: the value when representable, else Infinity).
 */
export function hvKernel(points: Packed, ref: Float64Array): number {
  const m = points.m;
  if (m === 1) {
    let min = Infinity;
    const data = points.data;
    for (let i = 0; i < points.n; i++) if ((data[i] as number) < min) min = data[i] as number;
    return (ref[0] as number) - min;
  }
  const s = rescaleIfNeeded(points, ref);
  if (s === null) return hvDimension(points, ref);
  return s.points.n === 0 ? 0 : scaleBack(hvDimension(s.points, s.ref), s.exponent);
}

/** The m >= 2 kernel for the dimension, on inputs the kernels can take as they are. */
function hvDimension(points: Packed, ref: Float64Array): number {
  const m = points.m;
  if (m === 2) return hv2d(points, ref);
  if (m === 3) return hv3d(points, ref);
  if (m === 4) return hv4d(points, ref);
  return hvWfg(points, ref);
}

/** Contributions of packed points by dimension (rescaled like {@link hvKernel}). Internal: the caller guarantees the kernel contract. */
export function hvcKernel(points: Packed, ref: Float64Array): Float64Array {
  if (points.m === 1) return contributions1(points, ref);
  const s = rescaleIfNeeded(points, ref);
  if (s === null) return hvcDimension(points, ref);
  const out = new Float64Array(points.n);
  if (s.points.n === 0) return out;
  const c = hvcDimension(s.points, s.ref);
  // Rescaled ranges are < 2^(c+1), c = floor(960 / m): a kernel term whose partial product fell below
  // 2^-1022 (or that used a coordinate the rescaling rounded to a subnormal) is off by at most
  // 2^(-1075 + (m-1)(c+1)) (<= 2^-270), so a rescaled contribution of at least 2^110 times that (2^60
  // terms, 2^-50 relative) is right; smaller ones (an exclusive box thin in two axes gives 0) and rows
  // the rescaling dropped are measured again by bounding and an extended-exponent sweep
  // (exclusiveVolumeRescaled), exact up to rounding.
  const m = points.m;
  const trust = 2 ** (-1075 + (m - 1) * (Math.floor(960 / m) + 1) + 110);
  const redo = new Uint8Array(points.n).fill(1);
  for (let t = 0; t < s.points.n; t++) {
    const v = c[t] as number;
    if (v >= trust) {
      out[s.kept[t] as number] = scaleBack(v, s.exponent);
      redo[s.kept[t] as number] = 0;
    }
  }
  const ws = new ExclusiveWorkspace(points.m);
  for (let i = 0; i < points.n; i++) if (redo[i] === 1) out[i] = exclusiveVolumeRescaled(points.data, points.n, points.m, i, ref, ws);
  return out;
}

function hvcDimension(points: Packed, ref: Float64Array): Float64Array {
  const m = points.m;
  if (m === 2) return hvc2d(points, ref);
  if (m === 3) return hvc3d(points, ref);
  if (m === 4) return hvc4d(points, ref);
  return hvcWfg(points, ref);
}

/** m = 1: only a unique minimum dominates something alone, [min, second smallest). */
function contributions1(points: Packed, ref: Float64Array): Float64Array {
  const n = points.n;
  const data = points.data;
  const out = new Float64Array(n);
  let min = Infinity;
  let arg = -1;
  let copies = 0;
  for (let i = 0; i < n; i++) {
    const v = data[i] as number;
    if (v < min) {
      min = v;
      arg = i;
      copies = 1;
    } else if (v === min) copies++;
  }
  if (copies === 1) {
    let second = ref[0] as number;
    for (let i = 0; i < n; i++) if (i !== arg && (data[i] as number) < second) second = data[i] as number;
    out[arg] = second - min;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Public API

/**
 * Exact hypervolume of `points` with respect to `ref` (all objectives minimised). Points that do not
 * strictly dominate `ref` are ignored; Infinity when a retained point has a -Infinity coordinate.
 */
export function hypervolume(points: PointSet, ref: Point): number {
  const m = checkReference(ref);
  const r = scratchRef(ref, m);
  const kept = clipIntoScratch(points, r, m, false);
  if (kept === 0) return 0;
  if (scratchNegInf) return Infinity;
  // m = 1: the minimum over every point is the retained minimum (a clipped point is >= ref).
  if (m === 1) return (r[0] as number) - (scratchMin[0] as number);
  // scratchMin covers clipped points too, so this test can only send a safe set the long way round
  if (!rangesSafe(scratchMin, r, m)) return hvKernel({ n: kept, m, data: scratchRows.subarray(0, kept * m) }, r);
  // hv2d reads only the first n rows (no subarray on its fast path); the other kernels get the exact length.
  if (m === 2) return hv2d({ n: kept, m, data: scratchRows }, r);
  return hvDimension({ n: kept, m, data: scratchRows.subarray(0, kept * m) }, r);
}

/**
 * Each point's exclusive contribution HV(S) - HV(S \ {p}), exact, in input order.
 *
 * Clipped points, points weakly dominated by another point, and points that occur more than once
 * (removing one copy removes nothing) contribute 0. m = 1 and m = 2 read the contributions off the
 * sorted values in O(N log N); m >= 3 use the contribution kernels of `hv/`
 * (HVC3D, HVC4D, WFG per point).
 *
 * With -Infinity coordinates HV(S) is infinite and the difference is read as the measure of the
 * region only p dominates: a point with a -Infinity coordinate contributes Infinity unless another
 * point weakly dominates or equals it (then 0); a point with finite coordinates contributes its finite
 * exclusive volume (e.g. ref (1,1), points (-Inf, 0.5) and (0, 0): contributions Infinity and 0.5).
 */
export function hypervolumeContributions(points: PointSet, ref: Point): number[] {
  const m = checkReference(ref);
  const r = scratchRef(ref, m);
  const kept = clipIntoScratch(points, r, m, true);
  const out = new Array<number>(points.length).fill(0);
  if (kept === 0) return out;
  const packed: Packed = { n: kept, m, data: scratchRows.subarray(0, kept * m) };
  const c = scratchNegInf && m >= 2 ? contributionsNegInf(packed, r) : hvcKernel(packed, r);
  const index = scratchIndex;
  for (let t = 0; t < kept; t++) out[index[t] as number] = c[t] as number;
  return out;
}

/**
 * With -Infinity coordinates (m >= 2). A point p with -Infinity in objective k that no other point
 * weakly dominates alone dominates an unbounded region (far out along -k, next to p's finite corner),
 * so it contributes Infinity; weakly dominated or copied, it contributes 0. The other points have
 * bounded boxes: moving each -Infinity in objective k to a finite value below every finite coordinate
 * of objective k changes no box inside the region they span, so their contributions are computed
 * exactly after that substitution (which keeps every order relation between coordinates).
 */
function contributionsNegInf(points: Packed, ref: Float64Array): Float64Array {
  const { n, m, data } = points;
  const low = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    let t = ref[k] as number;
    for (let i = 0; i < n; i++) {
      const v = data[i * m + k] as number;
      if (v !== -Infinity && v < t) t = v;
    }
    low[k] = Math.max(t - (Math.abs(t) + 1), -Number.MAX_VALUE);
  }
  const sub = new Float64Array(n * m);
  for (let i = 0; i < n * m; i++) {
    const v = data[i] as number;
    sub[i] = v === -Infinity ? (low[i % m] as number) : v;
  }
  const out = hvcKernel({ n, m, data: sub }, ref);
  for (let i = 0; i < n; i++) {
    let infinite = false;
    for (let k = 0; k < m; k++) if (data[i * m + k] === -Infinity) infinite = true;
    if (!infinite) continue;
    let covered = false;
    for (let j = 0; j < n && !covered; j++) {
      if (j === i) continue;
      let weak = true;
      for (let k = 0; k < m; k++) {
        if ((data[j * m + k] as number) > (data[i * m + k] as number)) {
          weak = false;
          break;
        }
      }
      covered = weak;
    }
    out[i] = covered ? 0 : Infinity;
  }
  return out;
}

/** Per-objective extreme (the smallest or the largest value) of a non-empty point set. */
function extremePoint(points: PointSet, largest: boolean): number[] {
  const m = checkPointSet(points, 'points');
  if (points.length === 0) throw new InputError('points', points, 'a non-empty point set');
  const out = (points[0] as Point).slice();
  for (const p of points) {
    for (let j = 0; j < m; j++) {
      const v = p[j] as number;
      if (largest ? v > (out[j] as number) : v < (out[j] as number)) out[j] = v;
    }
  }
  return out;
}

/** Per-objective minimum of a non-empty point set. */
export function idealPoint(points: PointSet): number[] {
  return extremePoint(points, false);
}

/** Per-objective maximum of a non-empty point set. */
export function nadirPoint(points: PointSet): number[] {
  return extremePoint(points, true);
}

/**
 * Scales each objective to [0, 1]: (p_j - ideal_j) / (nadir_j - ideal_j). `ideal` and `nadir` default
 * to the set's per-objective min and max; an objective whose range is zero maps to 0. The bounds must be
 * finite with ideal <= nadir (InputError otherwise: pass finite bounds explicitly when points have
 * infinite coordinates). With explicit bounds, points outside them are not clipped (they map below 0 or
 * above 1), and an infinite coordinate maps to the same infinity. An empty set gives [].
 */
export function normalizePoints(points: PointSet, ideal?: Point, nadir?: Point): number[][] {
  let m: number | undefined;
  if (ideal !== undefined) m = checkPointSet([ideal], 'ideal');
  if (nadir !== undefined) {
    const mn = checkPointSet([nadir], 'nadir');
    if (m !== undefined && mn !== m) {
      throw new InputError('nadir', nadir, `${m} objectives (as ideal)`, `nadir has ${mn} objectives, ideal ${m}`);
    }
    m = mn;
  }
  m = checkPointSet(points, 'points', m);
  if (points.length === 0) return [];
  const lo = ideal ?? idealPoint(points);
  const hi = nadir ?? nadirPoint(points);
  for (let j = 0; j < m; j++) {
    const a = lo[j] as number;
    const b = hi[j] as number;
    if (!Number.isFinite(a)) {
      const why = `ideal objective ${j} is ${a}${ideal ? '' : ' (from the points; pass finite bounds)'}`;
      throw new InputError(`ideal[${j}]`, a, 'a finite number', why);
    }
    if (!Number.isFinite(b)) {
      const why = `nadir objective ${j} is ${b}${nadir ? '' : ' (from the points; pass finite bounds)'}`;
      throw new InputError(`nadir[${j}]`, b, 'a finite number', why);
    }
    if (b < a) throw new InputError(`nadir[${j}]`, b, `a number >= ideal[${j}] = ${a}`);
  }
  return points.map((p) =>
    p.map((v, j) => {
      const a = lo[j] as number;
      const b = hi[j] as number;
      const range = b - a;
      if (range === 0) return 0;
      // a range that overflows: halve first (exact for normal numbers), (v - a) / (b - a) unchanged
      return Number.isFinite(range) ? (v - a) / range : (v / 2 - a / 2) / (b / 2 - a / 2);
    }),
  );
}

