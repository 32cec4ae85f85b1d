import type { CostReport } from '../cost/estimate.js';
import { estimateCosts } from '../cost/estimate.js';
import type { SramModel } from '../cost/sram.js';
import { lowerBlockNet } from '../graph/lower-blocks.js';
import type { Graph } from '../graph/types.js';
import type { RejectionReason } from '../propose/types.js';
import type { Candidate } from '../space/candidate.js';
import { canonicalKey } from '../space/key.js';
import type { SearchSpace } from '../space/space.js';
import { candidateIssues } from '../space/validate.js';
import { blockTokens, type NoveltyIndex } from './novelty.js';

export interface ValidationSettings {
  space: SearchSpace;
  macs: { min: number; max: number };
  sramMaxBytes: number;
  sramModel: SramModel;
  /** Reject candidates whose MinHash-Jaccard similarity to an earlier one reaches this (0-1). */
  noveltyThreshold?: number;
}

export interface ValidationState {
  /** Canonical key -> index of the proposal that first had it. */
  seen: Map<string, number>;
  novelty: NoveltyIndex;
}

export type Validation =
  | { ok: true; candidate: Candidate; key: string; graph: Graph; costs: CostReport }
  | { ok: false; reason: RejectionReason; key?: string; message: string; details: Record<string, unknown>; violation?: number };

const M = (n: number) => `${(n / 1e6).toFixed(1)} M`;
const KiB = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

/**
 * The paper's checks, in its order: schema, MAC range, peak SRAM, duplicates (then, optionally,
 * novelty). Each rejection carries the feedback an LLM receives: the current value, what is
 * allowed, and what to change.
 */
export function validateProposal(proposal: unknown, s: ValidationSettings, state: ValidationState): Validation {
  if (proposal === null || proposal === undefined) {
    return { ok: false, reason: 'no-reply', message: 'There was no reply to the last request. Propose an architecture as one JSON object.', details: {} };
  }
  if (typeof proposal === 'string') {
    return {
      ok: false,
      reason: 'parse',
      message: `Your reply was not a JSON object (${proposal.length} characters, starting ${JSON.stringify(proposal.slice(0, 40))}). Reply with only one JSON object {"blocks": [...]} and no other text.`,
      details: { length: proposal.length },
    };
  }
  const issues = candidateIssues(s.space, proposal);
  if (issues.length > 0) {
    return {
      ok: false,
      reason: 'schema',
      message: `The configuration does not follow the search space: ${issues.map((i) => i.message).join('; ')}. Use only the listed values, one block per stage (${s.space.stages} blocks).`,
      details: { issues: issues.map((i) => ({ field: i.field, value: i.value, allowed: i.allowed })) },
    };
  }
  const candidate = proposal as Candidate;
  const key = canonicalKey(candidate, s.space.input.channels);
  const graph = lowerBlockNet(candidate, { resolution: s.space.input.resolution, classes: s.space.classes, inputChannels: s.space.input.channels, dropout: s.space.head.dropout });
  const costs = estimateCosts(graph, { model: s.sramModel });
  if (costs.macs < s.macs.min || costs.macs > s.macs.max) {
    const low = costs.macs < s.macs.min;
    return {
      ok: false,
      reason: 'macs',
      key,
      message: `Estimated MACs are ${M(costs.macs)}, ${low ? 'below' : 'above'} the allowed range ${M(s.macs.min)} to ${M(s.macs.max)}. ${
        low ? 'Increase output_channels, expansion_factor or num_layers, or keep stride 1 longer.' : 'Reduce output_channels, expansion_factor or num_layers, or use stride 2 in earlier stages.'
      }`,
      details: { macs: costs.macs, min: s.macs.min, max: s.macs.max },
      violation: low ? (s.macs.min - costs.macs) / s.macs.min : (costs.macs - s.macs.max) / s.macs.max,
    };
  }
  if (costs.peakSramBytes > s.sramMaxBytes) {
    const at = costs.layers.find((l) => l.node === costs.peakAt);
    return {
      ok: false,
      reason: 'sram',
      key,
      message: `Estimated peak SRAM is ${KiB(costs.peakSramBytes)} (int8 activations, ${s.sramModel} model), above the ${KiB(s.sramMaxBytes)} limit; the peak is at ${at?.block ?? costs.peakAt} (${at?.op ?? 'layer'} with output ${at?.outputShape.slice(1).join('x') ?? '?'}). Use stride 2 earlier, or smaller expansion_factor and output_channels in early stages.`,
      details: { peakSramBytes: costs.peakSramBytes, max: s.sramMaxBytes, model: s.sramModel, peakAt: at?.block ?? costs.peakAt },
      violation: (costs.peakSramBytes - s.sramMaxBytes) / s.sramMaxBytes,
    };
  }
  const first = state.seen.get(key);
  if (first !== undefined) {
    return {
      ok: false,
      reason: 'duplicate',
      key,
      message: `This architecture was already proposed (the same network as proposal #${first}). Propose a configuration that has not been tried yet.`,
      details: { sameAs: first },
    };
  }
  if (s.noveltyThreshold !== undefined) {
    const near = state.novelty.nearest(blockTokens(candidate));
    if (near && near.similarity >= s.noveltyThreshold) {
      return {
        ok: false,
        reason: 'novelty',
        key,
        message: `This configuration is too close to proposal #${near.id} (MinHash-Jaccard similarity ${near.similarity.toFixed(2)}, at least ${s.noveltyThreshold}). Change more stages.`,
        details: { nearest: near.id, similarity: near.similarity, threshold: s.noveltyThreshold },
      };
    }
  }
  return { ok: true, candidate, key, graph, costs };
}

/** Remembers an accepted candidate for the duplicate and novelty checks. */
export function rememberCandidate(state: ValidationState, key: string, index: number, candidate: Candidate): void {
  if (!state.seen.has(key)) state.seen.set(key, index);
  state.novelty.add(String(index), blockTokens(candidate));
}
