/** LAMDA: measured latency of each generated model against its target (log-log), per base model, with y = x and the ±30 % band. */
import type { ModelEvaluation } from '../../lamda/evaluate.js';
import { SUCCESS_APE } from '../../lamda/loop.js';
import { scatterFigure } from './basic.js';
import type { Figure } from './figure.js';

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
