import { describe, expect, it } from 'vitest';
import { erfc, normalCdf, normalSf } from '../../lib/stats/normal.js';
import { HAVE_SCIPY, scipy } from './scipy.js';

const relClose = (a: number, b: number, rel: number) => (b === 0 ? a === 0 : Math.abs(a - b) <= rel * Math.abs(b));

describe('the normal tail, by hand', () => {
  it('known values: erfc(0) = 1, Phi(0) = 1/2, symmetry, limits, NaN', () => {
    expect(erfc(0)).toBe(1);
    expect(normalCdf(0)).toBe(0.5);
    expect(normalSf(1.959963984540054)).toBeCloseTo(0.025, 15);
    for (const z of [0.3, 1, 2.5, 7]) expect(normalCdf(-z)).toBe(normalSf(z));
    expect(erfc(-Infinity)).toBe(2);
    expect(normalSf(Infinity)).toBe(0);
    expect(normalCdf(Number.NaN)).toBeNaN();
  });
});

describe.skipIf(!HAVE_SCIPY)('the normal tail against scipy 1.10.1 (special.erfc, norm.sf, norm.cdf)', () => {
  it('relative error <= 1e-13 from 0 to 37 sigma and both signs (tails to 1e-300)', () => {
    const xs: number[] = [];
    for (let x = 0; x <= 26; x += 0.0625) xs.push(x, -x);
    xs.push(0.4999, 0.5, 0.5001, 1e-10, 1e-300, 26.5, 27, 30, 37);
    const [erfcs, sfs, cdfs] = scipy<[number[], number[], number[]]>('out([special.erfc(data), stats.norm.sf(data), stats.norm.cdf(data)])', xs);
    const bad: string[] = [];
    xs.forEach((x, i) => {
      const checks: [string, number, number][] = [['erfc', erfc(x), erfcs[i] as number], ['sf', normalSf(x), sfs[i] as number], ['cdf', normalCdf(x), cdfs[i] as number]];
      for (const [name, got, want] of checks) if (want > 1e-300 && !relClose(got, want, 1e-13)) bad.push(`${name}(${x}) = ${got}, scipy ${want}`);
    });
    expect(bad).toEqual([]);
  });
});
