/**
 * Explanation cards (until they move to lib/report/explanations.ts), and the run figures under
 * their earlier import path: the figures themselves live one per file in ./figures/.
 */
import type { CampaignRecord } from '../campaign/records.js';
import type { RunState } from '../campaign/state.js';

export { hypervolumeOverRun, hypervolumeSeries, layerBreakdown, paretoScatter2d, paretoScatter3d, rejectionsOverRun, rejectionSeries, type HypervolumeSeries, type RejectionSeries } from './figures.js';

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export interface ExplanationCard {
  proposal: number;
  key: string | null;
  model: string | null;
  text: string;
  /** The explained candidate's evaluation metrics; null when it was not evaluated. */
  metrics: Record<string, number> | null;
  /** Whether the candidate is on the run's final front. */
  onFront: boolean;
}

/** One card per explanation record, in record order, joined with the explained candidate's metrics. */
export function explanationCards(records: readonly CampaignRecord[], state: RunState): ExplanationCard[] {
  const byIndex = new Map(state.evaluations.map((e) => [e.index, e]));
  return records
    .filter((r) => r.type === 'explanation')
    .map((r) => {
      const index = num(r.index) ?? -1;
      const e = byIndex.get(index);
      const key = typeof r.key === 'string' ? r.key : (e?.key ?? state.keys[index] ?? null);
      return {
        proposal: index,
        key,
        model: typeof r.model === 'string' ? r.model : null,
        text: typeof r.text === 'string' ? r.text : '',
        metrics: e ? { ...e.metrics } : null,
        onFront: key !== null && state.front.has(key),
      };
    });
}
