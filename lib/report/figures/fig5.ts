/**
 * Fig. 5 of the paper: peak SRAM (KiB) of each model against the 320 KiB limit, each bar labelled
 * with its factor relative to the smallest. The data are bars ({@link Fig5Bar}: printed, or
 * computed from the shipped reference models by {@link referenceFig5Bars}).
 */
import { InputError } from '../../errors.js';
import { referenceRows } from '../reference.js';
import type { Figure } from './figure.js';
import { color, LIMIT_COLOR } from './style.js';

export interface Fig5Bar {
  name: string;
  peakSramKiB: number;
}

/** Fig. 5 as printed: peak SRAM (KB, i.e. KiB) of each model, read from the text of Section IV-B.2. */
export const FIG5_PAPER_BARS: readonly Fig5Bar[] = [
  { name: 'LMaNet-Elite', peakSramKiB: 165 },
  { name: 'XiNet-Class', peakSramKiB: 204 },
  { name: 'LMaNet-Core', peakSramKiB: 215 },
  { name: 'QwNet-Core', peakSramKiB: 227 },
  { name: 'MCUNet-in3', peakSramKiB: 293 },
  { name: 'MCUNet-in4', peakSramKiB: 456 },
];

/** Each bar's factor relative to the smallest, as Fig. 5 labels them: `1.30x` (two decimals). */
export function sramFactors(bars: readonly Fig5Bar[]): string[] {
  const smallest = Math.min(...bars.map((b) => b.peakSramKiB));
  return bars.map((b) => `${(b.peakSramKiB / smallest).toFixed(2)}x`);
}

function fig5Trace(name: string, bars: readonly Fig5Bar[], limitKiB: number, color: string): Record<string, unknown> {
  return {
    type: 'bar',
    name,
    x: bars.map((b) => b.name),
    y: bars.map((b) => b.peakSramKiB),
    text: sramFactors(bars),
    textposition: 'outside',
    marker: { color: bars.map((b) => (b.peakSramKiB > limitKiB ? '#ef553b' : color)) },
    hovertemplate: '%{x}: %{y:.1f} KiB (%{text})<extra>' + name + '</extra>',
  };
}

/**
 * Fig. 5: one bar per model (peak SRAM, KiB), labelled with its factor relative to the smallest
 * (`1.30x`), bars over the limit in red, and the limit as a dashed purple line with its label.
 * `compare` adds a second series (e.g. the printed figures), grouped, with its own factors.
 */
export function fig5(bars: readonly Fig5Bar[], limitKiB = 320, options: { name?: string; compare?: { name: string; bars: readonly Fig5Bar[] }; title?: string } = {}): Figure {
  if (bars.length === 0) throw new InputError('bars', bars, 'one or more { name, peakSramKiB } bars');
  const data = [fig5Trace(options.name ?? 'peak SRAM', bars, limitKiB, color(0))];
  if (options.compare) data.push(fig5Trace(options.compare.name, options.compare.bars, limitKiB, color(3)));
  return {
    data,
    layout: {
      title: { text: options.title ?? `Peak SRAM against the ${limitKiB} KiB limit (factors relative to the smallest)` },
      xaxis: { title: { text: 'Model' } },
      yaxis: { title: { text: 'Peak SRAM (KiB)' } },
      barmode: 'group',
      showlegend: data.length > 1,
      shapes: [{ type: 'line', xref: 'paper', x0: 0, x1: 1, y0: limitKiB, y1: limitKiB, line: { dash: 'dash', color: LIMIT_COLOR, width: 2 } }],
      annotations: [{ xref: 'paper', x: 1, y: limitKiB, text: `${limitKiB} KiB limit`, showarrow: false, xanchor: 'right', yanchor: 'bottom', font: { color: LIMIT_COLOR } }],
      width: 760,
      height: 440,
    },
  };
}

/** The computed Fig. 5 bars of the shipped reference models (peak SRAM under the mcunet model, KiB). */
export function referenceFig5Bars(models?: readonly string[]): Fig5Bar[] {
  const rows = referenceRows().filter((r) => !models || models.includes(r.model));
  return rows.map((r) => ({ name: r.model, peakSramKiB: r.peakSramMcunetBytes / 1024 }));
}

/**
 * Fig. 5 from the shipped reference models, computed (mcunet model); with `printed` (default
 * true) the paper's printed SRAM (FIG5_PAPER_BARS) as a second series.
 */
export function referenceFig5(options: { printed?: boolean; models?: readonly string[]; limitKiB?: number } = {}): Figure {
  return fig5(referenceFig5Bars(options.models), options.limitKiB ?? 320, {
    name: 'computed (mcunet model)',
    ...(options.printed ?? true ? { compare: { name: 'printed (paper, Fig. 5)', bars: FIG5_PAPER_BARS } } : {}),
    title: 'Peak SRAM of the reference models: computed and printed',
  });
}
