import { describe, expect, it } from 'vitest';
import { createFastEvaluator } from '../../lib/space/fast-cost.js';
import { InputError } from '../../lib/errors.js';
import { evolutionProposer, parseEvolutionSettings, tournamentWinner, type EvolutionProposer } from '../../lib/propose/evolution.js';
import { randomProposer } from '../../lib/propose/random.js';
import { createProposer, PROPOSER_NAMES, PROPOSERS } from '../../lib/propose/registry.js';
import { stratifiedProposer } from '../../lib/propose/stratified.js';
import type { Observation, Proposal, Proposer, ProposerOptions } from '../../lib/propose/types.js';
import { createRng } from '../../lib/rng.js';
import { BLOCK_FIELDS, type BlockConfig, type Candidate } from '../../lib/space/candidate.js';
import { canonicalKey } from '../../lib/space/key.js';
import { sampleCandidate } from '../../lib/space/sample.js';
import { parseSpace, stageChoices, TABLE_I_FIELDS, type SearchSpace } from '../../lib/space/space.js';
import { isValidCandidate } from '../../lib/space/validate.js';
import { CONTRACT_OBJECTIVE_COUNT, CONTRACT_SPACE, contractObservation, proposerContract } from '../contracts/proposer.js';

const space = CONTRACT_SPACE;
const options = (seed: number, extra: Partial<ProposerOptions> = {}): ProposerOptions => ({ space, seed, objectiveCount: CONTRACT_OBJECTIVE_COUNT, ...extra });
const key = (c: Candidate) => canonicalKey(c, space.input.channels);

proposerContract('random', (seed) => randomProposer(options(seed)));
proposerContract('stratified', (seed) => stratifiedProposer(options(seed)));
proposerContract('evolution', (seed) => evolutionProposer(options(seed)));
proposerContract('evolution (population 6, sample 3)', (seed) => evolutionProposer(options(seed, { settings: { population: 6, sample: 3 } })));

describe('proposers rebuilt from observations alone (campaign resume)', () => {
  for (const name of PROPOSER_NAMES) {
    it(`${name}: observing the first 40 records, then proposing, matches the original run`, async () => {
      const settings = { population: 8, sample: 3 };
      const make = () => createProposer(name, options(11, name === 'evolution' ? { settings } : {}));
      const original = make();
      const proposals: Proposal[] = [];
      const observations: Observation[] = [];
      for (let i = 0; i < 60; i++) {
        const p = await original.propose({ index: i });
        proposals.push(p);
        observations.push(contractObservation(i, p));
        original.observe(observations[i] as Observation);
      }
      const rebuilt = make();
      for (const o of observations.slice(0, 40)) rebuilt.observe(o);
      for (let i = 40; i < 60; i++) {
        const p = await rebuilt.propose({ index: i });
        expect(JSON.stringify(p)).toBe(JSON.stringify(proposals[i]));
        rebuilt.observe(observations[i] as Observation);
      }
    });
  }
});

describe('registry', () => {
  it('lists the three proposers, each named as registered', () => {
    expect(PROPOSER_NAMES).toEqual(['random', 'stratified', 'evolution']);
    for (const name of PROPOSER_NAMES) {
      expect(createProposer(name, options(1)).name).toBe(name);
      expect(PROPOSERS[name]).toBeTypeOf('function');
    }
  });

  it('rejects an unknown name, listing the known ones', () => {
    const err = (() => {
      try {
        createProposer('genetic', options(1));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).field).toBe('proposer');
    expect((err as InputError).value).toBe('genetic');
    expect((err as InputError).allowed).toBe('random, stratified, evolution');
  });

  it('checks evolution settings, naming the setting', () => {
    const fieldOf = (settings: Record<string, unknown>) => {
      try {
        createProposer('evolution', options(1, { settings }));
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        return (e as InputError).field;
      }
      return 'no error';
    };
    for (const bad of [0, -3, 2.5, 'ten', null, Infinity]) expect(fieldOf({ population: bad })).toBe('evolution setting population');
    for (const bad of [0, 1.5, '']) expect(fieldOf({ sample: bad })).toBe('evolution setting sample');
    expect(fieldOf({ population: 4, sample: 5 })).toBe('evolution setting sample');
    expect(fieldOf({ sample: 21 })).toBe('evolution setting sample'); // default population 20
    expect(fieldOf({ populaton: 10 })).toBe('evolution setting populaton');
    expect(fieldOf({ population: 5, sample: 5 })).toBe('no error');
    expect(parseEvolutionSettings({})).toEqual({ population: 20, sample: 5, screen: 1 });
    expect(parseEvolutionSettings({ population: '30', sample: 4 })).toEqual({ population: 30, sample: 4, screen: 1 });
  });

  it('rejects a non-integer seed and a bad proposal index', async () => {
    expect(() => createProposer('random', options(1.5))).toThrow(InputError);
    await expect(createProposer('stratified', options(1)).propose({ index: -1 })).rejects.toThrow(InputError);
  });
});

/** count[stage][field][String(value)] over the proposals. */
function valueCounts(candidates: readonly Candidate[]): Map<string, number>[] {
  return Array.from({ length: space.stages }, (_, s) => {
    const counts = new Map<string, number>();
    for (const c of candidates) {
      const b = c.blocks[s] as BlockConfig;
      for (const f of BLOCK_FIELDS) counts.set(`${f}=${String(b[f])}`, (counts.get(`${f}=${String(b[f])}`) ?? 0) + 1);
    }
    return counts;
  });
}

async function proposeMany(p: Proposer, n: number): Promise<Candidate[]> {
  const out: Candidate[] = [];
  for (let i = 0; i < n; i++) out.push((await p.propose({ index: i })).candidate as Candidate);
  return out;
}

/** max - min count of output_channels values at each stage, worst stage. */
function channelImbalance(candidates: readonly Candidate[]): number {
  return Math.max(
    ...valueCounts(candidates).map((counts) => {
      const n = space.choices.output_channels.map((v) => counts.get(`output_channels=${v}`) ?? 0);
      return Math.max(...n) - Math.min(...n);
    }),
  );
}

describe('stratified coverage', () => {
  it('after 8k proposals each of the 8 output_channels values has appeared exactly k times at every stage', async () => {
    for (const seed of [1, 2, 3]) {
      const all = await proposeMany(stratifiedProposer(options(seed)), 40);
      for (const k of [1, 2, 3, 5]) {
        valueCounts(all.slice(0, 8 * k)).forEach((counts) => {
          for (const v of space.choices.output_channels) expect(counts.get(`output_channels=${v}`)).toBe(k);
        });
      }
    }
  });

  it('after 120 proposals (lcm of the deck sizes) every value of every field has appeared equally often, SE ratios included', async () => {
    const all = await proposeMany(stratifiedProposer(options(5)), 120);
    valueCounts(all).forEach((counts, s) => {
      const choices = stageChoices(space, s);
      for (const f of TABLE_I_FIELDS) for (const v of choices[f]) expect(counts.get(`${f}=${String(v)}`), `${f}=${String(v)}`).toBe(120 / choices[f].length);
      // use_se is true 60 times; its own deck deals the two ratios 30 times each.
      for (const r of space.seRatios) expect(counts.get(`se_ratio=${r}`)).toBe(60 / space.seRatios.length);
    });
  });

  it('reshuffles: successive decks are not all dealt in the same order', async () => {
    const all = await proposeMany(stratifiedProposer(options(9)), 80);
    const decks = Array.from({ length: 10 }, (_, d) => all.slice(8 * d, 8 * d + 8).map((c) => c.blocks[0]?.output_channels).join(','));
    expect(new Set(decks).size).toBeGreaterThan(1);
  });

  it('is exactly balanced where random sampling is not (a demonstration, not a bound on random)', async () => {
    const budget = 8 * 6;
    const stratified = channelImbalance(await proposeMany(stratifiedProposer(options(21)), budget));
    const random = channelImbalance(await proposeMany(randomProposer(options(21)), budget));
    expect(stratified).toBe(0);
    expect(random).toBeGreaterThanOrEqual(stratified);
  });

  it('follows per-stage overrides', async () => {
    const custom = parseSpace({ ...space, stageOverrides: { '1': { output_channels: [8, 12], num_layers: [1] } } });
    const all = await proposeMany(stratifiedProposer({ space: custom, seed: 3, objectiveCount: 2 }), 16);
    for (const c of all) expect(isValidCandidate(custom, c)).toBe(true);
    expect(all.filter((c) => c.blocks[1]?.output_channels === 8)).toHaveLength(8);
    expect(all.every((c) => c.blocks[1]?.num_layers === 1)).toBe(true);
  });
});

/** Distinct valid candidates from a seeded stream. */
function distinctCandidates(n: number, seed = 77): Candidate[] {
  const rng = createRng(seed);
  const seen = new Set<string>();
  const out: Candidate[] = [];
  while (out.length < n) {
    const c = sampleCandidate(space, rng);
    if (!seen.has(key(c))) {
      seen.add(key(c));
      out.push(c);
    }
  }
  return out;
}

function evaluated(index: number, candidate: Candidate, objectives: number[], violation = 0): Observation {
  return { index, proposal: { candidate }, key: key(candidate), outcome: { kind: 'evaluated', metrics: {}, objectives, violation } };
}

const PARENT = /of parent #(\d+) (\S+)$/;

/** A fresh evolution proposer whose whole population is sampled, fed the given (objectives, violation) pairs. */
async function parentOf(points: [number[], number?][]): Promise<number> {
  const p = evolutionProposer(options(4, { objectiveCount: points[0]?.[0].length ?? 0, settings: { population: points.length, sample: points.length, screen: 0 } }));
  const cands = distinctCandidates(points.length);
  points.forEach(([objectives, violation], i) => p.observe(evaluated(i, cands[i] as Candidate, objectives, violation)));
  const note = (await p.propose({ index: points.length })).note ?? '';
  const m = PARENT.exec(note);
  expect(m, note).not.toBeNull();
  expect(m?.[2]).toBe(key(cands[Number(m?.[1])] as Candidate));
  return Number(m?.[1]);
}

describe('evolution', () => {
  it('proposes random samples until the population is full, then mutants of a parent', async () => {
    const p = evolutionProposer(options(3, { settings: { population: 3, sample: 2, screen: 0 } }));
    const cands = distinctCandidates(5);
    expect((await p.propose({ index: 0 })).note).toBe('random: population 0/3');
    p.observe(evaluated(0, cands[0] as Candidate, [1, 1]));
    p.observe({ index: 1, proposal: { candidate: cands[1] }, key: key(cands[1] as Candidate), outcome: { kind: 'rejected', reason: 'macs', message: '' } });
    p.observe({ index: 2, proposal: { candidate: cands[2] }, key: key(cands[2] as Candidate), outcome: { kind: 'failed', message: 'boom' } });
    p.observe({ index: 3, proposal: { candidate: { blocks: 'nonsense' } }, outcome: { kind: 'rejected', reason: 'schema', message: '' } });
    expect(p.members().map((m) => m.index)).toEqual([0]);
    expect((await p.propose({ index: 4 })).note).toBe('random: population 1/3');
    p.observe(evaluated(5, cands[3] as Candidate, [2, 2]));
    p.observe(evaluated(6, cands[4] as Candidate, [3, 3]));
    expect((await p.propose({ index: 7 })).note).toMatch(PARENT);
  });

  it('ages out the oldest member, whatever its quality', async () => {
    const p: EvolutionProposer = evolutionProposer(options(3, { settings: { population: 3, sample: 3, screen: 0 } }));
    const cands = distinctCandidates(6);
    const objectives = [[0, 0], [5, 5], [6, 6], [7, 7], [8, 8], [9, 9]];
    p.observe(evaluated(0, cands[0] as Candidate, objectives[0] as number[]));
    p.observe(evaluated(1, cands[1] as Candidate, objectives[1] as number[]));
    p.observe(evaluated(2, cands[2] as Candidate, objectives[2] as number[]));
    expect(p.members().map((m) => m.index)).toEqual([0, 1, 2]);
    expect(PARENT.exec((await p.propose({ index: 3 })).note ?? '')?.[1]).toBe('0'); // the best, while it lives
    for (let i = 3; i < 6; i++) {
      p.observe(evaluated(i, cands[i] as Candidate, objectives[i] as number[]));
      expect(p.members().map((m) => m.index)).toEqual([i - 2, i - 1, i]);
      expect(p.members()[2]?.key).toBe(key(cands[i] as Candidate));
      // Sample = population: the parent is the best surviving member, the oldest one.
      expect(PARENT.exec((await p.propose({ index: 10 + i })).note ?? '')?.[1]).toBe(String(i - 2));
    }
  });

  it('chooses the parent by violation, then rank in the sample, then crowding distance, then arrival', async () => {
    // Violation first: the feasible member wins over dominating but infeasible ones.
    expect(await parentOf([[[0, 0], 2], [[0, 0], 1], [[9, 9], 0], [[1, 1], 3]])).toBe(2);
    // Least violation ties among infeasible members: then rank.
    expect(await parentOf([[[5, 5], 1], [[1, 1], 1], [[0, 0], 2]])).toBe(1);
    // Rank: the only non-dominated member, arriving last.
    expect(await parentOf([[[3, 3]], [[2, 4]], [[4, 2]], [[1, 1]]])).toBe(3);
    // Ranks are taken among the least-violating members: #2 is dominated only by infeasible #0.
    expect(await parentOf([[[0, 0], 1], [[1, 9]], [[2, 2]], [[9, 1]]])).toBe(1);
    // Crowding: on a front of five, the boundary members (infinite distance) beat the interior
    // ones that came first; of the two boundary members the earlier wins.
    expect(await parentOf([[[5, 5]], [[8, 2]], [[0, 10]], [[10, 0]], [[2, 8]]])).toBe(2);
    // One objective: the least value, the earliest of equals.
    expect(await parentOf([[[3]], [[1]], [[2]], [[1]]])).toBe(1);
    // Equal everything: the earliest.
    expect(await parentOf([[[2, 2]], [[2, 2]], [[2, 2]]])).toBe(0);
  });

  it('tournamentWinner: crowding distance before arrival, computed on the best front only', () => {
    const front = [[1, 9], [2, 8], [5, 5], [8, 2], [0, 10], [10, 0]];
    const members = front.map((objectives) => ({ objectives, violation: 0 }));
    expect(tournamentWinner(members)).toBe(4);
    // Without #4 and #5, [1,9] and [8,2] bound the front: the earlier one wins.
    expect(tournamentWinner(members.slice(0, 4))).toBe(0);
    // A dominated member far from the rest does not widen the front's crowding.
    expect(tournamentWinner([{ objectives: [5, 5], violation: 0 }, { objectives: [4, 6], violation: 0 }, { objectives: [6, 4], violation: 0 }, { objectives: [100, 100], violation: 0 }])).toBe(1);
    // Three points: both ends infinite; the middle never wins.
    expect(tournamentWinner([{ objectives: [5, 5], violation: 0 }, { objectives: [0, 9], violation: 0 }, { objectives: [9, 0], violation: 0 }])).toBe(1);
  });

  it('each child differs from its parent in exactly one field of one stage, as its note says', async () => {
    const p = evolutionProposer(options(8, { settings: { population: 10, sample: 3, screen: 0 } }));
    const byKey = new Map<string, Candidate>();
    let children = 0;
    for (let i = 0; i < 200; i++) {
      const proposal = await p.propose({ index: i });
      const child = proposal.candidate as Candidate;
      expect(isValidCandidate(space, child)).toBe(true);
      const m = PARENT.exec(proposal.note ?? '');
      if (m) {
        children++;
        const parent = byKey.get(m[2] as string) as Candidate;
        expect(parent).toBeDefined();
        const diffs: string[] = [];
        child.blocks.forEach((b, s) => {
          const a = parent.blocks[s] as BlockConfig;
          for (const f of BLOCK_FIELDS) {
            if (f === 'se_ratio' && a.use_se !== b.use_se) continue; // follows use_se
            if (a[f] !== b[f]) diffs.push(`stage ${s} ${f}`);
          }
        });
        expect(diffs).toHaveLength(1);
        expect(proposal.note).toContain(`mutated ${diffs[0]} `);
        expect(key(child)).not.toBe(m[2]);
      }
      byKey.set(key(child), child);
      p.observe(contractObservation(i, proposal));
    }
    expect(children).toBeGreaterThan(100);
  });

  it('does not stall when children are duplicates: more mutations, then a random sample', async () => {
    // A two-candidate space (kernel 3 or 5): once both are proposed every mutation is a duplicate.
    const tiny: SearchSpace = parseSpace({
      ...space,
      stages: 1,
      choices: { output_channels: [16], kernel_size: [3, 5], stride: [2], expansion_factor: [3], use_se: [false], conv_type: ['mbconv'], skip_op: ['identity'], activation: ['relu6'], num_layers: [1] },
    });
    const p = evolutionProposer({ space: tiny, seed: 1, objectiveCount: 1, settings: { population: 1, sample: 1, screen: 0 } });
    const notes: string[] = [];
    for (let i = 0; i < 4; i++) {
      const proposal = await p.propose({ index: i });
      notes.push(proposal.note ?? '');
      expect(isValidCandidate(tiny, proposal.candidate)).toBe(true);
      p.observe(i === 0 ? evaluated(i, proposal.candidate as Candidate, [1]) : { index: i, proposal, key: canonicalKey(proposal.candidate as Candidate), outcome: { kind: 'rejected', reason: 'duplicate', message: '' } });
    }
    expect(notes[0]).toMatch(/^random: population 0\/1/);
    expect(notes[1]).toMatch(/^mutated stage 0 kernel_size/);
    expect(notes[2]).toMatch(/^random: 8 mutations of parent #0/);
  });

  it('avoids proposing a key twice in a large space, even when every child is rejected', async () => {
    const p = evolutionProposer(options(2, { settings: { population: 5, sample: 2, screen: 0 } }));
    const keys = new Set<string>();
    for (let i = 0; i < 150; i++) {
      const proposal = await p.propose({ index: i });
      const k = key(proposal.candidate as Candidate);
      expect(keys.has(k)).toBe(false);
      keys.add(k);
      const o = contractObservation(i, proposal);
      p.observe(i < 5 ? o : { ...o, outcome: { kind: 'rejected', reason: 'macs', message: '' } });
    }
  });

  it('minimises MACs far better than random sampling with the same budget and seed', async () => {
    const cost = createFastEvaluator(space, { model: 'mcunet' });
    const bestMacs = async (p: Proposer, steps: number) => {
      let best = Infinity;
      for (let i = 0; i < steps; i++) {
        const proposal = await p.propose({ index: i });
        const macs = cost(proposal.candidate as Candidate).macs;
        best = Math.min(best, macs);
        p.observe(evaluated(i, proposal.candidate as Candidate, [macs / 1e6]));
      }
      return best;
    };
    // Measured (300 steps, seeds 1-12): random 18-46 M, evolution 2.2-7.3 M.
    for (const seed of [1, 2, 3]) {
      const evolution = await bestMacs(evolutionProposer({ space, seed, objectiveCount: 1, settings: { screen: 0 } }), 300);
      const random = await bestMacs(randomProposer({ space, seed, objectiveCount: 1 }), 300);
      expect(evolution).toBeLessThan(random / 2);
    }
  });
});

describe('evolution screens proposals by their estimated costs (MCUNet / OFA practice)', () => {
  it('with screen on (the default) every proposal meets the space MAC range and SRAM limit', async () => {
    const costs = createFastEvaluator(space, { model: 'mcunet' });
    const p = evolutionProposer(options(5));
    for (let i = 0; i < 80; i++) {
      const { candidate } = await p.propose({ index: i });
      const t = costs(candidate as Candidate);
      expect(t.macs).toBeGreaterThanOrEqual(70e6);
      expect(t.macs).toBeLessThanOrEqual(350e6);
      expect(t.peakSramBytes).toBeLessThanOrEqual(327_680);
      p.observe({ index: i, proposal: { candidate }, outcome: { kind: 'evaluated', metrics: {}, objectives: [t.macs, t.params], violation: 0 } });
    }
  });
  it('unscreened, a uniform sample meets them rarely (0.2 % in the README; fewer than 5 of 200 here)', async () => {
    const costs = createFastEvaluator(space, { model: 'mcunet' });
    const p = randomProposer(options(5));
    let fit = 0;
    for (let i = 0; i < 200; i++) {
      const t = costs((await p.propose({ index: i })).candidate as Candidate);
      if (t.macs >= 70e6 && t.macs <= 350e6 && t.peakSramBytes <= 327_680) fit++;
    }
    expect(fit).toBeLessThan(5);
  });
  it('rejects a screen setting other than 0 or 1', () => {
    expect(() => parseEvolutionSettings({ screen: 'yes' })).toThrow(/evolution setting screen: got "yes"; allowed: 1 \(screen proposals by their estimated costs\) or 0/);
  });
});
