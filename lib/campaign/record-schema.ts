/**
 * Typed checks of campaign records, run on every record read back (records.jsonl is a file
 * anyone can edit, and a crash can leave anything in it). Each check throws an InputError naming
 * the file and line, so a bad record is one line and exit 2, never a crash or a hang on resume.
 *
 * Numbers that JSON cannot hold (±Infinity, NaN) are written as the strings "Infinity",
 * "-Infinity" and "NaN" (see `recordReplacer`) and revived here where a number is meant; an
 * older run's `null` for an unbounded limit (macs.max, sramMaxBytes, a limit's max) reads as
 * Infinity, which is what it stood for.
 */
import { RUN_ID } from './job-id.js';
import { formatValue, InputError } from '../errors.js';
import { checkMetricList, parseEvaluatorSpec } from '../evaluate/spec.js';
import { REJECTION_REASONS } from '../propose/types.js';
import { recordReplacer, reviveNumber } from '../store/jsonl.js';
import { checkRecordShape, MAX_RECORD_INDEX } from './record-shapes.js';
import type { CampaignRecord } from './records.js';

export { MAX_RECORD_INDEX, recordReplacer, reviveNumber };

type Where = string;

function fail(where: Where, what: string, allowed: string): never {
  throw new InputError(where, undefined, allowed, what);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function number(where: Where, obj: Record<string, unknown>, field: string, nullMeans?: number): number {
  const n = reviveNumber(obj[field], nullMeans);
  if (n === undefined) fail(where, `field ${field} is ${obj[field] === undefined ? 'missing' : 'not a number'}`, `a number in ${field} (or "Infinity")`);
  obj[field] = n;
  return n;
}

function string(where: Where, obj: Record<string, unknown>, field: string): string {
  const v = obj[field];
  if (typeof v !== 'string') fail(where, `field ${field} is ${v === undefined ? 'missing' : 'not a string'}`, `a string in ${field}`);
  return v;
}

function index(where: Where, r: Record<string, unknown>): number {
  const v = r.index;
  if (!Number.isSafeInteger(v) || (v as number) < 0 || (v as number) > MAX_RECORD_INDEX) {
    fail(where, `a ${String(r.type)} record with index ${typeof v === 'number' ? v : JSON.stringify(v) ?? 'missing'}`, `an integer index from 0 to ${MAX_RECORD_INDEX}`);
  }
  return v as number;
}

/** Most evaluations a campaign keeps in flight (`--workers`). */
export const MAX_WORKERS = 256;
/** A BullMQ job id the campaign makes (lib/campaign/job-id.ts): no ':', never all digits. */
const JOB_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** The campaign configuration of a campaign-start record: the fields the loop relies on, numbers revived. */
function checkConfig(where: Where, config: unknown): void {
  if (!isObject(config)) fail(where, 'a campaign-start record without a config object', 'config: {space, proposer, evaluator, budget, seed, objectives, limits, macs, sramMaxBytes, sramModel}');
  for (const f of ['space', 'proposer', 'evaluator', 'sramModel']) string(where, config, `${f}`);
  const budget = number(where, config, 'budget');
  if (!Number.isSafeInteger(budget) || budget < 1 || budget > MAX_RECORD_INDEX) fail(where, `config.budget ${budget}`, `an integer from 1 to ${MAX_RECORD_INDEX}`);
  const seed = number(where, config, 'seed');
  if (!Number.isSafeInteger(seed)) fail(where, `config.seed ${seed}`, 'an integer');
  const objectives = config.objectives;
  if (!Array.isArray(objectives) || objectives.length === 0) {
    fail(where, `a campaign-start record ${objectives === undefined ? 'missing objectives' : 'with no objectives'}`, 'config.objectives: a non-empty list of {name, direction: "min"|"max"}');
  }
  for (const o of objectives) {
    if (!isObject(o) || typeof o.name !== 'string' || (o.direction !== 'min' && o.direction !== 'max')) fail(where, 'an objective that is not {name, direction}', 'config.objectives: a non-empty list of {name, direction: "min"|"max"}');
  }
  if (config.limits === undefined) config.limits = [];
  if (!Array.isArray(config.limits)) fail(where, 'config.limits is not a list', 'config.limits: a list of {name, max?, min?}');
  for (const l of config.limits) {
    if (!isObject(l) || typeof l.name !== 'string') fail(where, 'a limit that is not {name, max?, min?}', 'config.limits: a list of {name, max?, min?}');
    if (l.max !== undefined) number(where, l, 'max', Infinity);
    if (l.min !== undefined) number(where, l, 'min', -Infinity);
  }
  if (!isObject(config.macs)) fail(where, 'config.macs is missing', 'config.macs: {min, max} (max "Infinity" when unbounded)');
  number(where, config.macs, 'min', 0);
  number(where, config.macs, 'max', Infinity);
  number(where, config, 'sramMaxBytes', Infinity);
  if (config.noveltyThreshold !== undefined && config.noveltyThreshold !== null) number(where, config, 'noveltyThreshold');
  for (const f of ['maxValid', 'timeLimitSeconds']) if (config[f] !== undefined && config[f] !== null) number(where, config, f);
  if (config.workers !== undefined) {
    const k = number(where, config, 'workers');
    if (!Number.isSafeInteger(k) || k < 1 || k > MAX_WORKERS) fail(where, `config.workers ${k}`, `an integer from 1 to ${MAX_WORKERS}`);
  }
  if (config.queue !== undefined && config.queue !== true) fail(where, `config.queue ${JSON.stringify(config.queue)}`, 'config.queue: true (the Redis URL is given again on resume, never recorded)');
  for (const f of ['proposerSettings', 'evaluatorOptions']) if (config[f] !== undefined && config[f] !== null && !isObject(config[f])) fail(where, `config.${f} is not an object`, `config.${f}: an object`);
  checkEvaluator(where, config);
  const llm = (config.proposer as string).startsWith('ollama:');
  checkSettings(where, 'proposerSettings', config.proposerSettings, llm ? LLM_SETTINGS : EVOLUTION_SETTINGS);
}

/** A setting the CLI records: its type and range (the bounds `search` puts on the flag it comes from). */
type Setting = { kind: 'int' | 'number'; min: number; max: number } | { kind: 'string'; maxChars: number } | { kind: 'boolean' } | { kind: 'metric-list' } | { kind: 'choice'; values: readonly string[] };

/** evaluatorOptions as `search` writes them (--timeout S in ms, --proxy-batch, --trainer-args, --metrics): nothing else (no env, no cwd). */
export const EVALUATOR_OPTIONS: Readonly<Record<string, Setting>> = {
  timeoutMs: { kind: 'int', min: 1000, max: 10_000_000_000 },
  batch: { kind: 'int', min: 2, max: 4096 },
  trainerArgs: { kind: 'string', maxChars: 100_000 },
  metrics: { kind: 'metric-list' },
};
/** proposerSettings of evolution (--population, --sample, --screen). */
export const EVOLUTION_SETTINGS: Readonly<Record<string, Setting>> = {
  population: { kind: 'int', min: 1, max: 100_000 },
  sample: { kind: 'int', min: 1, max: 100_000 },
  screen: { kind: 'int', min: 0, max: 1 },
};
/** proposerSettings of ollama:MODEL (--temperature ... --llm-timeout in ms; LlmSettings' retries and backoffMs). */
export const LLM_SETTINGS: Readonly<Record<string, Setting>> = {
  temperature: { kind: 'number', min: 0, max: 5 },
  min_p: { kind: 'number', min: 0, max: 1 },
  window: { kind: 'int', min: 0, max: 1000 },
  explain: { kind: 'boolean' },
  // --llm-mode delta (full, the default, is not recorded): JSON Patch replies against a front member.
  llmMode: { kind: 'choice', values: ['full', 'delta'] },
  num_ctx: { kind: 'int', min: 256, max: 1_048_576 },
  host: { kind: 'string', maxChars: 2048 },
  replay: { kind: 'string', maxChars: 4096 },
  timeoutMs: { kind: 'int', min: 1, max: 86_400_000 },
  // Written by library callers (LlmSettings), not by search: how often and how soon to retry.
  retries: { kind: 'int', min: 0, max: 100 },
  backoffMs: { kind: 'int', min: 0, max: 3_600_000 },
};

function settingText(s: Setting): string {
  if (s.kind === 'metric-list') return `a list of declared metric names (as --metrics takes them)`;
  if (s.kind === 'choice') return s.values.join(' or ');
  return s.kind === 'boolean' ? 'true or false' : s.kind === 'string' ? `a string of at most ${s.maxChars} characters` : `${s.kind === 'int' ? 'an integer' : 'a number'} from ${s.min} to ${s.max}`;
}

/** Only the keys `search` writes, each of its type and in its range. */
function checkSettings(where: Where, field: string, value: unknown, allowed: Readonly<Record<string, Setting>>): void {
  if (value === undefined || value === null) return;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(allowed).join(', ') || 'none';
  for (const [key, v] of Object.entries(obj)) {
    const s = allowed[key];
    if (!s) fail(where, `config.${field}.${key} is not a setting search records`, `config.${field} keys: ${keys}`);
    if (s.kind === 'metric-list') {
      try {
        checkMetricList(v, `config.${field}.${key}`);
      } catch (err) {
        const e = err as InputError;
        fail(where, e.message.slice(0, e.message.length - `; allowed: ${e.allowed}`.length), `config.${field}.${key}: ${e.allowed}`);
      }
      continue;
    }
    const ok = s.kind === 'choice' ? s.values.includes(v as string) : s.kind === 'boolean' ? typeof v === 'boolean' : s.kind === 'string' ? typeof v === 'string' && v.length <= s.maxChars : typeof v === 'number' && (s.kind === 'int' ? Number.isSafeInteger(v) : Number.isFinite(v)) && v >= s.min && v <= s.max;
    if (!ok) fail(where, `config.${field}.${key} is ${formatValue(v)}`, `config.${field}.${key}: ${settingText(s)}`);
  }
}

/**
 * The evaluator spec exactly as `search` records it: no spaces around it or around its kind, and a
 * command:/torch: spec well-formed (another kind is left to the evaluator factory, which refuses
 * what it does not know before anything runs); options only those search writes.
 */
function checkEvaluator(where: Where, config: Record<string, unknown>): void {
  const spec = config.evaluator as string;
  const colon = spec.indexOf(':');
  const head = colon < 0 ? spec : spec.slice(0, colon);
  if (spec !== spec.trim() || head !== head.trim()) fail(where, `config.evaluator ${formatValue(spec)} has spaces around it`, 'config.evaluator as search records it: cost, proxy, command:CMD or torch:DATASET[:PRESET], no surrounding spaces');
  let kind = head;
  if (head === 'command' || head === 'torch') {
    try {
      kind = parseEvaluatorSpec(spec).kind;
    } catch (err) {
      fail(where, `config.evaluator ${formatValue(spec)}: ${(err as Error).message}`, 'config.evaluator: cost, proxy, command:CMD or torch:DATASET[:PRESET]');
    }
  }
  checkSettings(where, 'evaluatorOptions', config.evaluatorOptions, EVALUATOR_OPTIONS);
  const options = config.evaluatorOptions as Record<string, unknown> | undefined;
  if (options?.metrics !== undefined && kind !== 'command' && kind !== 'torch') fail(where, `config.evaluatorOptions.metrics with evaluator ${formatValue(spec)}`, 'metrics only with a command:CMD or torch:DATASET evaluator');
  if (options?.trainerArgs !== undefined && kind !== 'torch') fail(where, `config.evaluatorOptions.trainerArgs with evaluator ${formatValue(spec)}`, 'trainerArgs only with a torch:DATASET evaluator');
}

/** Cost metrics every evaluation carries: counts and bytes, never negative. */
const COST_METRICS = ['macs', 'params', 'flashBytes', 'peakSramBytes'];
const WELL_FORMED = 'a candidate object {blocks: [...]} (a proposal with a key is one the campaign found well-formed)';

/** A proposal's candidate: any JSON an LLM replied (null for a failed call, text for an unparseable one), but a keyed one is {blocks: [...]}. */
function checkCandidate(where: Where, r: Record<string, unknown>): void {
  if (r.key !== null && r.key !== undefined && !isWellFormed(r.candidate)) fail(where, `a proposal with key ${formatValue(r.key)} whose candidate is ${formatValue(r.candidate)}`, WELL_FORMED);
}

/** An object with a list of block objects: what the campaign evaluates (the space checks the rest). */
export function isWellFormed(candidate: unknown): boolean {
  return isObject(candidate) && Array.isArray(candidate.blocks) && candidate.blocks.every(isObject);
}

function checkMetrics(where: Where, r: Record<string, unknown>): void {
  if (!isObject(r.metrics)) fail(where, `an evaluation record ${r.metrics === undefined ? 'without metrics' : 'whose metrics are not an object'}`, 'metrics: an object of numbers (macs, params, ... and the objectives)');
  for (const name of Object.keys(r.metrics)) {
    const n = number(where, r.metrics, name);
    if (COST_METRICS.includes(name) && !(Number.isFinite(n) && n >= 0)) fail(where, `an evaluation whose ${name} is ${n}`, `metrics.${name}: a finite number >= 0 (a count or bytes)`);
  }
}

/**
 * Checks one record (already parsed, with a string type) and revives its non-finite numbers in
 * place: the hand checks first (their messages are relied on), then the record's JSON Schema
 * (record-shapes.ts). `where` names it in errors, e.g. "runs/x/records.jsonl line 7".
 */
export function checkRecord(where: Where, r: CampaignRecord): void {
  const rec = r as Record<string, unknown>;
  if (!Number.isSafeInteger(r.seq) || r.seq < 0) fail(where, `a record whose seq is ${JSON.stringify(r.seq) ?? 'missing'}`, 'seq: a non-negative integer');
  switch (r.type) {
    case 'campaign-start':
      checkConfig(where, rec.config);
      if (rec.runId !== undefined && (typeof rec.runId !== 'string' || !RUN_ID.test(rec.runId))) fail(where, `a campaign-start whose runId is ${JSON.stringify(rec.runId)}`, 'runId: 1 to 64 letters, digits, _ or -');
      break;
    case 'proposal':
      index(where, rec);
      if (rec.key !== null && rec.key !== undefined) string(where, rec, 'key');
      checkCandidate(where, rec);
      break;
    case 'rejection':
      index(where, rec);
      if (!(REJECTION_REASONS as readonly unknown[]).includes(rec.reason)) fail(where, `a rejection with reason ${JSON.stringify(rec.reason) ?? 'missing'}`, `reason: one of ${REJECTION_REASONS.join(', ')}`);
      string(where, rec, 'message');
      break;
    case 'evaluation':
      index(where, rec);
      string(where, rec, 'key');
      checkMetrics(where, rec);
      if (rec.seconds !== undefined) number(where, rec, 'seconds');
      break;
    case 'failure':
      index(where, rec);
      string(where, rec, 'key');
      string(where, rec, 'message');
      break;
    case 'front-change':
      index(where, rec);
      string(where, rec, 'key');
      if (rec.removed !== undefined && !(Array.isArray(rec.removed) && rec.removed.every((k) => typeof k === 'string'))) fail(where, 'a front-change whose removed is not a list of keys', 'removed: a list of strings');
      break;
    case 'dispatch':
      index(where, rec);
      string(where, rec, 'key');
      if (typeof rec.jobId !== 'string' || !JOB_ID.test(rec.jobId) || /^\d+$/.test(rec.jobId)) fail(where, `a dispatch whose jobId is ${JSON.stringify(rec.jobId) ?? 'missing'}`, 'jobId: 1 to 128 letters, digits, _ or -, not all digits');
      {
        const attempt = number(where, rec, 'attempt');
        if (!Number.isSafeInteger(attempt) || attempt < 1 || attempt > 1000) fail(where, `a dispatch with attempt ${attempt}`, 'attempt: an integer from 1 to 1000');
      }
      break;
    case 'llm-call':
      if (rec.reply !== null && typeof rec.reply !== 'string') fail(where, 'an llm-call whose reply is neither text nor null', 'reply: a string, or null for a failed call');
      if (!Array.isArray(rec.messages) || !rec.messages.every((m) => isObject(m) && typeof m.content === 'string' && typeof m.role === 'string')) fail(where, 'an llm-call without its messages', 'messages: a list of {role, content}');
      string(where, rec, 'model');
      break;
    default: // resume, explanation, campaign-end: left to their schemas; lamda-*: a LAMDA run's, not checked here
  }
  checkRecordShape(where, r); // then what these checks leave open, by JSON Schema (record-shapes.ts)
}
