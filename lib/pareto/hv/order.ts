/**
 * Stable ascending argsort of float64 keys (ties keep index order): the one sort the hypervolume
 * kernels and the sorts share. Keys are finite or ±Infinity, never NaN.
 */
export function argsort(keys: Float64Array): Uint32Array {
  const n = keys.length;
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => (keys[a] as number) - (keys[b] as number) || a - b);
  return Uint32Array.from(order);
}
