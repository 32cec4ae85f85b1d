/** Mean time per call of `fn`, repeated until `minMs` have passed (at most 50 calls). */
export function time<T>(fn: () => T, minMs = 200): { ms: number; result: T } {
  let runs = 0;
  let result: T;
  const start = performance.now();
  do {
    result = fn();
    runs++;
  } while (performance.now() - start < minMs && runs < 50);
  return { ms: (performance.now() - start) / runs, result };
}

export const fmt = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 1 ? 3 : 1)} ms`);
