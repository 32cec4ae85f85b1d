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
 * radix sorts, are O(n) on the high words; the sweep is O(n log_32 n)), O(n) memory.
 */
import type { Packed } from './packed.js';
import { prepare3d } from './rank3d.js';
import { Staircase } from './staircase.js';

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
