/**
 * `search --resume` and the flags given with it. People re-run the original command line with
 * `--resume` added, so every flag is compared with the run's recorded configuration after both
 * are resolved (`--seed 0` equals the default seed, `--objectives` is compared parsed): equal
 * flags are accepted, a flag that differs is refused naming the flag, the recorded value and the
 * given one. `--budget` may extend the run (handled by the campaign); `--ollama-host` is where the
 * server is now, so it replaces the recorded host and is noted in the `resume` record.
 *
 * A run whose evaluator is `command:CMD` is resumed only when the same `--evaluator command:CMD`
 * is given again, or with `--trust-records`: resume never runs a command read from records.jsonl
 * on its own; recorded `trainerArgs` likewise need the same `--trainer-args` (or --trust-records).
 * A flag given with its default value equals a record that left it out (defaults from the
 * proposer's and evaluator's own constants); refusals show values in the flag's own syntax.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { CampaignConfig } from '../campaign/config.js';
import { resolveRecordedSpace } from '../campaign/run-dir.js';
import { formatValue, InputError } from '../errors.js';
import { DEFAULT_TRAINER_TIMEOUT_MS } from '../evaluate/command.js';
import { DEFAULT_PROXY_BATCH } from '../evaluate/proxy.js';
import { parseEvaluatorSpec, parseMetricList } from '../evaluate/spec.js';
import { loadDevice } from '../device/profile.js';
import { DEFAULT_LLM_TIMEOUT_MS } from '../llm/ollama.js';
import { parseLimits, parseObjectives, type Limit, type Objective } from '../pareto/objectives.js';
import { EVOLUTION_DEFAULTS } from '../propose/evolution.js';
import { LLM_DEFAULTS } from '../propose/llm/proposer.js';
import { resolveSpace } from '../space/builtin.js';
import { intFlag } from './args.js';
import { MAX_WORKERS } from '../campaign/record-schema.js';
import { LLM_PREFIX } from '../campaign/llm-proposer.js';

/** The parsed `search` flags (strings and switches, absent when not given). */
export type SearchFlagValues = Readonly<Record<string, string | boolean | undefined>>;

/** Flags that say how to resume, not what the run is: never compared. */
const NOT_COMPARED = new Set(['out', 'resume', 'json', 'budget', 'trust-records', 'ollama-host', 'help', 'calibrate', 'queue', 'queue-patience']);

type Comparison = { given: unknown; recorded: unknown; equal?: boolean; show?: (v: unknown) => string };

/** Milliseconds shown as the seconds a flag like --timeout takes. */
const seconds = (v: unknown) => (typeof v === 'number' ? `${v / 1000} s` : formatValue(v));
/** Objectives in --objectives syntax: naswot:max,macs:min. */
const objectivesText = (v: unknown) => (Array.isArray(v) ? (v as Objective[]).map((o) => `${o.name}:${o.direction}`).join(',') : formatValue(v));
/** Limits in --constraint syntax: peakSramBytes<=327680 (none: "no constraint"). */
const limitsText = (v: unknown) =>
  Array.isArray(v)
    ? (v as Limit[]).flatMap((l) => [...(l.max !== undefined ? [`${l.name}<=${l.max}`] : []), ...(l.min !== undefined ? [`${l.name}>=${l.min}`] : [])]).join(',') || 'no constraint'
    : formatValue(v);

/** The space a --space value names, or undefined when it cannot be read (then only the names are compared). */
function spaceOf(read: () => unknown): unknown {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** The given flag resolved as a new run would resolve it, beside the recorded value with the defaults a new run fills in. */
function compare(flag: string, raw: string | boolean, c: CampaignConfig, runDir: string): Comparison {
  const settings = (c.proposerSettings ?? {}) as Record<string, unknown>;
  const options = (c.evaluatorOptions ?? {}) as Record<string, unknown>;
  const str = String(raw);
  const num = (v: string) => (v.trim() === '' ? NaN : Number(v));
  const evolution = (name: keyof typeof EVOLUTION_DEFAULTS) => settings[name] ?? (c.proposer === 'evolution' ? EVOLUTION_DEFAULTS[name] : undefined);
  const llm = (name: keyof typeof LLM_DEFAULTS) => settings[name] ?? (c.proposer.startsWith(LLM_PREFIX) ? LLM_DEFAULTS[name] : undefined);
  switch (flag) {
    case 'space': {
      if (str === c.space || resolve(str) === resolve(c.space)) return { given: str, recorded: c.space, equal: true };
      const given = spaceOf(() => resolveSpace(str));
      const recorded = spaceOf(() => resolveRecordedSpace(runDir, c.space));
      return { given: str, recorded: c.space, equal: given !== undefined && isDeepStrictEqual(given, recorded) };
    }
    case 'proposer':
      return { given: str, recorded: c.proposer };
    case 'evaluator':
      return { given: str, recorded: c.evaluator };
    case 'trainer-args':
      return { given: str, recorded: options.trainerArgs };
    case 'seed':
      return { given: intFlag('seed', str, 0, 2 ** 31 - 1), recorded: c.seed };
    case 'objectives':
      return { given: parseObjectives(str), recorded: c.objectives, show: objectivesText };
    case 'constraint':
      return { given: parseLimits(str), recorded: c.constraintFlag ?? c.limits, show: limitsText };
    case 'novelty':
      return { given: num(str), recorded: c.noveltyThreshold };
    case 'population':
    case 'sample':
    case 'screen':
      return { given: intFlag(flag, str, 0, 100_000), recorded: evolution(flag) };
    case 'timeout':
      return { given: (intFlag('timeout', str, 1, 10_000_000) as number) * 1000, recorded: options.timeoutMs ?? DEFAULT_TRAINER_TIMEOUT_MS, show: seconds };
    case 'proxy-batch':
      return { given: intFlag('proxy-batch', str, 2, 4096), recorded: options.batch ?? (c.evaluator === 'proxy' ? DEFAULT_PROXY_BATCH : undefined) };
    case 'valid':
      return { given: intFlag('valid', str, 1, 10_000_000), recorded: c.maxValid };
    case 'time-limit':
      return { given: intFlag('time-limit', str, 1, 10_000_000), recorded: c.timeLimitSeconds };
    case 'workers':
      // Another K changes which outcomes each proposal sees: the run would not be the one recorded.
      return { given: intFlag('workers', str, 1, MAX_WORKERS), recorded: c.workers ?? 1 };
    case 'temperature':
      return { given: num(str), recorded: llm('temperature') };
    case 'min-p':
      return { given: num(str), recorded: llm('min_p') };
    case 'window':
      return { given: num(str), recorded: llm('window') };
    case 'num-ctx':
      return { given: num(str), recorded: settings.num_ctx };
    case 'llm-mode':
      // Absent in the record: full (or not an LLM run, which records no mode).
      return { given: str, recorded: settings.llmMode ?? (c.proposer.startsWith(LLM_PREFIX) ? 'full' : undefined) };
    case 'no-explain':
      return { given: raw === true ? false : true, recorded: settings.explain ?? true };
    case 'replay-llm':
      return { given: str, recorded: settings.replay, equal: settings.replay !== undefined && resolve(str) === resolve(String(settings.replay)) };
    case 'device': {
      const given = spaceOf(() => loadDevice(str));
      return { given: str, recorded: c.device?.name, equal: given !== undefined && isDeepStrictEqual(given, c.device) };
    }
    case 'latency-model':
      return { given: str, recorded: c.latencyModel };
    case 'metrics':
      return { given: parseMetricList(str), recorded: options.metrics, show: (v) => (Array.isArray(v) ? v.join(',') : formatValue(v)) };
    case 'llm-timeout':
      return { given: num(str) * 1000, recorded: settings.timeoutMs ?? DEFAULT_LLM_TIMEOUT_MS, show: seconds };
    default:
      return { given: raw, recorded: undefined };
  }
}

function inside(base: string, path: string): boolean {
  const rel = relative(base, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/**
 * The campaign's resume check for these flags: refuses a flag that differs from the record, an
 * unconfirmed command evaluator or trainer arguments, and a replay path outside the run and runs/;
 * applies `--ollama-host`; then checks the LLM server is up (as a new run does), unless the run
 * replays recorded calls, so nothing is written while the server is down.
 *
 * @param llmCheck checks the server for these settings and model (search.ts passes the client's check()).
 * @throws InputError naming the flag, the recorded value and the given one (in the flag's own syntax).
 */
export function resumeCheck(values: SearchFlagValues, llmCheck?: (settings: Record<string, unknown>, model: string) => Promise<void>): (recorded: CampaignConfig) => Promise<{ config: CampaignConfig; note?: Record<string, unknown> }> {
  const runDir = String(values.out ?? '.');
  const trusted = values['trust-records'] === true;
  return async (recorded) => {
    for (const [flag, raw] of Object.entries(values)) {
      if (raw === undefined || NOT_COMPARED.has(flag)) continue;
      const { given, recorded: was, equal, show = formatValue } = compare(flag, raw, recorded, runDir);
      if (!(equal ?? isDeepStrictEqual(given, was))) {
        throw new InputError(`--${flag}`, raw, `the recorded value, or no --${flag} (a run keeps the configuration it started with; only --budget may extend it)`, `differs from the run: recorded ${was === undefined ? 'nothing' : show(was)}, given ${show(given)}`);
      }
    }
    // The same reading of the spec that createEvaluator makes: ` command:x` is a command too.
    if (parseEvaluatorSpec(recorded.evaluator).kind === 'command' && values.evaluator === undefined && !trusted) {
      throw new InputError(
        '--evaluator',
        recorded.evaluator,
        'the same --evaluator given again on the command line, or --trust-records',
        `the run's records name the command ${formatValue(recorded.evaluator)}, and --resume runs no command read from records.jsonl unless it is confirmed`,
      );
    }
    const options = (recorded.evaluatorOptions ?? {}) as Record<string, unknown>;
    if (options.trainerArgs !== undefined && values['trainer-args'] === undefined && !trusted) {
      throw new InputError('--trainer-args', options.trainerArgs, 'the same --trainer-args given again on the command line, or --trust-records', 'the run\'s records give the trainer these arguments, and --resume passes none read from records.jsonl unless they are confirmed');
    }
    const settings = (recorded.proposerSettings ?? {}) as Record<string, unknown>;
    if (typeof settings.replay === 'string' && values['replay-llm'] === undefined) {
      const path = resolve(settings.replay);
      if (!inside(resolve(runDir), path) && !inside(resolve('runs'), path)) {
        throw new InputError('replay (in the records)', settings.replay, 'a run inside runs/ or inside this run directory, or the same --replay-llm given again', `${formatValue(settings.replay)} is outside them, and resume reads no records from elsewhere unless it is confirmed`);
      }
    }
    let result: { config: CampaignConfig; note?: Record<string, unknown> } = { config: recorded };
    const host = values['ollama-host'];
    if (typeof host === 'string') {
      if (!recorded.proposer.startsWith(LLM_PREFIX)) throw new InputError('--ollama-host', host, 'with a run whose proposer is ollama:MODEL');
      result = { config: { ...recorded, proposerSettings: { ...recorded.proposerSettings, host } }, note: { ollamaHost: host, recordedOllamaHost: settings.host ?? null } };
    }
    const now = (result.config.proposerSettings ?? {}) as Record<string, unknown>;
    if (llmCheck && result.config.proposer.startsWith(LLM_PREFIX) && now.replay === undefined) await llmCheck(now, result.config.proposer.slice(LLM_PREFIX.length));
    return result;
  };
}
