/**
 * One trial (proposal) of a run as plain data: what was proposed, what became of it, its costs
 * lowered with the run's own space and SRAM model, its explanation and LLM calls, and every record
 * about it. `paretonas show` prints and writes it, the dashboard serves it as JSON.
 *
 * Pure: `trialView` works on records already read (the dashboard reads them incrementally);
 * `loadTrial` reads RUN_DIR/records.jsonl first. `trialOnnx` and `trialText` turn the trial's
 * lowered graph into ONNX bytes (as `paretonas export`, seed 0, BN unfolded) and LAMDA text.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RECORDS_FILE } from '../campaign/campaign.js';
import type { CampaignConfig } from '../campaign/config.js';
import { readRecords, type CampaignRecord } from '../campaign/records.js';
import type { LlmCallRecordOf } from '../campaign/record-types.js';
import { recordedSpaceFile, resolveRecordedSpace } from '../campaign/run-dir.js';
import type { CostReport } from '../cost/estimate.js';
import { estimateCosts } from '../cost/estimate.js';
import type { SramModel } from '../cost/sram.js';
import { formatValue, InputError } from '../errors.js';
import type { Graph } from '../graph/types.js';
import { serializeGraph } from '../lamda/dsl.js';
import { exportOnnx } from '../onnx/export.js';
import type { RejectionReason } from '../propose/types.js';
import type { Candidate } from '../space/candidate.js';
import { lowerBlockNet, spaceNetOptions } from '../space/lower-blocks.js';
import type { SearchSpace } from '../space/space.js';
import { candidateIssues } from '../space/validate.js';
import { keyHash } from './render-table.js';

/** What became of a proposal: evaluated, rejected by validation, failed in evaluation, or no outcome yet (in flight, or the run stopped). */
export type TrialStatus = 'evaluated' | 'rejected' | 'failed' | 'proposed';

export interface TrialView {
  runDir: string;
  /** 0-based proposal index. */
  index: number;
  /** Canonical key; null for a proposal that was not a well-formed candidate (an LLM reply that did not parse, say). */
  key: string | null;
  status: TrialStatus;
  /** Rejection reason (status 'rejected'). */
  reason?: RejectionReason;
  /** The rejection's or failure's message, as recorded. */
  message?: string;
  /** The evaluation's metrics, in record units (MACs per image, bytes, ms, scores). */
  metrics?: Record<string, number>;
  /** The proposer's note (e.g. which parent was mutated). */
  note?: string;
  /** The candidate as proposed: a {blocks: [...]} object `estimate --space` loads when `key` is set; anything an LLM replied otherwise. */
  candidate: unknown;
  /** The run's search space: its name, and the space file when the run was started with `--space FILE` (the run's copy when it kept one). */
  space: { name: string; file?: string };
  /** The run's SRAM model (peakSramBytes is charged by it). */
  sramModel: SramModel;
  /** The candidate lowered with the run's space (input, classes, head); absent when it does not belong to the space. */
  graph?: Graph;
  /** estimateCosts of `graph` under `sramModel`: absent with `graph`. */
  costs?: CostReport;
  /** Why `graph` is absent: the candidate's problems against the space, one line each. */
  candidateProblems?: string[];
  /** The last explanation recorded for this proposal. */
  explanation?: { model: string; text: string; onDemand: boolean };
  /** llm-call records of this proposal (the proposal's prompt and reply, explanation calls). */
  llmCalls: LlmCallRecordOf[];
  /** Every record about this proposal, in file order. */
  records: CampaignRecord[];
}

/** Which proposal a reference names: an index ("12", "#12") or a key (whole, or shortened "prefix…hash" as report tables print it). */
export type TrialRef = string | number;

/**
 * The trial `ref` names in a run's records (read whole, as `readRecords` returns them).
 *
 * @throws InputError('INDEX', ...) for an index outside 0 .. proposals - 1, InputError('KEY', ...) for a key no proposal has.
 */
export function trialView(runDir: string, records: readonly CampaignRecord[], ref: TrialRef): TrialView {
  const start = records.find((r) => r.type === 'campaign-start');
  if (!start) throw new InputError('RUN_DIR', runDir, 'a campaign run directory (its records start with a campaign-start record)', `got ${formatValue(runDir)}: its ${RECORDS_FILE} has no campaign-start record`);
  const config = start.config as CampaignConfig;
  const proposals = records.filter((r) => r.type === 'proposal') as (CampaignRecord & { index: number; candidate: unknown; key?: string | null; note?: string | null })[];
  const index = resolveRef(runDir, records, proposals, ref);
  const proposal = proposals.find((p) => p.index === index) as (typeof proposals)[number];
  const mine = records.filter((r) => r.index === index);
  const outcome = mine.filter((r) => r.type === 'evaluation' || r.type === 'rejection' || r.type === 'failure').at(-1);
  const explanation = mine.filter((r) => r.type === 'explanation').at(-1);
  const space = runSpace(runDir, config.space);
  const view: TrialView = {
    runDir,
    index,
    key: typeof proposal.key === 'string' ? proposal.key : null,
    status: outcome === undefined ? 'proposed' : outcome.type === 'evaluation' ? 'evaluated' : outcome.type === 'rejection' ? 'rejected' : 'failed',
    candidate: proposal.candidate,
    space: { name: space.name, ...spaceFile(runDir, config.space) },
    sramModel: config.sramModel ?? 'mcunet',
    llmCalls: mine.filter((r) => r.type === 'llm-call') as unknown as LlmCallRecordOf[],
    records: mine,
  };
  if (typeof proposal.note === 'string') view.note = proposal.note;
  if (outcome?.type === 'rejection') view.reason = outcome.reason as RejectionReason;
  if (outcome?.type === 'rejection' || outcome?.type === 'failure') view.message = outcome.message as string;
  if (outcome?.type === 'evaluation') view.metrics = { ...(outcome.metrics as Record<string, number>) };
  if (explanation) view.explanation = { model: (explanation.model as string | undefined) ?? 'unknown', text: explanation.text as string, onDemand: explanation.onDemand === true };
  const issues = candidateIssues(space, proposal.candidate);
  if (issues.length > 0) view.candidateProblems = issues.map((i) => i.message);
  else {
    view.graph = lowerBlockNet(proposal.candidate as Candidate, spaceNetOptions(space));
    view.costs = estimateCosts(view.graph, { model: view.sramModel });
  }
  return view;
}

/**
 * `trialView` of RUN_DIR/records.jsonl (a torn last line is left out, as every reader does).
 *
 * @throws InputError('RUN', ...) when RUN_DIR holds no records.jsonl; as trialView otherwise.
 */
export function loadTrial(runDir: string, ref: TrialRef): TrialView {
  const path = join(runDir, RECORDS_FILE);
  if (!existsSync(path)) throw new InputError('RUN_DIR', runDir, `a run directory holding ${RECORDS_FILE}`, `got ${formatValue(runDir)}: ${existsSync(runDir) ? 'has no' : 'no such directory, so no'} ${RECORDS_FILE}`);
  return trialView(runDir, readRecords(path).records, ref);
}

/** The trial's network as ONNX bytes: `paretonas export` of the candidate with the run's space (opset 14, seeded He weights, seed 0, BN not folded). */
export function trialOnnx(view: TrialView): Uint8Array {
  return exportOnnx(graphOf(view, 'ONNX'), { seed: 0 });
}

/** The trial's network as LAMDA architecture text (lib/lamda/dsl.ts; parseGraph reads it back to an equal graph). */
export function trialText(view: TrialView): string {
  return serializeGraph(graphOf(view, 'LAMDA text'));
}

function graphOf(view: TrialView, what: string): Graph {
  if (view.graph) return view.graph;
  throw new InputError(`proposal #${view.index}`, view.candidate, `a candidate of space ${view.space.name} (only those lower to a network)`, `has no network to write as ${what}: ${view.candidateProblems?.[0] ?? 'not a candidate'}`);
}

/**
 * The run's space, resolved once per run directory and recorded name: a SearchSpace object kept
 * keeps its compiled candidate validator (space/validate.ts), which is most of a trial's time
 * otherwise (~30 of ~40 ms). A run's space never changes (a file space is the run's own copy).
 */
const spaces = new Map<string, SearchSpace>();
function runSpace(runDir: string, recorded: string): SearchSpace {
  const id = `${resolve(runDir)}\u0000${recorded}`;
  let space = spaces.get(id);
  if (!space) {
    space = resolveRecordedSpace(runDir, recorded);
    if (spaces.size >= 64) spaces.clear();
    spaces.set(id, space);
  }
  return space;
}

/** The space file a run started with `--space FILE` uses, resolved as resolveRecordedSpace reads it (the run's copy first): a path that opens from here. */
function spaceFile(runDir: string, recorded: string): { file?: string } {
  const file = recordedSpaceFile(runDir, recorded);
  return file === undefined ? {} : { file };
}

/** Whether `ref` is `key` shortened as report tables print it (render-table.ts shortKey: a prefix, "…" or "...", the start of its keyHash, 1 to 8 hex digits). */
function shortKeyMatches(key: string, ref: string): boolean {
  const m = /^(.*?)(?:…|\.\.\.)([0-9a-f]{1,8})$/.exec(ref);
  if (!m) return false;
  return key.startsWith(m[1] as string) && keyHash(key).startsWith(m[2] as string);
}

function resolveRef(runDir: string, records: readonly CampaignRecord[], proposals: readonly { index: number; key?: string | null }[], ref: TrialRef): number {
  const count = proposals.length;
  const range = count === 0 ? `none yet: ${runDir} has no proposals` : `a proposal index of ${runDir}, 0 to ${count - 1}`;
  const text = typeof ref === 'number' ? String(ref) : ref.trim();
  if (/^#?-?\d+$/.test(text)) {
    const typed = text.replace('#', '');
    const index = Number(typed);
    if (!proposals.some((p) => p.index === index)) throw new InputError('INDEX', typed, range, `got ${typed}: no such proposal`); // as typed, never "1e+23"
    return index;
  }
  if (typeof ref === 'number') throw new InputError('INDEX', ref, range);
  const matches = proposals.filter((p) => typeof p.key === 'string' && (p.key === text || shortKeyMatches(p.key, text)));
  const keys = new Set(matches.map((p) => p.key));
  if (keys.size > 1) throw new InputError('KEY', text, 'a whole key, or a shortened one that names one architecture', `names ${keys.size} different architectures`);
  if (matches.length === 0) {
    throw new InputError('KEY', text, `the key of an evaluated or rejected proposal of ${runDir} (whole, or shortened "prefix…hash" as report tables print it), or ${range}`, `got ${formatValue(text)}: no proposal has that key`);
  }
  // A key proposed again is rejected as a duplicate: the accepted one (evaluated or failed) is the trial.
  const accepted = new Set(records.filter((r) => r.type === 'evaluation' || r.type === 'failure').map((r) => r.index));
  return (matches.find((p) => accepted.has(p.index)) ?? matches[0])?.index as number;
}
