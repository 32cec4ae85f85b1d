/** Pareto dominance of minimisation vectors: a is no worse everywhere and better somewhere. */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x > y) return false;
    if (x < y) better = true;
  }
  return better;
}

/** -1 when a dominates b, 1 when b dominates a, 0 otherwise (incomparable or equal). */
export function compare(a: readonly number[], b: readonly number[]): -1 | 0 | 1 {
  let aBetter = false;
  let bBetter = false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x < y) aBetter = true;
    else if (y < x) bBetter = true;
    if (aBetter && bBetter) return 0;
  }
  return aBetter ? -1 : bBetter ? 1 : 0;
}

/**
 * Constrained domination (Deb et al. 2002, as Optuna applies it): a feasible point beats an
 * infeasible one; of two infeasible points the one with the smaller total violation wins (equal
 * violations: neither); two feasible points compare by Pareto dominance. Violations are totals
 * (0 = feasible).
 */
export function constrainedCompare(a: readonly number[], va: number, b: readonly number[], vb: number): -1 | 0 | 1 {
  if (va === 0 && vb === 0) return compare(a, b);
  if (va === 0) return -1;
  if (vb === 0) return 1;
  return va < vb ? -1 : vb < va ? 1 : 0;
}

export function constrainedDominates(a: readonly number[], va: number, b: readonly number[], vb: number): boolean {
  return constrainedCompare(a, va, b, vb) === -1;
}
