import type { SramModel } from '../cost/sram.js';
import { deviceLimits } from '../device/profile.js';
import type { DeviceProfile } from '../device/types.js';
import { InputError } from '../errors.js';
import { mergeLimits, spaceLimits } from '../limits.js';
import { checkLatencyModel } from '../latency/select.js';
import { metricInfo } from '../metrics.js';
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
  /**
   * Every limit of the run, merged at the start (lib/limits.ts): the space file's, the
   * device profile's and `--constraint`'s, tightest wins. Runs recorded before issue 15 hold only
   * `--constraint`'s here and the space's in `macs`/`sramMaxBytes`: read limits with `runLimits`.
   */
  limits: Limit[];
  /** The `--constraint` limits as given (what `--resume` compares the flag with); absent in runs recorded before issue 15, whose `limits` were these. */
  constraintFlag?: Limit[];
  /** The device profile the run targets (`--device`), recorded whole. */
  device?: DeviceProfile;
  /**
   * How `latencyMs` is told: `predictor` (the shipped one, calibrated for this CPU when cached),
   * `predictor:PATH`, `cortex-m` (the device profile's analytic estimate) or `measured`
   * (onnxruntime on this machine, after evaluation). Absent: the run has no latencyMs metric.
   */
  latencyModel?: string;
  macs: { min: number; max: number };
  sramMaxBytes: number;
  sramModel: SramModel;
  noveltyThreshold?: number;
  /**
   * Evaluations kept in flight (`--workers K`, 1 to 256); absent means 1. Proposal i is made once
   * the outcomes of 0..i-K are known, and fed to the proposer in index order.
   */
  workers?: number;
  /** Evaluations go through a BullMQ queue on Redis (`--queue URL`); the URL itself is not recorded (it may change, and may hold a password). */
  queue?: true;
}

/** Objectives by evaluator: what the paper optimises, with the evaluator's score in accuracy's place. */
export function defaultObjectives(evaluator: string, declared?: readonly string[]): Objective[] {
  // A trainer declaring metrics without accuracy: which way each is better is the user's to say.
  if (declared && declared.length > 0 && !declared.includes('accuracy') && evaluator !== 'cost' && evaluator !== 'proxy') {
    throw new InputError('--objectives', 'not given', `name:min or name:max for the declared metrics (e.g. ${declared[0]}:max,macs:min)`, `--metrics ${declared.join(',')} has no accuracy, the default objective`);
  }
  const head: Objective[] = evaluator === 'cost' ? [] : evaluator === 'proxy' ? [{ name: 'naswot', direction: 'max' }] : [{ name: 'accuracy', direction: 'max' }];
  return [...head, { name: 'macs', direction: 'min' }, { name: 'params', direction: 'min' }];
}

/** Fills the deployment constraints from the space file (MACs 70-350 M, SRAM 320 KiB for Table I). */
export function configFromSpace(space: SearchSpace, partial: Partial<CampaignConfig> & Pick<CampaignConfig, 'space' | 'proposer' | 'evaluator' | 'budget' | 'seed'>): CampaignConfig {
  const sram = space.constraints.peakSramBytes;
  const given = partial.limits ?? [];
  const device = partial.device ? deviceLimits(partial.device) : [];
  // A `macs` or `sramMaxBytes` given in code replaces the space's (it may widen it); `--constraint` and the device only tighten.
  const fromSpace = spaceLimits(space).filter((l) => !(l.name === 'macs' && partial.macs) && !(l.name === 'peakSramBytes' && partial.sramMaxBytes !== undefined));
  const limits = mergeLimits(fromSpace, partial.macs ? [{ name: 'macs', min: partial.macs.min, max: partial.macs.max }] : [], partial.sramMaxBytes !== undefined ? [{ name: 'peakSramBytes', max: partial.sramMaxBytes }] : [], device, given);
  const macsLimit = limits.find((l) => l.name === 'macs');
  const sramLimit = limits.find((l) => l.name === 'peakSramBytes');
  const config: CampaignConfig = {
    objectives: partial.objectives ?? defaultObjectives(partial.evaluator.startsWith('command:') ? 'command' : partial.evaluator, partial.evaluatorOptions?.metrics as string[] | undefined),
    sramModel: sram?.model ?? 'mcunet',
    ...partial,
    limits,
    constraintFlag: given,
    macs: { min: macsLimit?.min ?? 0, max: macsLimit?.max ?? Infinity },
    sramMaxBytes: sramLimit?.max ?? Infinity,
  };
  checkLimitValues(fromSpace, `space ${space.name}: constraints`);
  checkLimitValues(given, '--constraint');
  if (partial.device) checkLimitValues(device, `device ${partial.device.name}: limits`);
  // Who says how latency is told: --latency-model, else the device (it is the hardware), else the space file, else the predictor.
  if (config.latencyModel === undefined) {
    const wantsLatency = [...config.objectives.map((o) => o.name), ...limits.map((l) => l.name)].includes('latencyMs');
    const spaceModel = space.constraints.latencyMs?.model;
    // Checked even when the device decides: a bad value in the file is said, never silently ignored.
    if (spaceModel !== undefined) checkLatencyModel(spaceModel, config.device, `space ${space.name}: constraints.latencyMs.model`);
    if (spaceModel !== undefined || config.device || wantsLatency) config.latencyModel = config.device?.latencyModel ?? spaceModel ?? 'predictor';
  }
  if (!Number.isInteger(config.budget) || config.budget < 1) throw new InputError('--budget', config.budget, 'a positive integer (proposals, valid or not)');
  if (config.macs.min > config.macs.max) throw new InputError('macs range', config.macs, 'min no larger than max');
  if (config.noveltyThreshold !== undefined && !(config.noveltyThreshold > 0 && config.noveltyThreshold <= 1)) {
    throw new InputError('--novelty', config.noveltyThreshold, 'a similarity in (0, 1]');
  }
  return config;
}

/**
 * Limits on cost and predicted metrics (counts, bytes, milliseconds) are never negative: a max
 * at or below 0 or a negative min can be met by nothing, so it is refused rather than run.
 */
export function checkLimitValues(limits: readonly Limit[], field: string): void {
  for (const l of limits) {
    if (metricInfo(l.name).source === 'evaluated') continue;
    if (l.max !== undefined && l.max <= 0) throw new InputError(field, `${l.name}<=${l.max}`, `a max above 0 (${metricInfo(l.name).label} is never negative; nothing could meet it)`);
    if (l.min !== undefined && l.min < 0) throw new InputError(field, `${l.name}>=${l.min}`, `a min of 0 or more (${metricInfo(l.name).label} is never negative)`);
  }
}

/** The objective whose best point the campaign tracks beside the front (accuracy's place). */
export function primaryObjective(objectives: readonly Objective[]): Objective {
  return objectives.find((o) => o.direction === 'max') ?? (objectives[0] as Objective);
}
