import { argsort } from './order.js';
import type { Packed } from './packed.js';
import { boundedLimitSet, ExclusiveWorkspace, SMALL_CONTRIBUTION, uncoveredVolume } from './exclusive.js';
import { WfgWorkspace } from './wfg.js';


/**
 * Hypervolume contributions (exclusive hypervolumes) for any m >= 2, used for m >= 5: for each distinct
 * non-dominated point p, WFG's bounding (exclusive.ts: the points above p in one objective only cap the
 * box at b) and then box([p, b)) minus the WFG hypervolume (wfg.ts; While, Bradstreet and Barone, IEEE
 * TEVC 16(1), 2012), with reference b, of its limit set { max(p, q) ∧ b : q any other point }, filtered
 * to its non-dominated members. A result below SMALL_CONTRIBUTION of that box is recomputed as a sum of
 * non-negative terms (exclusive.ts's uncoveredVolume), so every contribution is accurate relative to
 * itself (1e-12), not to the box, on near-coincident points.
 *
 * Shapes: `points` n x m row-major, `ref` length m, every coordinate strictly below it (packed.ts).
 * Returns a Float64Array of length n in input order; 0 for a point weakly dominated by another point
 * and for every copy of a repeated point (removing one copy removes nothing). Never mutates inputs.
 * Complexity: O(n^2 m) to find the dominated points, then n WFG runs on limit sets of up to n - 1
 * points each.
 */
export function hvcWfg(points: Packed, ref: Float64Array): Float64Array {
  const { n, m, data } = points;
  const out = new Float64Array(n);
  const kept = nonDominatedIndices(points);
  const k = kept.length;
  const ex = new ExclusiveWorkspace(m);
  const b = ex.b; // WFG below measures against b, which changes per point
  const ws = new WfgWorkspace(n, m, b);
  for (let a = 0; a < k; a++) {
    const i = kept[a] as number;
    const off = i * m;
    const c = boundedLimitSet(data, n, m, i, ref, ex);
    if (c < 0) continue;
    let box = 1;
    for (let t = 0; t < m; t++) box *= (b[t] as number) - (data[off + t] as number);
    let v = box;
    if (c > 0) {
      const lim = ex.level(m);
      ws.sortByLast(lim, c, m);
      v -= ws.hvSorted(lim, c, m);
      if (v < SMALL_CONTRIBUTION * box) v = uncoveredVolume(ex, lim, c, m, data.subarray(off, off + m), b, ws);
    }
    out[i] = v > 0 ? v : 0;
  }
  return out;
}

/**
 * Indices (ascending by the first objective) of the points that no other point weakly dominates; a
 * point with a copy is weakly dominated by it, so every copy drops out. A weak dominator has a first
 * objective <= the point's: each point is compared with those before it in that order and with the
 * later ones of equal first objective. O(n log n + n^2 m) worst case.
 */
function nonDominatedIndices(points: Packed): Uint32Array {
  const { n, m, data } = points;
  const first = new Float64Array(n);
  for (let i = 0; i < n; i++) first[i] = data[i * m] as number;
  const order = argsort(first);
  const kept = new Uint32Array(n);
  let k = 0;
  for (let s = 0; s < n; s++) {
    const i = order[s] as number;
    const pi = i * m;
    let dominated = false;
    for (let u = 0; u < n && !dominated; u++) {
      if (u === s) continue;
      const j = order[u] as number;
      if (u > s && (first[j] as number) > (first[i] as number)) break;
      const pj = j * m;
      let le = true;
      for (let t = 0; t < m; t++) {
        if ((data[pj + t] as number) > (data[pi + t] as number)) {
          le = false;
          break;
        }
      }
      dominated = le;
    }
    if (!dominated) kept[k++] = i;
  }
  return kept.slice(0, k);
}
