import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

const tmp = mkdtempSync(`${tmpdir()}/search-cli-`);
function paretonas(...args: string[]) {
  const r = spawnSync(process.execPath, [`${ROOT}dist/cli/main.js`, 'search', ...args], { cwd: tmp, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('paretonas search', () => {
  it('--json summary: proposed, valid, rejected by reason, frontSize, runDir', () => {
    const r = paretonas('--proposer', 'random', '--budget', '200', '--seed', '4', '--out', 'runs/random', '--json');
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ proposed: 200, runDir: 'runs/random', stopped: 'budget' });
    const rejected = Object.values(s.rejected as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(s.valid + rejected).toBe(200);
    // uniform samples of the Table I space rarely meet 70-350 M MACs and 320 KiB
    expect(s.rejected.macs + s.rejected.sram).toBeGreaterThan(180);
    const first = JSON.parse(readFileSync(`${tmp}/runs/random/records.jsonl`, 'utf8').split('\n')[0] as string);
    expect(first).toMatchObject({ type: 'campaign-start', config: { proposer: 'random', evaluator: 'cost', budget: 200, seed: 4, macs: { min: 70e6, max: 350e6 }, sramMaxBytes: 327_680 } });
    expect(first.versions.node).toBe(process.version);
  });
  it('evolution (screened) with the cost evaluator: every proposal valid, a front, stops at --valid', () => {
    const s = JSON.parse(paretonas('--budget', '500', '--valid', '60', '--seed', '1', '--out', 'runs/evo', '--json').stdout);
    expect(s).toMatchObject({ stopped: 'valid', valid: 60, proposed: 60 });
    expect(s.frontSize).toBeGreaterThan(0);
  });
  it('a trainer command as the evaluator; its failures are recorded and the campaign goes on', () => {
    const s = JSON.parse(paretonas('--evaluator', `command:node ${ROOT}test/fixtures/trainers/crash.mjs`, '--budget', '3', '--out', 'runs/crash', '--json').stdout);
    expect(s).toMatchObject({ proposed: 3, valid: 3, failed: 3, frontSize: 0 });
    const failures = readFileSync(`${tmp}/runs/crash/records.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.type === 'failure');
    expect(failures.map((f) => f.kind)).toEqual(['crash', 'crash', 'crash']);
  });
  it('bad input: one line, exit code 2, nothing written', () => {
    const cases: [string[], RegExp][] = [
      [['--proposer', 'llm'], /--proposer: got "llm"; allowed: random, stratified, evolution/],
      [['--evaluator', 'accuracy'], /evaluator: got "accuracy"; allowed: cost, proxy, command:CMD/],
      [['--budget', '0'], /--budget: got "0"; allowed: an integer from 1/],
      [['--resume'], /--resume: got true; allowed: with --out runs\/ID/],
      [['--resume', '--out', 'nowhere'], /--out: has no records; allowed: a run directory holding records\.jsonl/],
      [['--resume', '--out', 'runs/evo', '--seed', '3'], /^paretonas search: --seed: differs from the run: recorded 1, given 3; allowed: the recorded value, or no --seed \(a run keeps the configuration it started with; only --budget may extend it\)$/m],
      [['--out', 'runs/evo'], /--out: .*already holds a campaign/],
      [['--proposer', 'random', '--population', '5'], /--population\/--sample\/--screen: .*allowed: with --proposer evolution/],
      [['--objectives', 'accuracy:max,macs:min', '--budget', '2', '--out', 'runs/noacc'], /objective: got "accuracy"; allowed: a metric of this run with the cost evaluator: macs, params, flashBytes, peakSramBytes \(latencyMs with a latency model; an evaluator's own with --metrics\)/],
      [['--device', 'stm32f999', '--budget', '2', '--out', 'runs/nodev'], /--device: got "stm32f999"; allowed: .*stm32f746/],
      [['--latency-model', 'cortex-m', '--budget', '2', '--out', 'runs/nocm'], /--latency-model: got cortex-m without --device; allowed: cortex-m only with an mcu device profile/],
      [['--latency-model', 'fast', '--budget', '2', '--out', 'runs/nolm'], /--latency-model: got "fast"; allowed: predictor, predictor:PATH/],
      [['--metrics', 'accuracy,mcuLatencyMs', '--budget', '2', '--out', 'runs/nomet'], /--metrics: got "accuracy,mcuLatencyMs"; allowed: with --evaluator command:CMD or torch:DATASET/],
      [['--evaluator', 'command:true', '--metrics', 'mcuLatencyMs', '--budget', '2', '--out', 'runs/noobj'], /--objectives: --metrics mcuLatencyMs has no accuracy, the default objective; allowed: name:min or name:max for the declared metrics/],
    ];
    for (const [args, message] of cases) {
      const r = paretonas(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
  });
  it('--resume forgives the original command line: equal flags are accepted, a differing one is refused naming both values', () => {
    const original = ['--budget', '500', '--valid', '60', '--seed', '1', '--out', 'runs/evo'];
    // the same flags (and defaults spelled out, resolved values compared) plus --resume
    const same = paretonas(...original, '--resume', '--proposer', 'evolution', '--evaluator', 'cost', '--space', 'tinyml-cifar100', '--objectives', ' macs:min , params:min', '--json');
    expect(same.code, same.stderr).toBe(0);
    expect(JSON.parse(same.stdout)).toMatchObject({ resumed: true, stopped: 'valid', valid: 60, proposed: 60, budget: 500 });
    const cases: [string[], string][] = [
      [['--valid', '61'], '--valid: differs from the run: recorded 60, given 61'],
      [['--objectives', 'params:min,macs:min'], '--objectives: differs from the run: recorded macs:min,params:min, given params:min,macs:min'],
      [['--proposer', 'random'], '--proposer: differs from the run: recorded "evolution", given "random"'],
      [['--evaluator', 'proxy'], '--evaluator: differs from the run: recorded "cost", given "proxy"'],
      [['--novelty', '0.9'], '--novelty: differs from the run: recorded nothing, given 0.9'],
    ];
    for (const [flags, message] of cases) {
      const r = paretonas('--out', 'runs/evo', '--resume', ...flags);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.stderr).toBe(`paretonas search: ${message}; allowed: the recorded value, or no ${flags[0]} (a run keeps the configuration it started with; only --budget may extend it)\n`);
    }
  });
});
