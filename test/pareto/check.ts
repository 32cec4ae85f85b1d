/**
 * The loop the cross-checks share: compare one implementation with the brute force (brute.ts) on many
 * seeded sets to 1e-12 relative, collect a message per failing set, and fail once with how many failed
 * and the first three. Used by crosscheck-hv, crosscheck-sort and crosscheck-incremental.
 */
import { expect } from 'vitest';
import { hypervolume, hypervolumeContributions } from '../../lib/pareto/hypervolume.js';
import { bruteContributions, bruteHv, closeRel, type P } from './brute.js';

/** Relative agreement every exact check asks for. */
export const TOL = 1e-12;

/** ±Infinity coordinates of seeded set s (SetOptions.infinities): 'both' for s % 5 = 3, 'pos' for 4, else none. */
export const infinitiesFor = (s: number): 'none' | 'pos' | 'both' => (s % 5 === 3 ? 'both' : s % 5 === 4 ? 'pos' : 'none');

/** Passes on an empty list; otherwise fails showing `${count} ${what} failed` and the first three messages. */
export function expectNoFailures(bad: readonly string[], what = 'checks'): void {
  expect(bad.length === 0 ? [] : [`${bad.length} ${what} failed`, ...bad.slice(0, 3)]).toEqual([]);
}

/** The volume of the points without a -Infinity coordinate: the scale finite contributions are read against. */
export function finiteScale(points: readonly P[], ref: readonly number[]): number {
  return bruteHv(
    points.filter((p) => !p.includes(-Infinity)),
    ref,
  );
}

// Non-finite values survive JSON.stringify as null; the messages print them with String() instead.
const fmt = (v: readonly number[]): string => `[${v.map(String).join(', ')}]`;

/**
 * hypervolume() and hypervolumeContributions() of one set against bruteHv / bruteContributions: the
 * volume to TOL relative, each contribution to TOL relative to the set's volume (to the finite points'
 * volume when it is infinite: cancellation works at that scale). Returns one message per quantity that
 * differs, headed by `label` (the set itself follows when it has at most 64 points).
 */
export function hvAgainstBrute(set: { points: P[]; ref: P }, label: string): string[] {
  const { points, ref } = set;
  const where = points.length <= 64 ? ` (points ${JSON.stringify(points)} ref ${JSON.stringify(ref)})` : '';
  const bad: string[] = [];
  const want = bruteHv(points, ref);
  const got = hypervolume(points, ref);
  if (!closeRel(got, want, TOL)) bad.push(`${label}: hypervolume want ${want} got ${got}${where}`);
  const wantC = bruteContributions(points, ref);
  const gotC = hypervolumeContributions(points, ref);
  const scale = Number.isFinite(want) ? want : finiteScale(points, ref);
  if (gotC.length !== wantC.length || gotC.some((g, i) => !closeRel(g, wantC[i]!, TOL, scale))) {
    bad.push(`${label}: contributions want ${fmt(wantC)} got ${fmt(gotC)}${where}`);
  }
  return bad;
}
