import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CampaignSummary, Progress } from '../campaign/campaign.js';
import { evaluatorOptionsOf, RECORDS_FILE, runCampaign, type RunOptions } from '../campaign/campaign.js';
import { parseQueueUrl } from '../campaign/queue/queue-url.js';
import { configFromSpace } from '../campaign/config.js';
import { workersOf } from '../campaign/state.js';
import { capText, InputError, StoppedEarly } from '../errors.js';
import { createEvaluator } from '../evaluate/registry.js';
import { checkTorchTrainer } from '../evaluate/torch.js';
import { parseMetricList } from '../evaluate/spec.js';
import { listDevices, loadDevice } from '../device/profile.js';
import { checkLatencyModel } from '../latency/select.js';
import { parseLimits, parseObjectives } from '../pareto/objectives.js';
import { LLM_DEFAULTS } from '../propose/llm/proposer.js';
import { LLM_MODES } from '../propose/llm/delta.js';
import { EVOLUTION_DEFAULTS } from '../propose/evolution.js';
import { PROPOSER_NAMES } from '../propose/registry.js';
import { resumeCheck } from './resume-flags.js';
import { defaultRunDir } from '../campaign/run-dir.js';
import { campaignProposer, LLM_PREFIX, llmClientFor, type LlmSettings } from '../campaign/llm-proposer.js';
import { resolveSpace, DEFAULT_SPACE } from '../space/builtin.js';
import { stderrProgress } from './progress.js';
import { choiceFlag, intFlag, joinDashedValue, jsonOut, numberFlag, parseFlags } from './args.js';
import { defineCommand, usageLine } from './command-spec.js';
import { MAX_WORKERS } from '../campaign/record-schema.js';

function progressLine(p: Progress, budget: number): string {
  const rejected = Object.entries(p.rejected).filter(([, n]) => n > 0).map(([r, n]) => `${r} ${n}`).join(', ') || 'none';
  const best = p.best ? ` · best ${p.best.objective} ${Number.isInteger(p.best.value) ? p.best.value : p.best.value.toFixed(3)}` : '';
  const inFlight = p.inFlight?.length ? ` · in flight ${p.inFlight.length} (${p.inFlight.slice(0, 8).map((i) => `#${i}`).join(', ')}${p.inFlight.length > 8 ? ', ...' : ''})` : '';
  return `proposed ${p.proposed}/${budget} · valid ${p.valid}${p.failed ? ` (${p.failed} failed)` : ''} · rejected: ${rejected} · front ${p.frontSize}${best}${inFlight}`;
}

export const SEARCH_COMMAND = defineCommand({
  name: 'search',
  summary: 'a search campaign: propose, validate, evaluate, keep the Pareto front; records in runs/ID/records.jsonl',
  example: 'paretonas search --proposer evolution --evaluator proxy --budget 120 --seed 1 --out runs/evo-1',
  notes: ['LLM flags (--ollama-host to --llm-timeout) go with --proposer ollama:MODEL; --population, --sample and --screen with evolution.', '--resume continues --out with its recorded configuration: flags equal to it are accepted (re-run the original command with --resume), a differing one is refused; only --budget may extend it, --ollama-host says where the server is now. A recorded command:CMD evaluator runs only when given again or with --trust-records.'],
  flags: {
    space: { type: 'string', value: 'NAME|FILE', default: `${DEFAULT_SPACE}; tinyml-fashion-mnist with torch:fashion-mnist`, help: 'the search space' },
    proposer: { type: 'string', value: `${PROPOSER_NAMES.join('|')}|ollama:MODEL`, default: 'evolution', help: 'what proposes candidates' },
    evaluator: { type: 'string', value: 'cost|proxy|command:CMD|torch:DATASET[:PRESET]', default: 'cost', help: 'what scores a valid candidate' },
    'trainer-args': { type: 'string', value: '"..."', help: 'extra arguments for the torch trainer (with --evaluator torch:DATASET)' },
    budget: { type: 'string', value: 'N', default: '300', help: 'proposals to make, valid or not, 1 to 10,000,000' },
    valid: { type: 'string', value: 'N', help: 'stop after N evaluated candidates' },
    'time-limit': { type: 'string', value: 'S', help: 'stop after S seconds' },
    seed: { type: 'string', value: 'N', default: '0', help: 'campaign seed, 0 to 2^31-1' },
    objectives: { type: 'string', value: 'LIST', default: 'macs:min,params:min, after naswot:max (proxy) or accuracy:max (trainers)', help: 'name:min or name:max, comma-separated (e.g. "naswot:max,macs:min")' },
    constraint: { type: 'string', value: 'LIST', help: 'name<=number or name>=number, comma-separated (e.g. "flashBytes<=1048576,latencyMs<=50"); adds to or tightens the space file\'s limits' },
    device: { type: 'string', value: 'NAME|FILE', help: `a device profile: its SRAM, flash and latency limits and latency model (${listDevices().join(', ')}, or a JSON file)` },
    'latency-model': { type: 'string', value: 'predictor|predictor:FILE|cortex-m|measured', default: 'the device\'s, else predictor when latencyMs is an objective or limit', help: 'how latencyMs is told' },
    calibrate: { type: 'boolean', help: 'on a CPU the latency predictor was not fit on, measure 10 zoo variants here first (under a minute) and rescale it; cached per device' },
    metrics: { type: 'string', value: 'LIST', help: 'the metrics a command:CMD trainer reports (e.g. "accuracy,mcuLatencyMs"), usable as objectives and limits' },
    novelty: { type: 'string', value: 'F', help: 'reject a candidate more similar than F (MinHash) to an earlier one, in (0, 1]' },
    population: { type: 'string', value: 'N', default: String(EVOLUTION_DEFAULTS.population), help: 'evolution: population size' },
    sample: { type: 'string', value: 'N', default: String(EVOLUTION_DEFAULTS.sample), help: 'evolution: tournament sample size' },
    screen: { type: 'string', value: '0|1', default: String(EVOLUTION_DEFAULTS.screen), help: 'evolution: screen mutants by cost before proposing' },
    timeout: { type: 'string', value: 'S', help: 'seconds an evaluation may take' },
    'proxy-batch': { type: 'string', value: 'N', help: 'images in a NASWOT proxy batch, 2 to 4096' },
    queue: { type: 'string', value: 'URL', help: 'evaluate through a BullMQ queue on Redis, redis://[USER:PASSWORD@]HOST[:PORT][/DB], run by `paretonas worker` on any machine; --workers jobs in flight' },
    'queue-patience': { type: 'string', value: 'S', default: '300', help: 'with --queue: seconds Redis may stay unreachable mid-run before the campaign stops cleanly (exit 3, resumable), 1 to 86,400' },
    workers: { type: 'string', value: 'K', default: '1', help: `evaluations in flight at once, 1 to ${MAX_WORKERS}; proposal i waits for the outcomes of 0..i-K, so a run does not depend on which finishes first` },
    'ollama-host': { type: 'string', value: 'URL', default: 'OLLAMA_HOST, else http://127.0.0.1:11434', help: 'LLM: where the Ollama server listens' },
    temperature: { type: 'string', value: 'T', default: String(LLM_DEFAULTS.temperature), help: 'LLM: sampling temperature, 0 to 5' },
    'min-p': { type: 'string', value: 'P', default: String(LLM_DEFAULTS.min_p), help: 'LLM: min-p sampling, 0 to 1' },
    'num-ctx': { type: 'string', value: 'N', default: 'the model\'s own', help: 'LLM: context window in tokens, 256 to 1,048,576' },
    window: { type: 'string', value: 'N', default: String(LLM_DEFAULTS.window), help: 'LLM: earlier attempts kept in the prompt, 0 to 1000' },
    'no-explain': { type: 'boolean', help: 'LLM: ask for no explanations' },
    'llm-mode': { type: 'string', value: 'full|delta', default: 'full', help: 'LLM: full writes a whole architecture per reply; delta (NNGPT) a JSON Patch (RFC 6902) against a Pareto-front member the prompt names (full until the front has one)' },
    'replay-llm': { type: 'string', value: 'runs/OLD', help: 'LLM: replay the recorded calls of an earlier run instead of asking Ollama' },
    'llm-timeout': { type: 'string', value: 'S', default: '120', help: 'LLM: seconds a call may take, 1 to 86,400' },
    out: { type: 'string', value: 'runs/ID', default: 'runs/TIME-PROPOSER-SEED', help: 'the run directory' },
    resume: { type: 'boolean', help: 'continue the run in --out' },
    'trust-records': { type: 'boolean', help: 'on --resume: run the command:CMD evaluator recorded in the run without giving it again' },
    json: { type: 'boolean', help: 'print the summary as JSON' },
  },
});
export const SEARCH_USAGE = usageLine(SEARCH_COMMAND);
const SEARCH_FLAGS = SEARCH_COMMAND.flags;
const SEARCH_FLAG_NAMES = Object.keys(SEARCH_FLAGS).map((f) => `--${f}`);

export async function searchCommand(args: string[]): Promise<string> {
  const { values } = parseFlags(joinDashedValue(args, '--trainer-args', SEARCH_FLAG_NAMES), SEARCH_FLAGS);
  const budget = intFlag('budget', values.budget, 1, 10_000_000);
  const tty = !values.json && process.stderr.isTTY;
  let lastBudget = budget ?? 0;
  const write = tty || !values.json ? stderrProgress(tty) : undefined;
  const onProgress = (p: Progress) => write?.(() => progressLine(p, lastBudget));
  const latencyOptions = { calibrate: values.calibrate === true, onNote: (line: string) => process.stderr.write(`${line.startsWith('note: ') ? line : `note: ${line}`}\n`), onCalibrationProgress: (done: number, total: number) => write?.(() => `calibrating the latency predictor for this CPU: ${done}/${total} models measured`) };
  const queue = queueSetup(values.queue, values['queue-patience'], latencyOptions.onNote);
  if (queue) await (await import('../campaign/queue/connection.js')).probeQueue(queue.target); // Redis down: one line, exit 2, before anything is written
  const controller = new AbortController();
  // Ctrl-C: stop proposing and finish cleanly; a second Ctrl-C stops at once (the lock is released on exit).
  const onSigint = () => {
    if (controller.signal.aborted) {
      process.stderr.write(`${tty ? '\n' : ''}paretonas search: stopped at once; ${queue ? 'jobs in flight stay in the queue' : 'evaluations in flight are lost (their trainers may still run)'}; --resume continues the run\n`);
      process.exit(130);
    }
    controller.abort();
    process.stderr.write(`${tty ? '\n' : ''}paretonas search: stopping: no new proposals; ${queue ? 'jobs in flight stay on the workers (--resume --queue URL collects them)' : 'waiting for the evaluations in flight'}; Ctrl-C again to stop at once\n`);
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint); // a batch system's stop (Slurm, Kubernetes) ends the run as Ctrl-C does
  let summary: CampaignSummary;
  try {
    if (values.resume) {
      if (!values.out) throw new InputError('--resume', true, 'with --out runs/ID (the run to continue)');
      if (!existsSync(join(values.out, RECORDS_FILE))) throw new InputError('--out', values.out, `a run directory holding ${RECORDS_FILE}`, 'has no records');
      summary = await runCampaign(values.out, undefined, deps, { onProgress: (p) => { lastBudget = Math.max(lastBudget, p.proposed); onProgress(p); }, signal: controller.signal, budget, ...latencyOptions, ...(queue ? { executor: queue.executor } : {}), checkResume: resumeCheck(values, (settings, model) => llmClientFor(settings as unknown as LlmSettings, []).check(model)) });
    } else {
      // Fashion-MNIST gets its own small space unless another is named: 1x32x32, 10 classes.
      const spaceName = values.space ?? (values.evaluator?.startsWith('torch:fashion-mnist') ? 'tinyml-fashion-mnist' : DEFAULT_SPACE);
      const space = resolveSpace(spaceName);
      const proposer = values.proposer?.startsWith(LLM_PREFIX) ? values.proposer : choiceFlag('proposer', values.proposer, [...PROPOSER_NAMES, 'ollama:MODEL'] as const, 'evolution');
      if (proposer === 'ollama:MODEL') throw new InputError('--proposer', proposer, 'ollama: followed by a model name, e.g. ollama:llama3.2:3b');
      const seed = intFlag('seed', values.seed, 0, 2 ** 31 - 1) ?? 0;
      const evaluator = values.evaluator ?? 'cost';
      const settings: Record<string, unknown> = {};
      if (values.population !== undefined) settings.population = intFlag('population', values.population, 1, 100_000);
      if (values.sample !== undefined) settings.sample = intFlag('sample', values.sample, 1, 100_000);
      if (values.screen !== undefined) settings.screen = intFlag('screen', values.screen, 0, 1);
      if (Object.keys(settings).length > 0 && proposer !== 'evolution') throw new InputError('--population/--sample/--screen', JSON.stringify(settings), 'with --proposer evolution');
      const llmFlags = ['temperature', 'min-p', 'num-ctx', 'window', 'no-explain', 'replay-llm', 'ollama-host', 'llm-timeout', 'llm-mode'] as const;
      if (proposer.startsWith(LLM_PREFIX)) {
        const num = (flag: (typeof llmFlags)[number], fallback: number, min: number, max: number) => numberFlag(flag, values[flag] as string | undefined, min, max) ?? fallback;
        Object.assign(settings, {
          temperature: num('temperature', LLM_DEFAULTS.temperature, 0, 5),
          min_p: num('min-p', LLM_DEFAULTS.min_p, 0, 1),
          window: intFlag('window', values.window, 0, 1000) ?? LLM_DEFAULTS.window,
          explain: !values['no-explain'],
          // Recorded only for delta: a full run's configuration stays as it was before the flag.
          ...(choiceFlag('llm-mode', values['llm-mode'], LLM_MODES, 'full') === 'delta' ? { llmMode: 'delta' } : {}),
          ...(values['num-ctx'] ? { num_ctx: intFlag('num-ctx', values['num-ctx'], 256, 1_048_576) } : {}),
          ...(values['ollama-host'] ? { host: values['ollama-host'] } : {}),
          ...(values['replay-llm'] ? { replay: values['replay-llm'] } : {}),
          ...(values['llm-timeout'] ? { timeoutMs: num('llm-timeout', 120, 1, 86_400) * 1000 } : {}),
        });
        // Ollama down or the model not pulled: one clear line before anything is written.
        if (!values['replay-llm']) await llmClientFor(settings as unknown as LlmSettings, []).check(proposer.slice(LLM_PREFIX.length));
      } else {
        for (const flag of llmFlags) if (values[flag] !== undefined) throw new InputError(`--${flag}`, values[flag], 'with --proposer ollama:MODEL');
      }
      const evaluatorOptions: Record<string, unknown> = {};
      if (values.timeout !== undefined) evaluatorOptions.timeoutMs = (intFlag('timeout', values.timeout, 1, 10_000_000) as number) * 1000;
      if (values['proxy-batch'] !== undefined) evaluatorOptions.batch = intFlag('proxy-batch', values['proxy-batch'], 2, 4096);
      if (values['trainer-args'] !== undefined) {
        if (!evaluator.startsWith('torch:')) throw new InputError('--trainer-args', values['trainer-args'], 'with --evaluator torch:DATASET');
        evaluatorOptions.trainerArgs = values['trainer-args'];
      }
      if (values.metrics !== undefined) {
        if (!evaluator.startsWith('command:') && !evaluator.startsWith('torch:')) throw new InputError('--metrics', values.metrics, 'with --evaluator command:CMD or torch:DATASET (the proxy and cost evaluators have fixed metrics)');
        evaluatorOptions.metrics = parseMetricList(values.metrics);
      }
      if (evaluator.startsWith('torch:')) checkTorchTrainer();
      const device = values.device !== undefined ? loadDevice(values.device) : undefined;
      const latencyModel = values['latency-model'];
      if (latencyModel !== undefined) checkLatencyModel(latencyModel, device);
      const novelty = numberFlag('novelty', values.novelty, 0, 1);
      const config = configFromSpace(space, {
        space: spaceName,
        proposer,
        proposerSettings: Object.keys(settings).length ? settings : undefined,
        evaluator,
        evaluatorOptions: Object.keys(evaluatorOptions).length ? evaluatorOptions : undefined,
        budget: budget ?? 300,
        maxValid: intFlag('valid', values.valid, 1, 10_000_000),
        timeLimitSeconds: intFlag('time-limit', values['time-limit'], 1, 10_000_000),
        seed,
        ...workersField(values.workers),
        ...(queue ? { queue: true as const } : {}),
        ...(values.objectives ? { objectives: parseObjectives(values.objectives) } : {}),
        ...(values.constraint ? { limits: parseLimits(values.constraint) } : {}),
        ...(device ? { device } : {}),
        ...(latencyModel !== undefined ? { latencyModel } : {}),
        noveltyThreshold: novelty,
      });
      lastBudget = config.budget;
      const out = values.out ?? defaultRunDir(proposer, seed);
      createEvaluator(evaluator, evaluatorOptions); // an unknown evaluator is an input error before anything is written
      summary = await runCampaign(out, config, deps, { onProgress, signal: controller.signal, ...latencyOptions, ...(queue ? { executor: queue.executor } : {}) });
    }
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    if (tty) process.stderr.write('\r\x1b[K');
  }
  if (summary.stopped === 'queue-down') {
    const left = summary.inFlight ?? [];
    const named = left.length ? ` (${left.slice(0, 12).map((i) => `#${i}`).join(', ')}${left.length > 12 ? ', ...' : ''})` : '';
    throw new StoppedEarly(values.json ? jsonOut(summary) : `${summary.resumed ? 'resumed' : 'campaign'} ${summary.runDir}: ${progressLine(summary, summary.budget)}`, `${summary.notes?.at(-1) ?? 'Redis unreachable'}; the campaign stopped cleanly with ${left.length} job${left.length === 1 ? '' : 's'} without a result${named} and its records intact: resume with --resume --queue URL`);
  }
  if (values.json) return jsonOut(summary);
  const lines = [
    `${summary.resumed ? 'resumed' : 'campaign'} ${summary.runDir}: ${progressLine(summary, summary.budget)}`,
    `stopped: ${summary.stopped}; ${summary.seconds.toFixed(1)} s; records in ${join(summary.runDir, RECORDS_FILE)}`,
  ];
  if (summary.tornRecord) lines.push(`a torn last record (line ${summary.tornRecord.line}, a write cut short) was reported and cut off`);
  for (const note of summary.notes ?? []) lines.push(`note: ${note}`);
  if (summary.lastFailure) lines.push(`${summary.failed} evaluations failed; the last, proposal #${summary.lastFailure.index} (${summary.lastFailure.kind}): ${capText(summary.lastFailure.message, 300)}`);
  if (summary.replayMismatches.length) lines.push(`warning: ${summary.replayMismatches.length} proposals regenerated differently on resume (the proposer is not deterministic); the recorded ones were kept`);
  return lines.join('\n');
}

/**
 * `--queue URL`: the executor factory the campaign calls once the run is open (the URL is never
 * recorded; a resume gives it again, maybe another). Undefined without --queue.
 */
function queueSetup(url: string | undefined, patience: string | undefined, onNote: (line: string) => void) {
  if (url === undefined) {
    if (patience !== undefined) throw new InputError('--queue-patience', patience, 'with --queue URL');
    return undefined;
  }
  const target = parseQueueUrl(url);
  const patienceMs = (intFlag('queue-patience', patience, 1, 86_400) ?? 300) * 1000;
  // Loaded only with --queue: BullMQ takes half a second to import.
  const executor: NonNullable<RunOptions['executor']> = async ({ config, runId, writeDispatch }) =>
    (await import('../campaign/queue/queue-executor.js')).queueExecutor({ target, runId, slots: workersOf(config), evaluator: config.evaluator, evaluatorOptions: evaluatorOptionsOf(config), trainerArgs: config.evaluatorOptions?.trainerArgs as string | undefined, writeDispatch, patienceMs, onNote });
  return { target, executor };
}

/** `--workers K`: recorded only above 1, so a default run's records are what they were before the flag. */
function workersField(flag: string | undefined): { workers?: number } {
  const k = intFlag('workers', flag, 1, MAX_WORKERS) ?? 1;
  return k > 1 ? { workers: k } : {};
}

const deps = {
  createProposer: campaignProposer,
  createEvaluator: (spec: string, options: Record<string, unknown>) => createEvaluator(spec, options),
};
