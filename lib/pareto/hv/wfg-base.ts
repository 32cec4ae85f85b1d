/**
 * Base cases of the WFG recursion (wfg.ts): exact hypervolume of k points in 2 or 3 objectives stored
 * row-major in a Float64Array (stride 2 or 3), already sorted ascending by the last objective, as the
 * recursion hands them over. Minimisation, every coordinate strictly below `ref` (not checked).
 */

/**
 * 2-D: with the rows sorted ascending by y, the region at heights [y_i, y_{i+1}) reaches from the
 * smallest x seen so far to ref_x. O(k). Dominated rows allowed.
 */
export function sweep2(buf: Float64Array, k: number, ref: Float64Array): number {
  const rx = ref[0] as number;
  let minX = Infinity;
  let area = 0;
  for (let i = 0; i < k; i++) {
    const x = buf[2 * i] as number;
    if (x < minX) minX = x;
    const yNext = i + 1 < k ? (buf[2 * i + 3] as number) : (ref[1] as number);
    area += (rx - minX) * (yNext - (buf[2 * i + 1] as number));
  }
  return area;
}

/**
 * 3-D dimension sweep (the HSO/HV3D idea of Beume, Fonseca, Lopez-Ibanez, Paquete and Vahrenhold, "On
 * the complexity of computing the hypervolume indicator", IEEE TEVC 13(5), 2009): rows ascending by z;
 * keep the 2-D staircase of the rows seen so far (x ascending, y descending) in the typed arrays sx, sy
 * (capacity >= k), add the area each row uncovers, and integrate the covered area over z. O(k log k)
 * search plus O(k) shifting per insertion (O(k^2) worst case, small in practice). Dominated rows allowed.
 */
export function sweep3(buf: Float64Array, k: number, ref: Float64Array, sx: Float64Array, sy: Float64Array): number {
  const rx = ref[0] as number;
  const ry = ref[1] as number;
  let s = 0; // staircase size
  let area = 0;
  let volume = 0;
  for (let i = 0; i < k; i++) {
    const x = buf[3 * i] as number;
    const y = buf[3 * i + 1] as number;
    // first staircase index with sx >= x
    let lo = 0;
    let hi = s;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((sx[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    const a = lo;
    const covered = (a > 0 && (sy[a - 1] as number) <= y) || (a < s && (sx[a] as number) === x && (sy[a] as number) <= y);
    if (!covered) {
      let h = a > 0 ? (sy[a - 1] as number) : ry;
      let cur = x;
      let e = a;
      while (e < s && (sy[e] as number) >= y) {
        area += ((sx[e] as number) - cur) * (h - y);
        cur = sx[e] as number;
        h = sy[e] as number;
        e++;
      }
      area += ((e < s ? (sx[e] as number) : rx) - cur) * (h - y);
      // replace staircase rows a..e-1 by (x, y)
      const removed = e - a;
      if (removed === 0) {
        sx.copyWithin(a + 1, a, s);
        sy.copyWithin(a + 1, a, s);
        s++;
      } else if (removed > 1) {
        sx.copyWithin(a + 1, e, s);
        sy.copyWithin(a + 1, e, s);
        s -= removed - 1;
      }
      sx[a] = x;
      sy[a] = y;
    }
    const zNext = i + 1 < k ? (buf[3 * i + 5] as number) : (ref[2] as number);
    volume += area * (zNext - (buf[3 * i + 2] as number));
  }
  return volume;
}
