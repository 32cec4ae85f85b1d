/** LAMDA Fig. 8: latency error (APE) with and without latency verification, per target. */
import type { VerificationRow } from '../../lamda/ablate.js';
import type { Figure } from './figure.js';

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
