import { createFastEvaluator } from '../space/fast-cost.js';
import { meetsConstraints } from '../space/stats.js';
import { InputError } from '../errors.js';
import { crowdingDistance, nondominatedRanks } from '../pareto/sort.js';
import type { Rng } from '../rng.js';
import type { Candidate } from '../space/candidate.js';
import { canonicalKey } from '../space/key.js';
import { mutateCandidate, sampleCandidate } from '../space/sample.js';
import type { SearchSpace } from '../space/space.js';
import { isValidCandidate } from '../space/validate.js';
import { checkIndex, checkSeed, proposalRng } from './seed.js';
import type { Observation, Proposal, Proposer, ProposerFactory, ProposerOptions } from './types.js';

export interface EvolutionSettings {
  /** Members kept (the newest evaluated candidates). */
  population: number;
  /** Members drawn per tournament. */
  sample: number;
  /**
   * 1: screen every proposal with the closed-form cost estimators against the space's MAC range
   * and SRAM limit before proposing it, as MCUNet's and once-for-all's evolutionary searches do
   * (uniform samples of the Table I space meet them 0.2 % of the time). 0: propose blindly.
   */
  screen: number;
}

export const EVOLUTION_DEFAULTS: Readonly<EvolutionSettings> = { population: 20, sample: 5, screen: 1 };
/** Random samples drawn for one that passes the screen (about 500 are needed on average). */
const SCREEN_SAMPLES = 20_000;
/** Mutants tried for one that passes the screen and is new. */
const SCREEN_MUTANTS = 64;
const SETTING_NAMES = Object.keys(EVOLUTION_DEFAULTS) as (keyof EvolutionSettings)[];

/** Mutations tried when a child's key was already proposed, before falling back to a random sample. */
const MUTATION_TRIES = 8;
/** Random samples tried for a key not yet proposed (the space is large: one nearly always does). */
const SAMPLE_TRIES = 16;

/** Checks evolution's settings: positive integers (numbers or digit strings), sample <= population, no others. */
export function parseEvolutionSettings(settings: Readonly<Record<string, unknown>> = {}): EvolutionSettings {
  for (const name of Object.keys(settings)) {
    if (!(SETTING_NAMES as string[]).includes(name)) throw new InputError(`evolution setting ${name}`, settings[name], `one of the settings ${SETTING_NAMES.join(', ')}`, 'is not a setting of evolution');
  }
  const read = (name: keyof EvolutionSettings): number => {
    const raw = settings[name];
    if (raw === undefined) return EVOLUTION_DEFAULTS[name];
    const value = typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw new InputError(`evolution setting ${name}`, raw, 'a positive integer');
    return value;
  };
  const population = read('population');
  const sample = read('sample');
  if (sample > population) throw new InputError('evolution setting sample', sample, `a positive integer no larger than population (${population})`);
  const rawScreen = settings.screen ?? EVOLUTION_DEFAULTS.screen;
  const screen = rawScreen === true || rawScreen === 1 || rawScreen === '1' ? 1 : rawScreen === false || rawScreen === 0 || rawScreen === '0' ? 0 : NaN;
  if (Number.isNaN(screen)) throw new InputError('evolution setting screen', rawScreen, '1 (screen proposals by their estimated costs) or 0');
  return { population, sample, screen };
}

/** An evaluated candidate in the population. */
export interface Member {
  index: number;
  key: string;
  candidate: Candidate;
  objectives: readonly number[];
  violation: number;
}

export interface EvolutionProposer extends Proposer {
  readonly settings: Readonly<EvolutionSettings>;
  /** The population, oldest first (a copy). */
  members(): Member[];
}

/** Position (in `members`) of the tournament winner: least violation, then lowest non-dominated rank, then largest crowding distance, then earliest. */
export function tournamentWinner(members: readonly Pick<Member, 'objectives' | 'violation'>[]): number {
  if (members.length === 0) throw new InputError('tournament', 0, 'at least one member');
  const least = Math.min(...members.map((m) => m.violation));
  // Ranks among the least-violating members only: Deb's constrained domination, under which a
  // member that loses on violation dominates no one.
  const tied = members.map((_, i) => i).filter((i) => (members[i] as Member).violation === least);
  const ranks = nondominatedRanks(tied.map((i) => (members[i] as Member).objectives));
  const best = Math.min(...ranks);
  const front = tied.filter((_, k) => ranks[k] === best);
  const crowding = crowdingDistance(front.map((i) => (members[i] as Member).objectives));
  let winner = 0;
  for (let k = 1; k < front.length; k++) if ((crowding[k] as number) > (crowding[winner] as number)) winner = k; // strict: ties keep the earliest
  return front[winner] as number;
}

/** The screen: the run's hard limits when the campaign gives them, else the space's cost limits (fast path). */
function screenFor(space: SearchSpace, on: boolean, feasible?: (c: Candidate) => boolean): (c: Candidate) => boolean {
  if (!on) return () => true;
  if (feasible) return feasible;
  const costs = createFastEvaluator(space, { model: space.constraints.peakSramBytes?.model ?? 'mcunet' });
  return (c) => meetsConstraints(space, costs(c));
}

/** `count` distinct positions of 0..n-1, uniformly (a partial Fisher-Yates shuffle). */
function drawPositions(n: number, count: number, rng: Rng): number[] {
  const pool = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + rng.int(n - i);
    [pool[i], pool[j]] = [pool[j] as number, pool[i] as number];
  }
  return pool.slice(0, count).sort((a, b) => a - b); // arrival order, for the "earliest" tie-break
}

const orInfinity = (v: number): number => (Number.isNaN(v) ? Infinity : v);

/**
 * Regularized (aging) evolution (Real et al. 2019), made multi-objective by a constrained
 * non-dominated tournament. The population is the newest `population` evaluated candidates and
 * candidates rejected for MACs or SRAM (with their relative violation, so feasible ones win);
 * until it is full, proposals are random samples. Then each proposal draws `sample` distinct
 * members, takes the winner (tournamentWinner) as parent and mutates one field of one stage.
 * Proposal i draws from a stream seeded by (seed, i), and the rest of the state is built from
 * observations, so a proposer rebuilt by observing a campaign's records proposes what the original would.
 */
export const evolutionProposer = ((options: ProposerOptions): EvolutionProposer => {
  const seed = checkSeed(options.seed);
  const settings = parseEvolutionSettings(options.settings);
  const { space, objectiveCount } = options;
  const population: Member[] = [];
  /** Keys proposed by this instance or seen in observations: children avoid them. */
  const proposed = new Set<string>();
  const keyOf = (c: Candidate) => canonicalKey(c, space.input.channels);
  const fits = screenFor(space, settings.screen === 1, options.feasible);

  const randomProposal = (rng: Rng, note: string): Proposal => {
    const tries = settings.screen ? SCREEN_SAMPLES : SAMPLE_TRIES;
    let candidate = sampleCandidate(space, rng);
    for (let t = 1; t < tries && (proposed.has(keyOf(candidate)) || !fits(candidate)); t++) candidate = sampleCandidate(space, rng);
    return { candidate, note };
  };

  const childProposal = (rng: Rng): Proposal => {
    const sampled = drawPositions(population.length, settings.sample, rng);
    const parent = population[sampled[tournamentWinner(sampled.map((i) => population[i] as Member))] as number] as Member;
    const tries = settings.screen ? SCREEN_MUTANTS : MUTATION_TRIES;
    for (let t = 0; t < tries; t++) {
      const m = mutateCandidate(space, parent.candidate, rng);
      if (proposed.has(keyOf(m.candidate)) || !fits(m.candidate)) continue;
      return { candidate: m.candidate, note: `mutated stage ${m.stage} ${m.field} ${String(m.from)} -> ${String(m.to)} of parent #${parent.index} ${parent.key}` };
    }
    return randomProposal(rng, `random: ${tries} mutations of parent #${parent.index} ${parent.key} were all proposed before${settings.screen ? ' or outside the limits' : ''}`);
  };

  return {
    name: 'evolution',
    settings,
    members: () => population.map((m) => ({ ...m })),
    async propose(context) {
      const rng = proposalRng(seed, checkIndex(context.index));
      const proposal = population.length < settings.population ? randomProposal(rng, `random: population ${population.length}/${settings.population}`) : childProposal(rng);
      proposed.add(keyOf(proposal.candidate as Candidate));
      return proposal;
    },
    observe(observation: Observation) {
      const candidate = observation.proposal.candidate;
      const valid = isValidCandidate(space, candidate);
      if (observation.key !== undefined) proposed.add(observation.key);
      if (valid) proposed.add(keyOf(candidate));
      const outcome = observation.outcome;
      if (!valid) return;
      // A candidate rejected for its MACs or SRAM joins with its violation and no objective values:
      // the constrained tournament then breeds towards the limits (the sample space is ~0.2 % feasible).
      if (outcome.kind === 'rejected' && outcome.violation !== undefined && outcome.violation > 0) {
        population.push({ index: observation.index, key: keyOf(candidate), candidate: structuredClone(candidate), objectives: new Array<number>(objectiveCount).fill(Infinity), violation: outcome.violation });
        if (population.length > settings.population) population.shift();
        return;
      }
      if (outcome.kind !== 'evaluated') return;
      if (outcome.objectives.length !== objectiveCount) {
        throw new InputError(`observation ${observation.index} objectives`, outcome.objectives, `${objectiveCount} values (objectiveCount)`);
      }
      population.push({
        index: observation.index,
        key: keyOf(candidate),
        candidate: structuredClone(candidate),
        objectives: outcome.objectives.map(orInfinity),
        violation: orInfinity(outcome.violation),
      });
      if (population.length > settings.population) population.shift();
    },
  };
}) satisfies ProposerFactory;
