import type { Candidate } from '../space/candidate.js';
import { BLOCK_FIELDS } from '../space/candidate.js';
import { fmix32, fnv1a32 } from '../rng.js';

/** A candidate's block tokens: one per stage and field ("s2.kernel_size=5"). */
export function blockTokens(candidate: Candidate): string[] {
  return candidate.blocks.flatMap((b, s) => BLOCK_FIELDS.map((f) => `s${s}.${f}=${String(b[f])}`));
}

/** FNV-1a with a seed folded in, then a murmur3 finaliser for spread. */
function hash32(text: string, seed: number): number {
  return fmix32(fnv1a32(text, seed));
}

export function exactJaccard(a: readonly string[], b: readonly string[]): number {
  const sa = new Set(a);
  const sb = new Set(b);
  let inter = 0;
  for (const t of sa) if (sb.has(t)) inter++;
  const union = sa.size + sb.size - inter;
  return union === 0 ? 1 : inter / union;
}

/**
 * MinHash signatures of token sets: the share of equal slots estimates the Jaccard similarity
 * (the novelty filter of the NNGPT line of work). Deterministic: hash seeds are fixed.
 */
export class NoveltyIndex {
  private readonly signatures: { id: string; signature: Uint32Array }[] = [];

  constructor(readonly hashes = 128) {}

  signature(tokens: readonly string[]): Uint32Array {
    const sig = new Uint32Array(this.hashes).fill(0xffffffff);
    for (const t of tokens) {
      for (let k = 0; k < this.hashes; k++) {
        const h = hash32(t, k * 0x9e3779b1);
        if (h < (sig[k] as number)) sig[k] = h;
      }
    }
    return sig;
  }

  static similarity(a: Uint32Array, b: Uint32Array): number {
    let same = 0;
    for (let k = 0; k < a.length; k++) if (a[k] === b[k]) same++;
    return same / a.length;
  }

  /** The most similar recorded candidate, if any. */
  nearest(tokens: readonly string[]): { id: string; similarity: number } | undefined {
    const sig = this.signature(tokens);
    let best: { id: string; similarity: number } | undefined;
    for (const s of this.signatures) {
      const sim = NoveltyIndex.similarity(sig, s.signature);
      if (!best || sim > best.similarity) best = { id: s.id, similarity: sim };
    }
    return best;
  }

  add(id: string, tokens: readonly string[]): void {
    this.signatures.push({ id, signature: this.signature(tokens) });
  }

  get size(): number {
    return this.signatures.length;
  }
}
