/**
 * One trial as the dashboard's trial view shows it: H4's TrialView (lib/report/trial.ts: the
 * record, metrics, candidate blocks, costs lowered with the run's space and SRAM model, the
 * explanation, the LLM calls, every record), with the lowered graph replaced by its layered
 * drawing (graph-view.ts) and the per-layer cost figure with the run's SRAM limit.
 */
import type { CampaignConfig } from '../campaign/config.js';
import type { CampaignRecord } from '../campaign/records.js';
import { runLimits } from '../limits.js';
import type { Figure } from '../report/figures/figure.js';
import { layerCostsFigure, layerCostsInfo } from '../report/figures/layer-costs.js';
import { trialView, type TrialView } from '../report/trial.js';
import { graphView, type GraphView } from './graph-view.js';

export interface TrialDetail extends Omit<TrialView, 'graph'> {
  /** The run this trial belongs to (the dashboard's id for it). */
  run: string;
  /** The run's limits on SRAM and flash, in bytes (absent when the run has none). */
  sramLimitBytes?: number;
  flashLimitBytes?: number;
  graphView?: GraphView;
  /** Per-layer MACs and SRAM with the SRAM limit; absent when the candidate could not be lowered. */
  layerCosts?: Figure;
}

/**
 * The trial `index` of a run from its records (read already).
 *
 * @throws InputError from trialView (index out of range; a record-less run).
 */
export function trialDetail(run: string, runDir: string, records: readonly CampaignRecord[], index: number): TrialDetail {
  const { graph, ...view } = trialView(runDir, records, index);
  const config = records[0]?.config as CampaignConfig;
  const limits = runLimits(config);
  const sram = limits.find((l) => l.name === 'peakSramBytes')?.max;
  const flash = limits.find((l) => l.name === 'flashBytes')?.max;
  return {
    ...view,
    run,
    ...(sram !== undefined ? { sramLimitBytes: sram } : {}),
    ...(flash !== undefined ? { flashLimitBytes: flash } : {}),
    ...(graph ? { graphView: graphView(graph) } : {}),
    ...(view.costs ? { layerCosts: layerCostsFigure(layerCostsInfo(view.costs, { ...(sram !== undefined ? { sramLimitBytes: sram } : {}), ...(flash !== undefined ? { flashLimitBytes: flash } : {}) })) } : {}),
  };
}
