/**
 * HV4D+ (Guerreiro and Fonseca, "Computing and updating hypervolume contributions in up to four
 * dimensions", IEEE Transactions on Evolutionary Computation 22(3), 2018): the exact 4-D hypervolume
 * by sweeping the 4th objective w upward. The points seen so far project to a 3-D set S whose
 * dominated volume V3 is what every slab [w_i, w_i+1) contributes per unit of w; each new point p adds
 * its exclusive 3-D volume against S (one linear z-sweep of S, `oneContribution3d`), then enters S
 * and the members it dominates leave (`insert3d`). A point that adds nothing (weakly dominated, a copy,
 * or covered by the union) is skipped. O(n^2) time, O(n) memory.
 *
 * Contract (`packed.ts`): points.m = 4, n >= 1, every coordinate finite and < ref; dominated points
 * and copies allowed; neither input is mutated. Returns the Lebesgue measure of the dominated region.
 */
import type { Packed } from './packed.js';
import { argsort } from './order.js';
import { createList3d, insert3d, oneContribution3d } from './list3d.js';

export function hv4d(points: Packed, ref: Float64Array): number {
  const { n, data } = points;
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = data[i * 4 + 3] as number;
  const order = argsort(w);
  const s = createList3d(n, ref[0] as number, ref[1] as number, ref[2] as number);
  const { x, y, z } = s;
  for (let r = 0; r < n; r++) {
    const i = order[r] as number;
    x[r] = data[i * 4] as number;
    y[r] = data[i * 4 + 1] as number;
    z[r] = data[i * 4 + 2] as number;
  }
  let volume = 0;
  let v3 = 0;
  let wPrev = w[order[0] as number] as number;
  for (let r = 0; r < n; r++) {
    const wr = w[order[r] as number] as number;
    volume += v3 * (wr - wPrev);
    wPrev = wr;
    const c = oneContribution3d(s, x[r] as number, y[r] as number, z[r] as number);
    if (c > 0) {
      v3 += c;
      insert3d(s, r);
    }
  }
  return volume + v3 * ((ref[3] as number) - wPrev);
}
