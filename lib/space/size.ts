import type { SearchSpace } from './space.js';
import { stageChoices, TABLE_I_FIELDS } from './space.js';

export interface SpaceSize {
  /** Product of the choice counts of the nine Table I parameters, per stage (the paper's 17,280). */
  tableIPerStage: number[];
  /** Stage configurations once an SE stage also picks its ratio (what enumerateStage yields). */
  configurationsPerStage: number[];
  /** Architectures: the product over stages of configurationsPerStage (exact, beyond 2^53). */
  total: bigint;
  /** Same, with Table I counting only (the paper's 17,280^5). */
  tableITotal: bigint;
}

export function spaceSize(space: SearchSpace): SpaceSize {
  const tableIPerStage: number[] = [];
  const configurationsPerStage: number[] = [];
  for (let s = 0; s < space.stages; s++) {
    const c = stageChoices(space, s);
    const product = TABLE_I_FIELDS.reduce((p, f) => p * c[f].length, 1);
    tableIPerStage.push(product);
    const seOn = c.use_se.filter(Boolean).length;
    const seOff = c.use_se.length - seOn;
    configurationsPerStage.push((product / c.use_se.length) * (seOff + seOn * space.seRatios.length));
  }
  return {
    tableIPerStage,
    configurationsPerStage,
    total: configurationsPerStage.reduce((p, n) => p * BigInt(n), 1n),
    tableITotal: tableIPerStage.reduce((p, n) => p * BigInt(n), 1n),
  };
}
