import type { Candidate } from './candidate.js';
import { blockLayers } from './candidate.js';

/**
 * A key that equal networks share: built from the layers the candidate expands to, so fields
 * that change nothing (expansion of a depthwise block, se_ratio with SE off, a skip on a
 * stride-2 layer, how equal layers are split between stages) do not change it.
 */
export function canonicalKey(candidate: Candidate, inputChannels = 3): string {
  let channels = candidate.input_channels ?? inputChannels;
  const parts: string[] = [`in${channels}`];
  for (const block of candidate.blocks) {
    for (const l of blockLayers(block, channels)) {
      const expand = l.type === 'mbconv' ? `e${l.mid}` : 'dw';
      parts.push(`${expand}k${l.kernel}s${l.stride}se${l.seMid}${l.activation}o${l.cout}${l.shortcut[0]}`);
    }
    channels = block.output_channels;
  }
  return parts.join('|');
}
