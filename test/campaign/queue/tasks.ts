import type { EvaluationTask } from '../../../lib/campaign/executor.js';
import { JOB_PROTOCOL, type EvaluationJob } from '../../../lib/campaign/queue/job.js';
import { NoveltyIndex } from '../../../lib/campaign/novelty.js';
import { validateProposal } from '../../../lib/campaign/validate.js';
import { createRng } from '../../../lib/rng.js';
import { sampleCandidate } from '../../../lib/space/sample.js';
import type { SearchSpace } from '../../../lib/space/space.js';

/** A sampled candidate of a space, accepted as the campaign accepts one (validateProposal), as an executor task. */
export function taskFor(space: SearchSpace, seed: number, index = 0): EvaluationTask {
  const candidate = sampleCandidate(space, createRng(seed));
  const v = validateProposal(candidate, { space, sramModel: 'mcunet' }, { seen: new Map(), novelty: new NoveltyIndex() });
  if (!v.ok) throw new Error(`sampled candidate invalid: ${v.message}`);
  return { index, key: v.key, input: { candidate: v.candidate, key: v.key, graph: v.graph, space, seed } };
}

/** A valid job for a sampled candidate of a space, as the queue executor builds it. */
export function jobFor(space: SearchSpace, seed: number, extra: Partial<EvaluationJob> = {}): EvaluationJob {
  const t = taskFor(space, seed);
  const { candidate, key, graph } = t.input;
  return { protocol: JOB_PROTOCOL, runId: 'run0abc', index: 0, key, attempt: 1, evaluator: 'cost', evaluatorOptions: {}, seed, candidate, space, graph, ...extra };
}
