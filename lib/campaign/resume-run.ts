import type { Proposer } from '../propose/types.js';
import type { CampaignRecord } from './records.js';
import { feedOutcomes, rejectionFields, type EvaluationLoop } from './scheduler.js';
import { pendingList, rebuildValidation, workersOf, type RunState } from './state.js';
import { recordableProposal, validateProposal, type ValidationSettings } from './validate.js';

/**
 * Re-drives a resumed run's proposer through the recorded history with the run's lag (proposal i
 * after the outcomes of 0..i-K), so its state matches the record; returns how many outcomes it fed.
 */
export async function redrive(state: RunState, proposer: Proposer, mismatches: number[]): Promise<number> {
  const k = workersOf(state.config);
  let observed = 0;
  for (let i = 0; i < state.proposals.length; i++) {
    // Outcomes 0..i-K were recorded before proposal i (replayRecords checks it).
    observed = feedOutcomes(state, proposer, observed, i - k);
    const again = recordableProposal(await proposer.propose({ index: i })); // as the live run recorded it
    if (JSON.stringify(again.candidate) !== JSON.stringify(state.proposals[i]?.candidate)) mismatches.push(i);
  }
  return observed;
}

/**
 * Resume: the proposals left without an outcome. Those never dispatched are validated again, in
 * index order, against the accepted ones before them (what the live run checked them against);
 * the accepted ones are evaluated again, a dispatched one collected from its queue job.
 */
export function resumePending(state: RunState, settings: ValidationSettings, loop: EvaluationLoop, record: (type: CampaignRecord['type'], fields: Record<string, unknown>) => unknown): void {
  const rejections: { index: number; v: Extract<ReturnType<typeof validateProposal>, { ok: false }> }[] = [];
  rebuildValidation(state, (index) => {
    const v = validateProposal(state.proposals[index]?.candidate, settings, state.validation, state.proposals[index]?.patchError);
    if (v.ok) return v.key;
    rejections.push({ index, v });
    return undefined;
  });
  for (const { index, v } of rejections) record('rejection', rejectionFields(index, v));
  for (const index of pendingList(state)) if (state.accepted.has(index)) loop.resumeAccepted(index);
}
