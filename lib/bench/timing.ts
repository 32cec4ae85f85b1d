/**
 * Mean time per call of `fn`, repeated until `minMs` have passed (at most 50 calls). The first call
 * is a warm-up (V8 compiles and optimises on it) and is not counted, unless it alone took `minMs` or
 * more: then that one call is the measurement (long calls are not repeated).
 */
export function time<T>(fn: () => T, minMs = 200): { ms: number; result: T } {
  const first = performance.now();
  let result = fn();
  const firstMs = performance.now() - first;
  if (firstMs >= minMs) return { ms: firstMs, result };
  let runs = 0;
  const start = performance.now();
  do {
    result = fn();
    runs++;
  } while (performance.now() - start < minMs && runs < 50);
  return { ms: (performance.now() - start) / runs, result };
}

export const fmt = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 1 ? 3 : 1)} ms`);
