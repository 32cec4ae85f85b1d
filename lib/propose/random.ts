import { sampleCandidate } from '../space/sample.js';
import { checkIndex, checkSeed, proposalRng } from './seed.js';
import type { Proposer, ProposerFactory } from './types.js';

/**
 * Seeded uniform sampling: every stage and field independently uniform over its allowed values
 * (sampleCandidate). Proposal i depends on the seed and i only, so a rebuilt proposer needs no
 * replay and observations change nothing.
 */
export const randomProposer: ProposerFactory = (options): Proposer => {
  const seed = checkSeed(options.seed);
  const { space } = options;
  return {
    name: 'random',
    async propose(context) {
      return { candidate: sampleCandidate(space, proposalRng(seed, checkIndex(context.index))) };
    },
    observe() {},
  };
};
