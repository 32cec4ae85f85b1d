import type { CostReport } from '../cost/estimate.js';
import type { LatencyEstimator } from '../latency/types.js';
import { formatMetric, metricInfo } from '../metrics.js';
import type { Limit } from '../pareto/objectives.js';
import { estimateCosts } from '../cost/estimate.js';
import type { SramModel } from '../cost/sram.js';
import { lowerBlockNet, spaceNetOptions } from '../space/lower-blocks.js';
import type { Graph } from '../graph/types.js';
import type { Proposal, RejectionReason } from '../propose/types.js';
import { jsonDepth } from '../json-bounded.js';
import { RECORD_LINE_BOUNDS } from '../store/types.js';
import type { Candidate } from '../space/candidate.js';
import { canonicalKey } from '../space/key.js';
import type { SearchSpace } from '../space/space.js';
import { candidateIssues } from '../space/validate.js';
import { hardLimits, runLimits } from '../limits.js';
import { blockTokens, type NoveltyIndex } from './novelty.js';

export interface ValidationSettings {
  space: SearchSpace;
  /** The run's limits (runLimits of its config); limits on evaluated metrics are skipped here. */
  limits?: readonly Limit[];
  /** Older form of the paper's two limits, joined into `limits` (runLimits). */
  macs?: { min: number; max: number };
  sramMaxBytes?: number;
  sramModel: SramModel;
  /** Tells latencyMs before evaluation; required when a limit names latencyMs (and it is not measured). */
  latency?: LatencyEstimator;
  /** latencyMs is measured after evaluation (an evaluated metric): its limit acts through dominance. */
  measuredLatency?: boolean;
  /** Reject candidates whose MinHash-Jaccard similarity to an earlier one reaches this (0-1). */
  noveltyThreshold?: number;
}

export interface ValidationState {
  /** Canonical key -> index of the proposal that first had it. */
  seen: Map<string, number>;
  novelty: NoveltyIndex;
}

export type Validation =
  | { ok: true; candidate: Candidate; key: string; graph: Graph; costs: CostReport; predicted: Record<string, number> }
  | { ok: false; reason: RejectionReason; key?: string; message: string; details: Record<string, unknown>; violation?: number };

const M = (n: number) => `${(n / 1e6).toFixed(1)} M`;
const KiB = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

/**
 * The paper's checks, in its order: schema, MAC range, peak SRAM, then every other limit on a
 * metric known before evaluation (flash, params, latency: lib/metrics.ts), duplicates (then,
 * optionally, novelty). Each rejection carries the feedback an LLM receives: the current value,
 * what is allowed, and what to change. An accepted candidate carries its predicted metrics
 * (latencyMs when the run has a latency model) for the evaluation record.
 * `patchError`: a delta proposal whose reply was no JSON Patch or did not apply (Proposal.patchError),
 * rejected first with its own reason and message (they name the failing operation).
 */
export function validateProposal(proposal: unknown, s: ValidationSettings, state: ValidationState, patchError?: { reason: 'parse' | 'schema'; message: string }): Validation {
  if (patchError) return { ok: false, reason: patchError.reason, message: patchError.message, details: { patch: true } };
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
  const graph = lowerBlockNet(candidate, spaceNetOptions(s.space));
  const costs = estimateCosts(graph, { model: s.sramModel });
  const predicted: Record<string, number> = {};
  for (const limit of checkedLimits(s)) {
    const rejection = checkLimit(limit, costs, graph, predicted, s);
    if (rejection) return { ...rejection, key };
  }
  if (s.latency && !s.measuredLatency && predicted.latencyMs === undefined) predicted.latencyMs = s.latency.latencyMs(graph);
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
  return { ok: true, candidate, key, graph, costs, predicted };
}

/**
 * Bounds of what a proposal record keeps of a proposer's candidate and of its patch, each as JSON:
 * an LLM reply's nesting depth (a candidate nests 3 levels; the record adds 1, far under the 64
 * levels RECORD_LINE_BOUNDS lets records.jsonl's reader accept) and a quarter of a record line's
 * characters; a note is cut at maxNoteChars.
 */
export const PROPOSAL_RECORD_BOUNDS = { maxDepth: 32, maxChars: RECORD_LINE_BOUNDS.maxChars / 4, maxNoteChars: 10_000 } as const;

/**
 * A proposal as the campaign records it (and re-drives it on resume): unchanged when its candidate
 * and patch fit PROPOSAL_RECORD_BOUNDS as JSON. Otherwise (nested too deep, too long, cyclic or not
 * JSON at all) it becomes a `schema` rejection (patchError, whose message is the proposer's
 * feedback) that keeps the first 200 characters of the candidate's JSON as a string and the patch
 * only when it fits: no proposer can make the campaign write a record its own reader refuses.
 */
export function recordableProposal(p: Proposal): Proposal {
  const note = typeof p.note === 'string' && p.note.length > PROPOSAL_RECORD_BOUNDS.maxNoteChars ? `${p.note.slice(0, PROPOSAL_RECORD_BOUNDS.maxNoteChars)}... (${p.note.length} characters)` : p.note;
  const candidate = overBounds(p.candidate);
  const patch = p.patch === undefined ? undefined : overBounds(p.patch);
  if (!candidate.problem && !patch?.problem) return note === p.note ? p : { ...p, note };
  const what = candidate.problem ? `its candidate ${candidate.problem}` : `its patch ${patch?.problem}`;
  return {
    ...p,
    note,
    candidate: candidate.problem ? `${candidate.text.slice(0, 200)}${candidate.text.length > 200 ? `... (${candidate.text.length} characters)` : ''}` : p.candidate,
    ...(p.patch !== undefined ? { patch: patch?.problem ? null : p.patch } : {}),
    patchError: { reason: 'schema', message: `Your proposal could not be recorded: ${what}. Propose one JSON object {"blocks": [...]} (it nests 3 levels) using only values from the search space.` },
  };
}

/** Why `value` does not fit PROPOSAL_RECORD_BOUNDS as JSON (undefined when it does), and its JSON text (or what stands for it). */
function overBounds(value: unknown): { problem?: string; text: string } {
  let text: string;
  try {
    text = JSON.stringify(value) ?? 'undefined';
  } catch (err) {
    // Cyclic, a BigInt, or nested past the engine's stack.
    return { problem: `is not JSON (${(err as Error).message.split('\n')[0]})`, text: '(not JSON)' };
  }
  if (text.length > PROPOSAL_RECORD_BOUNDS.maxChars) return { problem: `is ${text.length} characters of JSON, over the ${PROPOSAL_RECORD_BOUNDS.maxChars} allowed`, text };
  if (jsonDepth(text, PROPOSAL_RECORD_BOUNDS.maxDepth) > PROPOSAL_RECORD_BOUNDS.maxDepth) return { problem: `nests JSON more than ${PROPOSAL_RECORD_BOUNDS.maxDepth} levels deep`, text };
  return { text };
}

/** Remembers an accepted candidate for the duplicate and novelty checks. */
export function rememberCandidate(state: ValidationState, key: string, index: number, candidate: Candidate): void {
  if (!state.seen.has(key)) state.seen.set(key, index);
  state.novelty.add(String(index), blockTokens(candidate));
}

/** Paper's order first (MACs, SRAM), then the others as the metrics table lists them. */
const ORDER = ['macs', 'peakSramBytes', 'flashBytes', 'params', 'latencyMs'];
const prepared = new WeakMap<ValidationSettings, Limit[]>();

function checkedLimits(s: ValidationSettings): Limit[] {
  let list = prepared.get(s);
  if (!list) {
    const all = runLimits({ limits: s.limits ?? [], macs: s.macs, sramMaxBytes: s.sramMaxBytes });
    list = hardLimits(all, s.measuredLatency).sort((a, b) => ORDER.indexOf(a.name) - ORDER.indexOf(b.name));
    if (list.some((l) => l.name === 'latencyMs') && !s.latency) throw new Error('a latencyMs limit needs a latency estimator (ValidationSettings.latency)');
    prepared.set(s, list);
  }
  return list;
}

type Rejection = Extract<Validation, { ok: false }>;

function checkLimit(limit: Limit, costs: CostReport, graph: Graph, predicted: Record<string, number>, s: ValidationSettings): Rejection | undefined {
  const name = limit.name;
  let value: number;
  if (name === 'latencyMs') value = predicted.latencyMs ??= (s.latency as LatencyEstimator).latencyMs(graph);
  else value = costs[name as 'macs' | 'params' | 'flashBytes' | 'peakSramBytes'];
  const low = limit.min !== undefined && value < limit.min;
  const high = limit.max !== undefined && value > limit.max;
  if (!low && !high) return undefined;
  if (name === 'macs') return macsRejection(costs.macs, { min: limit.min ?? 0, max: limit.max ?? Infinity });
  if (name === 'peakSramBytes' && high) return sramRejection(costs, limit.max as number, s.sramModel);
  const m = metricInfo(name);
  const bound = (high ? limit.max : limit.min) as number;
  const how = name === 'flashBytes' ? ' (int8 weights)' : name === 'latencyMs' ? ` (${s.latency?.name ?? 'latency model'})` : name === 'peakSramBytes' ? ` (int8 activations, ${s.sramModel} model)` : '';
  return {
    ok: false,
    reason: m.reason ?? 'macs',
    message: `Estimated ${m.label} is ${formatMetric(name, value)}${how}, ${high ? 'above' : 'below'} the ${high ? 'limit' : 'minimum'} of ${formatMetric(name, bound)}. ${(high ? m.lower : m.raise) ?? ''}`.trimEnd(),
    details: { [name]: value, ...(high ? { max: bound } : { min: bound }), ...(name === 'latencyMs' ? { model: s.latency?.name } : {}) },
    violation: Math.abs(value - bound) / Math.abs(bound || 1),
  };
}

function macsRejection(macs: number, range: { min: number; max: number }): Rejection {
  const low = macs < range.min;
  return {
    ok: false,
    reason: 'macs',
    message: `Estimated MACs are ${M(macs)}, ${low ? 'below' : 'above'} the allowed range ${M(range.min)} to ${M(range.max)}. ${
      low ? 'Increase output_channels, expansion_factor or num_layers, or keep stride 1 longer.' : 'Reduce output_channels, expansion_factor or num_layers, or use stride 2 in earlier stages.'
    }`,
    details: { macs, min: range.min, max: range.max },
    violation: low ? (range.min - macs) / range.min : (macs - range.max) / range.max,
  };
}

function sramRejection(costs: CostReport, max: number, model: SramModel): Rejection {
  const at = costs.layers.find((l) => l.node === costs.peakAt);
  return {
    ok: false,
    reason: 'sram',
    message: `Estimated peak SRAM is ${KiB(costs.peakSramBytes)} (int8 activations, ${model} model), above the ${KiB(max)} limit; the peak is at ${at?.block ?? costs.peakAt} (${at?.op ?? 'layer'} with output ${at?.outputShape.slice(1).join('x') ?? '?'}). Use stride 2 earlier, or smaller expansion_factor and output_channels in early stages.`,
    details: { peakSramBytes: costs.peakSramBytes, max, model, peakAt: at?.block ?? costs.peakAt },
    violation: (costs.peakSramBytes - max) / max,
  };
}
