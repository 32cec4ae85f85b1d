/**
 * Per-layer costs of one network: {@link layerCostsInfo} picks the conv and linear layers (the ops
 * of SRAM role 'compute', the only ones with MACs) of a cost report in execution order, with their
 * MACs, the bytes the SRAM model charges at their step, their kind, the peak and the run's limits;
 * {@link layerCostsFigure} draws MACs (M) above and SRAM at each step (KiB) below, the SRAM limit as
 * a dashed line labelled "SRAM limit 320 KiB" and the peak as its own marker.
 */
import type { CostReport } from '../../cost/estimate.js';
import { OPS } from '../../graph/ops/index.js';
import { formatMetric, inDisplayUnit, metricHeader, metricInfo } from '../../metrics.js';
import type { Figure } from './figure.js';
import { color, LIMIT_COLOR } from './style.js';

/** The layer kinds in the order they are stacked and listed. */
export const LAYER_KINDS = ['conv', 'depthwise conv', 'pointwise conv', 'linear'] as const;

export interface LayerCostRow {
  /** Node name (unique in the graph). */
  node: string;
  block: string;
  op: string;
  kind: (typeof LAYER_KINDS)[number];
  macs: number;
  /** Bytes the SRAM model charges at this layer's step. */
  sramBytes: number;
  /** NCHW (or NC) shapes. */
  inputShape: number[];
  outputShape: number[];
}

export interface LayerCostsInfo {
  graph: string;
  sramModel: string;
  /** The whole network's MACs, flash bytes and peak SRAM bytes (every layer, not only the drawn ones). */
  macs: number;
  flashBytes: number;
  peakSramBytes: number;
  /** The node whose step sets the peak and its bytes; `drawn` when it is one of `layers`. */
  peak: { node: string; sramBytes: number; drawn: boolean };
  /** The conv and linear layers in execution order. */
  layers: LayerCostRow[];
  /** The kinds that occur, in LAYER_KINDS order. */
  kinds: LayerCostRow['kind'][];
  /** The limits drawn (bytes); null when not given. */
  sramLimitBytes: number | null;
  flashLimitBytes: number | null;
  title: string;
}

/**
 * The kind of a MAC-carrying layer, read off its costs (a cost row has no group or kernel): a
 * Conv does (cin / group) × k × k MACs per output element, so that ratio equals cin for a
 * pointwise conv and is a square k × k (k <= 11) for a depthwise one (cin = cout); costs alone
 * cannot tell the rare ambiguous shapes apart (a 3 × 3 depthwise conv on 9 channels reads as
 * pointwise).
 */
function layerKind(l: CostReport['layers'][number]): LayerCostRow['kind'] {
  if (OPS[l.op].family === 'matmul') return 'linear';
  const cin = l.inputShape[1] ?? 0;
  const cout = l.outputShape[1] ?? 0;
  const elements = l.outputShape.slice(1).reduce((p, d) => p * d, 1);
  const perOutput = elements > 0 ? l.macs / elements : 0;
  if (perOutput === cin) return 'pointwise conv';
  const k = Math.sqrt(perOutput);
  if (cin === cout && Number.isInteger(k) && k <= 11) return 'depthwise conv';
  return 'conv';
}

/** Bytes as KiB for a label, without a trailing .0: `320 KiB`, `215.3 KiB`. */
const kib = (bytes: number): string => `${Number((bytes / 1024).toFixed(1))} ${metricInfo('peakSramBytes').unit}`;

/** The data of {@link layerCostsFigure}; `sramLimitBytes`/`flashLimitBytes` are the run's limits (e.g. 320 × 1024), drawn and named when given. */
export function layerCostsInfo(cost: CostReport, options: { sramLimitBytes?: number; flashLimitBytes?: number; title?: string } = {}): LayerCostsInfo {
  const layers = cost.layers
    .filter((l) => OPS[l.op].sram === 'compute')
    .map((l): LayerCostRow => ({ node: l.node, block: l.block, op: l.op, kind: layerKind(l), macs: l.macs, sramBytes: l.sramBytes, inputShape: [...l.inputShape], outputShape: [...l.outputShape] }));
  const kinds = LAYER_KINDS.filter((k) => layers.some((l) => l.kind === k));
  const peakRow = cost.layers.find((l) => l.node === cost.peakAt);
  const peak = { node: cost.peakAt, sramBytes: peakRow?.sramBytes ?? cost.peakSramBytes, drawn: layers.some((l) => l.node === cost.peakAt) };
  const sramLimitBytes = options.sramLimitBytes ?? null;
  const flashLimitBytes = options.flashLimitBytes ?? null;
  const sram = `peak SRAM ${kib(cost.peakSramBytes)}${sramLimitBytes !== null ? ` of ${kib(sramLimitBytes)}` : ''} (${cost.sramModel} model)`;
  const flash = `flash ${kib(cost.flashBytes)}${flashLimitBytes !== null ? ` of ${kib(flashLimitBytes)}` : ''}`;
  const title = options.title ?? `${cost.graph}: ${formatMetric('macs', cost.macs, 2)} MACs, ${sram}, ${flash}`;
  return { graph: cost.graph, sramModel: cost.sramModel, macs: cost.macs, flashBytes: cost.flashBytes, peakSramBytes: cost.peakSramBytes, peak, layers, kinds, sramLimitBytes, flashLimitBytes, title };
}

/**
 * Two subplots sharing the layer axis (node names, execution order): MACs (M) stacked by layer kind
 * above, SRAM at each step (KiB) below, the SRAM limit as a dashed purple line with its label and
 * the peak as a red star with its value. Margins grow to fit the rotated layer names.
 */
export function layerCostsFigure(info: LayerCostsInfo): Figure {
  const names = info.layers.map((l) => l.node);
  const data: Record<string, unknown>[] = [];
  info.kinds.forEach((kind, c) => {
    const mine = info.layers.filter((l) => l.kind === kind);
    const x = mine.map((l) => l.node);
    const text = mine.map((l) => `${l.block}: ${l.op} ${l.inputShape.slice(1).join('×')} → ${l.outputShape.slice(1).join('×')}`);
    data.push({ type: 'bar', name: kind, legendgroup: kind, x, y: mine.map((l) => inDisplayUnit('macs', l.macs)), text, textposition: 'none', hovertemplate: '%{x}: %{y:.3f} M MACs<br>%{text}<extra>%{fullData.name}</extra>', marker: { color: color(c) }, xaxis: 'x', yaxis: 'y' });
    data.push({ type: 'bar', name: kind, legendgroup: kind, showlegend: false, x, y: mine.map((l) => inDisplayUnit('peakSramBytes', l.sramBytes)), text, textposition: 'none', hovertemplate: '%{x}: %{y:.1f} KiB SRAM<br>%{text}<extra>%{fullData.name}</extra>', marker: { color: color(c) }, xaxis: 'x2', yaxis: 'y2' });
  });
  const peakKiB = inDisplayUnit('peakSramBytes', info.peak.sramBytes);
  if (info.peak.drawn) {
    data.push({ type: 'scatter', mode: 'markers', name: `peak SRAM ${kib(info.peak.sramBytes)}`, x: [info.peak.node], y: [peakKiB], marker: { symbol: 'star', size: 14, color: '#d62728', line: { width: 1, color: 'white' } }, hovertemplate: `peak SRAM ${kib(info.peak.sramBytes)} at %{x}<extra></extra>`, xaxis: 'x2', yaxis: 'y2' });
  }
  const shapes: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  if (info.sramLimitBytes !== null) {
    const y = inDisplayUnit('peakSramBytes', info.sramLimitBytes);
    shapes.push({ type: 'line', xref: 'paper', x0: 0, x1: 1, yref: 'y2', y0: y, y1: y, line: { dash: 'dash', color: LIMIT_COLOR, width: 2 } });
    annotations.push({ xref: 'paper', x: 1, yref: 'y2', y, text: `SRAM limit ${kib(info.sramLimitBytes)}`, showarrow: false, xanchor: 'right', yanchor: 'bottom', font: { color: LIMIT_COLOR } });
  }
  if (info.peak.drawn) {
    annotations.push({ xref: 'x2', yref: 'y2', x: info.peak.node, y: peakKiB, text: `peak ${kib(info.peak.sramBytes)}`, showarrow: true, arrowhead: 2, ax: 40, ay: -30, font: { color: '#d62728' } });
  }
  // The SRAM axis always shows the limit and the peak with room for their labels.
  const sramTop = Math.max(peakKiB, info.sramLimitBytes === null ? 0 : inDisplayUnit('peakSramBytes', info.sramLimitBytes)) * 1.15 || 1;
  return {
    data,
    layout: {
      title: { text: info.title, font: { size: 14 } },
      barmode: 'stack',
      xaxis: { categoryorder: 'array', categoryarray: names, showticklabels: false, matches: 'x2', anchor: 'y', automargin: true },
      yaxis: { title: { text: metricHeader('macs') }, domain: [0.58, 1], rangemode: 'tozero', automargin: true },
      xaxis2: { title: { text: 'layer (node name, execution order)' }, categoryorder: 'array', categoryarray: names, tickangle: -60, anchor: 'y2', automargin: true },
      yaxis2: { title: { text: `SRAM at step (${metricInfo('peakSramBytes').unit})` }, domain: [0, 0.45], range: [0, sramTop], automargin: true },
      shapes,
      annotations,
      legend: { orientation: 'h', x: 0, y: 1.08 },
      margin: { l: 90, r: 40, t: 90, b: 40 },
      width: 900,
      height: 640,
    },
  };
}

/** Layer costs in one call: `layerCostsFigure(layerCostsInfo(cost, options))` (the name notebooks and lib/index.ts use). */
export function layerBreakdown(cost: CostReport, options: { sramLimitBytes?: number; flashLimitBytes?: number; title?: string } = {}): Figure {
  return layerCostsFigure(layerCostsInfo(cost, options));
}
