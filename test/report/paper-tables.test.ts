import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { CampaignConfig } from '../../lib/campaign/config.js';
import { InputError } from '../../lib/errors.js';
import { readRecords } from '../../lib/campaign/records.js';
import { replayRecords } from '../../lib/campaign/state.js';
import { loadRun, rejectionsTable } from '../../lib/report/campaign-report.js';
import { compareRuns } from '../../lib/report/compare.js';
import {
  MB,
  TABLE_II_PAPER_ROWS,
  TABLE_III_PAPER_ROWS,
  TABLE_IV_PAPER_ROWS,
  paretoTable,
  referenceTableII,
  round,
  shortKey,
  tableII,
  tableIIFromRun,
  tableIII,
  tableIV,
} from '../../lib/report/paper-tables.js';
import { toCsv, toMarkdown } from '../../lib/report/render-table.js';
import { ROOT } from '../helpers.js';
import { evaluation, proposal, writeRun } from './run-records.js';

const tmp = mkdtempSync(`${tmpdir()}/paper-tables-`);
const KiB = 1024;

// A hand-made run: objectives accuracy:max, macs:min; limit peak SRAM <= 300 KiB.
//   #0 acc 60, 100 M, 0.2 M params, 200 KiB    front          KD 58 -> 60.5 (+2.5)
//   #1 rejected (sram)
//   #2 acc 50, 150 M, 0.3 M, 250 KiB           dominated by #0
//   #3 acc 70, 200 M, 0.1 M, 280 KiB           front          KD 68.5 -> 70.25 (+1.75), flash 0.5 MB
//   #4 rejected (macs)
//   #5 acc 80, 120 M, 0.4 M, 310 KiB           infeasible (SRAM limit): off the front
//   #6 acc 40,  80 M, 0.5 M, 100 KiB           front          KD 72.88 -> 74.2 (+1.32)
const handConfig: Partial<CampaignConfig> = {
  proposer: 'ollama:llama3.2:3b',
  seed: 7,
  budget: 8,
  objectives: [{ name: 'accuracy', direction: 'max' }, { name: 'macs', direction: 'min' }],
  limits: [{ name: 'peakSramBytes', max: 300 * KiB }],
};
const m = (accuracy: number, macsM: number, paramsM: number, sramKiB: number, extra: Record<string, number> = {}) => ({
  accuracy,
  macs: macsM * 1e6,
  params: paramsM * 1e6,
  peakSramBytes: sramKiB * KiB,
  flashBytes: 0.25 * MB,
  ...extra,
});
const handRecords = (): Record<string, unknown>[] => [
  proposal(0),
  evaluation(0, m(60, 100, 0.2, 200, { accuracy_before_kd: 58, accuracy_after_kd: 60.5 })),
  proposal(1),
  { type: 'rejection', index: 1, key: 'k1', reason: 'sram', message: 'too much SRAM', details: { peakSramBytes: 400 * KiB, macs: 90e6 }, violation: 0.25 },
  proposal(2),
  evaluation(2, m(50, 150, 0.3, 250)),
  proposal(3),
  evaluation(3, m(70, 200, 0.1, 280, { accuracy_before_kd: 68.5, accuracy_after_kd: 70.25, flashBytes: 0.5 * MB })),
  { type: 'explanation', index: 3, key: 'k3', model: 'llama3.2:3b', text: 'kernel 5 for a wider receptive field' },
  proposal(4),
  { type: 'rejection', index: 4, key: 'k4', reason: 'macs', message: 'too many MACs', details: { macs: 400e6 }, violation: 0.1 },
  proposal(5),
  evaluation(5, m(80, 120, 0.4, 310)),
  proposal(6),
  evaluation(6, m(40, 80, 0.5, 100, { accuracy_before_kd: 72.88, accuracy_after_kd: 74.2 })),
  proposal(7),
  { type: 'rejection', index: 7, key: 'k7', reason: 'sram', message: 'too much SRAM', details: { peakSramBytes: 350 * KiB }, violation: 0.1 },
  { type: 'explanation', index: 1, key: 'k1', model: 'llama3.2:3b', text: 'a wide first stage' },
];

const dir = writeRun(tmp, 'hand', handConfig, handRecords());
const state = loadRun(dir);

describe('helpers', () => {
  it('round and shortKey', () => {
    expect(round(1.005 * 100, 0)).toBe(101);
    expect(round(-0.001, 1)).toBe(0);
    expect(round(-2.345, 2)).toBe(-2.35);
    expect(round(null, 2)).toBeNull();
    expect(round(NaN, 2)).toBeNull();
    expect(shortKey('k3')).toBe('k3');
    const a = `in3|${'e48k3s1se0reluo24n|'.repeat(4)}a`;
    const b = `in3|${'e48k3s1se0reluo24n|'.repeat(4)}b`;
    expect(shortKey(a)).toMatch(/^in3\|e48k3s1s…[0-9a-f]{6}$/);
    expect(shortKey(a)).not.toBe(shortKey(b));
  });
});

describe('paretoTable', () => {
  it('the front, best accuracy first: a column per objective and per limit (MACs in M, SRAM in KiB)', () => {
    const t = paretoTable(state);
    expect(t.id).toBe('pareto-front');
    // objectives accuracy and MACs; peak SRAM is limited; params is neither: no column
    expect(t.columns).toEqual(['Proposal', 'Key', 'accuracy ↑', 'MACs (M) ↓', 'peak SRAM (KiB)']);
    expect(t.rows).toEqual([
      [3, 'k3', 70, 200, 280],
      [0, 'k0', 60, 100, 200],
      [6, 'k6', 40, 80, 100],
    ]);
    expect(t.notes?.[1]).toBe('Limits: MACs <= 1000000.0 M, peak SRAM <= 300.0 KiB.');
    expect(t.caption).toContain('3 of 5 evaluated');
  });
});

describe('referenceTableII', () => {
  const t = referenceTableII();
  const col = (name: string) => t.columns.indexOf(name);
  const row = (model: string) => t.rows.find((r) => r[0] === model) as (string | number | null)[];

  it('one row per shipped reference model', () => {
    expect(t.rows.map((r) => r[0])).toEqual(['mcunet-in2', 'proxyless-w0.3', 'mbv2-w0.35', 'mcunet-in0', 'LMaNet-Core', 'LMaNet-Elite', 'QwNet-Core']);
    expect(t.columns).toHaveLength(18);
  });

  it('mcunet-in2: 67.29 M MACs against 67.3 printed, 325 KiB as printed', () => {
    const r = row('mcunet-in2');
    expect(r[col('Resolution')]).toBe(160);
    expect(r[col('MACs (M)')]).toBe(67.29);
    expect(r[col('MACs printed (M)')]).toBe(67.3);
    expect(r[col('Δ MACs (M)')]).toBe(-0.01);
    expect(r[col('Δ MACs (%)')]).toBe(0);
    expect(r[col('#Parameters (M)')]).toBe(0.729);
    expect(r[col('Peak SRAM (KiB)')]).toBe(325);
    expect(r[col('Peak SRAM printed (KiB)')]).toBe(325);
    expect(r[col('Δ Peak SRAM (KiB)')]).toBe(0);
    expect(r[col('Flash printed (MB)')]).toBeNull();
    expect(r[col('Δ Flash (MB)')]).toBeNull();
  });

  it('LMaNet-Core: 76.43 M MACs against 82 printed (−5.57, −6.8 %); flash 0.458 MB against 0.53', () => {
    const r = row('LMaNet-Core');
    expect(r[col('MACs (M)')]).toBe(76.43);
    expect(r[col('MACs printed (M)')]).toBe(82);
    expect(r[col('Δ MACs (M)')]).toBe(-5.57);
    expect(r[col('Δ MACs (%)')]).toBe(-6.8);
    expect(r[col('#Parameters (M)')]).toBe(0.453);
    expect(r[col('#Parameters printed (M)')]).toBe(0.51);
    expect(r[col('Flash (MB)')]).toBe(0.458);
    expect(r[col('Flash printed (MB)')]).toBe(0.53);
    expect(r[col('Δ Flash (%)')]).toBe(-13.5);
    expect(r[col('Peak SRAM (KiB)')]).toBe(300);
    expect(r[col('Peak SRAM printed (KiB)')]).toBe(215);
  });

  it('QwNet-Core: peak SRAM 400 KiB against 227 printed (+173, +76.2 %)', () => {
    const r = row('QwNet-Core');
    expect(r[col('Peak SRAM (KiB)')]).toBe(400);
    expect(r[col('Peak SRAM printed (KiB)')]).toBe(227);
    expect(r[col('Δ Peak SRAM (KiB)')]).toBe(173);
    expect(r[col('Δ Peak SRAM (%)')]).toBe(76.2);
  });

  it('nothing printed: nulls', () => {
    const r = row('mbv2-w0.35');
    expect(r[col('Peak SRAM (KiB)')]).toBe(303.8);
    expect(r[col('Peak SRAM printed (KiB)')]).toBeNull();
    expect(r[col('Δ Peak SRAM (%)')]).toBeNull();
  });

  it('notes: sources and the mismatch of the LMaNet paper with its configs', () => {
    expect(t.notes?.some((n) => n.includes('mcunet README'))).toBe(true);
    const mismatch = t.notes?.find((n) => n.includes('do not match its released configs')) ?? '';
    expect(mismatch).toContain('LMaNet-Core: 76.43 M MACs');
    expect(mismatch).toContain("the authors' model.py: 76.43 M");
    expect(mismatch).toContain('QwNet-Core');
  });
});

describe('tableII', () => {
  it('the paper rows as printed', () => {
    const t = tableII([], { paper: true });
    expect(t.columns).toEqual(['Models', 'Accuracy (%)', 'MACs (M)', 'Flash (MB)', '#Parameters (M)', 'Search cost (days)']);
    expect(t.rows).toEqual([
      ['MCUNet-in4 (paper)', 72.86, 134, 1.65, 1.73, 12.5],
      ['MCUNet-in3 (paper)', 69.62, 72, 0.7, 0.74, 12.5],
      ['XiNet-Class (paper)', 72.27, 259, null, null, 'manual'],
      ['LMaNet-Core (paper)', 74.2, 82, 0.53, 0.51, 2.5],
      ['QwNet-Core (paper)', 73, 71, 0.24, 0.18, 3.5],
      ['LMaNet-Elite (paper)', 74.5, 86, 0.54, 0.44, 1.5],
    ]);
    expect(TABLE_II_PAPER_ROWS).toHaveLength(6);
  });

  it('entries with byte counts and missing values', () => {
    const t = tableII([{ model: 'mine', accuracy: 71.234, macs: 76432000, params: 453220, flashBytes: 480584, searchCostDays: 0.25 }, { model: 'bare', macs: 1e6 }]);
    expect(t.rows).toEqual([
      ['mine', 71.23, 76.43, 0.46, 0.45, 0.25],
      ['bare', null, 1, null, null, null],
    ]);
  });

  it('tableIIFromRun: the best feasible accuracy (#3: #5 has more but breaks the SRAM limit)', () => {
    const e = tableIIFromRun(state, { model: 'Ours (llama3.2:3b)', searchCostDays: 0.5 });
    expect([e.proposal, e.key, e.accuracy, e.macs, e.params, e.flashBytes, e.searchCostDays]).toEqual([3, 'k3', 70, 200e6, 0.1e6, 0.5 * MB, 0.5]);
    const t = tableII([e], { paper: true });
    expect(t.rows.at(-1)).toEqual(['Ours (llama3.2:3b)', 70, 200, 0.5, 0.1, 0.5]);
    expect(t.notes?.some((n) => n.includes('proposal #3'))).toBe(true);
  });

  it('tableIIFromRun: a fraction becomes %; no accuracy falls back to the primary objective', () => {
    const frac = loadRun(writeRun(tmp, 'frac', { objectives: [{ name: 'accuracy', direction: 'max' }, { name: 'macs', direction: 'min' }] }, [proposal(0), evaluation(0, { accuracy: 0.625, macs: 1e8, params: 1e5 })]));
    expect(tableIIFromRun(frac, { model: 'f' }).accuracy).toBe(62.5);
    const proxy = loadRun(
      writeRun(tmp, 'proxy', { evaluator: 'proxy', objectives: [{ name: 'naswot', direction: 'max' }, { name: 'macs', direction: 'min' }] }, [
        proposal(0),
        evaluation(0, { naswot: 10, macs: 1e8, params: 1e5 }),
        proposal(1),
        evaluation(1, { naswot: 12, macs: 2e8, params: 1e5 }),
      ]),
    );
    const e = tableIIFromRun(proxy, { model: 'p' });
    expect([e.proposal, e.accuracy, e.macs]).toEqual([1, null, 2e8]);
    const empty = loadRun(writeRun(tmp, 'empty', {}, [proposal(0)]));
    expect(() => tableIIFromRun(empty, { model: 'x' })).toThrow(InputError);
  });
});

describe('tableIII', () => {
  it('TC, PC and [min, max] avg over the front, then the paper rows', () => {
    const t = tableIII(compareRuns([dir]), { paper: true });
    // the paper's columns, then the run's limited peak SRAM (front #0, #3, #6: 200, 280, 100 KiB)
    expect(t.columns).toEqual(['Model', 'TC', 'PC', 'Accuracy (%) ↑', 'MACs (M) ↓', '#Parameters (M) ↓', 'peak SRAM (KiB)']);
    expect(t.rows).toEqual([
      ['llama3.2:3b', 5, 3, '[40.00, 70.00] 56.67', '[80.00, 200.00] 126.67', '[0.10, 0.50] 0.27', '[100.0, 280.0] 193.3'],
      ['Llama3.2-3B (paper)', 127, 27, '[38.68, 68.58] 60.50', '[71.17, 255.86] 112.01', '[0.04, 0.73] 0.15', '—'],
      ['Llama3.1-8B (paper)', 100, 29, '[45.33, 67.87] 61.50', '[72.05, 322.36] 130.47', '[0.03, 0.59] 0.18', '—'],
      ['Qwen2.5-3B (paper)', 213, 43, '[48.41, 70.31] 61.90', '[70.19, 327.28] 140.05', '[0.05, 0.77] 0.25', '—'],
    ]);
    expect(TABLE_III_PAPER_ROWS).toHaveLength(3);
    expect(t.notes?.[0]).toContain(dir);
  });

  it('accuracy recorded as a fraction (as trainers report it) is shown in %', () => {
    const records = handRecords().map((r) => (r.type === 'evaluation' ? { ...r, metrics: { ...(r.metrics as Record<string, number>), accuracy: ((r.metrics as Record<string, number>).accuracy as number) / 100 } } : r));
    const t = tableIII(compareRuns([writeRun(tmp, 'hand-fraction', handConfig, records)]));
    expect(t.rows[0]?.slice(1)).toEqual([5, 3, '[40.00, 70.00] 56.67', '[80.00, 200.00] 126.67', '[0.10, 0.50] 0.27', '[100.0, 280.0] 193.3']);
  });

  it('runs sharing a label get their seed', () => {
    const other = writeRun(tmp, 'hand-seed8', { ...handConfig, seed: 8 }, handRecords());
    const t = tableIII(compareRuns([dir, other]));
    expect(t.rows.map((r) => r[0])).toEqual(['llama3.2:3b (seed 7)', 'llama3.2:3b (seed 8)']);
  });
});

describe('tableIII: a column no run row fills', () => {
  // The `cost` evaluator's kind of run: objectives macs:min, params:min, no maximised (primary) objective.
  //   #0 100 M, 0.2 M   front;  #1 150 M, 0.3 M   dominated by #0;  #2 80 M, 0.5 M   front
  const costRun = writeRun(tmp, 'cost', { proposer: 'random', evaluator: 'cost', seed: 1, budget: 3, objectives: [{ name: 'macs', direction: 'min' }, { name: 'params', direction: 'min' }], limits: [] }, [
    proposal(0),
    evaluation(0, { macs: 100e6, params: 0.2e6 }),
    proposal(1),
    evaluation(1, { macs: 150e6, params: 0.3e6 }),
    proposal(2),
    evaluation(2, { macs: 80e6, params: 0.5e6 }),
  ]);

  it('the all-— Primary column is left out, and the caption says why', () => {
    const t = tableIII(compareRuns([costRun]));
    expect(t.columns).toEqual(['Model', 'TC', 'PC', 'MACs (M) ↓', '#Parameters (M) ↓']);
    expect(t.rows).toEqual([['random (seed 1)', 3, 2, '[80.00, 100.00] 90.00', '[0.20, 0.50] 0.35']]);
    expect(t.caption).toContain('Left out, no run row has a value: Primary (no run maximises an objective');
    expect(toMarkdown(t)).not.toContain('| — |');
  });

  it('with the paper rows the column stays (they fill it) and the caption says the runs leave it empty', () => {
    const t = tableIII(compareRuns([costRun]), { paper: true });
    expect(t.columns).toEqual(['Model', 'TC', 'PC', 'Primary', 'MACs (M) ↓', '#Parameters (M) ↓']);
    expect(t.rows[0]).toEqual(['random (seed 1)', 3, 2, '—', '[80.00, 100.00] 90.00', '[0.20, 0.50] 0.35']);
    expect(t.rows[1]).toEqual(['Llama3.2-3B (paper)', 127, 27, '[38.68, 68.58] 60.50', '[71.17, 255.86] 112.01', '[0.04, 0.73] 0.15']);
    expect(t.caption).toContain('Empty (—) in every run row, filled by the paper’s rows only: Primary (no run maximises an objective');
  });

  it('a run with a primary objective keeps every column and the caption as it was', () => {
    const t = tableIII(compareRuns([dir]));
    expect(t.columns).toHaveLength(7);
    expect(t.caption.endsWith('PC: Pareto candidates.')).toBe(true);
  });
});

describe('tableIV', () => {
  it('before, after and gain per candidate carrying both metrics (worked by hand)', () => {
    const t = tableIV(state, { before: 'accuracy_before_kd', after: 'accuracy_after_kd', beforeLabel: 'w/o ViT-KD (%)', afterLabel: 'w/ ViT-KD (%)' });
    expect(t.columns).toEqual(['Model', 'w/o ViT-KD (%)', 'w/ ViT-KD (%)', 'Gain ↑']);
    expect(t.rows).toEqual([
      ['#0', 58, 60.5, 2.5],
      ['#3', 68.5, 70.25, 1.75],
      ['#6', 72.88, 74.2, 1.32],
    ]);
  });

  it('from evaluations, with labels and the paper rows first', () => {
    const t = tableIV(state.evaluations, { before: 'accuracy_before_kd', after: 'accuracy_after_kd', label: (e) => `cand ${e.key}`, paper: true });
    expect(t.rows.slice(0, 3)).toEqual([
      ['LMaNet-Core (paper)', 72.88, 74.2, 1.32],
      ['QwNet-Core (paper)', 71.6, 73, 1.4],
      ['LMaNet-Elite (paper)', 73.15, 74.5, 1.35],
    ]);
    expect(t.rows[3]?.[0]).toBe('cand k0');
    for (const p of TABLE_IV_PAPER_ROWS) expect(round(p.after - p.before, 2)).toBe(p.gain);
  });

  it('InputError naming the metric no evaluation carries', () => {
    expect(() => tableIV(state, { before: 'accuracy_before_kd', after: 'accuracy_kd' })).toThrow(/accuracy_kd/);
    expect(() => tableIV(state, { before: 'nope', after: 'accuracy_after_kd' })).toThrow(InputError);
    expect(() => tableIV(state, { before: 'nope', after: 'accuracy_after_kd' })).toThrow(/metric nope/);
  });
});

describe('issue 19: whole keys and messages in the data, shortened only for display', () => {
  const evo = `${ROOT}test/golden/tables/evolution-16.records.jsonl`;
  const qwen = `${ROOT}notebooks/data/llm-runs/qwen2.5-3b/records.jsonl`;
  const replay = (file: string) => replayRecords(readRecords(file).records);

  it('the Pareto table holds each member\'s whole key (the evaluation record\'s); Markdown shows prefix … hash', () => {
    const records = readRecords(evo).records;
    const keyOf = new Map(records.filter((r) => r.type === 'evaluation').map((r) => [r.index as number, r.key as string]));
    const t = paretoTable(replay(evo));
    expect(t.rows.length).toBeGreaterThan(1);
    for (const row of t.rows) {
      expect(row[1]).toBe(keyOf.get(row[0] as number));
      expect((row[1] as string).length).toBeGreaterThan(100); // 16+ layers: never fits a cell
      expect(toMarkdown(t)).toContain(`| ${row[0]} | ${shortKey(row[1] as string).replace('|', '\\|')} |`);
      expect(toCsv(t)).toContain(`${row[0]},${row[1]},`);
    }
  });

  it('rejections of the LLM run: counts and share from the rejection records, the first message of each reason whole', () => {
    const rejections = readRecords(qwen).records.filter((r) => r.type === 'rejection');
    const proposals = readRecords(qwen).records.filter((r) => r.type === 'proposal').length;
    const reasons = [...new Set(rejections.map((r) => r.reason as string))];
    const t = rejectionsTable(replay(qwen));
    expect(t.columns).toEqual(['Reason', 'Count', 'Share of proposals (%)', 'Example message']);
    expect(t.rows.map((r) => r[0]).sort()).toEqual([...reasons].sort());
    for (const row of t.rows) {
      const of = rejections.filter((r) => r.reason === row[0]);
      expect(row[1]).toBe(of.length);
      expect(row[2]).toBeCloseTo((100 * of.length) / proposals, 1);
      expect(row[3]).toBe(of[0]!.message);
    }
    expect(t.caption).toContain(`${rejections.length} of ${proposals} proposals`);
    // display: a message over 160 characters ends at a word (the next character of the message is a space) with …
    const long = t.rows.find((r) => (r[3] as string).length > 160)![3] as string;
    const shown = toMarkdown(t).split('\n').find((l) => l.includes(long.slice(0, 40)))!.split(' | ')[3]!.replace(/ \|$/, '');
    expect(shown.endsWith('…')).toBe(true);
    expect(shown.length).toBeLessThanOrEqual(160);
    expect(long.startsWith(shown.slice(0, -1))).toBe(true);
    expect(long[shown.length - 1]).toMatch(/\s/);
    expect(toCsv(t)).toContain(long.replaceAll('"', '""'));
  });

  it('an evolution run without rejections: no rows, one line saying why (never a header without rows)', () => {
    const t = rejectionsTable(replay(evo));
    expect(readRecords(evo).records.filter((r) => r.type === 'rejection')).toHaveLength(0);
    expect(t.rows).toEqual([]);
    expect(t.empty).toBe('none: every one of the 16 proposals passed every check; the evolution proposer screens its offspring with the cost estimators (MAC range, SRAM limit) and skips repeats before proposing.');
    expect(toMarkdown(t)).not.toContain('| Reason');
    // a random run says only that every proposal passed
    const random = rejectionsTable(loadRun(writeRun(tmp, 'no-rejections', { proposer: 'random' }, [proposal(0), evaluation(0, m(60, 100, 0.2, 200))])));
    expect(random.empty).toBe('none: the one proposal passed every check.');
  });
});
