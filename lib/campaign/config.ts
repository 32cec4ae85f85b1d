import type { SramModel } from '../cost/sram.js';
import { InputError } from '../errors.js';
import type { Limit, Objective } from '../pareto/objectives.js';
import type { SearchSpace } from '../space/space.js';

/** Everything that defines a campaign; recorded whole in its first record. */
export interface CampaignConfig {
  /** A shipped space name or a path. */
  space: string;
  proposer: string;
  proposerSettings?: Record<string, unknown>;
  /** cost, proxy, or command:CMD */
  evaluator: string;
  /** e.g. { timeoutMs } for a trainer command, { batch } for the proxy. */
  evaluatorOptions?: Record<string, unknown>;
  /** Proposals, valid or not. */
  budget: number;
  /** Stop after this many valid (evaluated or failed) candidates. */
  maxValid?: number;
  timeLimitSeconds?: number;
  seed: number;
  objectives: Objective[];
  limits: Limit[];
  macs: { min: number; max: number };
  sramMaxBytes: number;
  sramModel: SramModel;
  noveltyThreshold?: number;
}

/** Objectives by evaluator: what the paper optimises, with the evaluator's score in accuracy's place. */
export function defaultObjectives(evaluator: string): Objective[] {
  const head: Objective[] = evaluator === 'cost' ? [] : evaluator === 'proxy' ? [{ name: 'naswot', direction: 'max' }] : [{ name: 'accuracy', direction: 'max' }];
  return [...head, { name: 'macs', direction: 'min' }, { name: 'params', direction: 'min' }];
}

/** Fills the deployment constraints from the space file (MACs 70-350 M, SRAM 320 KiB for Table I). */
export function configFromSpace(space: SearchSpace, partial: Partial<CampaignConfig> & Pick<CampaignConfig, 'space' | 'proposer' | 'evaluator' | 'budget' | 'seed'>): CampaignConfig {
  const macs = { min: space.constraints.macs?.min ?? 0, max: space.constraints.macs?.max ?? Infinity };
  const sram = space.constraints.peakSramBytes;
  const config: CampaignConfig = {
    objectives: defaultObjectives(partial.evaluator.startsWith('command:') ? 'command' : partial.evaluator),
    limits: [],
    macs,
    sramMaxBytes: sram?.max ?? Infinity,
    sramModel: sram?.model ?? 'mcunet',
    ...partial,
  };
  if (!Number.isInteger(config.budget) || config.budget < 1) throw new InputError('--budget', config.budget, 'a positive integer (proposals, valid or not)');
  if (config.macs.min > config.macs.max) throw new InputError('macs range', config.macs, 'min no larger than max');
  if (config.noveltyThreshold !== undefined && !(config.noveltyThreshold > 0 && config.noveltyThreshold <= 1)) {
    throw new InputError('--novelty', config.noveltyThreshold, 'a similarity in (0, 1]');
  }
  return config;
}

/** The objective whose best point the campaign tracks beside the front (accuracy's place). */
export function primaryObjective(objectives: readonly Objective[]): Objective {
  return objectives.find((o) => o.direction === 'max') ?? (objectives[0] as Objective);
}
