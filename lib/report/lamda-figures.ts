/** LAMDA's figures as plotly specs: generated latency against the target, and Fig. 8's APE with and without verification. */
import type { ModelEvaluation } from '../lamda/evaluate.js';
import type { SlicingRow, VerificationRow } from '../lamda/ablate.js';
import { SUCCESS_APE } from '../lamda/loop.js';
import type { Figure } from './figures.js';
import { scatterFigure } from './figures.js';

/** Measured latency of each generated model against its target, per base model, with y = x and the ±30% band. */
export function targetVsMeasuredFigure(evaluations: readonly ModelEvaluation[]): Figure {
  const done = evaluations.flatMap((e) => e.results.filter((r) => r.final?.measuredMs !== undefined));
  const targets = done.map((r) => r.targetMs);
  const lo = Math.min(...targets) * 0.8;
  const hi = Math.max(...targets) * 1.25;
  const line = (name: string, k: number) => ({ name, x: [lo, hi], y: [lo * k, hi * k], line: true });
  const fig = scatterFigure(
    [
      ...evaluations.map((e) => {
        const rs = e.results.filter((r) => r.final?.measuredMs !== undefined);
        return { name: e.model, x: rs.map((r) => r.targetMs), y: rs.map((r) => r.final?.measuredMs as number), text: rs.map((r) => `${r.rounds.length} rounds, APE ${(100 * (r.final?.ape as number)).toFixed(1)}%`) };
      }),
      line('target', 1),
      line(`+${SUCCESS_APE * 100}%`, 1 + SUCCESS_APE),
      line(`-${SUCCESS_APE * 100}%`, 1 - SUCCESS_APE),
    ],
    { title: 'Generated models: measured latency against the target', xTitle: 'target latency (ms)', yTitle: 'measured latency (ms)', logX: true },
  );
  (fig.layout.yaxis as Record<string, unknown>).type = 'log';
  for (const trace of fig.data.slice(-3)) trace.line = { dash: 'dot', width: 1 };
  return fig;
}

/** Fig. 8: APE with and without latency verification, per target. */
export function verificationFigure(rows: readonly VerificationRow[], model: string): Figure {
  const x = rows.map((r) => `${r.targetMs.toFixed(2)} ms`);
  return {
    data: [
      { type: 'bar', name: 'with verification', x, y: rows.map((r) => r.with.ape) },
      { type: 'bar', name: 'without verification', x, y: rows.map((r) => r.without.ape) },
    ],
    layout: { title: { text: `Latency error (APE) with and without latency verification, ${model}` }, barmode: 'group', xaxis: { title: { text: 'latency target' } }, yaxis: { title: { text: 'APE' } }, width: 720, height: 400 },
  };
}

/** Fig. 4: latency error against the number of cut edges, one point per base model and slicing strategy. */
export function cutEdgesFigure(rows: readonly SlicingRow[]): Figure {
  const models = [...new Set(rows.map((r) => r.model))];
  return scatterFigure(
    models.map((m) => {
      const mine = rows.filter((r) => r.model === m);
      return { name: m, x: mine.map((r) => r.cutEdges), y: mine.map((r) => r.mapePct), text: mine.map((r) => `${r.strategy}: ${r.slices} slices`) };
    }),
    { title: 'Latency error against cut edges (LAMDA Fig. 4)', xTitle: 'cut edges', yTitle: 'latency error (MAPE %)' },
  );
}
