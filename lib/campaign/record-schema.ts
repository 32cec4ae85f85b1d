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
import { InputError } from '../errors.js';
import { REJECTION_REASONS } from '../propose/types.js';
import type { CampaignRecord } from './records.js';

/** Largest proposal index a record may carry: far above any budget the CLI takes (10^7). */
export const MAX_RECORD_INDEX = 100_000_000;

/** JSON.stringify replacer: ±Infinity and NaN written as strings, not as null. */
export function recordReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

const NON_FINITE: Record<string, number> = { Infinity: Infinity, '-Infinity': -Infinity, NaN: NaN };

type Where = string;

function fail(where: Where, what: string, allowed: string): never {
  throw new InputError(where, undefined, allowed, what);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A number, or one written as "Infinity"/"-Infinity"/"NaN"; `nullMeans` for older records' null. */
export function reviveNumber(v: unknown, nullMeans?: number): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v in NON_FINITE) return NON_FINITE[v];
  if (v === null && nullMeans !== undefined) return nullMeans;
  return undefined;
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
  for (const f of ['proposerSettings', 'evaluatorOptions']) if (config[f] !== undefined && config[f] !== null && !isObject(config[f])) fail(where, `config.${f} is not an object`, `config.${f}: an object`);
}

function checkMetrics(where: Where, r: Record<string, unknown>): void {
  if (!isObject(r.metrics)) fail(where, `an evaluation record ${r.metrics === undefined ? 'without metrics' : 'whose metrics are not an object'}`, 'metrics: an object of numbers (macs, params, ... and the objectives)');
  for (const name of Object.keys(r.metrics)) number(where, r.metrics, name);
}

/**
 * Checks one record (already parsed, with a string type) and revives its non-finite numbers in
 * place. `where` names it in errors, e.g. "runs/x/records.jsonl line 7".
 */
export function checkRecord(where: Where, r: CampaignRecord): void {
  const rec = r as Record<string, unknown>;
  if (!Number.isSafeInteger(r.seq) || r.seq < 0) fail(where, `a record whose seq is ${JSON.stringify(r.seq) ?? 'missing'}`, 'seq: a non-negative integer');
  switch (r.type) {
    case 'campaign-start':
      checkConfig(where, rec.config);
      break;
    case 'proposal':
      index(where, rec);
      if (rec.key !== null && rec.key !== undefined) string(where, rec, 'key');
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
    case 'llm-call':
      if (rec.reply !== null && typeof rec.reply !== 'string') fail(where, 'an llm-call whose reply is neither text nor null', 'reply: a string, or null for a failed call');
      if (!Array.isArray(rec.messages) || !rec.messages.every((m) => isObject(m) && typeof m.content === 'string' && typeof m.role === 'string')) fail(where, 'an llm-call without its messages', 'messages: a list of {role, content}');
      string(where, rec, 'model');
      break;
    default: // resume, explanation, campaign-end, lamda-*: nothing the loop relies on
  }
}
