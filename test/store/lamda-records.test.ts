import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { campaignStore, readRecords } from '../../lib/campaign/records.js';
import { FOREIGN_RECORD_TYPES } from '../../lib/campaign/record-types.js';
import { LAMDA_RECORD_TYPES, lamdaStore } from '../../lib/lamda/records.js';
import { ROOT, thrownInputError } from '../helpers.js';

const dir = () => mkdtempSync(`${tmpdir()}/lamda-records-`);
const REQUIREMENTS = { targetMs: 5, classes: 1000, band: 0.1 };
const ROUND = { round: 1, generator: 'width-search', text: 'model m', defects: [], feedback: [], valid: true, met: true, predictedMs: 4.8, macs: 1e8, params: 1e6, peakSramBytes: 1e5, generatorMs: 3 };
const RESULT = { base: 'resnet18', generator: 'width-search', targetMs: 5, predictedMs: 4.8, measuredMs: 5.1, ape: 0.02, predictionError: 0.06, rounds: 1, chosenRound: 1, met: true, success: true, macs: 1e8, params: 1e6, generationMs: 3 };

/** A LAMDA run's records.jsonl: start, one round, result. */
function lamdaRun(): string {
  const path = `${dir()}/run/records.jsonl`;
  const store = lamdaStore(path);
  store.append('lamda-start', { base: 'resnet18', generator: 'width-search', predictor: 'predictor onnxruntime-cpu', requirements: REQUIREMENTS, maxRounds: 5, verifyLatency: true, slicing: null });
  store.append('lamda-round', ROUND);
  store.append('lamda-result', RESULT);
  store.close();
  return path;
}

describe('LAMDA records: their own union and store', () => {
  it('a lamda run reads back typed and checked, seq 0..2', () => {
    const read = lamdaStore(lamdaRun()).read();
    expect(read.records.map((r) => [r.type, r.seq])).toEqual([['lamda-start', 0], ['lamda-round', 1], ['lamda-result', 2]]);
    const [start, round, result] = read.records;
    expect(start?.type === 'lamda-start' && start.requirements).toEqual(REQUIREMENTS);
    expect(round).toMatchObject(ROUND);
    expect(result).toMatchObject(RESULT);
  });

  it('a round breaking its schema is refused naming the line and field', () => {
    const path = lamdaRun();
    appendFileSync(path, `${JSON.stringify({ type: 'lamda-round', time: 't', seq: 3, ...ROUND, met: 'yes' })}\n`);
    expect(thrownInputError(() => lamdaStore(path).read()).message).toBe(`${path} line 4: a lamda-round record whose met is "yes"; allowed: met: true or false`);
  });

  it('a campaign record in a LAMDA store is not one of its records, and the other way round', () => {
    const path = lamdaRun();
    const campaignLine = `${JSON.stringify({ type: 'proposal', time: 't', seq: 3, index: 0, candidate: null, key: null })}\n`;
    writeFileSync(path, readFileSync(path, 'utf8').replace('\n', `\n${campaignLine}`));
    expect(thrownInputError(() => lamdaStore(path).read()).message).toMatch(new RegExp(`^${path} line 2: got "{\\\\"type\\\\":\\\\"proposal\\\\".*; allowed: one JSON record per line \\(no known type or no time\\)$`));
    // a campaign store reading a LAMDA run: its first line is no campaign record
    expect(thrownInputError(() => campaignStore(lamdaRun()).read()).message).toMatch(/ line 1: got "{\\"type\\":\\"lamda-start\\".*; allowed: one JSON record per line \(no known type or no time\)$/);
  });

  it('the campaign reader knows the LAMDA types by name (it may not import lamda/)', () => {
    expect([...FOREIGN_RECORD_TYPES]).toEqual([...LAMDA_RECORD_TYPES]);
    expect(readRecords(lamdaRun()).records.map((r) => r.type)).toEqual(['lamda-start', 'lamda-round', 'lamda-result']);
  });

  it('report, compare, explain and search --resume refuse a LAMDA run in one line, exit 2, as before the split', () => {
    const run = lamdaRun().replace(/\/records\.jsonl$/, '');
    const before = readFileSync(`${run}/records.jsonl`, 'utf8');
    const line = 'records: got "lamda-start"; allowed: a campaign-start record first\n';
    for (const [command, ...args] of [['report', run], ['compare', run, run], ['explain', run, '0', '--model', 'x'], ['search', '--resume', '--out', run]] as const) {
      const r = spawnSync(process.execPath, [`${ROOT}dist/cli/main.js`, command, ...args], { cwd: ROOT, encoding: 'utf8' });
      expect([r.status, r.stdout, r.stderr]).toEqual([2, '', `paretonas ${command}: ${line}`]);
    }
    expect(readFileSync(`${run}/records.jsonl`, 'utf8')).toBe(before);
  });
});
