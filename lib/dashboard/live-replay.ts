/**
 * A run's state kept current as its records arrive: each new record is sequence-checked and
 * applied (campaign/state.ts sequenceProblem + applyRecord, as replayRecords does), so a poll that
 * brings 3 records costs 3 applications, not a replay of the run. Unlike replayRecords it does not
 * rebuild the duplicate and novelty memory at the end, which the dashboard never reads and which
 * is most of a replay's time (1,500 proposals: about 1.4 s of 1.45 s).
 */
import type { CampaignConfig } from '../campaign/config.js';
import type { CampaignRecord } from '../campaign/records.js';
import { applyRecord, newState, sequenceProblem, type RunState } from '../campaign/state.js';
import { InputError } from '../errors.js';

export class LiveReplay {
  private state: RunState | undefined;
  private applied = 0;
  private generation = -1;

  /**
   * The state after `records` (the same array, grown since the last call; a new `generation`
   * means it was read again from the start).
   *
   * @throws InputError as replayRecords: no campaign-start first, or a record out of order (naming its line).
   */
  update(records: readonly CampaignRecord[], generation = 0, source = 'records.jsonl'): RunState {
    if (generation !== this.generation || records.length < this.applied) {
      this.state = undefined;
      this.applied = 0;
      this.generation = generation;
    }
    if (!this.state) {
      const start = records[0];
      if (start?.type !== 'campaign-start') throw new InputError('records', start?.type ?? 'nothing', 'a campaign-start record first');
      this.state = newState(start.config as CampaignConfig);
      if (typeof start.runId === 'string') this.state.runId = start.runId;
      this.applied = 1;
    }
    for (; this.applied < records.length; this.applied++) {
      const r = records[this.applied] as CampaignRecord;
      const problem = sequenceProblem(this.state, r);
      if (problem) throw new InputError(`${source} record ${this.applied + 1}`, undefined, 'records in the order the campaign writes them (proposal, then its one outcome)', problem);
      applyRecord(this.state, r);
    }
    return this.state;
  }
}
