import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runCampaign, type CampaignDeps, type Progress } from '../../lib/campaign/campaign.js';
import { configFromSpace, type CampaignConfig } from '../../lib/campaign/config.js';
import { readRecords, type CampaignRecord } from '../../lib/campaign/records.js';
import { replayRecords } from '../../lib/campaign/state.js';
import { NoveltyIndex } from '../../lib/campaign/novelty.js';
import { validateProposal } from '../../lib/campaign/validate.js';
import { EvaluationFailure, type Evaluator } from '../../lib/evaluate/types.js';
import { createProposer } from '../../lib/propose/registry.js';
import type { Proposer } from '../../lib/propose/types.js';
import { createRng } from '../../lib/rng.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import { sampleCandidate } from '../../lib/space/sample.js';

const space = resolveSpace();

const hash = (text: string, seed: number) => {
  let h = seed >>> 0;
  for (const c of text) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0;
  return h;
};

/**
 * An in-process trainer whose score depends on the candidate only, and whose duration (0 to 30 ms)
 * on the key and a jitter seed: two jitter seeds give two different completion orders. It fails
 * every 9th key, and logs when each evaluation finishes.
 */
function jitterEvaluator(jitter: number, finished: number[]): Evaluator {
  return {
    name: 'jitter',
    metrics: ['score'],
    async evaluate({ key, graph, seed }) {
      await new Promise((r) => setTimeout(r, hash(key, jitter) % 31));
      finished.push(seed);
      const h = hash(key, 7);
      if (h % 9 === 0) throw new EvaluationFailure('crash', `trainer crashed on ${key.slice(0, 12)}`);
      return { metrics: { score: (h % 1000) / 1000 + graph.nodes.length / 1e4 }, seconds: 0 };
    },
  };
}

const baseConfig = (proposer: string, budget: number, workers: number, extra: Partial<CampaignConfig> = {}) =>
  configFromSpace(space, {
    space: 'tinyml-cifar100',
    proposer,
    evaluator: 'jitter',
    budget,
    seed: 11,
    objectives: [{ name: 'score', direction: 'max' }, { name: 'macs', direction: 'min' }],
    macs: { min: 1e6, max: 2e9 },
    sramMaxBytes: 4 * 2 ** 20,
    ...(workers > 1 ? { workers } : {}),
    ...extra,
  });

const depsFor = (jitter: number, finished: number[] = [], proposer?: (seed: number) => Proposer): CampaignDeps => ({
  createProposer: (name, o) => proposer?.(o.seed) ?? createProposer(name, { space: o.space, seed: o.seed, objectiveCount: o.objectiveCount, settings: o.settings, feasible: o.feasible }),
  createEvaluator: () => jitterEvaluator(jitter, finished),
});

const newDir = () => `${mkdtempSync(`${tmpdir()}/workers-`)}/run`;
const records = (dir: string) => readRecords(`${dir}/records.jsonl`).records;
const OUTCOMES = ['rejection', 'evaluation', 'failure'];
/** index -> "evaluation KEY" | "failure KEY" | "rejection REASON" */
const outcomesByIndex = (rs: readonly CampaignRecord[]) =>
  Object.fromEntries(rs.filter((r) => OUTCOMES.includes(r.type)).map((r) => [r.index as number, `${r.type} ${r.type === 'rejection' ? String(r.reason) : String(r.key)}`]));
const proposals = (rs: readonly CampaignRecord[]) => rs.filter((r) => r.type === 'proposal').map((r) => JSON.stringify(r.candidate));
const frontKeys = (rs: readonly CampaignRecord[]) => replayRecords(rs).front.front().map((e) => e.id).sort();
/** Whether outcomes were written out of index order (so the run really had evaluations overlapping). */
const outOfOrder = (rs: readonly CampaignRecord[]) => {
  const idx = rs.filter((r) => OUTCOMES.includes(r.type)).map((r) => r.index as number);
  return idx.some((v, i) => i > 0 && v < (idx[i - 1] as number));
};

describe('--workers K: evaluations in flight, a run that does not depend on which finishes first', () => {
  it('K = 4 evaluates the same candidates as K = 1 with a proposer that does not learn (random)', async () => {
    const one = newDir();
    const four = newDir();
    await runCampaign(one, baseConfig('random', 60, 1), depsFor(1));
    const s4 = await runCampaign(four, baseConfig('random', 60, 4), depsFor(2));
    expect(s4.proposed).toBe(60);
    const r1 = records(one);
    const r4 = records(four);
    expect(Object.keys(outcomesByIndex(r4))).toHaveLength(60);
    expect(outcomesByIndex(r4)).toEqual(outcomesByIndex(r1));
    expect(frontKeys(r4)).toEqual(frontKeys(r1));
    expect(outOfOrder(r4)).toBe(true);
    expect(outOfOrder(r1)).toBe(false);
  });

  it('evolution past its population: two completion orders give the same proposals, outcomes and front', async () => {
    const a = newDir();
    const b = newDir();
    const cfg = baseConfig('evolution', 50, 4, { proposerSettings: { population: 6, sample: 3 } });
    await runCampaign(a, cfg, depsFor(3));
    await runCampaign(b, cfg, depsFor(4));
    const ra = records(a);
    const rb = records(b);
    expect(proposals(rb)).toEqual(proposals(ra));
    expect(outcomesByIndex(rb)).toEqual(outcomesByIndex(ra));
    expect(frontKeys(rb)).toEqual(frontKeys(ra));
    // The two runs really finished in different orders.
    const order = (rs: readonly CampaignRecord[]) => rs.filter((r) => r.type === 'evaluation' || r.type === 'failure').map((r) => r.index);
    expect(order(rb)).not.toEqual(order(ra));
    expect(Object.values(outcomesByIndex(ra)).filter((o) => o.startsWith('evaluation')).length).toBeGreaterThan(20);
  });

  it('the proposer is fed outcomes in index order, K behind: before propose(i), exactly observe(0..i-K)', async () => {
    const calls: string[] = [];
    const spy = (seed: number): Proposer => {
      const inner = createProposer('random', { space, seed, objectiveCount: 2 });
      return {
        name: 'spy',
        propose: (c) => {
          calls.push(`p${c.index}`);
          return inner.propose(c);
        },
        observe: (o) => {
          calls.push(`o${o.index}`);
          inner.observe(o);
        },
      };
    };
    await runCampaign(newDir(), baseConfig('random', 20, 3), depsFor(5, [], spy));
    const want: string[] = [];
    for (let i = 0; i < 20; i++) {
      if (i - 3 >= 0) want.push(`o${i - 3}`);
      want.push(`p${i}`);
    }
    want.push('o17', 'o18', 'o19');
    expect(calls).toEqual(want);
  });

  it('a duplicate of a candidate still in flight is rejected, naming it', async () => {
    const limits = baseConfig('twice', 2, 2);
    const rng = createRng(1);
    let candidate = sampleCandidate(space, rng);
    while (!validateProposal(candidate, { space, limits: limits.limits, sramModel: limits.sramModel }, { seen: new Map(), novelty: new NoveltyIndex() }).ok) candidate = sampleCandidate(space, rng);
    const twice = (): Proposer => ({ name: 'twice', propose: async () => ({ candidate }), observe: () => {} });
    const dir = newDir();
    const slow: Evaluator = { name: 'slow', metrics: ['score'], evaluate: async () => (await new Promise((r) => setTimeout(r, 200)), { metrics: { score: 1 }, seconds: 0.2 }) };
    await runCampaign(dir, baseConfig('twice', 2, 2), { createProposer: twice, createEvaluator: () => slow });
    const rs = records(dir);
    // #1 is rejected while #0 is still being evaluated: its rejection is written before #0's evaluation.
    expect(rs.filter((r) => OUTCOMES.includes(r.type)).map((r) => `${r.type}#${r.index}`)).toEqual(['rejection#1', 'evaluation#0']);
    expect(rs.find((r) => r.type === 'rejection')).toMatchObject({ index: 1, reason: 'duplicate', details: { sameAs: 0 } });
  });

  it('records come in completion order, each with its index; replaying them rebuilds the live state', async () => {
    const dir = newDir();
    const s = await runCampaign(dir, baseConfig('evolution', 40, 4, { proposerSettings: { population: 5 } }), depsFor(6));
    const state = replayRecords(records(dir));
    expect(state.counters).toEqual({ proposed: s.proposed, valid: s.valid, evaluated: s.evaluated, failed: s.failed, rejected: s.rejected });
    expect(state.front.size).toBe(s.frontSize);
    expect(state.pending.size).toBe(0);
    expect(outOfOrder(records(dir))).toBe(true);
  });

  it('--valid N stops at the same candidates for K = 1 and K = 4', async () => {
    const one = newDir();
    const four = newDir();
    const s1 = await runCampaign(one, baseConfig('random', 500, 1, { maxValid: 15 }), depsFor(1));
    const s4 = await runCampaign(four, baseConfig('random', 500, 4, { maxValid: 15 }), depsFor(2));
    expect([s1.stopped, s4.stopped]).toEqual(['valid', 'valid']);
    expect(s4.valid).toBe(15);
    expect(s4.proposed).toBe(s1.proposed);
    expect(outcomesByIndex(records(four))).toEqual(outcomesByIndex(records(one)));
  });

  it('progress names the evaluations in flight', async () => {
    const seen: Progress[] = [];
    await runCampaign(newDir(), baseConfig('random', 30, 4), depsFor(7), { onProgress: (p) => seen.push(p) });
    const busy = seen.filter((p) => (p.inFlight?.length ?? 0) > 0);
    expect(busy.length).toBeGreaterThan(0);
    expect(Math.max(...seen.map((p) => p.inFlight?.length ?? 0))).toBeLessThanOrEqual(4);
    expect(seen.at(-1)?.inFlight).toEqual([]);
  });

  it('killed at any record and resumed, K = 4 ends with the outcomes of the uninterrupted run', async () => {
    const full = newDir();
    const cfg = baseConfig('evolution', 40, 4, { proposerSettings: { population: 5 } });
    await runCampaign(full, cfg, depsFor(8));
    const all = readFileSync(`${full}/records.jsonl`, 'utf8').trim().split('\n');
    const want = outcomesByIndex(records(full));
    for (const cut of [2, 5, 9, 23, Math.floor(all.length / 2), all.length - 3]) {
      const dir = newDir();
      mkdirSync(dir);
      writeFileSync(`${dir}/records.jsonl`, `${all.slice(0, cut).join('\n')}\n`);
      const before = replayRecords(records(dir));
      const s = await runCampaign(dir, undefined, depsFor(9 + cut));
      expect(s.replayMismatches).toEqual([]);
      const rs = records(dir);
      expect(outcomesByIndex(rs)).toEqual(want);
      expect(proposals(rs)).toEqual(proposals(records(full)));
      const resume = rs.find((r) => r.type === 'resume');
      expect(resume?.pending).toEqual([...before.pending].sort((x, y) => x - y));
    }
  });

  it('--workers above 1 with measured latency is refused before anything is written', async () => {
    const dir = newDir();
    await expect(runCampaign(dir, baseConfig('random', 5, 2, { latencyModel: 'measured' }), depsFor(1))).rejects.toThrow(/^--workers: got 2; allowed: 1 with --latency-model measured/);
    expect(() => readFileSync(`${dir}/records.jsonl`)).toThrow();
  });
});
