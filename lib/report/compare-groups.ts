/**
 * Seeds and significance (`paretonas compare RUN... --group-by FIELD`): runs whose configurations
 * differ only in the seed (lib/campaign/config-key.ts: everything but seed, budget, maxValid,
 * workers, queue and time limit) form a group, named by the FIELD's value; one run per seed is
 * counted (of copies or reruns, the longest; the others are listed as left out), and one directory
 * given twice is refused (checkDistinctRuns). Per group: its runs and
 * seeds, the hypervolume of each run's front against the comparison's ONE common reference point
 * (lib/report/compare.ts) as mean, sample sd (n - 1) and values, the valid rate (mean and values)
 * and wall time (mean over the runs that ended). Between every pair of groups of two runs or more:
 * the two-sided Mann-Whitney U test on the hypervolume values (lib/stats/mann-whitney.ts, scipy
 * 1.10.1's conventions: exact p for small samples without ties), Cliff's delta and Vargha-Delaney
 * A12, and the Holm-Bonferroni adjusted p over the pairs (Holm 1979). Pure: from a Comparison to
 * plain data (DESIGN.md "compute first, render second").
 */
import type { CampaignConfig } from '../campaign/config.js';
import { NOT_IN_CONFIG_KEY } from '../campaign/config-key.js';
import { realpathSync } from 'node:fs';
import { formatValue, InputError } from '../errors.js';
import { mannWhitneyU } from '../stats/mann-whitney.js';
import { holm } from '../stats/multiple-testing.js';
import { mean, sampleSd } from '../stats/summary.js';
import type { Comparison, RunComparison } from './compare.js';

/** The `paretonas search` flag of each setting a group ignores besides the seed (lib/campaign/config-key.ts NOT_IN_CONFIG_KEY). */
const IGNORED_FLAGS: Record<Exclude<(typeof NOT_IN_CONFIG_KEY)[number], 'seed'>, string> = { budget: '--budget', maxValid: '--valid', timeLimitSeconds: '--time-limit', workers: '--workers', queue: '--queue' };

/** What a group may differ in besides the seed, for people: `--budget, --valid, ... and --queue`. */
export const IGNORED_SETTINGS = ((flags: string[]) => `${flags.slice(0, -1).join(', ')} and ${flags.at(-1)}`)(NOT_IN_CONFIG_KEY.filter((k) => k !== 'seed').map((k) => IGNORED_FLAGS[k as keyof typeof IGNORED_FLAGS]));

export const GROUP_BY_FIELDS = ['proposer', 'model', 'space', 'evaluator'] as const;
export type GroupByField = (typeof GROUP_BY_FIELDS)[number];

/**
 * The configuration settings that belong to each FIELD (top-level CampaignConfig names): a
 * difference between groups outside these is noted (then a difference is not the FIELD's alone).
 * A space brings its own limits, MAC range and SRAM limit; a proposer its settings.
 */
const FIELD_SETTINGS: Record<GroupByField, readonly string[]> = {
  proposer: ['proposer', 'proposerSettings'],
  model: ['proposer', 'proposerSettings'],
  space: ['space', 'limits', 'macs', 'sramMaxBytes'],
  evaluator: ['evaluator', 'evaluatorOptions'],
};

/** A sample's summary: mean and sample sd (n - 1; null for one value, as there is no spread to estimate), and the values in run order. */
export interface SampleSummary {
  mean: number | null;
  sd: number | null;
  values: number[];
}

export interface RunGroup {
  /** The FIELD's value (e.g. `evolution`, `qwen2.5:3b`); with the differing setting added when two groups share it. */
  name: string;
  /** The run directories counted, as given, in the order given: one per seed (see `leftOut`). */
  runs: string[];
  seeds: number[];
  /**
   * Runs repeating the seed of a run in `runs` (a copy, or the same search run again): one
   * configuration and seed is one sample, so only the longest (most proposals; a tie: the first
   * given) is counted (`kept`), the others are left out of the values, the mean, the sd and the test
   * (as the dashboard's seed groups do, lib/dashboard/seed-groups.ts).
   */
  leftOut: { run: string; seed: number; kept: string }[];
  /** Hypervolume of each run's front against the common reference point (objectives' own units). */
  hypervolume: SampleSummary;
  /** Valid (evaluated or failed) / proposed per run. */
  validRate: SampleSummary;
  /** Wall time per run in seconds (runs without a campaign-end left out: `runs` may be longer). */
  seconds: SampleSummary;
}

export interface GroupTest {
  a: string;
  b: string;
  test: 'mann-whitney-u';
  /** U of group a (scipy's U1): pairs (x in a, y in b) with x > y, plus half the ties. */
  u: number;
  /** Two-sided p. */
  p: number;
  /** Holm-Bonferroni adjusted p over every pair tested. */
  pHolm: number;
  method: 'exact' | 'asymptotic';
  n1: number;
  n2: number;
  /** P(a > b) - P(a < b) over the pairs, in [-1, 1]. */
  cliffsDelta: number;
  /** Vargha-Delaney A: P(a > b) + P(a = b) / 2. */
  a12: number;
  /**
   * For an exact test (no ties): the smallest two-sided p any outcome of n1 vs n2 runs can give,
   * 2 / C(n1 + n2, n1), capped at 1 (above 0.05 the test cannot reach significance at 5 %). Null
   * for the normal approximation (ties, or large samples): there p has no such floor (with ties
   * it can fall below the exact one), so none is stated.
   */
  smallestP: number | null;
}

export interface GroupComparison {
  groupBy: GroupByField;
  /**
   * The common reference point of every hypervolume, natural units, and where it came from; null when the runs optimise
   * different objectives (no hypervolume) or no run evaluated anything (then every hypervolume is 0, whatever the point).
   */
  reference: Comparison['reference'];
  groups: RunGroup[];
  tests: GroupTest[];
  /** What a reader must know: groups too small to test, groups differing in more than FIELD, repeated seeds, missing hypervolumes. */
  notes: string[];
}

/** The FIELD's value for a run: `model` is an LLM run's model (another proposer's name otherwise). */
function fieldValue(r: RunComparison, field: GroupByField): string {
  if (field === 'model') return r.model ?? r.proposer;
  return r[field];
}

/**
 * Leaves of a JSON value as dotted paths (`proposerSettings.llmMode`, `limits.0.max`: arrays too)
 * to their JSON text; an empty object or array has none (it reads as absent: `no limits[0]`).
 */
function leaves(v: unknown, path = '', out = new Map<string, string>()): Map<string, string> {
  if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) leaves(x, path ? `${path}.${k}` : k, out);
  } else {
    out.set(path, JSON.stringify(v));
  }
  return out;
}

/** Paths whose values are not equal in every one of `configs` (a path missing in one counts as differing). */
function differingPaths(configs: readonly Map<string, string>[]): string[] {
  const paths = new Set(configs.flatMap((c) => [...c.keys()]));
  return [...paths].filter((p) => new Set(configs.map((c) => c.get(p) ?? '\u0000absent')).size > 1).sort();
}

/** What an absent setting means (record-types: a run without `llmMode` ran in full mode). */
const DEFAULTS: Record<string, string> = { 'proposerSettings.llmMode': 'full' };
/** The longest value shown in a group's name (longer ones are cut with …). */
const MAX_VALUE = 24;
/** Settings named in a group's name at most (then `+N more`). */
const MAX_SETTINGS = 2;

const isIndex = (segment: string): boolean => /^\d+$/.test(segment);
/** A setting's name for people: its own key (`llmMode`), or from the array it sits in (`limits[0].max`). */
function label(path: string): string {
  const seg = path.split('.');
  const firstIndex = seg.findIndex(isIndex);
  const from = firstIndex < 0 ? seg.length - 1 : Math.max(0, firstIndex - 1);
  return seg.slice(from).map((x, i) => (isIndex(x) ? `[${x}]` : i === 0 ? x : `.${x}`)).join('');
}
/** The setting a path belongs to, up to its first array index (`limits.0.max` → `limits`). */
function settingOf(path: string): string {
  const seg = path.split('.');
  const k = seg.findIndex(isIndex);
  return (k < 0 ? seg : seg.slice(0, k)).join('.');
}

/** A short value: a string as it is, anything else as JSON; cut to MAX_VALUE characters. */
function shortValue(json: string): string {
  const text = json.startsWith('"') ? (JSON.parse(json) as string) : json;
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

/** How one configuration stands on a differing path: `llmMode delta`, `llmMode full` (the default when absent), `no trainerArgs`. */
function describe(config: ReadonlyMap<string, string>, path: string): string {
  const json = config.get(path);
  if (json !== undefined) return `${label(path)} ${shortValue(json)}`;
  if (DEFAULTS[path] !== undefined) return `${label(path)} ${DEFAULTS[path]}`;
  // the outermost part of the path this configuration lacks below a top-level setting (a bag such
  // as evaluatorOptions names nothing): `no trainerArgs`, `no limits[2]`
  const seg = path.split('.');
  for (let n = Math.min(2, seg.length); n <= seg.length; n++) {
    const prefix = seg.slice(0, n).join('.');
    if (![...config.keys()].some((k) => k === prefix || k.startsWith(`${prefix}.`))) return `no ${label(prefix)}`;
  }
  return `no ${label(path)}`;
}

/**
 * A reference point for people that pastes back: `name value` per objective with every value
 * written in full (JavaScript's shortest round-trip form, e.g. `macs 15040168.333333334`, not
 * rounded), then the `--ref` that gives the same hypervolumes again.
 */
export function formatReference(objectives: readonly { name: string }[], point: readonly number[]): string {
  return `${objectives.map((o, j) => `${o.name} ${String(point[j])}`).join(', ')} (--ref "${point.map(String).join(',')}" gives these hypervolumes again)`;
}

/** 2 / C(n1 + n2, n1), capped at 1: the smallest exact two-sided Mann-Whitney p for these sizes. */
export function smallestExactP(n1: number, n2: number): number {
  let c = 1;
  for (let i = 1; i <= n1; i++) c = (c * (n2 + i)) / i;
  return Math.min(1, 2 / c);
}

function summary(values: number[]): SampleSummary {
  return { mean: values.length ? mean(values) : null, sd: values.length > 1 ? sampleSd(values) : null, values };
}

/**
 * Refuses a run directory given twice (the same realpath, e.g. `runs/a` and `./runs/a/` or a
 * symlink): one run counted twice is not two seeds. A path that does not resolve is left to
 * compareRuns, which says it has no records.jsonl. Reads the file system (realpath), unlike the rest.
 *
 * @throws InputError naming both paths and the directory they are.
 */
export function checkDistinctRuns(runDirs: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const dir of runDirs) {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch {
      continue;
    }
    const first = seen.get(real);
    if (first !== undefined) throw new InputError('RUN_DIR', dir, 'each run directory once', `${formatValue(first)} and ${formatValue(dir)} are the same run directory (${formatValue(real)}): one run given twice is not two seeds`);
    seen.set(real, dir);
  }
}

/**
 * Groups the runs of a comparison by configuration (ignoring the seed), names each group by
 * `groupBy`'s value, and tests every pair of groups of two runs or more.
 *
 * @throws InputError when `groupBy` is not one of GROUP_BY_FIELDS, or is `model` while no run has one (no ollama:MODEL proposer).
 */
export function compareGroups(c: Comparison, groupBy: string): GroupComparison {
  if (!(GROUP_BY_FIELDS as readonly string[]).includes(groupBy)) throw new InputError('--group-by', groupBy, GROUP_BY_FIELDS.join(', '));
  const field = groupBy as GroupByField;
  const notes: string[] = [];
  if (field === 'model') {
    const without = c.runs.filter((r) => r.model === null);
    if (without.length === c.runs.length) throw new InputError('--group-by', groupBy, GROUP_BY_FIELDS.filter((f) => f !== 'model').join(', '), `got "model", but no run here has a model (none was proposed by ollama:MODEL)`);
    if (without.length) notes.push(`${[...new Set(without.map((r) => r.proposer))].join(', ')}: not an LLM proposer, so no model: these runs are grouped and named by their proposer`);
  }
  const byKey = new Map<string, RunComparison[]>();
  for (const r of c.runs) byKey.set(r.configKey, [...(byKey.get(r.configKey) ?? []), r]);
  const keys = [...byKey.keys()];
  const configs = keys.map((k) => leaves(JSON.parse(k) as Partial<CampaignConfig>));

  // Names: the FIELD's value; groups sharing one get the settings in which they differ.
  const names = keys.map((k) => fieldValue((byKey.get(k) as RunComparison[])[0] as RunComparison, field));
  const finalNames = names.map((name, i) => {
    const same = names.map((n, j) => (n === name ? j : -1)).filter((j) => j >= 0);
    if (same.length < 2) return name;
    const paths = differingPaths(same.map((j) => configs[j] as Map<string, string>));
    const mine = configs[i] as Map<string, string>;
    const items = [...new Set(paths.map((p) => describe(mine, p)))];
    const more = items.length > MAX_SETTINGS ? `, +${items.length - MAX_SETTINGS} more` : '';
    return `${name} (${items.slice(0, MAX_SETTINGS).join(', ')}${more || (items.length ? '' : `group ${i + 1}`)})`;
  });
  // Names cut short may still coincide: then the group's number tells them apart.
  const uniqueNames = finalNames.map((n, i) => (finalNames.indexOf(n) !== finalNames.lastIndexOf(n) ? `${n} #${i + 1}` : n));

  const own = FIELD_SETTINGS[field];
  const outside = [...new Set(differingPaths(configs).filter((p) => !own.includes(p.split('.')[0] as string)).map(settingOf))];
  if (keys.length > 1 && outside.length) {
    notes.push(`the groups differ in more than the ${field}: ${outside.join(', ')}; a difference between them is not the ${field}'s alone`);
  }
  // A run without a feasible evaluation has an empty front: it dominates nothing, so its hypervolume is 0 against any
  // reference point (compareRuns gives 0 when there is a reference, null when no run evaluated anything: 0 here too).
  const hypervolumeOf = (r: RunComparison): number | null => (c.objectivesDiffer ? null : (r.hypervolume ?? (r.paretoCandidates === 0 ? 0 : null)));
  if (c.objectivesDiffer) notes.push('no hypervolume: the runs optimise different objectives, so nothing is tested');
  else if (c.reference === null) notes.push('no run has a feasible evaluation: every hypervolume is 0 whatever the reference point (an empty Pareto front dominates nothing), so the groups cannot differ in it');

  const groups: RunGroup[] = keys.map((k, i) => {
    const given = byKey.get(k) as RunComparison[];
    const name = uniqueNames[i] as string;
    // One run per seed: the longest (most proposals; a tie: the first given).
    const longest = new Map<number, RunComparison>();
    for (const r of given) if ((longest.get(r.seed)?.proposals ?? -1) < r.proposals) longest.set(r.seed, r);
    const runs = given.filter((r) => longest.get(r.seed) === r);
    const leftOut = given.filter((r) => longest.get(r.seed) !== r).map((r) => ({ run: r.run, seed: r.seed, kept: (longest.get(r.seed) as RunComparison).run }));
    for (const l of leftOut) notes.push(`${name}: ${l.run} repeats seed ${l.seed} of ${l.kept} (same configuration and seed: a copy or a rerun, not an independent sample): left out of the hypervolume values, mean, sd and test; ${l.kept} counted (the longest)`);
    const empty = runs.filter((r) => r.paretoCandidates === 0 && hypervolumeOf(r) === 0).length;
    if (empty > 0 && c.reference !== null) notes.push(`${name}: ${empty} of ${runs.length} run(s) without a feasible evaluation (an empty Pareto front): hypervolume 0, as their front dominates nothing, and they enter the test as 0`);
    const ended = runs.filter((r) => r.seconds !== null);
    if (ended.length < runs.length) notes.push(`${name}: ${runs.length - ended.length} run(s) without a campaign-end (interrupted): no wall time for them`);
    return {
      name,
      runs: runs.map((r) => r.run),
      seeds: runs.map((r) => r.seed),
      leftOut,
      hypervolume: summary(runs.map(hypervolumeOf).filter((v): v is number => v !== null)),
      validRate: summary(runs.map((r) => r.validRate).filter((v): v is number => v !== null)),
      seconds: summary(ended.map((r) => r.seconds as number)),
    };
  });

  const pairs: Omit<GroupTest, 'pHolm'>[] = [];
  if (!c.objectivesDiffer) {
    for (const g of groups) if (g.hypervolume.values.length < 2) notes.push(`${g.name}: ${g.hypervolume.values.length} run(s): no test against it (a Mann-Whitney U test needs two runs or more per group; run more seeds)`);
    for (let i = 0; i < groups.length; i++) {
      for (let j = i + 1; j < groups.length; j++) {
        const a = groups[i] as RunGroup;
        const b = groups[j] as RunGroup;
        if (a.hypervolume.values.length < 2 || b.hypervolume.values.length < 2) continue;
        const t = mannWhitneyU(a.hypervolume.values, b.hypervolume.values);
        pairs.push({ a: a.name, b: b.name, test: 'mann-whitney-u', u: t.u, p: t.p, method: t.method, n1: t.n1, n2: t.n2, cliffsDelta: t.effect.cliffsDelta, a12: t.effect.a12, smallestP: t.method === 'exact' ? smallestExactP(t.n1, t.n2) : null });
      }
    }
    for (const t of pairs) {
      if (t.smallestP !== null && t.smallestP > 0.05) notes.push(`${t.a} vs ${t.b}: with ${t.n1} vs ${t.n2} runs the smallest two-sided p any outcome can give is ${Number(t.smallestP.toPrecision(3))}: this test cannot reach significance at 5 % (run more seeds)`);
      // scipy's 'auto' would have been exact but for ties: the normal approximation at this size is rough (and may fall below the exact floor).
      if (t.method === 'asymptotic' && (t.n1 <= 8 || t.n2 <= 8)) notes.push(`${t.a} vs ${t.b}: tied hypervolumes, so p is the normal approximation with tie and continuity correction (no exact p with ties), rough with ${t.n1} vs ${t.n2} runs: read it with care (run more seeds)`);
    }
  }
  const adjusted = holm(pairs.map((t) => t.p));
  const tests = pairs.map(({ a, b, test, u, p, ...rest }, i): GroupTest => ({ a, b, test, u, p, pHolm: adjusted[i] as number, ...rest }));
  return { groupBy: field, reference: c.reference, groups, tests, notes };
}
