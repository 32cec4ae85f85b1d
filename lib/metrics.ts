/**
 * The one table of metrics: name (the key in records), label, unit and scale for display,
 * natural direction, and how it is computed. Validation, LLM feedback and prompts, reports,
 * `compare` and the CLI all read it, so a metric is named and scaled the same everywhere.
 *
 * - `cost`: computed from the graph before evaluation (closed form: lib/cost).
 * - `predicted`: computed before evaluation by a model (latency predictor, Cortex-M estimate).
 * - `evaluated`: produced by the evaluator (proxy score, a trainer's accuracy, a measured latency).
 * Limits on `cost` and `predicted` metrics are hard: checked in validation, never evaluated.
 */
export type MetricSource = 'cost' | 'predicted' | 'evaluated';

export interface MetricInfo {
  /** Key in records and on the command line (e.g. `peakSramBytes`). */
  name: string;
  /** Short label for tables and plots (e.g. `peak SRAM`). */
  label: string;
  /** Display unit after dividing by `scale` (e.g. `KiB`); '' for a plain number. */
  unit: string;
  scale: number;
  /** Decimals shown in the display unit. */
  digits: number;
  /** Which way is better when it is an objective. */
  direction: 'min' | 'max';
  source: MetricSource;
  /** Rejection reason when a hard limit on it fails (see REJECTION_REASONS). */
  reason?: 'macs' | 'sram' | 'flash' | 'latency' | 'params';
  /** What usually lowers it (feedback after a max limit is exceeded). */
  lower?: string;
  /** What usually raises it (feedback after a min limit is missed). */
  raise?: string;
}

const SHRINK = 'fewer num_layers, smaller output_channels or expansion_factor';

/** The metrics paretonas knows by name; any other name is an evaluator's own (see metricInfo). */
export const METRICS: readonly MetricInfo[] = [
  { name: 'macs', label: 'MACs', unit: 'M', scale: 1e6, digits: 1, direction: 'min', source: 'cost', reason: 'macs', lower: 'Reduce output_channels, expansion_factor or num_layers, or use stride 2 in earlier stages.', raise: 'Increase output_channels, expansion_factor or num_layers, or keep stride 1 longer.' },
  { name: 'params', label: 'params', unit: 'M', scale: 1e6, digits: 3, direction: 'min', source: 'cost', reason: 'params', lower: `Use ${SHRINK} in the late stages, where most weights are.`, raise: 'Use more output_channels or num_layers in the late stages.' },
  { name: 'flashBytes', label: 'flash', unit: 'KiB', scale: 1024, digits: 1, direction: 'min', source: 'cost', reason: 'flash', lower: `Flash holds the int8 weights: use ${SHRINK} in the late stages (the widest layers hold most weights), or use_se false.`, raise: 'Use more output_channels or num_layers in the late stages.' },
  { name: 'peakSramBytes', label: 'peak SRAM', unit: 'KiB', scale: 1024, digits: 1, direction: 'min', source: 'cost', reason: 'sram', lower: 'Use stride 2 earlier, or smaller expansion_factor and output_channels in early stages.', raise: 'Keep stride 1 longer or use larger early output_channels.' },
  { name: 'latencyMs', label: 'latency', unit: 'ms', scale: 1, digits: 2, direction: 'min', source: 'predicted', reason: 'latency', lower: `Latency follows MACs and memory traffic: use stride 2 earlier, ${SHRINK}, or smaller kernel_size.`, raise: 'Use more output_channels, num_layers or larger kernel_size.' },
  { name: 'accuracy', label: 'accuracy', unit: '', scale: 1, digits: 4, direction: 'max', source: 'evaluated' },
  { name: 'naswot', label: 'NASWOT score', unit: '', scale: 1, digits: 2, direction: 'max', source: 'evaluated' },
];

const BY_NAME = new Map(METRICS.map((m) => [m.name, m]));

/** The table row of a metric; an unknown name is an evaluator's own metric, shown as a plain number. */
export function metricInfo(name: string, direction: 'min' | 'max' = 'max'): MetricInfo {
  return BY_NAME.get(name) ?? { name, label: name, unit: '', scale: 1, digits: 3, direction, source: 'evaluated' };
}

/** Whether a limit on this metric is checked before evaluation (cost and predicted metrics). */
export function isPreEvaluation(name: string, measuredLatency = false): boolean {
  const m = BY_NAME.get(name);
  if (!m) return false;
  if (m.name === 'latencyMs' && measuredLatency) return false;
  return m.source !== 'evaluated';
}

/** A value in the metric's display unit: `82.0 M`, `215.3 KiB`, `4.21 ms`, `0.7412`. */
export function formatMetric(name: string, value: number, digits?: number): string {
  if (!Number.isFinite(value)) return value > 0 ? 'none' : value < 0 ? '-none' : 'n/a';
  const m = metricInfo(name);
  const d = digits ?? (m.unit === '' && Number.isInteger(value) ? 0 : m.digits);
  const text = (value / m.scale).toFixed(d);
  return m.unit ? `${text} ${m.unit}` : text;
}

/** The label with its unit, for column headers and axes: `MACs (M)`, `peak SRAM (KiB)`. */
export function metricHeader(name: string): string {
  const m = metricInfo(name);
  return m.unit ? `${m.label} (${m.unit})` : m.label;
}

/** A value in display units as a number (for plot axes and CSV columns in display units). */
export function inDisplayUnit(name: string, value: number): number {
  return value / metricInfo(name).scale;
}
