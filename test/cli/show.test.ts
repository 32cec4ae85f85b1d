/**
 * `paretonas show` on real runs (two evolution campaigns with the cost evaluator, one random
 * campaign whose proposals are mostly rejected): the candidate JSON it writes, through the
 * `estimate` command line it prints, gives exactly the recorded costs (macs, params, flashBytes,
 * peakSramBytes read from the records file, not from the trial view); the ONNX opens in
 * onnxruntime-node and imports to the same costs; the LAMDA text parses back. Bad input is one
 * InputError naming the field (the CLI prints it and exits 2). The commands are called directly
 * (lib/cli), not through dist/.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { estimateCommand } from '../../lib/cli/estimate.js';
import { searchCommand } from '../../lib/cli/search.js';
import { showCommand } from '../../lib/cli/show.js';
import { estimateCosts } from '../../lib/cost/estimate.js';
import { InputError } from '../../lib/errors.js';
import { graphsEqual, parseGraph } from '../../lib/lamda/dsl.js';
import { loadGraph } from '../../lib/models.js';
import { importOnnxFile } from '../../lib/onnx/import.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import { createRng, fnv1a32 } from '../../lib/rng.js';
import { createFastEvaluator } from '../../lib/space/fast-cost.js';
import { canonicalKey } from '../../lib/space/key.js';
import { sampleCandidate } from '../../lib/space/sample.js';
import { ROOT, thrownInputError } from '../helpers.js';
import { writeRun } from '../report/run-records.js';

const tmp = mkdtempSync(`${tmpdir()}/show-`);
const COSTS = ['macs', 'params', 'flashBytes', 'peakSramBytes'] as const;
type Row = { type: string; index?: number; metrics?: Record<string, number>; key?: string; reason?: string; details?: Record<string, number>; config?: { sramModel: string; space: string } };

/** The records file's lines, parsed here (independently of lib/report/trial.ts). */
const rows = (run: string): Row[] => readFileSync(join(run, 'records.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Row);

/** The arguments of the `paretonas estimate ...` line `show -o FILE.json` prints. */
function printedEstimate(output: string): string[] {
  const line = output.split('\n').find((l) => l.startsWith('paretonas estimate '));
  expect(line, output).toBeDefined();
  return (line as string).replace(/ gives .*$/, '').split(' ').slice(2);
}

const runs: Record<'cifar' | 'vww' | 'random', string> = { cifar: join(tmp, 'cifar'), vww: join(tmp, 'vww'), random: join(tmp, 'random') };

beforeAll(async () => {
  // A space file of another resolution, class count and SRAM model: show must pass all three on.
  const vww = JSON.parse(readFileSync(join(ROOT, 'search-spaces/tinyml-vww-96.json'), 'utf8'));
  vww.name = 'vww-liveness';
  vww.constraints.peakSramBytes = { max: 96 * 1024, model: 'liveness' };
  writeFileSync(join(tmp, 'vww-liveness.json'), JSON.stringify(vww));
  await searchCommand(['--proposer', 'evolution', '--evaluator', 'cost', '--budget', '24', '--seed', '3', '--out', runs.cifar]);
  await searchCommand(['--space', join(tmp, 'vww-liveness.json'), '--proposer', 'evolution', '--evaluator', 'cost', '--budget', '24', '--seed', '3', '--out', runs.vww]);
  await searchCommand(['--proposer', 'random', '--evaluator', 'cost', '--budget', '12', '--seed', '3', '--out', runs.random]);
}, 120_000);

describe('paretonas show: the candidate JSON round-trips the recorded costs', () => {
  for (const name of ['cifar', 'vww'] as const) {
    it(`${name}: every 3rd evaluated trial, through the printed estimate line, gives its recorded macs, params, flash and peak SRAM`, () => {
      const run = runs[name];
      const recorded = rows(run);
      const start = recorded[0] as Row;
      expect(start.config?.sramModel).toBe(name === 'vww' ? 'liveness' : 'mcunet');
      const evaluations = recorded.filter((r) => r.type === 'evaluation');
      expect(evaluations.length).toBeGreaterThanOrEqual(20);
      const picked = evaluations.filter((_, i) => i % 3 === 0);
      for (const e of picked) {
        const file = join(tmp, `${name}-${e.index}.json`);
        const out = showCommand([run, String(e.index), '-o', file]);
        const args = printedEstimate(out);
        expect(args.slice(1)).toEqual(['--space', name === 'vww' ? join(run, 'space.json') : 'tinyml-cifar100', '--sram', start.config?.sramModel]);
        const estimate = JSON.parse(estimateCommand([...args, '--json'])) as Record<string, number | string>;
        expect(Object.fromEntries(COSTS.map((k) => [k, estimate[k]]))).toEqual(Object.fromEntries(COSTS.map((k) => [k, e.metrics?.[k]])));
        if (name === 'cifar') expect(estimateCommand([file]).split('\n')[0]).toBe(`${file} (candidate, 160x160, 100 classes; space tinyml-cifar100, the default (--space NAME|FILE for another))`);
        expect([estimate.format, estimate.spaceName, estimate.classes]).toEqual(['candidate', name === 'vww' ? 'vww-liveness' : 'tinyml-cifar100', name === 'vww' ? 2 : 100]);
      }
    });
  }

  it('the vww trials need the run\'s space and SRAM model: the default space refuses them, --sram mcunet gives another peak SRAM, and estimate says which space it assumed', () => {
    const space = join(runs.vww, 'space.json');
    let sramDiffers = 0;
    for (const e of rows(runs.vww).filter((r) => r.type === 'evaluation')) {
      const file = join(tmp, `vww-default-${e.index}.json`);
      showCommand([runs.vww, String(e.index), '-o', file]);
      // without --space the default space is assumed, whose channel choices this candidate's are not
      // (or, when its choices happen to be the cifar space's too, lowers it at 160x160 for 100 classes)
      try {
        expect((JSON.parse(estimateCommand([file, '--json'])) as Record<string, number>).macs).not.toBe(e.metrics?.macs);
      } catch (err) {
        expect((err as Error).message).toMatch(/\(candidate of tinyml-cifar100\): block \d+ \(blocks\[\d+\]\) field output_channels: value \d+ is not allowed/);
      }
      const mcunet = JSON.parse(estimateCommand([file, '--space', space, '--sram', 'mcunet', '--json'])) as Record<string, number>;
      expect(mcunet.macs).toBe(e.metrics?.macs);
      if (mcunet.peakSramBytes !== e.metrics?.peakSramBytes) sramDiffers++;
      expect(estimateCommand([file, '--space', space]).split('\n')[0]).toBe(`${file} (candidate, 96x96, 2 classes; space ${space} (vww-liveness))`);
    }
    expect(sramDiffers).toBeGreaterThan(0);
  });

  it('rejected trials: the written candidate gives the MACs or peak SRAM the rejection recorded', () => {
    const rejections = rows(runs.random).filter((r) => r.type === 'rejection' && (r.reason === 'macs' || r.reason === 'sram'));
    expect(rejections.length).toBeGreaterThanOrEqual(3);
    for (const r of rejections.slice(0, 4)) {
      const file = join(tmp, `random-${r.index}.json`);
      const estimate = JSON.parse(estimateCommand([...printedEstimate(showCommand([runs.random, String(r.index), '-o', file])), '--json'])) as Record<string, number>;
      const metric = r.reason === 'macs' ? 'macs' : 'peakSramBytes';
      expect(estimate[metric]).toBe(r.details?.[metric]);
      expect(showCommand([runs.random, String(r.index)])).toContain(`proposal #${r.index} of ${runs.random}: rejected (${r.reason})`);
    }
  });
});

describe('paretonas show: ONNX and LAMDA text', () => {
  it('the ONNX opens in onnxruntime-node, runs on the run\'s input shape, and imports to the recorded costs', async () => {
    const recorded = rows(runs.vww);
    for (const e of recorded.filter((r) => r.type === 'evaluation').slice(0, 3)) {
      const file = join(tmp, `vww-${e.index}.onnx`);
      expect(showCommand([runs.vww, String(e.index), '-o', file])).toMatch(new RegExp(`^wrote ${file}: proposal #${e.index}'s ONNX \\(evaluated, space vww-liveness\\)$`));
      const session = await ort.InferenceSession.create(file);
      const input = new ort.Tensor('float32', new Float32Array(3 * 96 * 96).fill(0.5), [1, 3, 96, 96]);
      const result = await session.run({ [session.inputNames[0] as string]: input });
      expect(result[session.outputNames[0] as string]?.dims).toEqual([1, 2]);
      const imported = estimateCosts(importOnnxFile(file), { model: 'liveness' });
      expect({ macs: imported.macs, params: imported.params, peakSramBytes: imported.peakSramBytes }).toEqual({ macs: e.metrics?.macs, params: e.metrics?.params, peakSramBytes: e.metrics?.peakSramBytes });
    }
  });

  it('the LAMDA text parses back to the trial\'s network, and estimate of it gives the recorded costs', () => {
    const e = rows(runs.cifar).filter((r) => r.type === 'evaluation')[5] as Row;
    const file = join(tmp, `cifar-${e.index}.txt`);
    showCommand([runs.cifar, String(e.index), '-o', file]);
    const text = readFileSync(file, 'utf8');
    const estimate = JSON.parse(estimateCommand([file, '--json'])) as Record<string, number | string>;
    expect(estimate.format).toBe('dsl');
    expect(Object.fromEntries(COSTS.map((k) => [k, estimate[k]]))).toEqual(Object.fromEntries(COSTS.map((k) => [k, e.metrics?.[k]])));
    // the candidate JSON lowered by estimate is the same network as the text
    const json = join(tmp, `cifar-${e.index}.json`);
    showCommand([runs.cifar, String(e.index), '-o', json]);
    // the network estimate lowers from the candidate JSON (named after its file) is the one the text describes
    expect(graphsEqual(parseGraph(text), loadGraph({ file: json, space: resolveSpace('tinyml-cifar100') }).graph, { ignoreName: true })).toBe(true);
    // layer by layer too (the text names nodes by op, so node names are left out)
    const layers = (f: string) => (JSON.parse(estimateCommand([f, '--json'])) as { layers: Record<string, unknown>[] }).layers.map(({ node: _n, ...rest }) => rest);
    expect(layers(file)).toEqual(layers(json));
  });
});

describe('paretonas show: printing a trial', () => {
  it('by index, whole key or shortened key: the same trial, with metrics in units and one line a stage', () => {
    const e = rows(runs.cifar).filter((r) => r.type === 'evaluation')[4] as Row;
    const key = e.key as string;
    const byIndex = showCommand([runs.cifar, String(e.index)]);
    expect(showCommand([runs.cifar, key])).toBe(byIndex);
    expect(showCommand([runs.cifar, `${key.slice(0, 12)}…${fnv1a32(key).toString(16).padStart(8, '0').slice(0, 6)}`])).toBe(byIndex);
    const macs = e.metrics?.macs as number;
    expect(byIndex).toContain(`  MACs       ${(macs / 1e6).toFixed(1)} M (${macs.toLocaleString('en-US')})`);
    expect(byIndex).toContain(`  peak SRAM  ${((e.metrics?.peakSramBytes as number) / 1024).toFixed(1)} KiB (${(e.metrics?.peakSramBytes as number).toLocaleString('en-US')} bytes)`);
    const candidate = (rows(runs.cifar).find((r) => r.type === 'proposal' && r.index === e.index) as unknown as { candidate: { blocks: { num_layers: number; output_channels: number }[] } }).candidate;
    for (const [i, b] of candidate.blocks.entries()) expect(byIndex).toMatch(new RegExp(`\\n  stage ${i + 1}: ${b.num_layers} × .*, ${b.output_channels} channels, .*\\n`));
    expect(byIndex).toContain('\n  head: average pool, dropout 0.2, linear -> 100 classes\n');
    expect(byIndex).toContain('estimated costs: the recorded ones exactly');
  });

  it('--json carries the records of the proposal as written', () => {
    const view = JSON.parse(showCommand([runs.cifar, '2', '--json'])) as { records: Row[]; status: string; costs: { macs: number } };
    const mine = rows(runs.cifar).filter((r) => r.index === 2);
    expect(view.records).toEqual(mine);
    expect(view.status).toBe('evaluated');
    expect(view.costs.macs).toBe(mine.find((r) => r.type === 'evaluation')?.metrics?.macs);
  });
});

describe('paretonas show: an LLM run (hand-written records)', () => {
  const space = resolveSpace('tinyml-cifar100');
  const candidate = sampleCandidate(space, createRng(7));
  const key = canonicalKey(candidate, 3);
  const dir = () =>
    writeRun(tmp, 'llm', { proposer: 'ollama:qwen2.5:3b', evaluator: 'proxy' }, [
      { type: 'proposal', index: 0, candidate, note: null, key },
      { type: 'llm-call', index: 0, model: 'qwen2.5:3b', messages: [{ role: 'user', content: 'propose' }], reply: JSON.stringify(candidate), purpose: 'proposal' },
      { type: 'evaluation', index: 0, key, metrics: { naswot: 210.25, macs: 8.2e7, params: 3.4e5, flashBytes: 369_755, peakSramBytes: 204_800 }, seconds: 0.4 },
      { type: 'explanation', index: 0, key, model: 'qwen2.5:3b', text: 'Stride 2 early keeps the peak SRAM low.' },
      { type: 'proposal', index: 1, candidate: 'Sure! {"blocks": [', note: null, key: null },
      { type: 'rejection', index: 1, key: null, reason: 'parse', message: 'Your reply was not a JSON object.' },
    ]);
  it('prints the explanation, the LLM calls, and recorded metrics that are not the estimate\'s in both tables', () => {
    const out = showCommand([dir(), '0']);
    expect(out).toContain('\nexplanation (qwen2.5:3b):\nStride 2 early keeps the peak SRAM low.\n');
    expect(out).toContain('\nLLM calls: 1 (proposal)\n');
    expect(out).toContain('  NASWOT score  210.25\n');
    // the hand-written metrics are not the candidate's costs: both are shown, the estimate's from the cost path
    const fast = createFastEvaluator(space, { model: 'mcunet' })(candidate);
    expect(out).toContain(`  MACs       ${(fast.macs / 1e6).toFixed(1)} M (${fast.macs.toLocaleString('en-US')})`);
  });
  it('a reply that was no candidate: printed as given; -o .onnx/.txt refused naming the proposal, -o .json writes the reply', () => {
    const run = dir();
    const out = showCommand([run, '1']);
    expect(out).toMatch(/^proposal #1 of .*: rejected \(parse\)\nkey    none \(not a well-formed candidate\)\n/);
    expect(out).toContain('\n  "Sure! {\\"blocks\\": ["\n');
    for (const ext of ['onnx', 'txt']) expect(thrownInputError(() => showCommand([run, '1', '-o', join(tmp, `reply.${ext}`)])).field).toBe('proposal #1');
    expect(showCommand([run, '1', '-o', join(tmp, 'reply.json')])).toMatch(/\nnot a candidate of tinyml-cifar100: /);
    expect(JSON.parse(readFileSync(join(tmp, 'reply.json'), 'utf8'))).toBe('Sure! {"blocks": [');
  });
});

describe('paretonas show: bad input is one InputError naming the field (exit 2)', () => {
  const cases: [string, () => string[], string, RegExp][] = [
    ['no such run', () => [join(tmp, 'missing'), '0'], 'RUN_DIR', /^RUN_DIR: got \".*\/missing\": no such directory, so no records\.jsonl; allowed: a run directory holding records\.jsonl$/],
    ['a folder without records', () => [tmp, '0'], 'RUN_DIR', /^RUN_DIR: got \".*\/show-[^/]*\": has no records\.jsonl; allowed: a run directory holding records\.jsonl$/],
    ['index past the last proposal', () => [runs.cifar, '24'], 'INDEX', /^INDEX: got 24: no such proposal; allowed: a proposal index of .*cifar, 0 to 23$/],
    ['index as #N past the end', () => [runs.cifar, '#99'], 'INDEX', /^INDEX: got 99: no such proposal; allowed: a proposal index of .*, 0 to 23$/],
    ['unknown key', () => [runs.cifar, 'in3|dwk3s2se0relu6o16n'], 'KEY', /^KEY: got "in3\|dwk3s2se0relu6o16n": no proposal has that key; allowed: the key of an evaluated or rejected proposal of .*cifar .*, or a proposal index of .*, 0 to 23$/],
    ['bad extension', () => [runs.cifar, '0', '-o', join(tmp, 'x.pdf')], '-o', /^-o: got ".*x\.pdf": unknown extension; allowed: a path ending in \.json \(the candidate\), \.onnx \(the network\) or \.txt\/\.dsl \(LAMDA text\)$/],
    ['no extension', () => [runs.cifar, '0', '-o', join(tmp, 'x')], '-o', /unknown extension/],
    ['one positional', () => [runs.cifar], 'RUN_DIR INDEX|KEY', /^RUN_DIR INDEX\|KEY: got 1 \(".*cifar"\); allowed: a run directory and a proposal index or candidate key$/],
  ];
  for (const [what, args, field, message] of cases) {
    it(what, () => {
      const err = thrownInputError(() => showCommand(args()));
      expect(err).toBeInstanceOf(InputError);
      expect(err.field).toBe(field);
      expect(err.message).toMatch(message);
    });
  }
  it('a bad extension writes nothing', () => {
    thrownInputError(() => showCommand([runs.cifar, '0', '-o', join(tmp, 'never.pdf')]));
    expect(existsSync(join(tmp, 'never.pdf'))).toBe(false);
  });
});

describe('paretonas show: the run\'s own files are never written, bad -o refused before anything is made', () => {
  const guarded = /; its files are never overwritten; allowed: a path outside the run directory /;
  it('-o one of the run\'s files, a new file inside the run, or a symlink into it: refused, the run unchanged', () => {
    const run = runs.vww; // has space.json
    const space = readFileSync(join(run, 'space.json'), 'utf8');
    const records = readFileSync(join(run, 'records.jsonl'), 'utf8');
    symlinkSync(join(run, 'space.json'), join(tmp, 'link-to-space.json'));
    symlinkSync(run, join(tmp, 'link-to-run'));
    const cases: [string, RegExp][] = [
      [join(run, 'space.json'), /^-o: got ".*\/vww\/space\.json": is inside the run directory \(space\.json\)/],
      [join(run, 'new.onnx'), /^-o: got ".*\/vww\/new\.onnx": is inside the run directory \(new\.onnx\)/],
      [join(run, 'sub', 'x.txt'), /is inside the run directory \(sub\/x\.txt\)/],
      [join(tmp, 'link-to-space.json'), /^-o: got ".*\/link-to-space\.json": is inside the run directory \(space\.json\)/],
      [join(tmp, 'link-to-run', 'space.json'), /is inside the run directory \(space\.json\)/],
    ];
    for (const [out, message] of cases) {
      const err = thrownInputError(() => showCommand([run, '0', '-o', out]));
      expect(err.field).toBe('-o');
      expect(err.message).toMatch(message);
      expect(err.message).toMatch(guarded);
    }
    expect(readFileSync(join(run, 'space.json'), 'utf8')).toBe(space);
    expect(readFileSync(join(run, 'records.jsonl'), 'utf8')).toBe(records);
    expect(existsSync(join(run, 'new.onnx')) || existsSync(join(run, 'sub'))).toBe(false);
  });

  it('an unknown INDEX refuses before -o\'s folder is made; --json with -o is refused', () => {
    const out = join(tmp, 'never-made', 'x.json');
    expect(thrownInputError(() => showCommand([runs.cifar, '99', '-o', out])).field).toBe('INDEX');
    expect(existsSync(join(tmp, 'never-made'))).toBe(false);
    const err = thrownInputError(() => showCommand([runs.cifar, '0', '--json', '-o', join(tmp, 'j.json')]));
    expect(err.message).toBe('--json: cannot be combined with -o; allowed: either --json (print the trial as JSON) or -o FILE (write its candidate, ONNX or LAMDA text)');
    expect(existsSync(join(tmp, 'j.json'))).toBe(false);
  });

  it('-o a folder, or under a file: the path is in the line', () => {
    mkdirSync(join(tmp, 'folder.json'));
    writeFileSync(join(tmp, 'plain-file'), 'x');
    expect(thrownInputError(() => showCommand([runs.cifar, '0', '-o', join(tmp, 'folder.json')])).message).toMatch(/^-o: got ".*\/folder\.json": is a folder; allowed: a file path$/);
    expect(thrownInputError(() => showCommand([runs.cifar, '0', '-o', join(tmp, 'plain-file', 'x.json')])).message).toMatch(/^-o: got ".*\/plain-file\/x\.json": cannot be written \(.*\/plain-file is a file, not a folder\)/);
  });

  it('INDEX as typed: "-1" is an index (not a flag), a huge number is echoed as typed', () => {
    expect(thrownInputError(() => showCommand([runs.cifar, '-1'])).message).toMatch(/^INDEX: got -1: no such proposal; allowed: a proposal index of .*cifar, 0 to 23$/);
    expect(thrownInputError(() => showCommand([runs.cifar, '-1', '-o', join(tmp, 'neg.json')])).field).toBe('INDEX');
    expect(thrownInputError(() => showCommand([runs.cifar, '99999999999999999999999'])).message).toMatch(/^INDEX: got 99999999999999999999999: no such proposal/);
  });

  it('a records file with no campaign-start names the run', () => {
    mkdirSync(join(tmp, 'no-start'));
    writeFileSync(join(tmp, 'no-start', 'records.jsonl'), '{"type":"proposal","index":0,"candidate":{},"key":null,"seq":0,"time":"2026-01-01T00:00:00Z"}\n');
    expect(thrownInputError(() => showCommand([join(tmp, 'no-start'), '0'])).message).toMatch(/^RUN_DIR: got ".*\/no-start": its records\.jsonl has no campaign-start record; allowed: /);
  });
});

describe('paretonas show: printed text is safe for a terminal and a shell', () => {
  it('control bytes in the explanation, note, message and model are escaped; the explanation keeps its lines', () => {
    const space = resolveSpace('tinyml-cifar100');
    const candidate = sampleCandidate(space, createRng(11));
    const key = canonicalKey(candidate, 3);
    const run = writeRun(tmp, 'escapes', { proposer: 'ollama:qwen2.5:3b', evaluator: 'proxy' }, [
      { type: 'proposal', index: 0, candidate, note: 'parent \x1b[31mred\x1b[0m', key },
      { type: 'evaluation', index: 0, key, metrics: { naswot: 1, macs: 1, params: 1, flashBytes: 1, peakSramBytes: 1 }, seconds: 0.1 },
      { type: 'explanation', index: 0, key, model: 'qw\x07en', text: 'first \x1b[31mline\nsecond \x1b]0;TITLE\x07 line\u009b2J' },
      { type: 'proposal', index: 1, candidate: 'x', note: null, key: null },
      { type: 'rejection', index: 1, key: null, reason: 'parse', message: 'bad \x1b[2J reply' },
    ]);
    const out = showCommand([run, '0']) + showCommand([run, '1']);
    expect(out).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    expect(out).toContain('note   parent \\u001b[31mred\\u001b[0m\n');
    expect(out).toContain('\nexplanation (qw\\u0007en):\nfirst \\u001b[31mline\nsecond \\u001b]0;TITLE\\u0007 line\\u009b2J\n');
    expect(out).toContain('rejection: bad \\u001b[2J reply');
  });

  it('paths in the printed command lines are shell-quoted when they need it, bare when plain', () => {
    const e = rows(runs.cifar).find((r) => r.type === 'evaluation') as Row;
    const odd = join(tmp, "a b;$(id)'q.json");
    const out = showCommand([runs.cifar, String(e.index), '-o', odd]);
    const quoted = `'${odd.replace(/'/g, "'\\''")}'`;
    expect(out).toContain(`\nparetonas estimate ${quoted} --space tinyml-cifar100 --sram mcunet gives its costs`);
    // the shell reads the quoted word back as the path: split the way sh does for this quoting
    expect(quoted.slice(1, -1).split("'\\''").join("'")).toBe(odd);
    expect(existsSync(odd)).toBe(true);
    const spaced = join(tmp, 'run with space');
    cpSync(runs.cifar, spaced, { recursive: true });
    expect(showCommand([spaced, String(e.index)])).toContain(`\nwrite it: paretonas show '${spaced}' ${e.index} -o FILE.json`);
    expect(showCommand([runs.cifar, String(e.index)])).toContain(`\nwrite it: paretonas show ${runs.cifar} ${e.index} -o FILE.json`);
  });
});
