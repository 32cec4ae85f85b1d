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
 * on its own.
 */
import { isDeepStrictEqual } from 'node:util';
import { resolve } from 'node:path';
import type { CampaignConfig } from '../campaign/config.js';
import { formatValue, InputError } from '../errors.js';
import { parseLimits, parseObjectives } from '../pareto/objectives.js';
import { intFlag } from './args.js';

/** The parsed `search` flags (strings and switches, absent when not given). */
export type SearchFlagValues = Readonly<Record<string, string | boolean | undefined>>;

/** Flags that say how to resume, not what the run is: never compared. */
const NOT_COMPARED = new Set(['out', 'resume', 'json', 'budget', 'trust-records', 'ollama-host', 'help']);

/** Command evaluator timeout when none was recorded (commandEvaluator's default), ms. */
const DEFAULT_TIMEOUT_MS = 3_600_000;
/** LLM call timeout when none was recorded (ollamaClient's default), ms. */
const DEFAULT_LLM_TIMEOUT_MS = 120_000;

type Comparison = { given: unknown; recorded: unknown; equal?: boolean };

/** The given flag resolved as a new run would resolve it, beside the recorded value. */
function compare(flag: string, raw: string | boolean, c: CampaignConfig): Comparison {
  const settings = (c.proposerSettings ?? {}) as Record<string, unknown>;
  const options = (c.evaluatorOptions ?? {}) as Record<string, unknown>;
  const str = String(raw);
  const num = (v: string) => (v.trim() === '' ? NaN : Number(v));
  switch (flag) {
    case 'space':
      return { given: str, recorded: c.space, equal: str === c.space || resolve(str) === resolve(c.space) };
    case 'proposer':
      return { given: str, recorded: c.proposer };
    case 'evaluator':
      return { given: str, recorded: c.evaluator };
    case 'trainer-args':
      return { given: str, recorded: options.trainerArgs };
    case 'seed':
      return { given: intFlag('seed', str, 0, 2 ** 31 - 1), recorded: c.seed };
    case 'objectives':
      return { given: parseObjectives(str), recorded: c.objectives };
    case 'constraint':
      return { given: parseLimits(str), recorded: c.limits };
    case 'novelty':
      return { given: num(str), recorded: c.noveltyThreshold };
    case 'population':
    case 'sample':
    case 'screen':
      return { given: intFlag(flag, str, 0, 100_000), recorded: settings[flag] };
    case 'timeout':
      return { given: (intFlag('timeout', str, 1, 10_000_000) as number) * 1000, recorded: options.timeoutMs ?? DEFAULT_TIMEOUT_MS };
    case 'proxy-batch':
      return { given: intFlag('proxy-batch', str, 2, 4096), recorded: options.batch };
    case 'valid':
      return { given: intFlag('valid', str, 1, 10_000_000), recorded: c.maxValid };
    case 'time-limit':
      return { given: intFlag('time-limit', str, 1, 10_000_000), recorded: c.timeLimitSeconds };
    case 'temperature':
      return { given: num(str), recorded: settings.temperature };
    case 'min-p':
      return { given: num(str), recorded: settings.min_p };
    case 'window':
      return { given: num(str), recorded: settings.window };
    case 'num-ctx':
      return { given: num(str), recorded: settings.num_ctx };
    case 'no-explain':
      return { given: raw === true ? false : true, recorded: settings.explain ?? true };
    case 'replay-llm':
      return { given: str, recorded: settings.replay, equal: settings.replay !== undefined && resolve(str) === resolve(String(settings.replay)) };
    case 'llm-timeout':
      return { given: num(str) * 1000, recorded: settings.timeoutMs ?? DEFAULT_LLM_TIMEOUT_MS };
    default:
      return { given: raw, recorded: undefined };
  }
}

/**
 * The campaign's resume check for these flags: refuses a flag that differs from the record and an
 * unconfirmed command evaluator; applies `--ollama-host`.
 *
 * @throws InputError naming the flag, the recorded value and the given one.
 */
export function resumeCheck(values: SearchFlagValues): (recorded: CampaignConfig) => { config: CampaignConfig; note?: Record<string, unknown> } {
  return (recorded) => {
    for (const [flag, raw] of Object.entries(values)) {
      if (raw === undefined || NOT_COMPARED.has(flag)) continue;
      const { given, recorded: was, equal } = compare(flag, raw, recorded);
      if (!(equal ?? isDeepStrictEqual(given, was))) {
        throw new InputError(`--${flag}`, raw, `the recorded value, or no --${flag} (a run keeps the configuration it started with; only --budget may extend it)`, `differs from the run: recorded ${formatValue(was)}, given ${formatValue(given)}`);
      }
    }
    if (recorded.evaluator.startsWith('command:') && values.evaluator === undefined && values['trust-records'] !== true) {
      throw new InputError(
        '--evaluator',
        recorded.evaluator,
        'the same --evaluator given again on the command line, or --trust-records',
        `the run's records name the command ${formatValue(recorded.evaluator)}, and --resume runs no command read from records.jsonl unless it is confirmed`,
      );
    }
    const host = values['ollama-host'];
    if (typeof host === 'string') {
      if (!recorded.proposer.startsWith('ollama:')) throw new InputError('--ollama-host', host, 'with a run whose proposer is ollama:MODEL');
      const before = (recorded.proposerSettings as Record<string, unknown> | undefined)?.host;
      return { config: { ...recorded, proposerSettings: { ...recorded.proposerSettings, host } }, note: { ollamaHost: host, recordedOllamaHost: before ?? null } };
    }
    return { config: recorded };
  };
}
