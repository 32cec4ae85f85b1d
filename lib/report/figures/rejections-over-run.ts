/**
 * Cumulative rejections by reason over a run: {@link rejectionsOverRunInfo} counts them from the
 * records, {@link rejectionsOverRunFigure} draws one step line per reason against the proposal
 * index, the x axis always spanning the run's proposals; a run without rejections (the evolution
 * proposer screens its offspring with the cost estimators before proposing) gets a figure that
 * says so instead of empty axes.
 */
import type { CampaignRecord } from '../../campaign/records.js';
import { REJECTION_REASONS, type RejectionReason } from '../../propose/types.js';
import type { Figure } from './figure.js';
import { color, finite } from './style.js';

export interface RejectionSeries {
  /** Proposals of the run (1 + the largest proposal or rejection index; 0 for none). */
  proposals: number;
  /** 0 .. proposals − 1. */
  proposal: number[];
  /** Per reason that occurs (in REJECTION_REASONS order, unknown reasons after): rejections among proposals 0..i. */
  cumulative: Partial<Record<RejectionReason, number[]>>;
  /** Rejections per reason that occurs, over the whole run. */
  byReason: Partial<Record<RejectionReason, number>>;
  /** Rejections over the whole run (every reason). */
  total: number;
}

/** Cumulative rejections by reason against the proposal index, from a run's records. */
export function rejectionsOverRunInfo(records: readonly CampaignRecord[]): RejectionSeries {
  let proposals = 0;
  const at = new Map<RejectionReason, number[]>();
  for (const r of records) {
    const index = finite(r.index);
    if (index === null) continue;
    if (r.type === 'proposal' || r.type === 'rejection') proposals = Math.max(proposals, index + 1);
    if (r.type === 'rejection') {
      const reason = r.reason as RejectionReason;
      if (!at.has(reason)) at.set(reason, []);
      at.get(reason)?.push(index);
    }
  }
  const proposal = Array.from({ length: proposals }, (_, i) => i);
  const cumulative: Partial<Record<RejectionReason, number[]>> = {};
  const byReason: Partial<Record<RejectionReason, number>> = {};
  const reasons = [...REJECTION_REASONS.filter((x) => at.has(x)), ...[...at.keys()].filter((x) => !(REJECTION_REASONS as readonly string[]).includes(x))];
  let total = 0;
  for (const reason of reasons) {
    const counts = new Array<number>(proposals).fill(0);
    for (const i of at.get(reason) ?? []) counts[i] = (counts[i] as number) + 1;
    let sum = 0;
    cumulative[reason] = counts.map((c) => (sum += c));
    byReason[reason] = sum;
    total += sum;
  }
  return { proposals, proposal, cumulative, byReason, total };
}

/** The same function under its earlier name (the dashboard and tests call it so). */
export const rejectionSeries = rejectionsOverRunInfo;

/**
 * One step line per rejection reason that occurs (the totals in the title): cumulative rejections
 * against the proposal index, x from 0 to the last proposal. With no rejection the title and an
 * annotation say so, over a zero line across the run.
 */
export function rejectionsOverRunFigure(s: RejectionSeries): Figure {
  const reasons = Object.entries(s.cumulative) as [RejectionReason, number[]][];
  const none = s.total === 0;
  const data: Record<string, unknown>[] = none
    ? [{ type: 'scatter', mode: 'lines', name: 'rejections (none)', x: s.proposal, y: s.proposal.map(() => 0), line: { shape: 'hv', color: color(0) } }]
    : reasons.map(([reason, y], i) => ({ type: 'scatter', mode: 'lines', name: reason, x: s.proposal, y, hovertemplate: `%{y} ${reason} rejection(s) among proposals 0..%{x}<extra></extra>`, line: { shape: 'hv', color: color(i) } }));
  const proposals = `${s.proposals} proposal${s.proposals === 1 ? '' : 's'}`;
  return {
    data,
    layout: {
      title: { text: none ? `Rejections over the run: none (${proposals}, every one passed)` : `Rejections over the run: ${s.total} of ${proposals} (${reasons.map(([r]) => `${r} ${s.byReason[r] ?? 0}`).join(', ')})` },
      xaxis: { title: { text: 'proposal (index)' }, type: 'linear', range: [0, Math.max(s.proposals - 1, 1)], automargin: true },
      yaxis: { title: { text: 'rejections (cumulative count)' }, rangemode: 'tozero', ...(none ? { range: [0, 1] } : {}), automargin: true },
      ...(none ? { annotations: [{ xref: 'paper', yref: 'paper', x: 0.5, y: 0.5, showarrow: false, text: `No proposal was rejected (${proposals})`, font: { size: 16 } }] } : {}),
      showlegend: !none,
      width: 760,
      height: 400,
    },
  };
}

/** The same figure in one call: `rejectionsOverRunFigure(rejectionsOverRunInfo(records))` (the name notebooks and lib/index.ts use). */
export function rejectionsOverRun(records: readonly CampaignRecord[]): Figure {
  return rejectionsOverRunFigure(rejectionsOverRunInfo(records));
}
