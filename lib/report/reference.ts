import { readFileSync } from 'node:fs';
import { estimateCosts } from '../cost/estimate.js';
import { SEARCH_SPACES_DIR, resolveSpace } from '../space/builtin.js';
import { loadModelFile } from '../space/formats.js';

export const REFERENCE_DIR = `${SEARCH_SPACES_DIR}reference-models/`;

export interface PublishedFigures {
  macs?: number;
  params?: number;
  peakSramKiB?: number;
  measuredSramKiB?: number;
  measuredFlashKiB?: number;
  flashMB?: number;
}

export interface ReferenceModel {
  id: string;
  file: string;
  format: 'mcunet' | 'lmanet';
  resolution: number;
  classes: number;
  source: string;
  published: PublishedFigures;
  /** Figures obtained by building the model with its authors' code. */
  checked?: { macs?: number; params?: number };
  rounding: { macs?: number; params?: number; peakSramKiB?: number };
}

export function referenceModels(): ReferenceModel[] {
  return (JSON.parse(readFileSync(`${REFERENCE_DIR}published.json`, 'utf8')) as { models: ReferenceModel[] }).models;
}

export interface ReferenceRow {
  model: string;
  resolution: number;
  classes: number;
  macs: number;
  params: number;
  flashBytes: number;
  peakSramMcunetBytes: number;
  peakSramLivenessBytes: number;
  publishedMacs: number | null;
  publishedParams: number | null;
  publishedPeakSramKiB: number | null;
  source: string;
}

/** Computed costs of every shipped reference model beside its published figures. */
export function referenceRows(): ReferenceRow[] {
  const space = resolveSpace();
  return referenceModels().map((m) => {
    const { graph } = loadModelFile(`${REFERENCE_DIR}${m.file}`, { format: m.format, resolution: m.resolution, classes: m.classes, space, name: m.id });
    const mcunet = estimateCosts(graph, { model: 'mcunet' });
    const liveness = estimateCosts(graph, { model: 'liveness' });
    return {
      model: m.id,
      resolution: m.resolution,
      classes: m.classes,
      macs: mcunet.macs,
      params: mcunet.params,
      flashBytes: mcunet.flashBytes,
      peakSramMcunetBytes: mcunet.peakSramBytes,
      peakSramLivenessBytes: liveness.peakSramBytes,
      publishedMacs: m.published.macs ?? null,
      publishedParams: m.published.params ?? null,
      publishedPeakSramKiB: m.published.peakSramKiB ?? null,
      source: m.source,
    };
  });
}
