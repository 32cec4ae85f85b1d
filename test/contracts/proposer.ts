import { describe, expect, it } from 'vitest';
import { createFastEvaluator } from '../../lib/space/fast-cost.js';
import type { Observation, Outcome, Proposal, Proposer } from '../../lib/propose/types.js';
import { canonicalKey } from '../../lib/space/key.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import type { SearchSpace } from '../../lib/space/space.js';
import { isValidCandidate } from '../../lib/space/validate.js';

/** The space and objective count a proposer under the contract is built with. */
export const CONTRACT_SPACE: SearchSpace = resolveSpace('tinyml-cifar100');
export const CONTRACT_OBJECTIVE_COUNT = 2;

export interface ContractOptions {
  /** Every proposal is a valid candidate of the space (true for the built-in proposers; an LLM's need not be). */
  validCandidates?: boolean;
  steps?: number;
}

const cost = createFastEvaluator(CONTRACT_SPACE, { model: 'mcunet' });

/**
 * A deterministic stand-in for a campaign's outcome: evaluated (objectives MACs and peak SRAM,
 * violation past 350 M MACs), rejected or failed, by a fixed pattern over the index.
 */
export function contractOutcome(index: number, candidate: unknown): Outcome {
  if (!isValidCandidate(CONTRACT_SPACE, candidate)) return { kind: 'rejected', reason: 'schema', message: 'not a candidate of the space' };
  if (index % 4 === 3) return { kind: 'rejected', reason: 'sram', message: 'contract: every fourth proposal is rejected' };
  if (index % 10 === 6) return { kind: 'failed', message: 'contract: a failed evaluation' };
  const t = cost(candidate);
  return {
    kind: 'evaluated',
    metrics: { macs: t.macs, sram: t.peakSramBytes },
    objectives: [t.macs / 1e6, t.peakSramBytes / 1024],
    violation: Math.max(0, t.macs - 350e6) / 350e6,
  };
}

export function contractObservation(index: number, proposal: Proposal): Observation {
  const c = proposal.candidate;
  const key = isValidCandidate(CONTRACT_SPACE, c) ? canonicalKey(c, CONTRACT_SPACE.input.channels) : undefined;
  return { index, proposal, ...(key === undefined ? {} : { key }), outcome: contractOutcome(index, c) };
}

/** Proposes `steps` times, observing each proposal's contract outcome before the next. */
export async function drive(proposer: Proposer, steps: number, start = 0): Promise<Proposal[]> {
  const out: Proposal[] = [];
  for (let i = start; i < start + steps; i++) {
    const p = await proposer.propose({ index: i });
    out.push(p);
    proposer.observe(contractObservation(i, p));
  }
  return out;
}

/** What every Proposer must do; `make(seed)` builds one on CONTRACT_SPACE with CONTRACT_OBJECTIVE_COUNT objectives. */
export function proposerContract(name: string, make: (seed: number) => Proposer, options: ContractOptions = {}): void {
  const steps = options.steps ?? 60;
  describe(`proposer contract: ${name}`, () => {
    it('has a non-empty name', () => {
      expect(make(1).name.length).toBeGreaterThan(0);
    });

    it('proposes candidates with an optional text note', async () => {
      const proposals = await drive(make(7), steps);
      expect(proposals).toHaveLength(steps);
      for (const p of proposals) {
        expect(p).toHaveProperty('candidate');
        if (p.note !== undefined) expect(typeof p.note).toBe('string');
      }
      if (options.validCandidates ?? true) {
        const invalid = proposals.filter((p) => !isValidCandidate(CONTRACT_SPACE, p.candidate));
        expect(invalid.slice(0, 2)).toEqual([]);
      }
    });

    it(`is deterministic: the same seed and observations give the same ${steps} proposals`, async () => {
      const a = await drive(make(42), steps);
      const b = await drive(make(42), steps);
      expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    });

    it('gives different proposals for a different seed', async () => {
      const a = await drive(make(42), steps);
      const b = await drive(make(43), steps);
      const same = a.filter((p, i) => JSON.stringify(p.candidate) === JSON.stringify(b[i]?.candidate)).length;
      expect(same).toBeLessThan(steps / 2);
    });
  });
}
