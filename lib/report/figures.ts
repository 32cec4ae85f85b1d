/**
 * Every figure of the reports, one per file under ./figures/ (each as data first, `xInfo(data,
 * options)`, and figure second, `xFigure(info)`), re-exported here so that one import reaches them.
 * A {@link Figure} is a plotly spec as plain data: report builders return these, renderers only
 * format them.
 */
export type { Figure } from './figures/figure.js';
export { histogramFigure, barFigure, scatterFigure } from './figures/basic.js';
export { metricAxis, metricDirection } from './figures/style.js';
export { fig1, fig1PaperPoints, frontPoints, type Fig1Point } from './figures/fig1.js';
export { fig5, referenceFig5, referenceFig5Bars, sramFactors, FIG5_PAPER_BARS, type Fig5Bar } from './figures/fig5.js';
export type { ScatterOptions } from './figures/pareto-points.js';
export { paretoScatterInfo, paretoScatterFigure, paretoScatter2d, type ParetoScatterInfo, type Scatter2dOptions, type ScatterAxis, type ScatterPoint, type RejectedPoint } from './figures/pareto-scatter.js';
export { paretoScatter3dInfo, paretoScatter3dFigure, paretoScatter3d, type ParetoScatter3dInfo, type Scatter3dPoint } from './figures/pareto-scatter-3d.js';
export { hypervolumeOverRunInfo, hypervolumeOverRunFigure, hypervolumeOverRun, hypervolumeSeries, type HypervolumeSeries } from './figures/hypervolume-over-run.js';
export { rejectionsOverRunInfo, rejectionsOverRunFigure, rejectionsOverRun, rejectionSeries, type RejectionSeries } from './figures/rejections-over-run.js';
export { layerCostsInfo, layerCostsFigure, layerBreakdown, LAYER_KINDS, type LayerCostsInfo, type LayerCostRow } from './figures/layer-costs.js';
export { targetVsMeasuredFigure } from './figures/target-vs-measured.js';
export { verificationFigure } from './figures/verification.js';
export { cutEdgesFigure } from './figures/cut-edges.js';
export { correlationScatterInfo, correlationScatterFigure, type CorrelationScatterInfo } from './figures/correlation-scatter.js';
export { groupHypervolumeInfo, groupHypervolumeFigure, type GroupHypervolumeInfo, type GroupHypervolumePoint } from './figures/group-hypervolume.js';
