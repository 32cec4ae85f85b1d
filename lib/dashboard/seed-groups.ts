/**
 * Seeds of one configuration together: runs whose configurations differ only in the seed
 * (run-data.ts configKey) form a group, and the group's hypervolume over proposals is measured
 * on ONE normalisation shared by its runs (per objective in minimisation form, the best value
 * over every feasible evaluation of every run maps to 0 and the worst to 1; reference 1.1 in
 * each, as hypervolumeSeries does for one run), so the runs' curves are comparable. At each
 * proposal index p (0 .. the longest run's proposals - 1) a run's value is the hypervolume of
 * its feasible evaluations among proposals 0..p (a step function); the group gives the mean,
 * the sample standard deviation (n - 1; 0 for one run), min and max over the runs that reached p.
 * A group holds runs of DIFFERENT seeds: of runs repeating a seed (the same search with another
 * budget, or run twice) only the longest (most proposals; ties: the first id) is kept, the
 * others are listed in `leftOut` (a mean ± spread over one seed twice says nothing).
 */
import { HypervolumeTracker } from '../pareto/hv/incremental.js';
import { normalizePoints } from '../pareto/hypervolume.js';
import { toMinimization } from '../pareto/objectives.js';
import { compareGroups, type GroupComparison } from '../report/compare-groups.js';
import { compareRuns } from '../report/compare.js';
import type { RunData } from './run-data.js';

export interface SeedGroup {
  configKey: string;
  /** A short title: space, proposer, evaluator, objectives. */
  title: string;
  runs: { id: string; seed: number }[];
  /** Runs repeating the seed of a longer run in `runs` (`kept` is that run's id), left out of the statistics. */
  leftOut: { id: string; seed: number; kept: string }[];
  /** Normalisation bounds (minimisation form), shared by the group's runs. */
  ideal: number[];
  nadir: number[];
  reference: number[];
  proposal: number[];
  /** Per run (in `runs` order): hypervolume after proposals 0..p; null past the run's last proposal. */
  perRun: (number | null)[][];
  mean: number[];
  std: number[];
  min: number[];
  max: number[];
  /** Runs that reached each proposal. */
  count: number[];
}

const REFERENCE = 1.1;

/**
 * Groups runs by configuration (ignoring the seed); every group, one run per seed (the longest),
 * runs sorted by seed, groups by title.
 */
export function seedGroups(runs: readonly RunData[]): SeedGroup[] {
  const byKey = new Map<string, RunData[]>();
  for (const r of runs) byKey.set(r.configKey, [...(byKey.get(r.configKey) ?? []), r]);
  return [...byKey.entries()].map(([key, members]) => {
    const bySeed = new Map<number, RunData[]>();
    for (const r of members) bySeed.set(r.settings.seed, [...(bySeed.get(r.settings.seed) ?? []), r]);
    const kept: RunData[] = [];
    const leftOut: SeedGroup['leftOut'] = [];
    for (const same of bySeed.values()) {
      const [first, ...rest] = same.sort((a, b) => b.trials.length - a.trials.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) as [RunData, ...RunData[]];
      kept.push(first);
      for (const r of rest) leftOut.push({ id: r.id, seed: r.settings.seed, kept: first.id });
    }
    return seedGroup(key, kept.sort((a, b) => a.settings.seed - b.settings.seed), leftOut.sort((a, b) => a.seed - b.seed || (a.id < b.id ? -1 : 1)));
  }).sort((a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : 0));
}

function seedGroup(configKey: string, runs: readonly RunData[], leftOut: SeedGroup['leftOut']): SeedGroup {
  const s = (runs[0] as RunData).settings;
  const objectives = s.objectives;
  const m = objectives.length;
  const points = runs.map((r) =>
    r.trials
      .filter((t) => t.status === 'evaluated' && t.feasible && t.metrics)
      .map((t) => ({ index: t.index, p: toMinimization(objectives.map((o) => (t.metrics as Record<string, number>)[o.name] as number), objectives) }))
      .filter((x) => x.p.every((v) => Number.isFinite(v))),
  );
  const all = points.flat().map((x) => x.p);
  const ideal = Array.from({ length: m }, (_, j) => (all.length ? Math.min(...all.map((p) => p[j] as number)) : 0));
  const nadir = Array.from({ length: m }, (_, j) => (all.length ? Math.max(...all.map((p) => p[j] as number)) : 1));
  const reference = new Array<number>(m).fill(REFERENCE);
  const length = Math.max(0, ...runs.map((r) => r.trials.length));
  const perRun = runs.map((r, k) => {
    const tracker = new HypervolumeTracker(reference);
    const mine = (points[k] ?? []).slice().sort((a, b) => a.index - b.index);
    const out: (number | null)[] = [];
    let next = 0;
    for (let p = 0; p < length; p++) {
      if (p >= r.trials.length) {
        out.push(null);
        continue;
      }
      while (next < mine.length && (mine[next] as { index: number }).index <= p) tracker.add(normalizePoints([(mine[next++] as { p: number[] }).p], ideal, nadir)[0] as number[]);
      out.push(tracker.value);
    }
    return out;
  });
  const g: SeedGroup = {
    configKey,
    title: `${s.space} · ${s.proposer} · ${s.evaluator} · ${objectives.map((o) => `${o.name} ${o.direction}`).join(', ')}`,
    runs: runs.map((r) => ({ id: r.id, seed: r.settings.seed })),
    leftOut,
    ideal,
    nadir,
    reference,
    proposal: Array.from({ length }, (_, p) => p),
    perRun,
    mean: [],
    std: [],
    min: [],
    max: [],
    count: [],
  };
  for (let p = 0; p < length; p++) {
    const v = perRun.map((row) => row[p]).filter((x): x is number => x !== null && x !== undefined);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    g.mean.push(mean);
    g.std.push(v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : 0);
    g.min.push(Math.min(...v));
    g.max.push(Math.max(...v));
    g.count.push(v.length);
  }
  return g;
}

/**
 * The Mann-Whitney table between seed groups, as `compare --group-by proposer` computes it
 * (lib/report/compare-groups.ts, one function for both): each kept run's final front against one
 * reference point common to every run shown (lib/report/compare.ts: the worst evaluated value
 * plus 10 % of the range), read from the runs' records.jsonl. Null for fewer than two groups.
 * `dirOf` maps a run id to its directory (undefined: the run is gone, left out).
 */
export function groupSignificance(groups: readonly Pick<SeedGroup, 'runs'>[], dirOf: (id: string) => string | undefined): GroupComparison | null {
  if (groups.length < 2) return null;
  const dirs = groups.flatMap((g) => g.runs.map((r) => dirOf(r.id))).filter((d): d is string => d !== undefined);
  return compareGroups(compareRuns(dirs), 'proposer');
}
