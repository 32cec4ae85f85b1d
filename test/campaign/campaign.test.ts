import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runCampaign, type CampaignDeps } from '../../lib/campaign/campaign.js';
import { configFromSpace } from '../../lib/campaign/config.js';
import { readRecords } from '../../lib/campaign/records.js';
import { replayRecords } from '../../lib/campaign/state.js';
import { EvaluationFailure, type Evaluator } from '../../lib/evaluate/types.js';
import { paretoFrontNaive } from '../../lib/pareto/sort.js';
import type { Proposer } from '../../lib/propose/types.js';
import { createRng } from '../../lib/rng.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import { mutateCandidate, sampleCandidate } from '../../lib/space/sample.js';

const space = resolveSpace();

/** Deterministic test double: mutants of the best-so-far, with repeats and malformed proposals mixed in. */
function stubProposer(seed: number): Proposer {
  const rng = createRng(seed);
  const history: unknown[] = [];
  let lastGood: unknown;
  return {
    name: 'stub',
    async propose() {
      const roll = rng.next();
      let candidate: unknown;
      if (roll < 0.1) candidate = { blocks: [] };
      else if (roll < 0.2 && history.length > 0) candidate = history[rng.int(history.length)];
      else if (roll < 0.6 && lastGood) candidate = mutateCandidate(space, lastGood as never, rng).candidate;
      else candidate = sampleCandidate(space, rng);
      history.push(candidate);
      return { candidate };
    },
    observe(o) {
      if (o.outcome.kind === 'evaluated') lastGood = o.proposal.candidate;
    },
  };
}

/** Fails every 7th distinct candidate (by key hash), like a trainer that crashes sometimes. */
const stubEvaluator: Evaluator = {
  name: 'stub',
  metrics: ['score'],
  async evaluate({ key, graph }) {
    let h = 0;
    for (const c of key) h = (h * 31 + c.charCodeAt(0)) >>> 0;
    if (h % 7 === 0) throw new EvaluationFailure('crash', `trainer crashed on ${key.slice(0, 12)}`);
    return { metrics: { score: (h % 1000) / 1000 + graph.nodes.length / 1e4 }, seconds: 0 };
  },
};

const deps: CampaignDeps = { createProposer: (_n, o) => stubProposer(o.seed), createEvaluator: () => stubEvaluator };
const config = (budget: number) =>
  configFromSpace(space, {
    space: 'tinyml-cifar100',
    proposer: 'stub',
    evaluator: 'stub',
    budget,
    seed: 5,
    objectives: [{ name: 'score', direction: 'max' }, { name: 'macs', direction: 'min' }, { name: 'params', direction: 'min' }],
    macs: { min: 1e6, max: 2e9 },
    sramMaxBytes: 4 * 2 ** 20,
  });

const lines = (dir: string) => readFileSync(`${dir}/records.jsonl`, 'utf8').trim().split('\n');

describe('campaign loop', () => {
  const full = mkdtempSync(`${tmpdir()}/campaign-`);
  let summary: Awaited<ReturnType<typeof runCampaign>>;

  it('spends the budget on proposals, valid or not, and every proposal gets exactly one outcome', async () => {
    summary = await runCampaign(full, config(120), deps);
    expect(summary.proposed).toBe(120);
    const { records } = readRecords(`${full}/records.jsonl`);
    const outcomes = records.filter((r) => ['rejection', 'evaluation', 'failure'].includes(r.type));
    expect(outcomes.map((r) => r.index)).toEqual(Array.from({ length: 120 }, (_, i) => i));
    const rejected = Object.values(summary.rejected).reduce((a, b) => a + b, 0);
    expect(summary.valid + rejected).toBe(120);
    expect(summary.rejected.schema).toBeGreaterThan(0);
    expect(summary.rejected.duplicate).toBeGreaterThan(0);
    expect(summary.failed).toBeGreaterThan(0);
    const evaluated = records.filter((r) => r.type === 'evaluation');
    expect(new Set(evaluated.map((r) => r.key)).size).toBe(evaluated.length);
    expect(records.every((r) => typeof r.type === 'string' && !Number.isNaN(Date.parse(r.time)))).toBe(true);
    expect(records[0]?.type).toBe('campaign-start');
    expect(records.at(-1)?.type).toBe('campaign-end');
  });

  it('the front is the non-dominated set of the evaluations (checked by the pairwise filter)', () => {
    const { records } = readRecords(`${full}/records.jsonl`);
    const ev = records.filter((r) => r.type === 'evaluation') as unknown as { key: string; metrics: Record<string, number> }[];
    const pts = ev.map((e) => [-e.metrics.score!, e.metrics.macs!, e.metrics.params!]);
    const want = paretoFrontNaive(pts).map((i) => ev[i]!.key).sort();
    const state = replayRecords(records);
    expect(state.front.front().map((e) => e.id).sort()).toEqual(want);
    expect(summary.frontSize).toBe(want.length);
    expect(summary.best?.value).toBe(Math.max(...ev.map((e) => e.metrics.score!)));
  });

  it('rejections carry a reason and the feedback text', () => {
    const { records } = readRecords(`${full}/records.jsonl`);
    const dup = records.find((r) => r.type === 'rejection' && r.reason === 'duplicate');
    expect(dup?.message).toMatch(/already proposed \(the same network as proposal #\d+\)/);
    const schema = records.find((r) => r.type === 'rejection' && r.reason === 'schema');
    expect(schema?.message).toMatch(/blocks: got 0 blocks; allowed: exactly 5 blocks/);
  });

  it('resumes from any cut, torn or not, to the same records as the uninterrupted run', async () => {
    const all = lines(full);
    const body = all.slice(0, -1); // without campaign-end
    const strip = (l: string[]) => l.map((x) => JSON.parse(x)).filter((r) => !['campaign-start', 'resume', 'campaign-end'].includes(r.type)).map(({ time, seq, seconds, ...rest }) => rest);
    for (const cut of [2, 3, 17, 40, 41, Math.floor(body.length / 2), body.length - 1]) {
      for (const torn of [false, true]) {
        const dir = `${mkdtempSync(`${tmpdir()}/resume-`)}/run`;
        mkdirSync(dir);
        const kept = body.slice(0, cut).join('\n') + '\n' + (torn ? (body[cut] ?? '').slice(0, 25) : '');
        writeFileSync(`${dir}/records.jsonl`, kept);
        const s = await runCampaign(dir, undefined, deps);
        expect(s.resumed).toBe(true);
        expect(s.replayMismatches).toEqual([]);
        if (torn) expect(s.tornRecord?.line).toBe(cut + 1);
        expect(strip(lines(dir))).toEqual(strip(all));
      }
    }
  });

  it('a finished run resumes as finished; a larger --budget extends it', async () => {
    const again = await runCampaign(full, undefined, deps);
    expect(again.stopped).toBe('finished-before');
    expect(again.proposed).toBe(120);
    const more = await runCampaign(full, undefined, deps, { budget: 130 });
    expect(more.proposed).toBe(130);
  });

  it('will not start over an existing run', async () => {
    await expect(runCampaign(full, config(5), deps)).rejects.toThrow(/--out: .*already holds a campaign; allowed: a new run directory \(use --resume/);
  });
});
