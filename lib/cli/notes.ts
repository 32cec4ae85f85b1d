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
