import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { runCampaign } from '../../lib/campaign/campaign.js';
import { configFromSpace, type CampaignConfig } from '../../lib/campaign/config.js';
import { campaignProposer } from '../../lib/campaign/llm-proposer.js';
import { createEvaluator } from '../../lib/evaluate/registry.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import type { Candidate } from '../../lib/space/candidate.js';
import { startFakeOllama, type FakeChatRequest, type FakeStep } from '../fixtures/fake-ollama.js';
import { REFERENCE, readJson } from '../helpers.js';
import { configKey } from '../../lib/campaign/config-key.js';
import { compareCommand } from '../../lib/cli/compare.js';
import { InputError } from '../../lib/errors.js';
import { checkDistinctRuns, compareGroups, smallestExactP } from '../../lib/report/compare-groups.js';
import { compareRuns, comparisonRows, validityByMode } from '../../lib/report/compare.js';
import { PYTHON, pythonHas } from '../helpers-python.js';
import { evaluation, proposal, writeRun as writeRunIn } from './run-records.js';

const HAVE_SCIPY = pythonHas('scipy.stats');
if (!HAVE_SCIPY) console.warn('python3-scipy is not installed: the Mann-Whitney p values are not cross-checked against scipy (npm run setup installs it)');

const tmp = mkdtempSync(`${tmpdir()}/compare-groups-`);
const two = { objectives: [{ name: 'accuracy', direction: 'max' as const }, { name: 'macs', direction: 'min' as const }] };
/** A run of `points` (accuracy, macs), every one evaluated, ended after 10 s. */
const run = (name: string, config: Partial<CampaignConfig>, points: [number, number][]) =>
  writeRunIn(tmp, name, { ...two, ...config }, [...points.flatMap(([a, m], i) => [proposal(i), evaluation(i, { accuracy: a, macs: m })]), { type: 'campaign-end', stopped: 'budget', summary: { seconds: 10 } }]);

// Reference (accuracy 0, macs 100): a single point (a, m) covers a * (100 - m).
// evolution: {(10, 20), (20, 60)}: 10 * 80 + 20 * 40 - 10 * 40 = 1200; (20, 50): 1000; (30, 50): 1500.
const evo = [run('evo-1', { proposer: 'evolution', seed: 1 }, [[10, 20], [20, 60]]), run('evo-2', { proposer: 'evolution', seed: 2 }, [[20, 50]]), run('evo-3', { proposer: 'evolution', seed: 3 }, [[30, 50]])];
// random: (5, 50) 250, (40, 90) 400, (12, 50) 600 (one dominated extra point that adds nothing: (10, 60)).
const rnd = [run('rnd-1', { proposer: 'random', seed: 1 }, [[5, 50]]), run('rnd-2', { proposer: 'random', seed: 2 }, [[40, 90]]), run('rnd-3', { proposer: 'random', seed: 3 }, [[12, 50], [10, 60]])];
// stratified: 500, 1000 (ties evolution's 1000), 300, 2000.
const strat = [10, 20, 6, 40].map((a, i) => run(`strat-${i + 1}`, { proposer: 'stratified', seed: i + 1 }, [[a, 50]]));
const ref = { ref: [0, 100] };

/** scipy.stats.mannwhitneyu(a, b, alternative='two-sided') (method 'auto', use_continuity=True). */
function scipyMannWhitney(a: number[], b: number[]): { u: number; p: number } {
  const r = spawnSync(PYTHON, ['-c', 'import json,sys; from scipy.stats import mannwhitneyu; a,b=json.loads(sys.argv[1]); r=mannwhitneyu(a,b,alternative="two-sided"); print(json.dumps({"u":float(r.statistic),"p":float(r.pvalue)}))', JSON.stringify([a, b])], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as { u: number; p: number };
}

describe('compareGroups: seeds of one configuration and the tests between them', () => {
  const c = compareRuns([...evo, ...rnd, ...strat], ref);
  const g = compareGroups(c, 'proposer');

  it('groups by configuration, named by the proposer, with hand-worked hypervolumes', () => {
    expect(g.groups.map((x) => x.name)).toEqual(['evolution', 'random', 'stratified']);
    expect(g.groups.map((x) => x.seeds)).toEqual([[1, 2, 3], [1, 2, 3], [1, 2, 3, 4]]);
    expect(g.groups[0]?.runs).toEqual(evo);
    const [e, r, s] = g.groups;
    expect(e?.hypervolume.values.map((v) => Number(v.toFixed(9)))).toEqual([1200, 1000, 1500]);
    expect(r?.hypervolume.values.map((v) => Number(v.toFixed(9)))).toEqual([250, 400, 600]);
    expect(s?.hypervolume.values.map((v) => Number(v.toFixed(9)))).toEqual([500, 1000, 300, 2000]);
    // mean 3700 / 3; squared deviations sum to 380000 / 3, over n - 1 = 2
    expect(e?.hypervolume.mean).toBeCloseTo(3700 / 3, 9);
    expect(e?.hypervolume.sd).toBeCloseTo(Math.sqrt(190000 / 3), 9);
    expect(e?.validRate).toEqual({ mean: 1, sd: 0, values: [1, 1, 1] });
    expect(e?.seconds.mean).toBe(10);
    expect(g.reference).toEqual({ point: [0, 100], source: 'given' });
  });

  it('U, Cliff\'s delta and A12 counted by hand; Holm over the three pairs', () => {
    const [es, er, rs] = [g.tests.find((t) => t.a === 'evolution' && t.b === 'stratified'), g.tests.find((t) => t.a === 'evolution' && t.b === 'random'), g.tests.find((t) => t.a === 'random' && t.b === 'stratified')];
    expect(g.tests).toHaveLength(3);
    // every evolution run above every random run: U = 9 of 9, exact p = 2 / C(6, 3) = 0.1
    expect(er).toMatchObject({ test: 'mann-whitney-u', u: 9, method: 'exact', n1: 3, n2: 3, cliffsDelta: 1, a12: 1 });
    expect(er?.p).toBeCloseTo(0.1, 12);
    // evolution vs stratified: 8 pairs above, 1 tie (1000), 3 below: U = 8.5; a tie: the asymptotic p
    expect(es).toMatchObject({ u: 8.5, method: 'asymptotic', n1: 3, n2: 4 });
    expect(es?.cliffsDelta).toBeCloseTo(5 / 12, 12);
    expect(es?.a12).toBeCloseTo(8.5 / 12, 12);
    // random vs stratified: 400 > 300, 600 > 500 and 300: U = 3
    expect(rs).toMatchObject({ u: 3, method: 'exact' });
    // Holm: sorted p1 <= p2 <= p3 get 3 p1, max(that, 2 p2), max(that, p3), capped at 1
    const ps = [er, es, rs].map((t) => t?.p as number);
    const order = ps.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
    const holm: number[] = [];
    let run = 0;
    order.forEach(([p, i], k) => (holm[i] = run = Math.min(1, Math.max(run, (3 - k) * p))));
    expect([er, es, rs].map((t) => t?.pHolm)).toEqual(holm);
  });

  it.skipIf(!HAVE_SCIPY)('p values equal scipy 1.10.1\'s mannwhitneyu (two-sided, auto) to 1e-9', () => {
    for (const t of g.tests) {
      const a = g.groups.find((x) => x.name === t.a)?.hypervolume.values as number[];
      const b = g.groups.find((x) => x.name === t.b)?.hypervolume.values as number[];
      const s = scipyMannWhitney(a, b);
      expect(t.u).toBeCloseTo(s.u, 9);
      expect(Math.abs(t.p - s.p)).toBeLessThan(1e-9);
    }
  });

  it('says a 3 vs 3 test cannot reach significance: the smallest exact two-sided p is 0.1', () => {
    expect(smallestExactP(3, 3)).toBeCloseTo(0.1, 15);
    expect(smallestExactP(3, 4)).toBeCloseTo(2 / 35, 15);
    expect(smallestExactP(5, 5)).toBeCloseTo(2 / 252, 15);
    expect(smallestExactP(1, 1)).toBe(1);
    expect(g.notes).toContain('evolution vs random: with 3 vs 3 runs the smallest two-sided p any outcome can give is 0.1: this test cannot reach significance at 5 % (run more seeds)');
    expect(g.notes.some((n) => n.startsWith('evolution vs stratified'))).toBe(true); // a tie (1000): the normal approximation at 3 vs 4, said
    expect(g.notes.some((n) => n.includes('differ in more than'))).toBe(false);
  });

  it('tied hypervolumes: no "smallest possible p" beside an approximate p that can fall below it, and a note that says why', () => {
    // (a, 50) against (0, 100): hypervolume 50 a. tied: 500, 500, 600; low: 100, 200, 300 (every tied run above every low one).
    const tied = [10, 10, 12].map((a, i) => run(`tied-${i + 1}`, { proposer: 'stratified', seed: i + 1 }, [[a, 50]]));
    const low = [2, 4, 6].map((a, i) => run(`low-${i + 1}`, { proposer: 'random', seed: i + 1 }, [[a, 50]]));
    const x = compareGroups(compareRuns([...tied, ...low], ref), 'proposer');
    const [t] = x.tests;
    expect(t).toMatchObject({ a: 'stratified', b: 'random', u: 9, method: 'asymptotic', smallestP: null });
    if (HAVE_SCIPY) expect(Math.abs((t?.p as number) - scipyMannWhitney([500, 500, 600], [100, 200, 300]).p)).toBeLessThan(1e-9);
    // the approximate p is below the exact floor of 3 vs 3: a floor beside it would contradict it
    expect(t?.p).toBeLessThan(smallestExactP(3, 3));
    expect(x.notes.some((n) => n.includes('cannot reach significance'))).toBe(false);
    expect(x.notes).toContain('stratified vs random: tied hypervolumes, so p is the normal approximation with tie and continuity correction (no exact p with ties), rough with 3 vs 3 runs: read it with care (run more seeds)');
    const row = compareCommand([...tied, ...low, '--group-by', 'proposer', '--ref', '0,100']).split('\n').find((l) => /^stratified\s+random\s/.test(l));
    expect(row).toMatch(/\sasymptotic\s+[\d.]+\s+—\s+\+1\s+1\.000$/);
  });

  it('a run without a feasible evaluation has hypervolume 0 (its empty front dominates nothing), said whenever one enters a group', () => {
    const nothing = (name: string, proposer: string, seed: number) => writeRunIn(tmp, name, { ...two, proposer, seed }, [proposal(0), { type: 'rejection', index: 0, key: 'k0', reason: 'macs', message: 'over', details: null, violation: 1 }, { type: 'campaign-end', stopped: 'budget', summary: { seconds: 1 } }]);
    const empty = [1, 2, 3].map((s) => nothing(`empty-${s}`, 'stratified', s));
    const x = compareGroups(compareRuns([...evo, ...empty], ref), 'proposer');
    expect(x.groups[1]?.hypervolume).toEqual({ mean: 0, sd: 0, values: [0, 0, 0] });
    expect(x.notes).toContain('stratified: 3 of 3 run(s) without a feasible evaluation (an empty Pareto front): hypervolume 0, as their front dominates nothing, and they enter the test as 0');
    expect(x.notes.some((n) => n.startsWith('evolution: ') && n.includes('feasible'))).toBe(false);
    if (HAVE_SCIPY) expect(Math.abs((x.tests[0]?.p as number) - scipyMannWhitney([1200, 1000, 1500], [0, 0, 0]).p)).toBeLessThan(1e-9);
    // every run empty: no reference point can be derived, yet every hypervolume is still 0, and the test says they do not differ (p = 1, as scipy)
    const more = [1, 2].map((s) => nothing(`empty-random-${s}`, 'random', s));
    const all = compareGroups(compareRuns([...empty, ...more]), 'proposer');
    expect(all.reference).toBeNull();
    expect(all.groups.map((g) => g.hypervolume.values)).toEqual([[0, 0, 0], [0, 0]]);
    expect(all.tests).toMatchObject([{ a: 'stratified', b: 'random', p: 1, cliffsDelta: 0 }]);
    if (HAVE_SCIPY) expect(scipyMannWhitney([0, 0, 0], [0, 0]).p).toBe(1);
    expect(all.notes).toContain('no run has a feasible evaluation: every hypervolume is 0 whatever the reference point (an empty Pareto front dominates nothing), so the groups cannot differ in it');
    expect(all.notes.some((n) => n.includes('no hypervolume'))).toBe(false);
    expect(compareCommand([...empty, ...more, '--group-by', 'proposer'])).toContain('hypervolume: 0 for every run (no run has a feasible evaluation: an empty front dominates nothing, whatever the reference point)');
  });

  it('--group-by model: refused when no run has a model; runs without one are named by their proposer, and a note says so', () => {
    expect(() => compareGroups(compareRuns([...evo, ...rnd], ref), 'model')).toThrow(InputError);
    expect(() => compareCommand([...evo, ...rnd, '--group-by', 'model'])).toThrow(/^--group-by: got "model", but no run here has a model \(none was proposed by ollama:MODEL\); allowed: proposer, space, evaluator$/);
    const qwen = [1, 2].map((s) => run(`qwen-${s}`, { proposer: 'ollama:qwen', seed: s }, [[10 * s, 50]]));
    const x = compareGroups(compareRuns([...qwen, ...evo, ...rnd], ref), 'model');
    expect(x.groups.map((g) => g.name)).toEqual(['qwen', 'evolution', 'random']);
    expect(x.notes).toContain('evolution, random: not an LLM proposer, so no model: these runs are grouped and named by their proposer');
    expect(compareGroups(compareRuns(qwen, ref), 'model').notes.some((n) => n.includes('no model'))).toBe(false);
  });

  it('a group name gives a setting one run lacks its default (llmMode full) or says no X, and never a long JSON blob', () => {
    const plain = [1, 2].map((s) => run(`plain-${s}`, { proposer: 'ollama:qwen', proposerSettings: { temperature: 1.5 }, seed: s }, [[10 * s, 50]]));
    const delta = [1, 2].map((s) => run(`dl-${s}`, { proposer: 'ollama:qwen', proposerSettings: { llmMode: 'delta', temperature: 1.5 }, seed: s }, [[15 * s, 50]]));
    expect(compareGroups(compareRuns([...plain, ...delta], ref), 'model').groups.map((g) => g.name)).toEqual(['qwen (llmMode full)', 'qwen (llmMode delta)']);
    // a torch trainer's arguments given to one group only
    const torch = [1, 2].map((s) => run(`torch-${s}`, { proposer: 'evolution', evaluator: 'torch:fashion-mnist', seed: s }, [[10 * s, 50]]));
    const args = [1, 2].map((s) => run(`args-${s}`, { proposer: 'evolution', evaluator: 'torch:fashion-mnist', evaluatorOptions: { trainerArgs: '--epochs 3 --batch-size 64 --lr 0.05' }, seed: s }, [[10 * s, 50]]));
    expect(compareGroups(compareRuns([...torch, ...args], ref), 'evaluator').groups.map((g) => g.name)).toEqual(['torch:fashion-mnist (no trainerArgs)', 'torch:fashion-mnist (trainerArgs --epochs 3 --batch-size…)']);
    // two spaces' limits (arrays of objects): the element and field that differ, with a short value
    const limited = [1, 2].map((s) => run(`lim-${s}`, { proposer: 'evolution', limits: [{ name: 'macs', max: 350000000, min: 1 }], seed: s }, [[10 * s, 50]]));
    const names = compareGroups(compareRuns([...evo, ...limited], ref), 'proposer').groups.map((g) => g.name);
    expect(names).toEqual(['evolution (no limits[0])', 'evolution (limits[0].max 350000000, limits[0].min 1, +1 more)']);
    expect(names.join(' ')).not.toMatch(/[{"]/);
    // settings that differ beyond the field are named once each, not per array element
    expect(compareGroups(compareRuns([...rnd, ...limited], ref), 'proposer').notes).toContain("the groups differ in more than the proposer: limits; a difference between them is not the proposer's alone");
    // one group with llmMode absent, one with it given as full: the same setting, told apart by number
    const explicit = [1, 2].map((s) => run(`explicit-${s}`, { proposer: 'ollama:qwen', proposerSettings: { llmMode: 'full', temperature: 1.5 }, seed: s }, [[12 * s, 50]]));
    expect(compareGroups(compareRuns([...plain, ...explicit], ref), 'model').groups.map((g) => g.name)).toEqual(['qwen (llmMode full) #1', 'qwen (llmMode full) #2']);
  });

  it('a group of one run gets no test, and says so', () => {
    const one = compareGroups(compareRuns([evo[0] as string, evo[1] as string, rnd[0] as string], ref), 'proposer');
    expect(one.tests).toEqual([]);
    expect(one.groups[1]?.hypervolume).toEqual({ mean: 250, sd: null, values: [250] });
    expect(one.notes).toContain('random: 1 run(s): no test against it (a Mann-Whitney U test needs two runs or more per group; run more seeds)');
  });

  it('groups sharing a name get the differing setting; a difference beyond the field is noted', () => {
    const full = [1, 2].map((s) => run(`full-${s}`, { proposer: 'ollama:qwen', proposerSettings: { llmMode: 'full', temperature: 1.5 }, seed: s }, [[10 * s, 50]]));
    const delta = [1, 2].map((s) => run(`delta-${s}`, { proposer: 'ollama:qwen', proposerSettings: { llmMode: 'delta', temperature: 1.5 }, seed: s }, [[15 * s, 50]]));
    const byModel = compareGroups(compareRuns([...full, ...delta], ref), 'model');
    expect(byModel.groups.map((x) => x.name)).toEqual(['qwen (llmMode full)', 'qwen (llmMode delta)']);
    expect(byModel.notes.some((n) => n.includes('differ in more than'))).toBe(false);
    const other = run('evo-proxy', { proposer: 'evolution', evaluator: 'proxy', seed: 1 }, [[10, 50]]);
    const mixed = compareGroups(compareRuns([...evo, other], ref), 'proposer');
    expect(mixed.groups.map((x) => x.name)).toEqual(['evolution (evaluator command:train)', 'evolution (evaluator proxy)']);
    const byEvaluator = compareGroups(compareRuns([...evo, other, ...rnd], ref), 'evaluator');
    expect(byEvaluator.notes).toContain("the groups differ in more than the evaluator: proposer; a difference between them is not the evaluator's alone");
  });

  it('a repeated seed is noted; the budget does not split a group', () => {
    const again = run('evo-1-longer', { proposer: 'evolution', seed: 1, budget: 500 }, [[10, 20]]);
    const base = { space: 's', proposer: 'evolution', evaluator: 'proxy', seed: 1, budget: 60 } as unknown as CampaignConfig;
    expect(configKey({ ...base, seed: 2, budget: 500, workers: 4, timeLimitSeconds: 9 })).toBe(configKey(base));
    expect(configKey({ ...base, evaluator: 'cost' })).not.toBe(configKey(base));
    const x = compareGroups(compareRuns([...evo, again], ref), 'proposer');
    expect(x.groups).toHaveLength(1);
    // evo-1 made 2 proposals, evo-1-longer 1: evo-1 is counted, the other left out of the sample
    expect(x.groups[0]).toMatchObject({ runs: evo, seeds: [1, 2, 3], leftOut: [{ run: again, seed: 1, kept: evo[0] }] });
    expect(x.notes).toContain(`evolution: ${again} repeats seed 1 of ${evo[0]} (same configuration and seed: a copy or a rerun, not an independent sample): left out of the hypervolume values, mean, sd and test; ${evo[0]} counted (the longest)`);
  });

  it('copies of one run count once in a group\'s values and test (the longest kept); one directory given twice is refused', () => {
    // three copies of each evolution run (cp -r): n stays 3, so U and p are those of 3 vs 3
    const copies = evo.flatMap((d, i) => [1, 2].map((k) => (cpSync(d as string, `${tmp}/evo-copy-${i + 1}-${k}`, { recursive: true }), `${tmp}/evo-copy-${i + 1}-${k}`)));
    const x = compareGroups(compareRuns([...copies, ...evo, ...rnd], ref), 'proposer');
    const e = x.groups[0];
    expect(e?.runs).toEqual([copies[0], copies[2], copies[4]]); // a tie in length: the first given
    expect(e?.hypervolume.values.map((v) => Number(v.toFixed(9)))).toEqual([1200, 1000, 1500]);
    expect(e?.leftOut).toHaveLength(6);
    expect(x.tests[0]).toMatchObject({ n1: 3, n2: 3, u: 9, method: 'exact' });
    expect(x.tests[0]?.p).toBeCloseTo(0.1, 12);
    expect(x.notes.filter((n) => n.includes('not an independent sample'))).toHaveLength(6);
    // the same directory twice (another spelling, or a symlink): one line
    symlinkSync(evo[0] as string, `${tmp}/evo-link`);
    for (const twice of [[evo[0], `${evo[0]}/`], [evo[0], `${tmp}/evo-link`]] as string[][]) {
      expect(() => checkDistinctRuns(twice)).toThrow(InputError);
      expect(() => compareCommand([...twice, ...rnd, '--group-by', 'proposer'])).toThrow(/^RUN_DIR: ".*evo-1" and ".*(evo-1\/|evo-link)" are the same run directory \(".*evo-1"\): one run given twice is not two seeds; allowed: each run directory once$/);
    }
    expect(() => checkDistinctRuns([...evo, `${tmp}/nowhere`])).not.toThrow();
  });
});

describe('valid rate per LLM mode', () => {
  it('counts a proposal with a parent as delta, valid when evaluated or failed', () => {
    const records = [
      { type: 'proposal', index: 0, key: 'a' },
      { type: 'evaluation', index: 0 },
      { type: 'proposal', index: 1, key: 'b', parent: 'a', patch: [] },
      { type: 'rejection', index: 1, reason: 'parse' },
      { type: 'proposal', index: 2, key: 'c', parent: 'a', patch: [] },
      { type: 'failure', index: 2 },
      { type: 'proposal', index: 3, key: 'd', parent: 'a', patch: [] },
      { type: 'evaluation', index: 3 },
      { type: 'proposal', index: 4, key: 'e' },
      { type: 'rejection', index: 4, reason: 'macs' },
      { type: 'proposal', index: 5, key: 'f', parent: 'a' }, // no outcome yet: left out
    ];
    expect(validityByMode(records as never)).toEqual({ full: { proposals: 2, valid: 1, rate: 0.5 }, delta: { proposals: 3, valid: 2, rate: 2 / 3 } });
  });

  it('compare shows it for LLM runs, with the recorded mode', () => {
    const llm = writeRunIn(tmp, 'llm-delta', { ...two, proposer: 'ollama:qwen', proposerSettings: { llmMode: 'delta' } }, [
      proposal(0),
      evaluation(0, { accuracy: 10, macs: 50 }),
      { ...proposal(1), parent: 'k0', patch: [{ op: 'replace', path: '/x', value: 1 }] },
      { type: 'rejection', index: 1, key: null, reason: 'schema', message: 'bad path', details: null, violation: null },
    ]);
    const c = compareRuns([llm, evo[0] as string]);
    expect(c.runs.map((r) => r.llmMode)).toEqual(['delta', null]);
    expect(comparisonRows(c).map((r) => [r.llmMode, r.validRateFull, r.validRateDelta])).toEqual([['delta', 1, 0], [null, null, null]]);
    const out = compareCommand([llm, evo[0] as string]);
    expect(out).toMatch(new RegExp(`${llm}\\s+delta\\s+100\\.0 % \\(1 / 1\\)\\s+0\\.0 % \\(0 / 1\\)`));
  });
});

describe('valid rate per LLM mode on a real delta run (the fake Ollama, H4\'s delta proposer)', async () => {
  const elite = (readJson(`${REFERENCE}LMaNet-Elite.json`) as { candidate_config: Candidate }).candidate_config;
  // #0: the front is empty, a full candidate; #1..#4 delta: a valid patch, not JSON (parse), a bad path (schema), a valid patch.
  const replies = [
    JSON.stringify(elite),
    '[{"op": "replace", "path": "/blocks/3/kernel_size", "value": 5}]',
    'I would lower the stride of stage 2.',
    '[{"op": "replace", "path": "/blocks/9/stride", "value": 1}]',
    '[{"op": "replace", "path": "/blocks/4/kernel_size", "value": 3}]',
  ];
  let step = 0;
  const fake = await startFakeOllama({ models: ['qwen2.5:3b'], script: (r: FakeChatRequest): FakeStep => (!r.format ? { reply: 'explained' } : { reply: replies[step++] ?? 'out of script' }) });
  afterAll(() => fake.close());
  const dir = `${tmp}/delta-live`;
  const settings = { host: fake.host, timeoutMs: 5000, retries: 0, backoffMs: 10, temperature: 1.5, min_p: 0.1, window: 3, explain: false, llmMode: 'delta' };
  await runCampaign(dir, configFromSpace(resolveSpace(), { space: 'tinyml-cifar100', proposer: 'ollama:qwen2.5:3b', proposerSettings: settings, evaluator: 'cost', budget: replies.length, seed: 3 }), { createProposer: campaignProposer, createEvaluator });

  it('counts the first (full) proposal and the four patches apart', () => {
    const [r] = compareRuns([dir]).runs;
    expect(r?.llmMode).toBe('delta');
    expect(r?.validByMode).toEqual({ full: { proposals: 1, valid: 1, rate: 1 }, delta: { proposals: 4, valid: 2, rate: 0.5 } });
    expect(r?.validRate).toBe(3 / 5);
  });
});

describe('compare --group-by (through compareCommand)', () => {
  it('prints the groups and the Mann-Whitney table, and JSON in the issue\'s shape', () => {
    const out = compareCommand([...evo, ...rnd, '--group-by', 'proposer', '--ref', '0,100']);
    expect(out).toMatch(/Groups by proposer/);
    expect(out).toMatch(/^evolution\s+3\s+1, 2, 3\s+1233\.3 ± 251\.66\s+1200, 1000, 1500\s+100\.0 %/m);
    expect(out).toMatch(/^evolution\s+random\s+3\s+3\s+9\s+0\.1\s+exact\s+0\.1\s+0\.1\s+\+1\s+1\.000$/m);
    expect(out).toContain('hypervolume: each run\'s front against one reference point for every run (given with --ref): accuracy 0, macs 100');
    const json = JSON.parse(compareCommand([...evo, ...rnd, '--group-by', 'proposer', '--ref', '0,100', '--json'])) as Record<string, unknown>;
    expect(Object.keys(json).slice(0, 5)).toEqual(['groupBy', 'reference', 'groups', 'tests', 'notes']);
    const groups = json.groups as { name: string; runs: string[]; hypervolume: { mean: number; sd: number; values: number[] } }[];
    expect(groups[1]).toMatchObject({ name: 'random', runs: rnd, hypervolume: { mean: 1250 / 3 } });
    expect((json.tests as Record<string, unknown>[])[0]).toMatchObject({ a: 'evolution', b: 'random', test: 'mann-whitney-u', u: 9 });
  });

  it('refuses a --group-by it does not know, in one line naming the allowed fields', () => {
    expect(() => compareCommand([...evo, '--group-by', 'seed'])).toThrow(InputError);
    expect(() => compareCommand([...evo, '--group-by', 'seed'])).toThrow(/--group-by.*seed.*proposer, model, space, evaluator/);
  });
});
