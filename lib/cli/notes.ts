import { decodeModel } from '../onnx/import.js';

/**
 * A note printer for model import (e.g. a fixed batch of 4 read as batch 1: costs are per image):
 * each note once on stderr, as `note: ...`.
 */
export function stderrNotes(): (text: string) => void {
  const noted = new Set<string>();
  return (text: string) => {
    if (noted.has(text)) return;
    noted.add(text);
    process.stderr.write(`note: ${text}\n`);
  };
}

/** The opset an exported file declares (14, or 17 with a LayerNormalization). */
export function opsetOf(bytes: Uint8Array): number {
  return Number(decodeModel(bytes).opsetImport?.[0]?.version ?? 0);
}
