import { InputError } from '../errors.js';
import type { Rng } from '../rng.js';
import { createRng, fmix32 } from '../rng.js';

/** A 32-bit seed derived from a campaign seed and a path of integers (proposal index, stage, ...). */
export function deriveSeed(seed: number, ...parts: readonly number[]): number {
  // Seeds past 32 bits keep their high part (createRng alone would drop it).
  let h = fmix32((seed >>> 0) ^ fmix32((Math.floor(seed / 4294967296) >>> 0) ^ 0x9e3779b9));
  for (const p of parts) h = fmix32(Math.imul(h ^ 0x27d4eb2f, 0x165667b1) ^ (p >>> 0));
  return h;
}

/** The random stream of one proposal: a function of the seed and the proposal's index only. */
export function proposalRng(seed: number, index: number): Rng {
  return createRng(deriveSeed(seed, index));
}

export function checkSeed(seed: unknown): number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) throw new InputError('seed', seed, 'an integer');
  return seed;
}

export function checkIndex(index: unknown): number {
  if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0) throw new InputError('proposal index', index, 'a non-negative integer');
  return index;
}
