/**
 * Explanation cards: why an LLM chose a design, beside what the design is and what it costs.
 * Plain data built from a run's records and replayed state (rendered by html-report.ts, shown in
 * notebooks and the dashboard): each card carries the metrics with their units (lib/metrics.ts's
 * `formatMetric`) and the candidate's architecture as one readable line per stage (block).
 */
import type { CampaignRecord } from '../campaign/records.js';
import type { RunState } from '../campaign/state.js';
import type { BlockConfig } from '../space/candidate.js';
import { formatMetric, METRICS, metricInfo } from '../metrics.js';
import { runMetrics } from './run-metrics.js';

export interface ExplanationCard {
  proposal: number;
  key: string | null;
  model: string | null;
  text: string;
  /** The explained candidate's evaluation metrics as recorded (counts, bytes); null when it was not evaluated. */
  metrics: Record<string, number> | null;
  /** Whether the candidate is on the run's final front. */
  onFront: boolean;
  /**
   * The metrics as a person reads them, `label value unit` ("MACs 75.0 M", "peak SRAM 300.0 KiB",
   * "NASWOT score 209.67"): the run's objectives and limited metrics first (in the run's order),
   * then the other metrics of the metrics table, then an evaluator's own metrics by name; [] when
   * the candidate was not evaluated.
   */
  metricsText: string[];
  /**
   * The candidate's architecture, one line per stage (block) of the proposal's candidate, e.g.
   * "stage 2: 6 × MBConv (expansion 6) 5×5, stride 2 then 1, 96 channels, SE 0.25, LeakyReLU,
   * residual skips"; [] when the proposal's candidate is not a block list (e.g. unparsable reply).
   */
  architecture: string[];
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

const ACTIVATION_NAMES: Record<string, string> = { relu6: 'ReLU6', relu: 'ReLU', leakyrelu: 'LeakyReLU', swish: 'Swish' };

/** The metric names of a card in reading order (see {@link ExplanationCard.metricsText}). */
function metricOrder(config: RunState['config'], metrics: Record<string, number>): string[] {
  const first = runMetrics(config).map((m) => m.name);
  const known = METRICS.map((m) => m.name).filter((n) => !first.includes(n));
  const own = Object.keys(metrics).filter((n) => !first.includes(n) && !known.includes(n)).sort();
  return [...first, ...known, ...own].filter((n) => num(metrics[n]) !== null);
}

/** `label value unit` for each recorded metric, in reading order. */
export function metricsText(config: RunState['config'], metrics: Record<string, number>): string[] {
  return metricOrder(config, metrics).map((n) => `${metricInfo(n).label} ${formatMetric(n, metrics[n] as number)}`);
}

function isBlock(b: unknown): b is BlockConfig {
  if (typeof b !== 'object' || b === null) return false;
  const o = b as Record<string, unknown>;
  return ['output_channels', 'num_layers', 'kernel_size', 'stride'].every((f) => num(o[f]) !== null) && typeof o.conv_type === 'string';
}

/** One stage of a candidate as a line (see {@link ExplanationCard.architecture}). */
export function stageLine(b: BlockConfig, stage: number): string {
  const conv = b.conv_type === 'mbconv' ? `MBConv (expansion ${b.expansion_factor})` : 'depthwise-separable conv';
  const stride = b.num_layers > 1 && b.stride !== 1 ? `stride ${b.stride} then 1` : `stride ${b.stride}`;
  const se = b.use_se && b.se_ratio > 0 ? `, SE ${b.se_ratio}` : '';
  const act = ACTIVATION_NAMES[b.activation] ?? String(b.activation);
  const skip = b.skip_op === 'residual' ? 'residual skips' : 'no skips';
  const layers = `${b.num_layers} × ${conv} ${b.kernel_size}×${b.kernel_size}`;
  return `stage ${stage}: ${layers}, ${stride}, ${b.output_channels} channels${se}, ${act}, ${skip}`;
}

/** A candidate's stages as lines, or [] when it is not a block list. */
export function architectureLines(candidate: unknown): string[] {
  const blocks = typeof candidate === 'object' && candidate !== null ? (candidate as { blocks?: unknown }).blocks : undefined;
  if (!Array.isArray(blocks) || !blocks.every(isBlock)) return [];
  return blocks.map((b, i) => stageLine(b, i + 1));
}

/**
 * One card per explanation record, in record order, joined with the explained proposal: its
 * candidate (the proposal record's, so rejected proposals get their architecture too), its
 * evaluation metrics (raw and as text with units) and whether it is on the run's final front.
 */
export function explanationCards(records: readonly CampaignRecord[], state: RunState): ExplanationCard[] {
  const byIndex = new Map(state.evaluations.map((e) => [e.index, e]));
  return records
    .filter((r) => r.type === 'explanation')
    .map((r) => {
      const index = num(r.index) ?? -1;
      const e = byIndex.get(index);
      const key = typeof r.key === 'string' ? r.key : (e?.key ?? state.keys[index] ?? null);
      const metrics = e ? { ...e.metrics } : null;
      return {
        proposal: index,
        key,
        model: typeof r.model === 'string' ? r.model : null,
        text: typeof r.text === 'string' ? r.text : '',
        metrics,
        onFront: key !== null && state.front.has(key),
        metricsText: metrics ? metricsText(state.config, metrics) : [],
        architecture: architectureLines(e?.candidate ?? state.proposals[index]?.candidate),
      };
    });
}
