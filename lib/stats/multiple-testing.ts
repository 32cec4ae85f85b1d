/** Corrections of p-values for testing several hypotheses at once. */
import { InputError } from '../errors.js';

/**
 * Holm-Bonferroni adjusted p-values (Holm 1979), in the input's order: sorted ascending p(1..m),
 * adjusted p(i) = min(1, max_{j <= i} (m - j + 1) p(j)) (monotone; as statsmodels multipletests
 * method='holm'). Reject hypothesis i at level alpha when its adjusted p <= alpha (controls the
 * family-wise error rate). InputError for a p outside [0, 1] or not a number.
 */
export function holm(pValues: readonly number[]): number[] {
  pValues.forEach((p, i) => { if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new InputError(`p[${i}]`, p, 'a p-value in [0, 1]'); });
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((x, y) => (pValues[x] as number) - (pValues[y] as number) || x - y);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach((i, j) => {
    running = Math.max(running, Math.min(1, (m - j) * (pValues[i] as number)));
    adjusted[i] = running;
  });
  return adjusted;
}
