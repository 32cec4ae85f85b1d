/**
 * Golden figure specs (test/golden/figures/*.json): the plotly data and layout of a few figures of
 * the fixture runs (hand-run.ts) and of the LMaNet-Core reference model, compared as JSON. A change
 * to a figure shows up here as a diff of its spec; after checking it is intended, regenerate with
 * PARETONAS_WRITE_GOLDEN=1.
 */
import { readFileSync, writeFileSync } from 'node:fs';
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
  type Figure,
} from '../../../lib/report/figures.js';
import { REFERENCE_DIR, referenceModels } from '../../../lib/report/reference.js';
import { resolveSpace } from '../../../lib/space/builtin.js';
import { loadModelFile } from '../../../lib/space/formats.js';
import { ROOT } from '../../helpers.js';
import { fixtureRuns, KiB } from './hand-run.js';

const GOLDEN = `${ROOT}test/golden/figures/`;
const WRITE = process.env.PARETONAS_WRITE_GOLDEN === '1';

function check(name: string, figure: Figure): void {
  const path = `${GOLDEN}${name}`;
  const text = `${JSON.stringify(figure, null, 1)}\n`;
  if (WRITE) writeFileSync(path, text);
  expect(JSON.parse(text), `${name} (PARETONAS_WRITE_GOLDEN=1 rewrites it)`).toEqual(JSON.parse(readFileSync(path, 'utf8')));
}

describe('golden figure specs', () => {
  const { hand, clean } = fixtureRuns();

  it('Pareto scatter (2-D with rejected-for-a-limit proposals, and 3-D) of the hand run', () => {
    check('pareto-scatter.json', paretoScatterFigure(paretoScatterInfo(hand.state, 'macs', 'peakSramBytes', { records: hand.records })));
    check('pareto-scatter-3d.json', paretoScatter3dFigure(paretoScatter3dInfo(hand.state, ['accuracy', 'macs', 'params'])));
  });

  it('rejections over the run: the hand run (3 of 8) and a run without rejections', () => {
    check('rejections.json', rejectionsOverRunFigure(rejectionsOverRunInfo(hand.records)));
    check('rejections-none.json', rejectionsOverRunFigure(rejectionsOverRunInfo(clean.records)));
  });

  it('hypervolume over the hand run', () => {
    check('hypervolume.json', hypervolumeOverRunFigure(hypervolumeOverRunInfo(hand.state)));
  });

  it('layer costs of LMaNet-Core (mcunet SRAM model) against a 320 KiB SRAM limit', () => {
    const model = referenceModels().find((r) => r.id === 'LMaNet-Core')!;
    const { graph } = loadModelFile(`${REFERENCE_DIR}${model.file}`, { format: model.format, resolution: model.resolution, classes: model.classes, space: resolveSpace(), name: model.id });
    check('layer-costs.json', layerCostsFigure(layerCostsInfo(estimateCosts(graph, { model: 'mcunet' }), { sramLimitBytes: 320 * KiB, flashLimitBytes: 1024 * KiB })));
  });
});
