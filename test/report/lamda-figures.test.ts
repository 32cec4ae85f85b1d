import { describe, expect, it } from 'vitest';
import type { SlicingRow, VerificationRow } from '../../lib/lamda/ablate.js';
import { summarize } from '../../lib/lamda/evaluate.js';
import type { LoopResult } from '../../lib/lamda/loop.js';
import { cutEdgesFigure, targetVsMeasuredFigure, verificationFigure } from '../../lib/report/figures.js';

const run = (targetMs: number, measuredMs: number | undefined): LoopResult =>
  ({
    generator: 'g',
    base: { name: 'm', predictedMs: 10 },
    targetMs,
    rounds: [],
    ...(measuredMs === undefined ? {} : { final: { text: '', graph: {} as never, predictedMs: targetMs, measuredMs, ape: Math.abs(measuredMs - targetMs) / targetMs, macs: 1, params: 1 } }),
    met: true,
    success: measuredMs !== undefined && Math.abs(measuredMs - targetMs) / targetMs <= 0.3,
    generationMs: 1000,
    durationMs: 1000,
  }) as LoopResult;

describe('LAMDA summaries and figures', () => {
  it('summarize: MAE, MAPE and success by hand over three runs, one without a model', () => {
    // |4.4-4| = 0.4 (10%), |1.5-2| = 0.5 (25%), no model for the third.
    const e = summarize('m', 'g', 10, 9, [4, 2, 1], [run(4, 4.4), run(2, 1.5), run(1, undefined)]);
    expect(e.mae).toBeCloseTo(0.45, 12);
    expect(e.mapePct).toBeCloseTo(17.5, 12);
    expect(e.meanRequiredMs).toBeCloseTo(7 / 3, 12);
    expect(e.meanGeneratedMs).toBeCloseTo(2.95, 12);
    expect(e.successPct).toBeCloseTo(200 / 3, 12);
    expect(e.failures).toBe(1);
    expect(e.meanGenerationS).toBe(1);
  });

  it('target-vs-measured: one series per model with the measured points, then y = x and the ±30% lines', () => {
    const e = summarize('m', 'g', 10, 9, [4, 2], [run(4, 4.4), run(2, 1.5)]);
    const fig = targetVsMeasuredFigure([e]);
    expect(fig.data.map((d) => d.name)).toEqual(['m', 'target', '+30%', '-30%']);
    expect([fig.data[0]?.x, fig.data[0]?.y]).toEqual([[4, 2], [4.4, 1.5]]);
    expect(fig.data[2]?.y).toEqual([1.6 * 1.3, 5 * 1.3]);
  });

  it('Fig. 8 bars and Fig. 4 points carry the rows\' values', () => {
    const rows: VerificationRow[] = [{ targetMs: 1, with: { measuredMs: 1.1, ape: 0.1, rounds: 3 }, without: { measuredMs: 2, ape: 1, rounds: 1 } }];
    const fig = verificationFigure(rows, 'm');
    expect(fig.data.map((d) => d.y)).toEqual([[0.1], [1]]);
    const slicing: SlicingRow[] = [
      { model: 'a', strategy: 'naive', slices: 4, cutEdges: 12, severedEdges: 12, meanTokens: 1, maxTokens: 2, mapePct: 7, successPct: 100 },
      { model: 'a', strategy: 'dp', slices: 4, cutEdges: 6, severedEdges: 6, meanTokens: 1, maxTokens: 2, mapePct: 5, successPct: 100 },
    ];
    expect([cutEdgesFigure(slicing).data[0]?.x, cutEdgesFigure(slicing).data[0]?.y]).toEqual([[12, 6], [7, 5]]);
  });
});
