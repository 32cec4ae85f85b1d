/**
 * `--workers 1` (the default) keeps the campaign's behaviour from before `--workers` existed,
 * record for record: the real `paretonas search` (dist/) runs two evolution campaigns with the
 * sleeping trainer, and its records, with the volatile fields stripped (see `normalise`), must
 * deep-equal the golden files in test/golden/, written by the code of commit 215b15b (before the
 * parallel scheduler). The campaigns go past evolution's random phase (population 6 and 4, 30
 * proposals), so a proposer that saw its outcomes later, a validation memory filled at another
 * moment, or records in another order change the records.
 *
 * - campaign-k1.jsonl: the shipped tinyml-fashion-mnist space, screen 0, novelty 0.97: evaluations,
 *   `macs` and `novelty` rejections, front changes.
 * - campaign-k1-tiny.jsonl: a 16-network space (TINY_SPACE), so evolution runs out of new networks:
 *   `duplicate` rejections (some of a proposal whose trainer crashed), `macs` rejections, and
 *   `crash` failures (SLEEP_TRAINER_CRASH=4).
 *
 * Regenerating a golden is only right from the code before --workers (any later code would make
 * the test compare a run with itself):
 *
 *   git worktree add /tmp/k1base 215b15b && ln -s "$PWD/node_modules" /tmp/k1base/node_modules
 *   (cd /tmp/k1base && npx tsc -p tsconfig.build.json && node scripts/postbuild.mjs)
 *   PARETONAS_GOLDEN_CLI=/tmp/k1base/dist/cli/main.js npx vitest run test/campaign/workers-k1.test.ts
 *   git worktree remove --force /tmp/k1base
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, ROOT, runNode } from '../helpers.js';

const BIN = `${ROOT}dist/cli/main.js`;
/** Set: write the goldens with this CLI instead of checking dist/ against them. */
const GOLDEN_CLI = process.env.PARETONAS_GOLDEN_CLI;
const GOLDEN_DIR = `${ROOT}test/golden/`;
const SLEEP_TRAINER = `${FIXTURES}sleep-trainer.mjs`;
/** What the trainer's absolute path is written as in the goldens. */
const TRAINER_PLACEHOLDER = '<fixtures>/sleep-trainer.mjs';

/** 2 stages x (2 widths x 2 block types): 16 networks, so 30 proposals must repeat some. */
const TINY_SPACE = {
  name: 'tiny-k1',
  description: 'A deliberately tiny space (2 stages; 2 widths and 2 block types a stage) so that evolution runs out of new networks and proposes duplicates.',
  input: { channels: 1, resolution: 16 },
  classes: 4,
  stages: 2,
  head: { pool: 'average', dropout: 0, classifier: 'linear' },
  choices: {
    output_channels: [8, 16],
    kernel_size: [3],
    stride: [2],
    expansion_factor: [2],
    use_se: [false],
    conv_type: ['depthwise', 'mbconv'],
    skip_op: ['residual'],
    activation: ['relu6'],
    num_layers: [1],
  },
  seRatios: [0.25],
  constraints: { macs: { min: 1000, max: 20000 } },
};

interface Campaign {
  golden: string;
  /** Files written into the run's working directory first. */
  files?: Record<string, unknown>;
  args: string[];
}

const EVOLUTION = ['--proposer', 'evolution', '--seed', '3', '--screen', '0', '--budget', '30'];
const CAMPAIGNS: Campaign[] = [
  {
    golden: 'campaign-k1.jsonl',
    args: ['--space', 'tinyml-fashion-mnist', ...EVOLUTION, '--population', '6', '--sample', '3', '--novelty', '0.97', '--evaluator', `command:node ${SLEEP_TRAINER} 5`],
  },
  {
    golden: 'campaign-k1-tiny.jsonl',
    files: { 'tiny-k1.json': TINY_SPACE },
    args: ['--space', 'tiny-k1.json', ...EVOLUTION, '--population', '4', '--sample', '2', '--evaluator', `command:SLEEP_TRAINER_CRASH=4 node ${SLEEP_TRAINER} 5`],
  },
];

type Rec = Record<string, unknown> & { type: string };

/**
 * A record without what differs between two runs of the same campaign: `time`, `seconds` (an
 * evaluation's), `details.processSeconds` (the trainer's wall time), `versions` (campaign-start)
 * and `summary.seconds` (campaign-end); the trainer's absolute path becomes TRAINER_PLACEHOLDER
 * wherever it appears (the evaluator spec, details.command, messages).
 */
function normalise(line: string): Rec {
  const r = JSON.parse(line.split(SLEEP_TRAINER).join(TRAINER_PLACEHOLDER)) as Rec;
  delete r.time;
  delete r.seconds;
  delete r.versions;
  const details = r.details as Record<string, unknown> | null | undefined;
  if (details && typeof details === 'object') delete details.processSeconds;
  const summary = r.summary as Record<string, unknown> | undefined;
  if (summary && typeof summary === 'object') delete summary.seconds;
  return r;
}

interface Run {
  records: Rec[];
  /** PARETONAS_TRAINER_LOG lines: key, pid, start and end (ms). */
  trainerRuns: { key: string; start: number; end: number }[];
  stderr: string;
}

async function runCampaign(cli: string, campaign: Campaign, extra: string[] = []): Promise<Run> {
  const dir = mkdtempSync(`${tmpdir()}/workers-k1-`);
  for (const [name, content] of Object.entries(campaign.files ?? {})) writeFileSync(join(dir, name), JSON.stringify(content, null, 2));
  const log = join(dir, 'trainer.log');
  const r = await runNode([cli, 'search', ...campaign.args, ...extra, '--out', 'run'], { cwd: dir, env: { ...process.env, PARETONAS_TRAINER_LOG: log } });
  expect(r.status, r.stderr).toBe(0);
  const records = readFileSync(join(dir, 'run', 'records.jsonl'), 'utf8').trimEnd().split('\n').map(normalise);
  let logText = '';
  try {
    logText = readFileSync(log, 'utf8');
  } catch {
    // no trainer ran
  }
  const trainerRuns = logText.trimEnd().split('\n').filter(Boolean).map((l) => {
    const [key, , start, end] = l.split(' ');
    return { key: key as string, start: Number(start), end: Number(end) };
  });
  return { records, trainerRuns, stderr: r.stderr };
}

const goldenLines = (name: string) => readFileSync(`${GOLDEN_DIR}${name}`, 'utf8').trimEnd().split('\n');

/** One line a record: what it is about, so that a changed order shows as a readable diff. */
function outline(r: Rec): string {
  const about = r.reason ?? r.kind ?? (r.type === 'front-change' ? `removed ${JSON.stringify(r.removed)}` : undefined);
  return [r.seq, r.type, r.index, r.key, about].filter((x) => x !== undefined && x !== null).join(' ');
}

/** The records equal the golden: first their outline (order, indices, keys), then each record in full. */
function expectGolden(records: Rec[], name: string): void {
  const golden = goldenLines(name).map((l) => JSON.parse(l) as Rec);
  expect(records.map(outline), `the records' outline differs from ${name}`).toEqual(golden.map(outline));
  for (let i = 0; i < golden.length; i++) expect(records[i], `record ${i + 1} (seq ${i}, ${golden[i]?.type}) of ${name}`).toEqual(golden[i]);
}

const outcomeTypes = new Set(['evaluation', 'failure', 'rejection']);

describe.skipIf(GOLDEN_CLI !== undefined)('--workers 1 (the default) writes the records of the code before --workers', () => {
  for (const campaign of CAMPAIGNS) {
    it(`search ${campaign.args.slice(0, 2).join(' ')} ... equals test/golden/${campaign.golden}`, async () => {
      const run = await runCampaign(BIN, campaign);
      expectGolden(run.records, campaign.golden);
      // One trainer at a time: each evaluated or failed key ran once, in index order, never overlapping.
      const trained = run.records.filter((r) => r.type === 'evaluation' || r.type === 'failure').map((r) => r.key);
      expect(run.trainerRuns.map((t) => t.key)).toEqual(trained);
      for (let i = 1; i < run.trainerRuns.length; i++) expect(run.trainerRuns[i]!.start).toBeGreaterThanOrEqual(run.trainerRuns[i - 1]!.end);
    });
  }

  it('the goldens hold every kind of outcome the scheduler must keep in order', () => {
    const all = CAMPAIGNS.flatMap((c) => goldenLines(c.golden).map((l) => JSON.parse(l) as Rec));
    const kinds = new Set(all.filter((r) => outcomeTypes.has(r.type)).map((r) => `${r.type}${r.reason ? `:${r.reason}` : ''}${r.kind ? `:${r.kind}` : ''}`));
    expect([...kinds].sort()).toEqual(['evaluation', 'failure:crash', 'rejection:duplicate', 'rejection:macs', 'rejection:novelty']);
    // Evolution is past its random phase: children of evaluated parents were proposed.
    expect(all.filter((r) => r.type === 'proposal' && typeof r.note === 'string' && r.note.startsWith('mutated ')).length).toBeGreaterThan(10);
    // A duplicate of a proposal whose trainer crashed (the validation memory holds failures too).
    const tiny = goldenLines('campaign-k1-tiny.jsonl').map((l) => JSON.parse(l) as Rec);
    const crashed = new Set(tiny.filter((r) => r.type === 'failure').map((r) => r.index));
    expect(tiny.some((r) => r.reason === 'duplicate' && [...crashed].some((i) => String(r.message).includes(`proposal #${i})`)))).toBe(true);
  });

  it('an explicit --workers 1 writes the same records', async () => {
    expectGolden((await runCampaign(BIN, CAMPAIGNS[1] as Campaign, ['--workers', '1'])).records, 'campaign-k1-tiny.jsonl');
  });
});

describe.runIf(GOLDEN_CLI !== undefined)('writing the goldens', () => {
  for (const campaign of CAMPAIGNS) {
    it(`writes test/golden/${campaign.golden} with ${GOLDEN_CLI}`, async () => {
      const run = await runCampaign(GOLDEN_CLI as string, campaign);
      expect(run.records.at(-1)?.type).toBe('campaign-end');
      writeFileSync(`${GOLDEN_DIR}${campaign.golden}`, `${run.records.map((r) => JSON.stringify(r)).join('\n')}\n`);
    });
  }
});

describe('sleep-trainer fixture', () => {
  const request = (key: string, macs: number) => JSON.stringify({ protocol: 'paretonas-trainer/1', key, graph: { macs } });
  const train = (args: string[], key: string, macs = 5e6, env: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, [SLEEP_TRAINER, ...args], { input: `${request(key, macs)}\n`, encoding: 'utf8', env: { ...process.env, ...env } });
    const result = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((l) => l.type === 'result');
    return { code: r.status, stderr: r.stderr, result };
  };

  it('answers accuracy 0.5 + 0.4 (1 - e^(-macs/5e6)) + 0.05 u, and seconds = the sleep (MS + jitter)', () => {
    const small = train(['5'], 'k', 0).result;
    const big = train(['5'], 'k', 5e6).result;
    // The same key: the u term cancels; 0.4 (1 - 1/e) = 0.252848.
    expect(big.metrics.accuracy - small.metrics.accuracy).toBeCloseTo(0.4 * (1 - Math.exp(-1)), 5);
    const u = Number.parseInt(createHash('sha256').update('k').digest('hex').slice(0, 12), 16) / 2 ** 48;
    expect(small.metrics.accuracy).toBe(Math.round((0.5 + 0.05 * u) * 1e6) / 1e6);
    expect(small.seconds).toBe(0.005);
    const jittered = ['a', 'b', 'c', 'd', 'e', 'f'].map((key) => ({ s1: train(['20', '1'], key).result.seconds, s2: train(['20', '2'], key).result.seconds }));
    for (const j of jittered) for (const s of [j.s1, j.s2]) expect(s >= 0.02 && s < 0.04).toBe(true);
    // Another seed, another order of the six durations.
    const order = (k: 's1' | 's2') => jittered.map((j, i) => [j[k], i] as const).sort((a, b) => a[0] - b[0]).map(([, i]) => i);
    expect(order('s1')).not.toEqual(order('s2'));
    expect(train(['20', '1'], 'a').result.seconds).toBe(jittered[0]?.s1);
  });

  it('logs each run to PARETONAS_TRAINER_LOG and crashes the same keys under SLEEP_TRAINER_CRASH', () => {
    const log = join(mkdtempSync(`${tmpdir()}/sleep-trainer-`), 'log');
    const keys = Array.from({ length: 12 }, (_, i) => `key${i}`);
    const runs = keys.map((key) => ({ key, ...train(['1'], key, 1e6, { PARETONAS_TRAINER_LOG: log, SLEEP_TRAINER_CRASH: '3' }) }));
    const lines = readFileSync(log, 'utf8').trimEnd().split('\n').map((l) => l.split(' '));
    expect(lines.map((l) => l[0])).toEqual(keys);
    for (const l of lines) expect(Number(l[3]) - Number(l[2])).toBeGreaterThanOrEqual(1);
    const crashed = runs.filter((r) => r.code === 3);
    expect(crashed.length).toBeGreaterThan(0);
    expect(crashed.length).toBeLessThan(keys.length);
    for (const c of crashed) expect(c.stderr).toBe(`sleep-trainer: simulated crash on ${c.key}\n`);
    for (const r of runs.filter((x) => x.code !== 3)) expect(r.code).toBe(0);
    expect(train(['1'], crashed[0]!.key, 1e6, { SLEEP_TRAINER_CRASH: '3' }).code).toBe(3);
  });

  it('refuses a bad MS or SLEEP_TRAINER_CRASH with one line and exit 2', () => {
    for (const [args, env, field] of [[['x'], {}, 'MS'], [[], {}, 'MS'], [['5'], { SLEEP_TRAINER_CRASH: '0' }, 'SLEEP_TRAINER_CRASH']] as const) {
      const r = train([...args], 'k', 1, env);
      expect(r.code).toBe(2);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`sleep-trainer: ${field}: got `);
    }
  });
});
