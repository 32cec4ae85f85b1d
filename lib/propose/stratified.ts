import { createRng } from '../rng.js';
import type { BlockConfig, Candidate } from '../space/candidate.js';
import type { SearchSpace } from '../space/space.js';
import { stageChoices, TABLE_I_FIELDS } from '../space/space.js';
import { checkIndex, checkSeed, deriveSeed } from './seed.js';
import type { Proposer, ProposerFactory } from './types.js';

/**
 * A seeded deck of a field's values, dealt card after card and reshuffled when exhausted. Cycle c
 * (draws c·L .. c·L+L-1) is a permutation seeded by (seed, stage, field, c), so the n-th card is
 * computed directly: no dealing history to keep or replay.
 */
class Deck<T> {
  private cycle = -1;
  private order: readonly T[] = [];

  constructor(
    private readonly values: readonly T[],
    private readonly seedOf: (cycle: number) => number,
  ) {}

  private permutation(cycle: number): readonly T[] {
    if (cycle !== this.cycle) {
      const rng = createRng(this.seedOf(cycle));
      const order = [...this.values];
      for (let i = order.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [order[i], order[j]] = [order[j] as T, order[i] as T];
      }
      this.cycle = cycle;
      this.order = order;
    }
    return this.order;
  }

  /** The n-th card dealt (0-based). */
  card(n: number): T {
    const L = this.values.length;
    return this.permutation(Math.floor(n / L))[n % L] as T;
  }

  /** How many of the first n cards equal value. */
  countBefore(n: number, value: T): number {
    const L = this.values.length;
    const cycle = Math.floor(n / L);
    const perCycle = this.values.filter((v) => v === value).length;
    return cycle * perCycle + this.permutation(cycle).slice(0, n % L).filter((v) => v === value).length;
  }
}

const SE_DECK = TABLE_I_FIELDS.length;

interface StageDecks {
  fields: Record<(typeof TABLE_I_FIELDS)[number], Deck<unknown>>;
  seUse: Deck<boolean>;
  seRatio: Deck<number>;
}

function stageDecks(space: SearchSpace, seed: number, stage: number): StageDecks {
  const choices = stageChoices(space, stage);
  const seedOf = (field: number) => (cycle: number) => deriveSeed(seed, 0x57a7, stage, field, cycle);
  const fields = Object.fromEntries(
    TABLE_I_FIELDS.map((f, k) => [f, new Deck<unknown>(choices[f] as readonly unknown[], seedOf(k))]),
  ) as StageDecks['fields'];
  return { fields, seUse: fields.use_se as Deck<boolean>, seRatio: new Deck(space.seRatios, seedOf(SE_DECK)) };
}

/**
 * Stratified sampling (the coverage fix of NNGPT's MoE4 campaign, paper 004): for each stage and
 * each Table I field a shuffled deck of the allowed values; proposal i takes the i-th card of every
 * deck, so after k·L proposals each of a field's L values has appeared exactly k times at every
 * stage. The SE ratio has its own deck per stage, dealt only when use_se comes up true. Proposal i
 * is a function of the seed and i: observations change nothing and a rebuilt proposer needs no replay.
 */
export const stratifiedProposer: ProposerFactory = (options): Proposer => {
  const seed = checkSeed(options.seed);
  const { space } = options;
  const decks = Array.from({ length: space.stages }, (_, s) => stageDecks(space, seed, s));
  const block = (d: StageDecks, n: number): BlockConfig => {
    const f = d.fields;
    const use_se = d.seUse.card(n);
    return {
      output_channels: f.output_channels.card(n) as number,
      num_layers: f.num_layers.card(n) as number,
      kernel_size: f.kernel_size.card(n) as number,
      stride: f.stride.card(n) as number,
      expansion_factor: f.expansion_factor.card(n) as number,
      use_se,
      se_ratio: use_se ? d.seRatio.card(d.seUse.countBefore(n, true)) : 0,
      conv_type: f.conv_type.card(n) as BlockConfig['conv_type'],
      skip_op: f.skip_op.card(n) as BlockConfig['skip_op'],
      activation: f.activation.card(n) as BlockConfig['activation'],
    };
  };
  return {
    name: 'stratified',
    async propose(context) {
      const n = checkIndex(context.index);
      const candidate: Candidate = { input_channels: space.input.channels, blocks: decks.map((d) => block(d, n)), pool_type: 'average' };
      return { candidate };
    },
    observe() {},
  };
};
