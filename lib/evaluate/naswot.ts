/**
 * The pure part of the NASWOT score (Mellor, Turner, Storkey, Crowley, "Neural Architecture Search
 * without Training", ICML 2021): binary activation codes → Hamming kernel → log|det|.
 *
 * For a minibatch of N inputs, c_i is the binary code of input i (one bit per rectified unit,
 * 1 when the unit is active) and N_A the code length. The kernel is
 * K_H[i][j] = N_A − HammingDistance(c_i, c_j), which equals X·Xᵀ + (1−X)·(1−X)ᵀ for the code
 * matrix X, so it is symmetric positive semi-definite. The score is log|det K_H| (natural log).
 */

/**
 * Codes packed 32 bits to a word (packCodes puts bit b in bit b % 32 of word floor(b / 32)).
 * Any layout works as long as every code uses the same one and padding bits are 0 in all codes.
 */
export interface PackedCodes {
  /** One array per input, all of the same length. */
  words: Uint32Array[];
  /** N_A: the number of meaningful bits in each code. */
  bits: number;
}

export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Packs 0/1 codes (any non-zero entry counts as 1). */
export function packCodes(codes: readonly (Uint8Array | readonly number[])[]): PackedCodes {
  const bits = codes[0]?.length ?? 0;
  const words = codes.map((code, i) => {
    if (code.length !== bits) throw new RangeError(`code ${i}: length ${code.length}; allowed: ${bits} (the length of code 0)`);
    const w = new Uint32Array(Math.ceil(bits / 32));
    for (let b = 0; b < bits; b++) if (code[b]) w[b >>> 5] = ((w[b >>> 5] as number) | (1 << (b & 31))) >>> 0;
    return w;
  });
  return { words, bits };
}

/** Unpacks to one 0/1 byte per unit (for inspection and tests). */
export function unpackCode(words: Uint32Array, bits: number): Uint8Array {
  const out = new Uint8Array(bits);
  for (let b = 0; b < bits; b++) out[b] = ((words[b >>> 5] as number) >>> (b & 31)) & 1;
  return out;
}

/** K_H[i][j] = N_A − HammingDistance(c_i, c_j), as rows of float64. */
export function hammingKernel(codes: PackedCodes): Float64Array[] {
  const n = codes.words.length;
  const k = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    (k[i] as Float64Array)[i] = codes.bits;
    const a = codes.words[i] as Uint32Array;
    for (let j = i + 1; j < n; j++) {
      const b = codes.words[j] as Uint32Array;
      let d = 0;
      for (let w = 0; w < a.length; w++) d += popcount32(((a[w] as number) ^ (b[w] as number)) >>> 0);
      (k[i] as Float64Array)[j] = codes.bits - d;
      (k[j] as Float64Array)[i] = codes.bits - d;
    }
  }
  return k;
}

/**
 * log|det A| by LU decomposition with partial pivoting (the sum of the logs of the pivots), in
 * float64, on a copy. A singular matrix gives -Infinity. The matrix is scaled by its largest entry
 * first (log|det A| = n·log s + log|det A/s|), so large integer kernels do not overflow.
 */
export function logAbsDet(matrix: readonly (Float64Array | readonly number[])[]): number {
  const n = matrix.length;
  if (n === 0) return 0;
  let scale = 0;
  for (const row of matrix) {
    if (row.length !== n) throw new RangeError(`logAbsDet: a ${n}x${row.length} row; allowed: a square matrix`);
    for (const v of row) scale = Math.max(scale, Math.abs(v));
  }
  if (scale === 0) return -Infinity;
  const a = matrix.map((row) => Float64Array.from(row, (v) => v / scale));
  let logDet = n * Math.log(scale);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs((a[r] as Float64Array)[c] as number) > Math.abs((a[p] as Float64Array)[c] as number)) p = r;
    [a[c], a[p]] = [a[p] as Float64Array, a[c] as Float64Array];
    const pivotRow = a[c] as Float64Array;
    const pivot = pivotRow[c] as number;
    if (pivot === 0) return -Infinity;
    logDet += Math.log(Math.abs(pivot));
    for (let r = c + 1; r < n; r++) {
      const row = a[r] as Float64Array;
      const f = (row[c] as number) / pivot;
      if (f === 0) continue;
      for (let k = c; k < n; k++) row[k] = (row[k] as number) - f * (pivotRow[k] as number);
    }
  }
  return logDet;
}

/** The score of packed codes: log|det K_H|. */
export function naswotFromPacked(codes: PackedCodes): number {
  return logAbsDet(hammingKernel(codes));
}

/**
 * NASWOT score of binary activation codes, one code per input, all of the same length N_A
 * (entries 0 or 1; any non-zero entry counts as 1): log|det K_H| with
 * K_H[i][j] = N_A − HammingDistance(c_i, c_j).
 *
 * Returns -Infinity when K_H is singular: two inputs with identical codes (the network cannot
 * tell them apart), or no units at all (N_A = 0). Higher is better; it is a training-free proxy
 * that correlates with trained accuracy, not an accuracy.
 */
export function naswotScore(codes: readonly (Uint8Array | readonly number[])[]): number {
  return naswotFromPacked(packCodes(codes));
}
