import { describe, expect, it } from 'vitest';
import { estimateCosts } from '../../lib/cost/estimate.js';
import { InputError } from '../../lib/errors.js';
import {
  FIG5_PAPER_BARS,
  fig1,
  fig1PaperPoints,
  fig5,
  frontPoints,
  hypervolumeOverRun,
  hypervolumeSeries,
  layerBreakdown,
  metricAxis,
  paretoScatter2d,
  paretoScatter3d,
  referenceFig5,
  referenceFig5Bars,
  rejectionSeries,
  rejectionsOverRun,
  sramFactors,
} from '../../lib/report/figures.js';
import { REFERENCE_DIR, referenceModels } from '../../lib/report/reference.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import { loadModelFile } from '../../lib/space/formats.js';
import { fixtureRuns, KiB } from './figures/hand-run.js';

// The hand-made run of ./figures/hand-run.ts (its header lists every proposal and what the figures must show).
const { hand } = fixtureRuns();
const { dir, state, records } = hand;

type Trace = Record<string, unknown> & { name?: string; x?: unknown[]; y?: unknown[]; marker?: Record<string, unknown> };
const trace = (f: { data: Record<string, unknown>[] }, name: string) => f.data.find((t) => t.name === name) as Trace;

describe('fig1', () => {
  it('one trace per family, marker area proportional to parameters, unknown size a triangle', () => {
    const f = fig1(fig1PaperPoints());
    expect(f.data.map((t) => t.name)).toEqual(['MCUNet', 'XiNet', 'Ours (paper)']);
    const mcunet = trace(f, 'MCUNet');
    expect(mcunet.x).toEqual([134, 72]);
    expect(mcunet.y).toEqual([72.86, 69.62]);
    const sizes = mcunet.marker?.size as number[];
    expect(sizes[0]).toBeCloseTo(44, 12); // the largest model (1.73 M)
    expect(sizes[1]).toBeCloseTo(44 * Math.sqrt(0.74 / 1.73), 12);
    expect(trace(f, 'XiNet').marker?.symbol).toEqual(['triangle-up']);
    const ours = trace(f, 'Ours (paper)');
    expect(ours.text).toEqual(['LMaNet-Core', 'QwNet-Core', 'LMaNet-Elite']);
    // Sizes increase with params over every point with a known count.
    const all = f.data.flatMap((t) => (t.customdata as (number | null)[]).map((p, i) => ({ p, s: ((t.marker as Record<string, unknown>).size as number[])[i] as number })));
    const known = all.filter((a) => a.p !== null).sort((a, b) => (a.p as number) - (b.p as number));
    for (let i = 1; i < known.length; i++) expect(known[i]!.s).toBeGreaterThan(known[i - 1]!.s);
    expect(f.layout.xaxis).toEqual({ title: { text: 'MACs (M)' } });
  });

  it('points from a run front, beside the paper', () => {
    const points = frontPoints(state, 'Ours (run)');
    expect(points).toEqual([
      { family: 'Ours (run)', name: '#0', accuracy: 60, macs: 100e6, params: 0.2e6 },
      { family: 'Ours (run)', name: '#3', accuracy: 70, macs: 200e6, params: 0.1e6 },
      { family: 'Ours (run)', name: '#6', accuracy: 40, macs: 80e6, params: 0.5e6 },
    ]);
    const f = fig1([...fig1PaperPoints(), ...points]);
    expect(f.data).toHaveLength(4);
    const run = trace(f, 'Ours (run)');
    const sizes = run.marker?.size as number[];
    expect(sizes[1]!).toBeLessThan(sizes[0]!);
    expect(sizes[0]!).toBeLessThan(sizes[2]!);
  });
});

describe('fig5', () => {
  it('factors relative to the smallest bar and the dashed 320 KiB line', () => {
    const f = fig5(FIG5_PAPER_BARS);
    const bars = f.data[0] as Trace;
    expect(bars.type).toBe('bar');
    expect(bars.x).toEqual(['LMaNet-Elite', 'XiNet-Class', 'LMaNet-Core', 'QwNet-Core', 'MCUNet-in3', 'MCUNet-in4']);
    expect(bars.y).toEqual([165, 204, 215, 227, 293, 456]);
    expect(bars.text).toEqual(['1.00x', '1.24x', '1.30x', '1.38x', '1.78x', '2.76x']);
    // Only MCUNet-in4 is over the limit.
    const colors = bars.marker?.color as string[];
    expect(colors.filter((c) => c === colors[5])).toHaveLength(1);
    const shapes = f.layout.shapes as { y0: number; y1: number; line: { dash: string } }[];
    expect(shapes[0]).toMatchObject({ y0: 320, y1: 320, line: { dash: 'dash' } });
    expect(sramFactors([{ name: 'a', peakSramKiB: 200 }, { name: 'b', peakSramKiB: 100 }])).toEqual(['2.00x', '1.00x']);
    expect(() => fig5([])).toThrow(InputError);
  });

  it('another limit', () => {
    const f = fig5([{ name: 'a', peakSramKiB: 100 }], 256);
    expect((f.layout.shapes as { y0: number }[])[0]?.y0).toBe(256);
  });

  it('referenceFig5: computed (mcunet model) beside the printed figures', () => {
    expect(referenceFig5Bars()).toEqual([
      { name: 'mcunet-in2', peakSramKiB: 325 },
      { name: 'proxyless-w0.3', peakSramKiB: 242 },
      { name: 'mbv2-w0.35', peakSramKiB: 303.75 },
      { name: 'mcunet-in0', peakSramKiB: 45 },
      { name: 'LMaNet-Core', peakSramKiB: 300 },
      { name: 'LMaNet-Elite', peakSramKiB: 200 },
      { name: 'QwNet-Core', peakSramKiB: 400 },
    ]);
    const f = referenceFig5({ models: ['LMaNet-Elite', 'LMaNet-Core', 'QwNet-Core'] });
    expect(f.data).toHaveLength(2);
    expect((f.data[0] as Trace).y).toEqual([300, 200, 400]);
    expect((f.data[0] as Trace).text).toEqual(['1.50x', '1.00x', '2.00x']);
    expect((f.data[1] as Trace).y).toEqual([165, 204, 215, 227, 293, 456]);
    expect(referenceFig5({ printed: false }).data).toHaveLength(1);
  });
});

describe('paretoScatter2d', () => {
  it('dominated faded, infeasible as x, the front joined sorted by x', () => {
    const f = paretoScatter2d(state, 'macs', 'accuracy');
    // the run's front (its objectives are exactly these two): joined by a line, its size in the title
    expect((f.layout.title as { text: string }).text).toBe("ollama:llama3.2:3b: accuracy against MACs (M) (the run's front: 3)");
    expect((f.layout.xaxis as { title: { text: string } }).title.text).toBe('MACs (M) ↓');
    const evaluated = trace(f, 'evaluated');
    expect(evaluated.x).toEqual([100, 150, 200, 80]);
    expect(evaluated.y).toEqual([60, 50, 70, 40]);
    expect(evaluated.marker?.opacity).toEqual([1, 0.3, 1, 1]);
    const infeasible = trace(f, 'infeasible (limits)');
    expect([infeasible.x, infeasible.y, infeasible.marker?.symbol]).toEqual([[120], [80], 'x']);
    const front = trace(f, 'Pareto front');
    expect(front.mode).toBe('lines+markers');
    expect([front.x, front.y, front.text]).toEqual([[80, 100, 200], [40, 60, 70], ['#6', '#0', '#3']]);
    expect(trace(f, 'rejected (SRAM)')).toBeUndefined();
    expect(metricAxis('macs').title).toBe('MACs (M)');
  });

  it('other metrics and rejected-for-a-limit proposals from their details', () => {
    const f = paretoScatter2d(state, 'macs', 'peakSramBytes', { records });
    const rejected = trace(f, 'rejected (limits)');
    // #1 (sram) carries both metrics; #4 (macs) and #7 (sram) carry one only
    expect([rejected.x, rejected.y, rejected.text]).toEqual([[90], [400], ['#1 rejected (sram)']]);
    // By default the run's front, drawn as points: peak SRAM is not one of the run's objectives.
    expect(trace(f, 'Pareto front').x).toEqual([80, 100, 200]);
    expect(trace(f, 'Pareto front').mode).toBe('markers');
    // Recomputed in the plotted two, on request: both minimised, #6 (80 M, 100 KiB) dominates every other feasible point.
    const own = paretoScatter2d(state, 'macs', 'peakSramBytes', { front: 'metrics' });
    expect(trace(own, 'Pareto front').x).toEqual([80]);
    expect((own.layout.title as { text: string }).text).toBe('ollama:llama3.2:3b: peak SRAM (KiB) against MACs (M) (front in these two: 1)');
  });
});

describe('paretoScatter3d', () => {
  it('front highlighted over accuracy, MACs and params', () => {
    const f = paretoScatter3d(state, ['accuracy', 'macs', 'params'], { front: 'metrics' });
    const front = trace(f, 'Pareto front');
    expect(front.type).toBe('scatter3d');
    expect([front.x, front.y, front.z]).toEqual([[60, 70, 40], [100, 200, 80], [0.2, 0.1, 0.5]]);
    const rest = trace(f, 'dominated');
    expect(rest.text).toEqual(['#2', '#5 (infeasible)']);
    expect(rest.marker?.symbol).toEqual(['circle', 'x']);
  });
});

describe('hypervolumeOverRun', () => {
  // Minimisation form (-accuracy, MACs) over every evaluation: ideal (-80, 80 M), nadir (-40, 200 M),
  // ranges 40 and 120 M. Normalised: #0 (0.5, 1/6), #2 (0.75, 7/12), #3 (0.25, 1), #5 (0, 1/3), #6 (1, 0).
  // Reference (1.1, 1.1); only feasible front members count (#5 never enters).
  const hv0 = (1.1 - 0.5) * (1.1 - 1 / 6); // 0.56
  const hv3 = (0.5 - 0.25) * (1.1 - 1) + hv0; // 0.585
  const hv6 = (0.5 - 0.25) * (1.1 - 1) + (1 - 0.5) * (1.1 - 1 / 6) + (1.1 - 1) * 1.1; // 0.601666...

  it('series worked by hand', () => {
    const s = hypervolumeSeries(state);
    expect(s.proposal).toEqual([0, 2, 3, 5, 6]);
    expect(s.frontSize).toEqual([1, 1, 2, 2, 3]);
    const expected = [hv0, hv0, hv3, hv3, hv6];
    s.hypervolume.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 12));
    expect(s.ideal).toEqual([-80, 80e6]);
    expect(s.nadir).toEqual([-40, 200e6]);
    expect(s.reference).toEqual([1.1, 1.1]);
  });

  it('two traces, the front size on a second y axis; records give the same figure', () => {
    const f = hypervolumeOverRun(state);
    expect(f.data).toHaveLength(2);
    expect((f.data[1] as Trace).yaxis).toBe('y2');
    expect((f.data[1] as Trace).y).toEqual([1, 1, 2, 2, 3]);
    expect((f.layout.yaxis2 as { overlaying: string }).overlaying).toBe('y');
    expect(hypervolumeOverRun(records)).toEqual(f);
  });
});

describe('rejectionsOverRun', () => {
  it('cumulative rejections by reason against the proposal index', () => {
    const s = rejectionSeries(records);
    expect(s.proposal).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(s.cumulative).toEqual({ macs: [0, 0, 0, 0, 1, 1, 1, 1], sram: [0, 1, 1, 1, 1, 1, 1, 2] });
    const f = rejectionsOverRun(records);
    expect(f.data.map((t) => t.name)).toEqual(['macs', 'sram']);
    expect(trace(f, 'sram').y).toEqual([0, 1, 1, 1, 1, 1, 1, 2]);
  });
});

describe('layerBreakdown', () => {
  it('MACs of the conv and linear layers sum to the model total; SRAM bars per layer', () => {
    const model = referenceModels().find((r) => r.id === 'LMaNet-Core')!;
    const { graph } = loadModelFile(`${REFERENCE_DIR}${model.file}`, { format: model.format, resolution: model.resolution, classes: model.classes, space: resolveSpace(), name: model.id });
    const cost = estimateCosts(graph, { model: 'mcunet' });
    const f = layerBreakdown(cost);
    const macTraces = f.data.filter((t) => t.yaxis === 'y') as Trace[];
    const sramTraces = f.data.filter((t) => t.yaxis === 'y2') as Trace[];
    const total = macTraces.flatMap((t) => t.y as number[]).reduce((a, b) => a + b, 0);
    expect(total * 1e6).toBeCloseTo(cost.macs, 3);
    expect(total).toBeCloseTo(76.432, 9);
    const layers = cost.layers.filter((l) => l.op === 'Conv' || l.op === 'Gemm');
    expect(macTraces.flatMap((t) => t.x as string[]).sort()).toEqual(layers.map((l) => l.node).sort());
    expect(Math.max(...sramTraces.flatMap((t) => t.y as number[]))).toBeLessThanOrEqual(cost.peakSramBytes / 1024);
    // LMaNet-Core starts with a pointwise expansion of the RGB input: no full conv.
    expect(macTraces.map((t) => [t.name, (t.x as string[]).length])).toEqual([
      ['depthwise conv', 8],
      ['pointwise conv', 17],
      ['linear', 1],
    ]);
    expect((f.layout.xaxis2 as { categoryarray: string[] }).categoryarray).toEqual(layers.map((l) => l.node));
    expect(f.layout.barmode).toBe('stack');
  });
});
