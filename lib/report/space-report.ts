import type { SramModel } from '../cost/sram.js';
import type { SearchSpace } from '../space/space.js';
import { sampleWithCosts } from '../space/stats.js';

export interface SampleRow {
  /** Position in the seeded sample (not `index`: danfojs reserves that name). */
  sample: number;
  macsM: number;
  paramsM: number;
  peakSramKiB: number;
  flashKiB: number;
  feasible: boolean;
}

/** Seeded samples of a space as table rows (MACs and params in millions, memory in KiB). */
export function sampleRows(space: SearchSpace, count: number, seed: number, sram?: SramModel): SampleRow[] {
  return sampleWithCosts(space, count, seed, sram).map((s) => ({
    sample: s.index,
    macsM: s.macs / 1e6,
    paramsM: s.params / 1e6,
    peakSramKiB: s.peakSramBytes / 1024,
    flashKiB: s.flashBytes / 1024,
    feasible: s.feasible,
  }));
}
