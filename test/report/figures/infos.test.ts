/**
 * The figures' Info functions (plain data) against hand counts from the fixture runs' records
 * (hand-run.ts), and what each figure draws from its Info: the proposal indices as customdata,
 * the rejections axis over the run's proposals and its empty case, the layer-costs limit line at
 * the limit (not the peak) with the peak as its own marker.
 */
import { describe, expect, it } from 'vitest';
import { estimateCosts } from '../../../lib/cost/estimate.js';
import {
  hypervolumeOverRunFigure,
  hypervolumeOverRunInfo,
  layerCostsFigure,
  layerCostsInfo,
  paretoScatter3dFigure,
  paretoScatter3dInfo,
  paretoScatterFigure,
  paretoScatterInfo,
  rejectionsOverRunFigure,
  rejectionsOverRunInfo,
} from '../../../lib/report/figures.js';
import { REFERENCE_DIR, referenceModels } from '../../../lib/report/reference.js';
import { resolveSpace } from '../../../lib/space/builtin.js';
import { loadModelFile } from '../../../lib/space/formats.js';
import { fixtureRuns, KiB } from './hand-run.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { loadRun } from '../../../lib/report/campaign-report.js';
import { evaluation, proposal, writeRun } from '../run-records.js';

const { hand, clean } = fixtureRuns();
type Trace = Record<string, unknown>;
const trace = (f: { data: Record<string, unknown>[] }, name: string) => f.data.find((t) => t.name === name) as Trace;

describe('paretoScatterInfo', () => {
  it('points in display units, feasibility and the run front by hand', () => {
    const info = paretoScatterInfo(hand.state, 'macs', 'accuracy');
    expect(info.points.map((p) => [p.index, p.x, p.y, p.feasible, p.onFront])).toEqual([
      [0, 100, 60, true, true],
      [2, 150, 50, true, false],
      [3, 200, 70, true, true],
      [5, 120, 80, false, false], // 310 KiB > 300 KiB limit
      [6, 80, 40, true, true],
    ]);
    expect(info.front.map((p) => p.index)).toEqual([6, 0, 3]);
    expect(info.x).toEqual({ metric: 'macs', title: 'MACs (M)', scale: 1e6, direction: 'min', nonNegative: true });
    expect(info.joined).toBe(true);
    expect(info.rejected).toEqual([]);
  });

  it('rejected-for-a-limit proposals from their details; customdata carries the proposal index', () => {
    const info = paretoScatterInfo(hand.state, 'macs', 'peakSramBytes', { records: hand.records });
    // #1 (sram) carries macs and peakSramBytes; #4 (macs) and #7 (sram) carry one of the two only.
    expect(info.rejected).toEqual([{ index: 1, reason: 'sram', x: 90, y: 400 }]);
    expect(info.joined).toBe(false);
    const f = paretoScatterFigure(info);
    expect(trace(f, 'evaluated').customdata).toEqual([0, 2, 3, 6]);
    expect(trace(f, 'infeasible (limits)').customdata).toEqual([5]);
    expect(trace(f, 'rejected (limits)').customdata).toEqual([1]);
    expect(trace(f, 'Pareto front').customdata).toEqual([6, 0, 3]);
  });
});

describe('paretoScatter3dInfo', () => {
  it('front in the three metrics by hand; customdata the proposal indices', () => {
    // accuracy max, macs min, params min over the feasible #0, #2, #3, #6: #2 (50, 150, 0.3) is
    // dominated by #0 (60, 100, 0.2); the others each win somewhere.
    const info = paretoScatter3dInfo(hand.state, ['accuracy', 'macs', 'params'], { front: 'metrics' });
    expect(info.points.filter((p) => p.onFront).map((p) => p.index)).toEqual([0, 3, 6]);
    expect(info.points.find((p) => p.index === 5)?.values).toEqual([80, 120, 0.4]);
    expect(info.axes.map((a) => a.direction)).toEqual(['max', 'min', 'min']);
    const f = paretoScatter3dFigure(info);
    expect(trace(f, 'Pareto front').customdata).toEqual([0, 3, 6]);
    expect(trace(f, 'dominated').customdata).toEqual([2, 5]);
  });
});

describe('rejectionsOverRunInfo', () => {
  it('counts by reason and in total equal a count over the records; x spans the proposals', () => {
    const info = rejectionsOverRunInfo(hand.records);
    const rejections = hand.records.filter((r) => r.type === 'rejection');
    expect(info.total).toBe(rejections.length);
    expect(info.total).toBe(3);
    expect(info.byReason).toEqual({ macs: 1, sram: 2 });
    expect(info.proposals).toBe(hand.records.filter((r) => r.type === 'proposal').length);
    const f = rejectionsOverRunFigure(info);
    expect((f.layout.xaxis as { range: number[] }).range).toEqual([0, 7]);
    expect((f.layout.title as { text: string }).text).toBe('Rejections over the run: 3 of 8 proposals (macs 1, sram 2)');
    expect(f.data.map((t) => (t.y as number[]).at(-1))).toEqual([1, 2]);
  });

  it('a run without rejections: total 0, the figure says so over the run\'s proposals (never -1..6)', () => {
    const info = rejectionsOverRunInfo(clean.records);
    expect(info).toEqual({ proposals: 5, proposal: [0, 1, 2, 3, 4], cumulative: {}, byReason: {}, total: 0 });
    const f = rejectionsOverRunFigure(info);
    expect((f.layout.xaxis as { range: number[] }).range).toEqual([0, 4]);
    expect((f.layout.yaxis as { range: number[] }).range).toEqual([0, 1]);
    expect((f.layout.title as { text: string }).text).toContain('none');
    expect((f.layout.annotations as { text: string }[])[0]?.text).toBe('No proposal was rejected (5 proposals)');
    expect(f.data).toHaveLength(1);
    expect(f.data[0]?.y).toEqual([0, 0, 0, 0, 0]);
  });

  it('no proposals at all: an axis from 0 to 1', () => {
    const f = rejectionsOverRunFigure(rejectionsOverRunInfo([]));
    expect((f.layout.xaxis as { range: number[] }).range).toEqual([0, 1]);
  });
});

describe('hypervolumeOverRunFigure', () => {
  it('x from 0 to the last evaluated proposal, units on both y axes', () => {
    const info = hypervolumeOverRunInfo(hand.records);
    expect(info.proposal).toEqual([0, 2, 3, 5, 6]);
    const f = hypervolumeOverRunFigure(info);
    expect((f.layout.xaxis as { range: number[] }).range).toEqual([0, 6]);
    expect((f.layout.yaxis2 as { title: { text: string } }).title.text).toBe('front size (candidates)');
    expect(trace(f, 'front size').customdata).toEqual([0, 2, 3, 5, 6]);
  });
});

describe('layerCostsInfo', () => {
  const model = referenceModels().find((r) => r.id === 'LMaNet-Core')!;
  const { graph } = loadModelFile(`${REFERENCE_DIR}${model.file}`, { format: model.format, resolution: model.resolution, classes: model.classes, space: resolveSpace(), name: model.id });
  const cost = estimateCosts(graph, { model: 'mcunet' });

  it('the conv and linear layers, their MACs summing to the estimator total, the peak by name', () => {
    const info = layerCostsInfo(cost, { sramLimitBytes: 320 * KiB, flashLimitBytes: 1024 * KiB });
    const compute = cost.layers.filter((l) => l.op === 'Conv' || l.op === 'Gemm');
    expect(info.layers.map((l) => l.node)).toEqual(compute.map((l) => l.node));
    expect(info.layers.reduce((s, l) => s + l.macs, 0)).toBe(cost.macs);
    // LMaNet-Core's peak under the mcunet model is 300 KiB (Fig. 5's computed bar).
    expect(info.peak).toEqual({ node: cost.peakAt, sramBytes: 300 * KiB, drawn: true });
    expect(info.kinds).toEqual(['depthwise conv', 'pointwise conv', 'linear']);
    expect(info.layers.filter((l) => l.kind === 'pointwise conv')).toHaveLength(17);
    expect(info.title).toContain('peak SRAM 300 KiB of 320 KiB (mcunet model)');
    expect(info.title).toContain(' of 1024 KiB');
  });

  it('the dashed line is the SRAM limit, labelled; the peak is its own marker; units on every axis; labels not cut', () => {
    const f = layerCostsFigure(layerCostsInfo(cost, { sramLimitBytes: 320 * KiB }));
    const shapes = f.layout.shapes as { y0: number; y1: number; yref: string; line: { dash: string } }[];
    expect(shapes).toHaveLength(1);
    expect(shapes[0]).toMatchObject({ y0: 320, y1: 320, yref: 'y2', line: { dash: 'dash' } });
    const notes = f.layout.annotations as { text: string; y: number }[];
    expect(notes.map((a) => [a.text, a.y])).toEqual([['SRAM limit 320 KiB', 320], ['peak 300 KiB', 300]]);
    const star = trace(f, 'peak SRAM 300 KiB');
    expect([star.x, star.y]).toEqual([[cost.peakAt], [300]]);
    expect((f.layout.yaxis2 as { range: number[] }).range[1]).toBeGreaterThan(320);
    for (const axis of ['yaxis', 'xaxis2', 'yaxis2']) expect((f.layout[axis] as { title: { text: string } }).title.text).toMatch(/\(.+\)/);
    expect((f.layout.xaxis2 as { automargin: boolean }).automargin).toBe(true);
    expect((f.layout.margin as { l: number }).l).toBeGreaterThanOrEqual(80);
    // Without a limit nothing dashed is drawn: the peak is never mistaken for a limit.
    expect(layerCostsFigure(layerCostsInfo(cost)).layout.shapes).toEqual([]);
  });
});

describe('axes of metrics that cannot be negative', () => {
  // One evaluated point: plotly's autorange would draw params from -0.5 around 0.2 M. `score` is an
  // evaluator's own metric with a negative value, so its axis keeps plotly's range; `loss`, its own
  // metric with only positive values, is clamped by its values' sign.
  const dir = writeRun(mkdtempSync(`${tmpdir()}/figures-one-`), 'one', { objectives: [{ name: 'score', direction: 'max' }, { name: 'params', direction: 'min' }, { name: 'loss', direction: 'min' }] }, [
    proposal(0),
    evaluation(0, { score: -3, params: 0.2e6, loss: 0.5, macs: 10e6 }),
  ]);
  const state = loadRun(dir);

  it('2-D: params (the metrics table: a resource with a limit) and a positive own metric start at 0 or above; a negative own metric does not', () => {
    const info = paretoScatterInfo(state, 'params', 'score');
    expect([info.x.nonNegative, info.y.nonNegative]).toEqual([true, false]);
    const f = paretoScatterFigure(info);
    expect((f.layout.xaxis as Trace).rangemode).toBe('nonnegative');
    expect((f.layout.yaxis as Trace).rangemode).toBeUndefined();
    expect(paretoScatterInfo(state, 'macs', 'loss').y.nonNegative).toBe(true);
  });

  it('3-D: the same per scene axis', () => {
    const info = paretoScatter3dInfo(state, ['score', 'params', 'loss']);
    expect(info.axes.map((a) => a.nonNegative)).toEqual([false, true, true]);
    const scene = paretoScatter3dFigure(info).layout.scene as Record<string, Trace>;
    expect(['xaxis', 'yaxis', 'zaxis'].map((k) => scene[k]!.rangemode)).toEqual([undefined, 'nonnegative', 'nonnegative']);
  });
});
