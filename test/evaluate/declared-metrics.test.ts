/**
 * Declared trainer metrics (`--metrics`, evaluatorOptions.metrics): the list's checks, the
 * request field, and a result checked against the declaration. The campaign side is
 * test/campaign/declared-metrics.test.ts.
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRecord } from '../../lib/campaign/record-schema.js';
import type { CampaignRecord } from '../../lib/campaign/records.js';
import { commandEvaluator, resultMetrics } from '../../lib/evaluate/command.js';
import { costMetrics } from '../../lib/evaluate/cost.js';
import { createEvaluator } from '../../lib/evaluate/registry.js';
import { checkMetricList, parseMetricList } from '../../lib/evaluate/spec.js';
import { TORCH_REPORTS, TORCH_TRAINER, torchEvaluator } from '../../lib/evaluate/torch.js';
import { EvaluationFailure } from '../../lib/evaluate/types.js';
import { sampledInputs } from '../contracts/evaluator.js';
import { thrownInputError } from '../helpers.js';
import { failure, trainerCommand } from './trainers.js';

const [input] = sampledInputs([3], 32);
if (!input) throw new Error('no input');

const ALLOWED = 'allowed: metric names the trainer reports, separated by commas: a letter then letters, digits or _ (at most 64 characters), each once, at most 32, none of macs, params, flashBytes, peakSramBytes, latencyMs (paretonas computes those itself)';


/** A result line as the trainer process hands it over. */
const result = (metrics: unknown) => [{ type: 'result', metrics }];

describe('parseMetricList: the --metrics flag', () => {
  it('reads names separated by commas, spaces around them ignored', () => {
    expect(parseMetricList('accuracy,mcuLatencyMs')).toEqual(['accuracy', 'mcuLatencyMs']);
    expect(parseMetricList(' top1 , f1_macro ')).toEqual(['top1', 'f1_macro']);
    const most = Array.from({ length: 32 }, (_, i) => `m${i}`);
    expect(parseMetricList(most.join(','))).toEqual(most);
    expect(parseMetricList(`a${'b'.repeat(63)}`)).toEqual([`a${'b'.repeat(63)}`]);
  });

  it('refuses each bad list in one line naming --metrics, the value and what is allowed', () => {
    const cases: [string, string][] = [
      ['', 'got "": an empty name'],
      ['accuracy,,f1', 'got "accuracy,,f1": an empty name'],
      ['accuracy,', 'got "accuracy,": an empty name'],
      ['accuracy,macs', 'got "accuracy,macs": macs is computed by paretonas (a cost metric), not reported by a trainer'],
      ['flashBytes', 'got "flashBytes": flashBytes is computed by paretonas (a cost metric), not reported by a trainer'],
      ['accuracy,latencyMs', 'got "accuracy,latencyMs": latencyMs is computed by paretonas (a predicted metric), not reported by a trainer'],
      ['accuracy,accuracy', 'got "accuracy,accuracy": accuracy is named twice'],
      ['1acc', 'got "1acc": "1acc" is not a name (a letter, then letters, digits or _)'],
      ['accuracy-top5', 'got "accuracy-top5": "accuracy-top5" is not a name (a letter, then letters, digits or _)'],
      ['acc uracy', 'got "acc uracy": "acc uracy" is not a name (a letter, then letters, digits or _)'],
      ['accuracy:max', 'got "accuracy:max": "accuracy:max" is not a name (a letter, then letters, digits or _)'],
      [`a${'b'.repeat(64)}`, `got "a${'b'.repeat(64)}": "a${'b'.repeat(64)}" is longer than 64 characters`],
    ];
    for (const [text, detail] of cases) {
      const e = thrownInputError(() => parseMetricList(text));
      expect(e.message).toBe(`--metrics: ${detail}; ${ALLOWED}`);
      expect(e.message).not.toContain('\n');
    }
    const many = Array.from({ length: 33 }, (_, i) => `m${i}`).join(',');
    expect(thrownInputError(() => parseMetricList(many)).message).toMatch(/^--metrics: got "m0,m1,.*\(\d+ characters\): 33 names, more than 32; allowed: /);
    expect(thrownInputError(() => parseMetricList('x'.repeat(5000))).message).toMatch(/^--metrics: got "x+\.\.\. \(5002 characters\): too long; allowed: /);
  });

  it('checkMetricList refuses what a record or a library caller may hold', () => {
    expect(thrownInputError(() => checkMetricList('accuracy')).message).toBe(`--metrics: got "accuracy": not a list of names; ${ALLOWED}`);
    expect(thrownInputError(() => checkMetricList([])).message).toBe(`--metrics: got []: no metric named; ${ALLOWED}`);
    expect(thrownInputError(() => checkMetricList(['accuracy', 3], 'x.metrics')).message).toBe(`x.metrics: got ["accuracy",3]: 3 is not a name; ${ALLOWED}`);
    expect(thrownInputError(() => checkMetricList(['a\u0000b'])).message).toContain('"a\\u0000b" is not a name');
  });

  it('createEvaluator: a declaration with cost or proxy, or a bad one with command, is refused', () => {
    expect(thrownInputError(() => createEvaluator('proxy', { metrics: ['accuracy'] })).message).toBe('--metrics: got ["accuracy"] with evaluator proxy, whose metrics are fixed; allowed: declared metrics only with a command:CMD or torch:DATASET evaluator');
    expect(thrownInputError(() => createEvaluator('cost', { metrics: ['x'] })).field).toBe('--metrics');
    expect(thrownInputError(() => createEvaluator('command:true', { metrics: ['params'] })).message).toBe(`--metrics: got ["params"]: params is computed by paretonas (a cost metric), not reported by a trainer; ${ALLOWED}`);
    expect(createEvaluator('command:true', { metrics: ['accuracy', 'mcuLatencyMs'] }).metrics).toEqual(['accuracy', 'mcuLatencyMs', 'macs', 'params', 'peakSramBytes']);
    expect(createEvaluator('command:true').metrics).toEqual(['accuracy', 'macs', 'params', 'peakSramBytes']);
  });
});

describe('a result checked against the declaration', () => {
  const declared = { declared: ['accuracy', 'mcuLatencyMs'], accepted: new Set(['macs', 'params', 'flashBytes', 'peakSramBytes']) };
  const tail = '(declared: accuracy, mcuLatencyMs); the result must report each declared metric (--metrics) and no other';

  it('exactly the declared metrics (and cost metrics the trainer counted itself) pass', () => {
    expect(resultMetrics(result({ accuracy: 0.5, mcuLatencyMs: 12.5 }), declared)).toEqual({ accuracy: 0.5, mcuLatencyMs: 12.5 });
    expect(resultMetrics(result({ accuracy: 0.5, mcuLatencyMs: 12.5, params: 7 }), declared)).toEqual({ accuracy: 0.5, mcuLatencyMs: 12.5, params: 7 });
  });

  it('missing, undeclared and non-finite metrics are named with the declaration', () => {
    expect(resultMetrics(result({ accuracy: 0.5 }), declared)).toBe(`missing metrics: mcuLatencyMs ${tail}`);
    expect(resultMetrics(result({ accuracy: 0.5, mcuLatencyMs: 1, loss: 2, f1: 0.1 }), declared)).toBe(`undeclared metrics: loss, f1 ${tail}`);
    expect(resultMetrics(result({ mcuLatencyMs: 1, latencyMs: 2 }), declared)).toBe(`missing metrics: accuracy; undeclared metrics: latencyMs ${tail}`);
    expect(resultMetrics(result({ accuracy: 0.5, mcuLatencyMs: null }), declared)).toBe('metrics that are not finite numbers: mcuLatencyMs=null (declared: accuracy, mcuLatencyMs)');
    // An inherited name is not a reported one.
    expect(resultMetrics(result({ accuracy: 0.5 }), { declared: ['accuracy', 'toString'], accepted: new Set() })).toBe('missing metrics: toString (declared: accuracy, toString); the result must report each declared metric (--metrics) and no other');
    // Many odd names: the first 8 shown escaped, the rest counted.
    const odd = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`bad name ${i}`, i]));
    expect(resultMetrics(result({ accuracy: 0.5, mcuLatencyMs: 1, ...odd }), declared)).toBe(`undeclared metrics: ${Array.from({ length: 8 }, (_, i) => `"bad name ${i}"`).join(', ')} and 4 more ${tail}`);
  });

  it('without a declaration, accuracy is required and other numbers are kept (results written before --metrics)', () => {
    expect(resultMetrics(result({ accuracy: 0.5, loss: 2 }), { declared: ['accuracy'] })).toEqual({ accuracy: 0.5, loss: 2 });
    expect(resultMetrics(result({ loss: 2 }), { declared: ['accuracy'] })).toMatch(/^missing metrics: accuracy \(declared: accuracy\)/);
  });
});

describe('the command evaluator with a declaration', () => {
  it('tells the trainer the declared metrics in the request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'declared-'));
    const echo = join(dir, 'request.json');
    const ev = commandEvaluator(`${trainerCommand('good.mjs')}`, { env: { ECHO_REQUEST: echo, REPORT_PARAMS: '1234' }, metrics: ['accuracy'] });
    const e = await ev.evaluate(input);
    expect(JSON.parse(readFileSync(echo, 'utf8')).metrics).toEqual(['accuracy']);
    // params the trainer counted itself is a cost metric, not an undeclared one.
    const costs = costMetrics(input.graph);
    expect(e.metrics).toEqual({ accuracy: expect.any(Number), macs: costs.macs, params: 1234, peakSramBytes: costs.peakSramBytes });
  });

  it('the mcu fake trainer: declared metrics pass; an undeclared name is malformed; without a declaration it is kept', async () => {
    const costs = costMetrics(input.graph);
    const ok = await commandEvaluator(trainerCommand('mcu-trainer.mjs'), { metrics: ['accuracy', 'mcuLatencyMs'] }).evaluate(input);
    expect(ok.metrics.mcuLatencyMs).toBe(Number((costs.macs / 1e6).toFixed(3)));
    expect(ok.metrics.accuracy).toBe(Number((0.3 + 0.6 * (1 - Math.exp(-costs.params / 1e6))).toFixed(6)));
    const f = await failure(commandEvaluator(trainerCommand('mcu-trainer.mjs'), { metrics: ['accuracy'] }).evaluate(input));
    expect(f.kind).toBe('malformed');
    expect(f.message).toBe('trainer result: undeclared metrics: mcuLatencyMs (declared: accuracy); the result must report each declared metric (--metrics) and no other');
    expect(f.details?.result).toMatchObject({ metrics: { accuracy: ok.metrics.accuracy, mcuLatencyMs: ok.metrics.mcuLatencyMs } });
    const open = await commandEvaluator(trainerCommand('mcu-trainer.mjs')).evaluate(input);
    expect(open.metrics.mcuLatencyMs).toBe(ok.metrics.mcuLatencyMs);
  });
});

describe('the torch evaluator: accuracy declared, the trainer\'s other figures accepted', () => {
  it('TORCH_REPORTS holds every metric name train.py can put in its result', () => {
    const source = readFileSync(TORCH_TRAINER, 'utf8');
    const block = source.slice(source.indexOf("metrics = {'accuracy'"), source.indexOf("emit({'type': 'result'"));
    const names = new Set<string>();
    for (const m of block.matchAll(/metrics\['(\w+)'\]\s*=/g)) names.add(m[1] as string);
    for (const m of block.matchAll(/metrics = \{([^}]*)\}/g)) for (const k of (m[1] as string).matchAll(/'(\w+)':/g)) names.add(k[1] as string);
    for (const m of block.matchAll(/metrics\.update\(([^)]*(?:\([^)]*\)[^)]*)*)\)/g)) for (const k of (m[1] as string).matchAll(/(\w+)=/g)) names.add(k[1] as string);
    expect(names.size).toBeGreaterThanOrEqual(13);
    expect([...names].filter((n) => n !== 'accuracy' && !TORCH_REPORTS.includes(n))).toEqual([]);
  });

  it('a stand-in trainer reporting them passes; one reporting another name is malformed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'torch-declared-'));
    const python = join(dir, 'python');
    writeFileSync(python, `#!${process.execPath}\nprocess.stdin.resume();process.stdin.on('end',()=>console.log(JSON.stringify({type:'result',metrics:JSON.parse(process.env.REPORT)})));\n`);
    chmodSync(python, 0o755);
    const before = process.env.PARETONAS_PYTHON;
    process.env.PARETONAS_PYTHON = python;
    try {
      const report = (metrics: Record<string, number>) => ({ env: { REPORT: JSON.stringify(metrics) } });
      const e = await torchEvaluator('torch:fashion-mnist', report({ accuracy: 0.8, test_loss: 0.5, accuracy_top5: 0.99, diverged: 1 })).evaluate(input);
      expect(e.metrics).toMatchObject({ accuracy: 0.8, test_loss: 0.5, accuracy_top5: 0.99, diverged: 1 });
      const f = await failure(torchEvaluator('torch:fashion-mnist', report({ accuracy: 0.8, bogus: 1 })).evaluate(input));
      expect(f.message).toBe('trainer result: undeclared metrics: bogus (declared: accuracy); the result must report each declared metric (--metrics) and no other');
      const top5 = await failure(torchEvaluator('torch:fashion-mnist', { ...report({ accuracy: 0.8 }), metrics: ['accuracy', 'accuracy_top5'] }).evaluate(input));
      expect(top5.message).toMatch(/^trainer result: missing metrics: accuracy_top5 \(declared: accuracy, accuracy_top5\)/);
    } finally {
      if (before === undefined) delete process.env.PARETONAS_PYTHON;
      else process.env.PARETONAS_PYTHON = before;
    }
  });
});

describe('records: evaluatorOptions.metrics', () => {
  const start = (evaluator: string, evaluatorOptions: unknown) =>
    ({
      type: 'campaign-start',
      seq: 0,
      time: '2026-01-01T00:00:00Z',
      config: { space: 'tinyml-cifar100', proposer: 'random', evaluator, evaluatorOptions, budget: 4, seed: 0, objectives: [{ name: 'accuracy', direction: 'max' }], limits: [], macs: { min: 0, max: 'Infinity' }, sramMaxBytes: 'Infinity', sramModel: 'mcunet' },
    }) as unknown as CampaignRecord;

  it('a declared list is recorded and read back; a bad one or one with proxy is one line naming the record', () => {
    expect(() => checkRecord('r line 1', start('command:./train', { metrics: ['accuracy', 'mcuLatencyMs'], timeoutMs: 60000 }))).not.toThrow();
    expect(() => checkRecord('r line 1', start('torch:cifar10', { metrics: ['accuracy_top5'] }))).not.toThrow();
    expect(thrownInputError(() => checkRecord('r line 1', start('command:./train', { metrics: ['accuracy', 'macs'] }))).message).toBe(
      `r line 1: config.evaluatorOptions.metrics: got ["accuracy","macs"]: macs is computed by paretonas (a cost metric), not reported by a trainer; ${ALLOWED.replace('allowed: ', 'allowed: config.evaluatorOptions.metrics: ')}`,
    );
    expect(thrownInputError(() => checkRecord('r line 1', start('proxy', { metrics: ['accuracy'] }))).message).toBe('r line 1: config.evaluatorOptions.metrics with evaluator "proxy"; allowed: metrics only with a command:CMD or torch:DATASET evaluator');
  });
});
