import { existsSync } from 'node:fs';
import { InputError } from '../errors.js';
import { ZOO_MODELS } from '../graph/zoo/index.js';
import type { AccuracyMetrics, PredictorEval } from '../lamda/predictor.js';
import { accuracy, DEFAULT_PREDICTOR_PATH, evaluatePredictor, fitPredictor, loadPredictor, sampleFeatureRows, savePredictor } from '../lamda/predictor.js';
import { DEFAULT_VARIANTS_DATA, measureVariants, readLatencySamples } from '../lamda/variants.js';
import { checkPositionals, intFlag, jsonOut, parseFlags } from './args.js';
import { defineCommand, usageLine } from './command-spec.js';

export const DEFAULT_PREDICTOR_OUT = 'runs/latency/predictor.json';
/** The training data shipped beside the shipped predictor. */
export const SHIPPED_SAMPLES_PATH = DEFAULT_PREDICTOR_PATH.replace(/\.json$/, '.samples.jsonl');

export const TRAIN_COMMAND = defineCommand({
  name: 'lamda predictor train',
  summary: 'measure zoo variants in onnxruntime-node (1 thread), fit LAMDA\'s latency predictor, report MAPE and ±10% on held-out variants and families',
  example: 'paretonas lamda predictor train --families resnet18,mobilenet_v2 --variants 8 --runs 5 -o runs/latency/small.json',
  notes: ['The first variant of a family is its base model; vgg16 gets a third of --variants. Fits on every sample of --data.'],
  flags: {
    data: { type: 'string', value: 'FILE.jsonl', default: DEFAULT_VARIANTS_DATA, help: 'latency samples: measured ones are appended, every one is fitted' },
    families: { type: 'string', value: 'a,b,...', default: 'every zoo model', help: `zoo families to measure: ${ZOO_MODELS.join(', ')}` },
    variants: { type: 'string', value: 'N', default: '40', help: 'variants measured a family, 1 to 100,000' },
    runs: { type: 'string', value: 'N', default: 'adaptive: about 0.4 s of runs, 5 to 30', help: 'timed runs a variant, 1 to 100,000' },
    seed: { type: 'string', value: 'N', default: '1', help: 'variant seed, 0 to 2^31-1' },
    resolution: { type: 'string', value: 'N', default: '224', help: 'input pixels, 32 to 1024' },
    reuse: { type: 'boolean', help: 'measure nothing: fit on the existing --data' },
    output: { type: 'string', short: 'o', value: 'FILE.json', default: DEFAULT_PREDICTOR_OUT, help: 'where the fitted predictor is written' },
    json: { type: 'boolean', help: 'print the fit and its evaluation as JSON' },
  },
});
export const EVAL_COMMAND = defineCommand({
  name: 'lamda predictor eval',
  summary: 'accuracy of a latency predictor on samples: as it is, on held-out variants and leave-one-family-out refits (MAPE, within ±10%)',
  example: 'paretonas lamda predictor eval --json',
  flags: {
    predictor: { type: 'string', value: 'FILE', default: 'the shipped one', help: 'the predictor to evaluate' },
    data: { type: 'string', value: 'FILE.jsonl', default: `the shipped samples (with --predictor: ${DEFAULT_VARIANTS_DATA})`, help: 'latency samples to evaluate on' },
    json: { type: 'boolean', help: 'print the evaluation as JSON' },
  },
});
export const PREDICTOR_USAGE = `${usageLine(TRAIN_COMMAND)}\n${usageLine(EVAL_COMMAND)}`;
const trainDefault = (name: 'variants' | 'seed' | 'resolution'): number => Number(TRAIN_COMMAND.flags[name].default);

function pct(m: AccuracyMetrics): string {
  return `MAPE ${m.mape.toFixed(1)}%, ${m.within10.toFixed(0)}% within ±10% (n=${m.n})`;
}

function evalLines(e: PredictorEval): string[] {
  const families = Object.keys(e.families).length > 0 ? Object.keys(e.families) : Object.keys(e.heldOutByFamily);
  const width = Math.max(8, ...families.map((f) => f.length));
  return [
    `in-sample fit:        ${pct(e.fit)}`,
    `held-out variants:    ${pct(e.heldOut)}`,
    `leave-family-out:     ${pct(e.leaveOneFamilyOut)}`,
    `${'family'.padEnd(width)}  held-out variants                 leave-one-family-out`,
    ...families.map((f) => {
      const h = e.heldOutByFamily[f];
      const l = e.families[f];
      const cell = (m: AccuracyMetrics | undefined) => (m && m.n > 0 ? `${m.mape.toFixed(1).padStart(5)}%  ${m.within10.toFixed(0).padStart(3)}% (n=${m.n})` : '   -').padEnd(32);
      return `${f.padEnd(width)}  ${cell(h)}  ${cell(l)}`.trimEnd();
    }),
  ];
}

function familiesFlag(value: string | undefined): string[] {
  if (value === undefined) return [...ZOO_MODELS];
  const list = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const f of list) if (!(ZOO_MODELS as readonly string[]).includes(f)) throw new InputError('--families', f, ZOO_MODELS.join(', '));
  if (list.length === 0) throw new InputError('--families', value, `a comma-separated list of ${ZOO_MODELS.join(', ')}`);
  return [...new Set(list)];
}

async function train(args: string[]): Promise<string> {
  const { values, positionals } = parseFlags(args, TRAIN_COMMAND.flags);
  checkPositionals('arguments', positionals, 'flags only (see the usage)', 0, 0);
  const data = values.data ?? DEFAULT_VARIANTS_DATA;
  const out = values.output ?? DEFAULT_PREDICTOR_OUT;
  const families = familiesFlag(values.families);
  const variants = intFlag('variants', values.variants, 1, 100_000) ?? trainDefault('variants');
  const runs = intFlag('runs', values.runs, 1, 100_000);
  const seed = intFlag('seed', values.seed, 0, 2 ** 31 - 1) ?? trainDefault('seed');
  const resolution = intFlag('resolution', values.resolution, 32, 1024) ?? trainDefault('resolution');
  let measured = 0;
  let seconds = 0;
  if (values.reuse) {
    if (values.families !== undefined || values.variants !== undefined || values.runs !== undefined || values.resolution !== undefined) {
      throw new InputError('--reuse', true, 'no measuring flags (--families, --variants, --runs, --resolution) with --reuse', '--reuse fits on the existing data without measuring');
    }
    if (!existsSync(data)) throw new InputError('--data', data, 'an existing JSONL file of latency samples (--reuse measures nothing)', `${data} does not exist; drop --reuse to measure it`);
  } else {
    const progress = !values.json && process.stderr.isTTY;
    const start = Date.now();
    const perFamily = Object.fromEntries(families.map((f) => [f, f === 'vgg16' ? Math.max(1, Math.ceil(variants / 3)) : variants]));
    const samples = await measureVariants({
      families,
      perFamily,
      seed,
      resolution,
      runs,
      out: data,
      onSample: progress ? (s, done, total) => process.stderr.write(`\r\x1b[K  ${done}/${total} ${s.name}: ${s.measuredMs.toFixed(2)} ms`) : undefined,
    });
    if (progress) process.stderr.write('\r\x1b[K');
    measured = samples.length;
    seconds = (Date.now() - start) / 1000;
  }
  const samples = readLatencySamples(data);
  const predictor = fitPredictor(samples);
  const file = { ...predictor.file, eval: evaluatePredictor(samples) };
  savePredictor(out, file); // the shipped predictor is replaced only when -o names it
  if (values.json) return jsonOut({ predictor: out, data, samples: samples.length, measured, measureSeconds: seconds, ...file.eval, training: file.training });
  return [
    values.reuse ? `fitted on ${samples.length} samples of ${data}` : `measured ${measured} variants in ${seconds.toFixed(0)} s into ${data}; fitted on its ${samples.length} samples`,
    ...evalLines(file.eval),
    `wrote ${out}`,
  ].join('\n');
}

async function evaluate(args: string[]): Promise<string> {
  const { values, positionals } = parseFlags(args, EVAL_COMMAND.flags);
  checkPositionals('arguments', positionals, 'flags only (see the usage)', 0, 0);
  const path = values.predictor ?? DEFAULT_PREDICTOR_PATH;
  const data = values.data ?? (values.predictor === undefined ? SHIPPED_SAMPLES_PATH : DEFAULT_VARIANTS_DATA);
  const predictor = loadPredictor(path);
  const samples = readLatencySamples(data);
  const rows = sampleFeatureRows(samples);
  const coef = predictor.file.coefficients;
  const asIs = accuracy(rows.map((r) => r.reduce((s, v, k) => s + v * (coef[k] as number), 0)), samples.map((s) => s.measuredMs));
  const e = evaluatePredictor(samples, { ridge: predictor.file.training.ridge });
  if (values.json) return jsonOut({ predictor: path, data, samples: samples.length, mape: e.mape, within10: e.within10, heldOut: e.heldOut, heldOutByFamily: e.heldOutByFamily, families: e.families, leaveOneFamilyOut: e.leaveOneFamilyOut, fit: e.fit, predictorOnData: asIs, heldOutShare: e.heldOutShare });
  return [`${predictor.name}: ${path}`, `on ${data} (${samples.length} samples) as it is: ${pct(asIs)}`, `refitted with the predictor's settings:`, ...evalLines(e)].join('\n');
}

/** `paretonas lamda predictor train|eval ...` (args after `predictor`). */
export async function lamdaPredictorCommand(args: string[]): Promise<string> {
  const [sub, ...rest] = args;
  if (sub === 'train') return train(rest);
  if (sub === 'eval') return evaluate(rest);
  throw new InputError('SUBCOMMAND', sub, 'train, eval (`paretonas lamda predictor --help` lists them)', sub === undefined ? 'is missing' : undefined);
}
