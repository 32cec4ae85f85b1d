import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runCampaign } from '../../lib/campaign/campaign.js';
import { configFromSpace } from '../../lib/campaign/config.js';
import { readRecords, type CampaignRecord } from '../../lib/campaign/records.js';
import { PROPOSAL_RECORD_BOUNDS, recordableProposal } from '../../lib/campaign/validate.js';
import { createEvaluator } from '../../lib/evaluate/registry.js';
import { jsonDepth } from '../../lib/json-bounded.js';
import type { Observation, Proposal, Proposer } from '../../lib/propose/types.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import type { Candidate } from '../../lib/space/candidate.js';
import { REFERENCE, readJson } from '../helpers.js';

const space = resolveSpace();
const elite = (readJson(`${REFERENCE}LMaNet-Elite.json`) as { candidate_config: Candidate }).candidate_config;
/** `{"blocks": [...]}` with the first block's `kids` nesting `levels` objects: the document nests 3 + levels levels. */
const deep = (levels: number): Candidate => {
  const c = structuredClone(elite) as Candidate & { blocks: Record<string, unknown>[] };
  let at: Record<string, unknown> = c.blocks[0]!;
  for (let i = 0; i < levels; i++) at = at.kids = {};
  return c;
};
const cyclic = () => {
  const c = structuredClone(elite) as unknown as Record<string, unknown>;
  c.self = c;
  return c;
};

describe('recordableProposal: what a proposal record may hold', () => {
  it('keeps a proposal within the bounds as it is (the same object), a 32-level one included', () => {
    const p: Proposal = { candidate: deep(29), note: 'n' };
    expect(jsonDepth(JSON.stringify(p.candidate))).toBe(32);
    expect(recordableProposal(p)).toBe(p);
  });
  it('turns a candidate past 32 levels, a cyclic one and a too-deep patch into schema rejections with feedback', () => {
    const r = recordableProposal({ candidate: deep(30), note: 'n' });
    expect(r.patchError).toEqual({ reason: 'schema', message: 'Your proposal could not be recorded: its candidate nests JSON more than 32 levels deep. Propose one JSON object {"blocks": [...]} (it nests 3 levels) using only values from the search space.' });
    expect(r.candidate).toBe(`${JSON.stringify(deep(30)).slice(0, 200)}... (${JSON.stringify(deep(30)).length} characters)`);
    expect(r.note).toBe('n');
    expect(recordableProposal({ candidate: cyclic() }).patchError?.message).toMatch(/^Your proposal could not be recorded: its candidate is not JSON \(Converting circular structure to JSON/);
    expect(recordableProposal({ candidate: cyclic() }).candidate).toBe('(not JSON)');
    const patch = [{ op: 'add', path: '/x', value: deep(40) }];
    expect(recordableProposal({ candidate: elite, parent: 'k', patch })).toMatchObject({ candidate: elite, parent: 'k', patch: null, patchError: { reason: 'schema', message: expect.stringContaining('its patch nests JSON more than 32 levels deep') } });
  });
  it('cuts a note past maxNoteChars', () => {
    const r = recordableProposal({ candidate: elite, note: 'x'.repeat(PROPOSAL_RECORD_BOUNDS.maxNoteChars + 5) });
    expect(r.note).toBe(`${'x'.repeat(PROPOSAL_RECORD_BOUNDS.maxNoteChars)}... (10005 characters)`);
    expect(r.patchError).toBeUndefined();
  });
});

describe('a campaign never writes a proposal record its own reader refuses', async () => {
  // A proposer (any: a library user's, or a patched LLM candidate) giving a 70-level candidate, a cyclic one, then the elite.
  const outcomes: Observation[] = [];
  const proposer = (): Proposer => ({
    name: 'hostile',
    async propose({ index }) {
      return { candidate: index === 0 ? deep(67) : index === 1 ? cyclic() : elite };
    },
    observe(o) {
      outcomes.push(o);
    },
  });
  const config = (budget: number) => configFromSpace(space, { space: 'tinyml-cifar100', proposer: 'hostile', evaluator: 'cost', budget, seed: 1 });
  const deps = { createProposer: proposer, createEvaluator };
  const dir = mkdtempSync(`${tmpdir()}/llm-delta-records-`);
  const summary = await runCampaign(`${dir}/run`, config(3), deps);
  const records = readRecords(`${dir}/run/records.jsonl`).records;
  const of = (type: string) => records.filter((r: CampaignRecord) => r.type === type);

  it('records the 70-level and the cyclic candidates as schema rejections (reader accepts the file) and evaluates the third', () => {
    expect(summary).toMatchObject({ proposed: 3, valid: 1, rejected: expect.objectContaining({ schema: 2 }) });
    const [p0, p1] = of('proposal');
    expect(typeof p0!.candidate).toBe('string');
    expect(p0).toMatchObject({ key: null, patchError: { reason: 'schema' } });
    expect(p1).toMatchObject({ candidate: '(not JSON)', key: null, patchError: { reason: 'schema' } });
    expect(of('rejection').map((r) => [r.index, r.reason])).toEqual([[0, 'schema'], [1, 'schema']]);
    expect(of('rejection')[0]!.message).toBe('Your proposal could not be recorded: its candidate nests JSON more than 32 levels deep. Propose one JSON object {"blocks": [...]} (it nests 3 levels) using only values from the search space.');
    expect(of('evaluation').map((r) => r.index)).toEqual([2]);
  });
  it('feeds the rejection back to the proposer', () => {
    expect(outcomes[0]!.outcome).toMatchObject({ kind: 'rejected', reason: 'schema', message: expect.stringContaining('more than 32 levels deep') });
    expect(outcomes[1]!.outcome).toMatchObject({ kind: 'rejected', reason: 'schema', message: expect.stringContaining('is not JSON') });
  });
  it('resumes: the re-driven proposals are bounded as recorded (no mismatch, no crash on the cyclic one)', async () => {
    const resumed = await runCampaign(`${dir}/run`, undefined, deps, { budget: 4 });
    expect(resumed).toMatchObject({ resumed: true, proposed: 4, replayMismatches: [] });
    expect(readRecords(`${dir}/run/records.jsonl`).records.filter((r) => r.type === 'proposal')).toHaveLength(4);
  });
});
