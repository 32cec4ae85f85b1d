/** LAMDA Fig. 4: latency error (MAPE %) against the number of cut edges, per base model and slicing strategy. */
import type { SlicingRow } from '../../lamda/ablate.js';
import { scatterFigure } from './basic.js';
import type { Figure } from './figure.js';

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
