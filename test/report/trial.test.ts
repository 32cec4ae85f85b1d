/**
 * lib/report/trial.ts on hand-written records: each status, the records, LLM calls and
 * explanation of one proposal and no other's, key references (whole, shortened, a duplicate's),
 * the costs against the closed-form cost path (space/fast-cost.ts, a second implementation),
 * a malformed LLM reply (no network: ONNX and text refused with one line), and the errors.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecords } from '../../lib/campaign/records.js';
import { estimateCosts } from '../../lib/cost/estimate.js';
import { graphsEqual, parseGraph } from '../../lib/lamda/dsl.js';
import { importOnnxFile } from '../../lib/onnx/import.js';
import { shortKey } from '../../lib/report/render-table.js';
import { loadTrial, trialOnnx, trialText, trialView } from '../../lib/report/trial.js';
import { createRng, fnv1a32 } from '../../lib/rng.js';
import { resolveSpace, SEARCH_SPACES_DIR } from '../../lib/space/builtin.js';
import { createFastEvaluator } from '../../lib/space/fast-cost.js';
import { canonicalKey } from '../../lib/space/key.js';
import { sampleCandidate } from '../../lib/space/sample.js';
import { thrownInputError } from '../helpers.js';
import { writeRun } from './run-records.js';

const tmp = mkdtempSync(`${tmpdir()}/trial-`);
const space = resolveSpace('tinyml-cifar100');
const [a, b, c] = [1, 2, 3].map((seed) => sampleCandidate(space, createRng(seed))) as [ReturnType<typeof sampleCandidate>, ReturnType<typeof sampleCandidate>, ReturnType<typeof sampleCandidate>];
const [ka, kb, kc] = [a, b, c].map((x) => canonicalKey(x, 3)) as [string, string, string];
const metricsA = { macs: 1, params: 2, flashBytes: 3, peakSramBytes: 4, naswot: 200.5 };

/** 0 evaluated (with an LLM call and an explanation), 1 rejected for MACs, 2 a reply that did not parse, 3 failed, 4 a duplicate of 0, 5 in flight. */
const records = [
  { type: 'proposal', index: 0, candidate: a, note: 'mutant of #-1', key: ka },
  { type: 'llm-call', index: 0, model: 'qwen2.5:3b', messages: [{ role: 'user', content: 'propose' }], reply: JSON.stringify(a), purpose: 'proposal' },
  { type: 'evaluation', index: 0, key: ka, metrics: metricsA, seconds: 0.5 },
  { type: 'front-change', index: 0, key: ka, added: true, removed: [] },
  { type: 'proposal', index: 1, candidate: b, note: null, key: kb },
  { type: 'rejection', index: 1, key: kb, reason: 'macs', message: 'The network has 900.0 M MACs; the limit is 350.0 M.', details: { macs: 9e8, min: 7e7, max: 3.5e8 } },
  { type: 'proposal', index: 2, candidate: 'Sure! Here is a network', note: null, key: null },
  { type: 'rejection', index: 2, key: null, reason: 'parse', message: 'Your reply was not a JSON object.', details: { length: 23 } },
  { type: 'proposal', index: 3, candidate: c, note: null, key: kc },
  { type: 'failure', index: 3, key: kc, kind: 'crash', message: 'trainer crashed' },
  { type: 'proposal', index: 4, candidate: a, note: null, key: ka },
  { type: 'rejection', index: 4, key: ka, reason: 'duplicate', message: 'This architecture was already proposed (the same network as proposal #0).', details: { sameAs: 0 } },
  { type: 'llm-call', index: 0, model: 'qwen2.5:3b', messages: [{ role: 'user', content: 'why?' }], reply: 'Because.', purpose: 'explanation' },
  { type: 'explanation', index: 0, key: ka, model: 'qwen2.5:3b', text: 'Because.' },
  { type: 'proposal', index: 5, candidate: b, note: null, key: kb },
];
const run = writeRun(tmp, 'run', { objectives: [{ name: 'naswot', direction: 'max' }, { name: 'macs', direction: 'min' }], evaluator: 'proxy' }, records);

describe('trialView', () => {
  it('each proposal gets its status, outcome fields and only its own records', () => {
    const statuses = [0, 1, 2, 3, 4, 5].map((i) => loadTrial(run, i)).map((v) => [v.status, v.reason, v.message]);
    expect(statuses).toEqual([
      ['evaluated', undefined, undefined],
      ['rejected', 'macs', 'The network has 900.0 M MACs; the limit is 350.0 M.'],
      ['rejected', 'parse', 'Your reply was not a JSON object.'],
      ['failed', undefined, 'trainer crashed'],
      ['rejected', 'duplicate', 'This architecture was already proposed (the same network as proposal #0).'],
      ['proposed', undefined, undefined],
    ]);
    const v0 = loadTrial(run, 0);
    // campaign-start is seq 0, so record i of the list above has seq i + 1
    expect(v0.records.map((r) => [r.type, r.seq])).toEqual([['proposal', 1], ['llm-call', 2], ['evaluation', 3], ['front-change', 4], ['llm-call', 13], ['explanation', 14]]);
    expect(v0.llmCalls.map((r) => r.purpose)).toEqual(['proposal', 'explanation']);
    expect(v0.explanation).toEqual({ model: 'qwen2.5:3b', text: 'Because.', onDemand: false });
    expect([v0.metrics, v0.note, v0.key, v0.candidate]).toEqual([metricsA, 'mutant of #-1', ka, a]);
    expect(loadTrial(run, 1).llmCalls).toEqual([]);
    expect(loadTrial(run, 1).explanation).toBeUndefined();
  });

  it('costs are the closed-form cost path\'s (space/fast-cost.ts) for the run\'s space and SRAM model', () => {
    for (const sram of ['mcunet', 'liveness'] as const) {
      const dir = writeRun(tmp, `run-${sram}`, { sramModel: sram }, records);
      for (const [i, cand] of [[0, a], [1, b], [3, c]] as const) {
        const view = loadTrial(dir, i);
        const c2 = view.costs as NonNullable<typeof view.costs>;
        expect({ macs: c2.macs, params: c2.params, flashBytes: c2.flashBytes, peakSramBytes: c2.peakSramBytes }).toEqual(createFastEvaluator(space, { model: sram })(cand));
        expect([view.sramModel, view.space]).toEqual([sram, { name: 'tinyml-cifar100' }]);
      }
    }
  });

  it('a reply that was no candidate has no network: candidateProblems says why, ONNX and text are refused in one line', () => {
    const v = loadTrial(run, 2);
    expect([v.key, v.graph, v.costs, v.candidate]).toEqual([null, undefined, undefined, 'Sure! Here is a network']);
    expect(v.candidateProblems?.length).toBeGreaterThan(0);
    for (const f of [trialOnnx, trialText]) {
      const err = thrownInputError(() => f(v));
      expect(err.field).toBe('proposal #2');
      expect(err.message).not.toContain('\n');
      expect(err.message).toMatch(/has no network to write as (ONNX|LAMDA text)/);
    }
  });

  it('the LAMDA text parses back to the lowered network; the ONNX imports to its MACs and params', () => {
    const v = loadTrial(run, 3);
    const parsed = parseGraph(trialText(v));
    expect(graphsEqual(parsed, v.graph as NonNullable<typeof v.graph>)).toBe(true);
    expect(estimateCosts(parsed).macs).toBe(v.costs?.macs);
    const file = join(tmp, 'trial-3.onnx');
    writeFileSync(file, trialOnnx(v));
    const imported = estimateCosts(importOnnxFile(file));
    expect([imported.macs, imported.params]).toEqual([v.costs?.macs, v.costs?.params]);
  });

  it('refs: "#N", a whole key (the evaluated proposal, not its duplicate), a shortened key', () => {
    const { records: read } = readRecords(join(run, 'records.jsonl'));
    expect(trialView(run, read, '#3').index).toBe(3);
    expect(trialView(run, read, ka).index).toBe(0); // proposal 4 is a rejected duplicate of it
    expect(trialView(run, read, kb).index).toBe(1); // proposal 5 (in flight) repeats it: the first one
    const short = `${kc.slice(0, 12)}…${fnv1a32(kc).toString(16).padStart(8, '0').slice(0, 6)}`;
    expect(trialView(run, read, short).index).toBe(3);
    expect(trialView(run, read, short.replace('…', '...')).index).toBe(3);
    // What a report table prints (render-table.ts shortKey) names the trial, with any 1 to 8 digits of the hash; a wrong hash does not.
    expect(shortKey(kc)).toBe(short);
    const hash = fnv1a32(kc).toString(16).padStart(8, '0');
    expect(trialView(run, read, `${kc.slice(0, 12)}…${hash}`).index).toBe(3);
    expect(trialView(run, read, `${kc.slice(0, 12)}…${hash.slice(0, 1)}`).index).toBe(3);
    const wrong = `${kc.slice(0, 12)}…${((Number.parseInt(hash.slice(0, 6), 16) + 1) % 0x1000000).toString(16).padStart(6, '0')}`;
    expect(thrownInputError(() => trialView(run, read, wrong)).field).toBe('KEY');
  });

  it('a run started with --space FILE: the space is the run\'s copy', () => {
    const dir = writeRun(tmp, 'file-space', { space: 'my-spaces/cifar.json' }, records.slice(0, 4));
    copyFileSync(join(SEARCH_SPACES_DIR, 'tinyml-cifar100.json'), join(dir, 'space.json'));
    expect(loadTrial(dir, 0).space).toEqual({ name: 'tinyml-cifar100', file: join(dir, 'space.json') });
  });

  it('a --space FILE run without a copy: the file is the path the space was read from (it opens from here), not the recorded one', () => {
    // Found in search-spaces/ (recorded as typed): the recorded 'tinyml-cifar100.json' would not open from the working directory.
    const shipped = writeRun(tmp, 'shipped-file', { space: 'tinyml-cifar100.json' }, records.slice(0, 4));
    const viewShipped = loadTrial(shipped, 0);
    expect(viewShipped.space.file).toBe(resolve(SEARCH_SPACES_DIR, 'tinyml-cifar100.json'));
    expect(existsSync(viewShipped.space.file as string)).toBe(true);
    // Found inside the run directory.
    const inRun = writeRun(tmp, 'in-run-file', { space: 'spaces/mine.json' }, records.slice(0, 4));
    mkdirSync(join(inRun, 'spaces'));
    copyFileSync(join(SEARCH_SPACES_DIR, 'tinyml-cifar100.json'), join(inRun, 'spaces', 'mine.json'));
    expect(loadTrial(inRun, 0).space).toEqual({ name: 'tinyml-cifar100', file: resolve(inRun, 'spaces', 'mine.json') });
    // A shipped name has no file; a path that resolves nowhere allowed is refused with one line (as resume is).
    expect(loadTrial(run, 0).space).toEqual({ name: 'tinyml-cifar100' });
    const gone = writeRun(tmp, 'gone-file', { space: '../../elsewhere/space.json' }, records.slice(0, 4));
    expect(thrownInputError(() => loadTrial(gone, 0)).field).toBe('space (in the records)');
  });

  it('errors name RUN_DIR, INDEX or KEY and what is allowed', () => {
    expect(thrownInputError(() => loadTrial(join(tmp, 'nope'), 0)).message).toBe(`RUN_DIR: got "${join(tmp, 'nope')}": no such directory, so no records.jsonl; allowed: a run directory holding records.jsonl`);
    expect(thrownInputError(() => loadTrial(run, 6)).message).toBe(`INDEX: got 6: no such proposal; allowed: a proposal index of ${run}, 0 to 5`);
    expect(thrownInputError(() => loadTrial(run, -1)).message).toBe(`INDEX: got -1: no such proposal; allowed: a proposal index of ${run}, 0 to 5`);
    expect(thrownInputError(() => loadTrial(run, 'in3|x')).field).toBe('KEY');
    expect(thrownInputError(() => loadTrial(run, 'in3|x…abcdef')).field).toBe('KEY');
    const empty = writeRun(tmp, 'empty', {}, []);
    expect(thrownInputError(() => loadTrial(empty, 0)).message).toBe(`INDEX: got 0: no such proposal; allowed: none yet: ${empty} has no proposals`);
  });
});
