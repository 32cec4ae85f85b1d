/**
 * Exact rescaling of samples whose magnitudes (near 1e-300 or 1e308) would make sums of squares
 * underflow to 0 or overflow to Infinity. Dividing by a power of 2 changes only the exponent of a
 * double, so values / scale are the same digits as values (exact unless a value falls below 2^-1022
 * times the scale, i.e. under 1e-308 of the largest magnitude, where it counts for nothing anyway).
 */

/**
 * A power of 2, 2^e with e = floor(log2(largest |value|)) clamped to [-1074, 1023], so values / scale
 * lie in (-4, 4) with the largest magnitude in [0.5, 4); 1 when every value is 0 (or there are none).
 * Values must be finite numbers (the caller has checked).
 */
export function powerOfTwoScale(...samples: readonly (readonly number[])[]): number {
  let largest = 0;
  for (const s of samples) for (const v of s) largest = Math.max(largest, Math.abs(v));
  if (largest === 0) return 1;
  const e = Math.min(1023, Math.max(-1074, Math.floor(Math.log2(largest))));
  return 2 ** e;
}

/** values / scale, element by element (a new array). */
export function divideBy(values: readonly number[], scale: number): number[] {
  return values.map((v) => v / scale);
}
