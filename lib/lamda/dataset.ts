import { createFastEvaluator } from '../space/fast-cost.js';
import { lowerBlockNet } from '../space/lower-blocks.js';
import { measureGraph } from '../runtime/latency.js';
import { createRng } from '../rng.js';
import type { Candidate } from '../space/candidate.js';
import { mutateCandidate, sampleCandidate } from '../space/sample.js';
import type { SearchSpace } from '../space/space.js';
import { serializeGraph } from './dsl.js';

/** The syntax rules (c_0, c_1, ...) every question carries, so the answer stays well-formed. */
export const SYNTAX_RULES = [
  'c0: the first line is `graph NAME input ID:NxCxHxW`; the last line is `output ID`.',
  'c1: every other line is `ID = Op(INPUT_IDS) attr=value ... | block=LABEL`, one operator a line, in execution order.',
  'c2: an ID is defined once (t0, t1, ...), before any line uses it; Add, Mul and Concat take several input IDs.',
  'c3: Conv lines give cin (checked against the input), out, k=KxK, s=SxS, p=top,left,bottom,right, g (groups) and bias=0|1.',
  'c4: keep the classifier: the last operator maps to the same number of classes as the base model.',
];

export interface DatasetPair {
  question: string;
  answer: string;
  meta: { index: number; device: string; targetLatencyMs: number; baseLatencyMs: number; baseMacs: number; answerMacs: number };
}

/**
 * Question/answer pairs for fine-tuning (LAMDA section 4.1.1): the question holds the device, a
 * latency target, the syntax rules and the serialized base model; the answer, a variant (a few
 * mutations apart, with fewer MACs) whose latency, measured here in onnxruntime-node, is the
 * target. Of the two, the faster one is always the answer.
 */
export async function lamdaDataset(space: SearchSpace, options: { count: number; seed: number; runs?: number; onPair?: (k: number) => void }): Promise<DatasetPair[]> {
  const rng = createRng(options.seed);
  const costs = createFastEvaluator(space, { model: 'mcunet' });
  const fits = (c: Candidate) => {
    const t = costs(c);
    return t.macs >= (space.constraints.macs?.min ?? 0) && t.macs <= (space.constraints.macs?.max ?? Infinity);
  };
  const graphOf = (c: Candidate, name: string) => lowerBlockNet(c, { resolution: space.input.resolution, classes: space.classes, inputChannels: space.input.channels, name });
  const pairs: DatasetPair[] = [];
  for (let k = 0; k < options.count; k++) {
    let base = sampleCandidate(space, rng);
    for (let t = 0; t < 20_000 && !fits(base); t++) base = sampleCandidate(space, rng);
    let variant = base;
    for (let t = 0; t < 200 && !(costs(variant).macs < costs(base).macs * 0.9); t++) {
      variant = base;
      for (let m = 1 + rng.int(3); m > 0; m--) variant = mutateCandidate(space, variant, rng).candidate;
    }
    let baseGraph = graphOf(base, `base${k}`);
    let variantGraph = graphOf(variant, `variant${k}`);
    const runs = options.runs ?? 10;
    let [b, v] = [await measureGraph(baseGraph, { runs, warmup: 2 }), await measureGraph(variantGraph, { runs, warmup: 2 })];
    // Fewer MACs is not always faster on a CPU: the faster of the two is the answer.
    if (v.medianMs > b.medianMs) {
      [baseGraph, variantGraph, b, v, base, variant] = [graphOf(variant, `base${k}`), graphOf(base, `variant${k}`), v, b, variant, base];
    }
    const device = `${v.device.cpu}, ${v.device.threads} thread, onnxruntime-node ${v.device.onnxruntime}`;
    const question = [
      `Device: ${device}.`,
      `Target: inference latency at most ${v.medianMs.toFixed(2)} ms (the base model takes ${b.medianMs.toFixed(2)} ms), batch 1, ${space.input.resolution}x${space.input.resolution} input, ${space.classes} classes.`,
      'Syntax rules:',
      ...SYNTAX_RULES,
      'Base model:',
      serializeGraph(baseGraph).trimEnd(),
      'Rewrite the base model so that it meets the target. Reply with the full serialized model only.',
    ].join('\n');
    pairs.push({ question, answer: serializeGraph(variantGraph).trimEnd(), meta: { index: k, device, targetLatencyMs: v.medianMs, baseLatencyMs: b.medianMs, baseMacs: costs(base).macs, answerMacs: costs(variant).macs } });
    options.onPair?.(k + 1);
  }
  return pairs;
}
