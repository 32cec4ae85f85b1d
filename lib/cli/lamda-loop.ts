/** `paretonas lamda generate | evaluate | ablate`: LAMDA's closed loop, Table 3 and the ablations. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordWriter } from '../campaign/records.js';
import { InputError } from '../errors.js';
import { ZOO_MODELS } from '../graph/zoo/index.js';
import type { SlicingPlan } from '../lamda/generator.js';
import { SLICING_STRATEGIES } from '../lamda/generator.js';
import { createGenerator, GENERATOR_SPECS } from '../lamda/generators.js';
import type { LoopResult, LoopRound } from '../lamda/loop.js';
import { DEFAULT_MEASURE } from '../lamda/evaluate.js';
import { classesOf } from '../lamda/verify.js';
import { runLamdaLoop } from '../lamda/loop.js';
import { loadPredictor } from '../lamda/predictor.js';
import { TOKENIZERS } from '../lamda/tokens.js';
import { exportOnnx } from '../onnx/export.js';
import { describeDevice } from '../runtime/device.js';
import type { Table } from '../report/table.js';
import { toCsv, toMarkdown } from '../report/render-table.js';
import { choiceFlag, intFlag, listFlag, numberFlag, parseFlags } from './args.js';
import { MODEL_FLAGS, MODEL_USAGE, modelFromFlags } from './model-flags.js';

const LOOP_FLAGS = {
  generator: { type: 'string' },
  predictor: { type: 'string' },
  rounds: { type: 'string' },
  band: { type: 'string' },
  'no-verify': { type: 'boolean' },
  'max-tokens': { type: 'string' },
  tokenizer: { type: 'string' },
  strategy: { type: 'string' },
  runs: { type: 'string' },
  host: { type: 'string' },
  'num-ctx': { type: 'string' },
  'llm-timeout': { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
} as const;

const LOOP_USAGE = '[--generator width-search|ollama:MODEL] [--predictor FILE] [--rounds K] [--band F] [--no-verify] [--max-tokens N] [--tokenizer qwen2.5|llama3|chars] [--strategy dp|naive|none] [--runs N] [--host URL] [--num-ctx N] [--llm-timeout S] [--seed N] [--json]';
export const GENERATE_USAGE = `paretonas lamda generate ${MODEL_USAGE} --target-ms MS [--max-macs N] [--max-sram-kb KB] ${LOOP_USAGE} [--out DIR]`;
export const EVALUATE_USAGE = `paretonas lamda evaluate [--models a,b,...] [--targets N] ${LOOP_USAGE} [--out DIR]`;
export const ABLATE_USAGE = `paretonas lamda ablate [--study slicing|verification|generators|all] [--models a,b,...] [--generators g1,g2] [--targets N] ${LOOP_USAGE} [--out DIR]`;

type LoopValues = { [K in keyof typeof LOOP_FLAGS]?: (typeof LOOP_FLAGS)[K]['type'] extends 'boolean' ? boolean : string };

function loopSettings(values: LoopValues) {
  const seed = intFlag('seed', values.seed, 0, 2 ** 31 - 1);
  const spec = values.generator ?? 'width-search';
  const numCtx = intFlag('num-ctx', values['num-ctx'], 256, 1_048_576);
  const options = { temperature: 0.2, ...(seed !== undefined ? { seed } : {}), ...(numCtx !== undefined ? { num_ctx: numCtx } : {}) };
  const llmTimeout = intFlag('llm-timeout', values['llm-timeout'], 1, 86_400);
  const makeGenerator = (s = spec) => () => createGenerator(s, { host: values.host, options, ...(llmTimeout !== undefined ? { timeoutMs: llmTimeout * 1000 } : {}) });
  makeGenerator()(); // a bad spec fails here, before anything is measured
  const maxTokens = intFlag('max-tokens', values['max-tokens'], 16, 10_000_000);
  const slicing: SlicingPlan | undefined = maxTokens === undefined ? undefined : { maxTokens, strategy: choiceFlag('strategy', values.strategy, SLICING_STRATEGIES, 'dp'), tokenizer: choiceFlag('tokenizer', values.tokenizer, TOKENIZERS, 'qwen2.5') };
  const estimator = loadPredictor(values.predictor);
  const here = describeDevice(1);
  const trained = estimator.file.device;
  if (trained.cpu !== here.cpu || trained.onnxruntime !== here.onnxruntime) {
    process.stderr.write(`note: the predictor was trained on ${trained.cpu} (onnxruntime ${trained.onnxruntime}); this is ${here.cpu} (onnxruntime ${here.onnxruntime}). Its predictions steer the loop; the measured latency is the truth. Retrain here with \`paretonas lamda predictor train\`.\n`);
  }
  return {
    makeGenerator,
    estimator,
    maxRounds: intFlag('rounds', values.rounds, 1, 1000) ?? 8,
    band: numberFlag('band', values.band, 0, 0.99),
    verifyLatency: !values['no-verify'],
    slicing,
    measure: { ...DEFAULT_MEASURE, ...(values.runs !== undefined ? { runs: intFlag('runs', values.runs, 1, 10_000) } : {}) },
  };
}

const progress = (line: string): void => {
  if (process.stderr.isTTY) process.stderr.write(`${line}\n`);
};

function roundLine(r: LoopRound): string {
  const width = typeof r.meta?.width === 'number' ? ` width ${(r.meta.width as number).toFixed(3)}` : '';
  const predicted = r.predictedMs !== undefined ? `, predicted ${r.predictedMs.toFixed(2)} ms` : '';
  return `  round ${r.round}:${width}${predicted} — ${r.met ? 'meets every requirement' : r.feedback.join(' ')}`;
}

function writeRun(dir: string): RecordWriter {
  mkdirSync(dir, { recursive: true });
  return new RecordWriter(join(dir, 'records.jsonl'));
}

function resultSummary(result: LoopResult, extra: Record<string, unknown> = {}) {
  const f = result.final;
  return {
    base: result.base.name,
    generator: result.generator,
    targetMs: result.targetMs,
    predictedMs: f?.predictedMs ?? null,
    measuredMs: f?.measuredMs ?? null,
    ape: f?.ape ?? null,
    predictionError: f?.predictionError ?? null,
    rounds: result.rounds.length,
    chosenRound: result.chosenRound ?? null,
    met: result.met,
    success: result.success,
    macs: f?.macs ?? null,
    params: f?.params ?? null,
    generationMs: result.generationMs,
    ...extra,
  };
}

/** `paretonas lamda generate`: one base model, one target, the closed loop, the result measured. */
export async function generateCommand(args: string[]): Promise<string> {
  const { values, positionals } = parseFlags(args, { ...MODEL_FLAGS, ...LOOP_FLAGS, 'target-ms': { type: 'string' }, 'max-macs': { type: 'string' }, 'max-sram-kb': { type: 'string' }, out: { type: 'string' } });
  const targetMs = numberFlag('target-ms', values['target-ms'], 1e-6, 1e7);
  if (targetMs === undefined) throw new InputError('--target-ms', undefined, 'the latency target in ms (a positive number)', 'is missing');
  const model = modelFromFlags(values, positionals);
  const s = loopSettings(values);
  const classes = classesOf(model.graph);
  const maxSramKb = numberFlag('max-sram-kb', values['max-sram-kb'], 1e-3, 1e9);
  const requirements = { targetMs, classes, band: s.band, maxMacs: numberFlag('max-macs', values['max-macs'], 1, 1e15), maxSramBytes: maxSramKb === undefined ? undefined : maxSramKb * 1024 };
  const out = values.out ?? join('runs', `lamda-${new Date().toISOString().replace(/[:.]/g, '-')}-${model.graph.name}`);
  const writer = writeRun(out);
  const generator = s.makeGenerator()();
  try {
    writer.append('lamda-start', { base: model.graph.name, source: model.source, generator: generator.name, predictor: s.estimator.name, requirements, maxRounds: s.maxRounds, verifyLatency: s.verifyLatency, slicing: s.slicing ?? null });
    const result = await runLamdaLoop(model.graph, {
      generator,
      estimator: s.estimator,
      requirements,
      maxRounds: s.maxRounds,
      verifyLatency: s.verifyLatency,
      slicing: s.slicing,
      measure: s.measure,
      onRound: (r) => {
        writer.append('lamda-round', { ...r });
        progress(roundLine(r));
      },
    });
    const files: Record<string, string> = {};
    if (result.final) {
      files.text = join(out, 'model.txt');
      files.onnx = join(out, 'model.onnx');
      writeFileSync(files.text, result.final.text);
      writeFileSync(files.onnx, exportOnnx(result.final.graph, { foldBatchNorm: true }));
    }
    const summary = resultSummary(result, { records: join(out, 'records.jsonl'), files });
    writer.append('lamda-result', summary);
    if (values.json) return JSON.stringify(summary, null, 2);
    const f = result.final;
    return [
      `${model.graph.name} -> ${generator.name}, target ${targetMs} ms (predictor ${s.estimator.name}; base predicted ${result.base.predictedMs.toFixed(2)} ms)`,
      ...result.rounds.map(roundLine),
      f
        ? `result (round ${result.chosenRound}): predicted ${f.predictedMs.toFixed(2)} ms, measured ${f.measuredMs?.toFixed(2)} ms, APE ${(100 * f.ape).toFixed(1)}%, predictor off by ${(100 * (f.predictionError ?? 0)).toFixed(1)}%; ${(f.macs / 1e6).toFixed(1)} M MACs, ${(f.params / 1e6).toFixed(3)} M params`
        : `no valid model in ${result.rounds.length} rounds`,
      `success (section 5.1, latency within 30%): ${result.success ? 'yes' : 'no'}${result.met ? '' : ' (requirements not all met by the prediction)'}`,
      `records: ${join(out, 'records.jsonl')}${f ? `; model: ${files.text}, ${files.onnx}` : ''}`,
    ].join('\n');
  } finally {
    writer.close();
  }
}

function writeTables(dir: string | undefined, tables: Table[], data: unknown): string[] {
  if (!dir) return [];
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const t of tables) {
    writeFileSync(join(dir, `${t.id}.md`), `${toMarkdown(t)}\n`);
    writeFileSync(join(dir, `${t.id}.csv`), toCsv(t));
    written.push(join(dir, `${t.id}.md`), join(dir, `${t.id}.csv`));
  }
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify(data, null, 2)}\n`);
  written.push(join(dir, 'results.json'));
  return written;
}

/** `paretonas lamda evaluate`: Table 3 for one generator. */
export async function evaluateCommand(args: string[]): Promise<string> {
  const { values } = parseFlags(args, { ...LOOP_FLAGS, models: { type: 'string' }, targets: { type: 'string' }, out: { type: 'string' } });
  const { evaluateGenerator, table3, TABLE3_MODELS } = await import('../lamda/evaluate.js');
  const models = listFlag('models', values.models, ZOO_MODELS, TABLE3_MODELS);
  const s = loopSettings(values);
  const evaluations = await evaluateGenerator({
    models,
    generator: s.makeGenerator(),
    estimator: s.estimator,
    targets: intFlag('targets', values.targets, 1, 1000) ?? 12,
    maxRounds: s.maxRounds,
    verifyLatency: s.verifyLatency,
    slicing: s.slicing,
    band: s.band,
    measure: s.measure,
    onResult: (model, k, total, r) => progress(`  ${model} ${k}/${total}: target ${r.targetMs.toFixed(2)} ms, measured ${r.final?.measuredMs?.toFixed(2) ?? '-'} ms in ${r.rounds.length} rounds`),
  });
  const table = table3(evaluations);
  const data = evaluations.map(({ results, ...e }) => ({ ...e, runs: results.map((r) => resultSummary(r)) }));
  const written = writeTables(values.out, [table], data);
  if (values.json) return JSON.stringify(data, null, 2);
  return [toMarkdown(table), ...(written.length ? [`wrote ${written.join(', ')}`] : [])].join('\n\n');
}

export const ABLATION_STUDIES = ['slicing', 'verification', 'generators', 'all'] as const;

/** `paretonas lamda ablate`: slicing strategies, latency verification, generators compared. */
export async function ablateCommand(args: string[]): Promise<string> {
  const { values } = parseFlags(args, { ...LOOP_FLAGS, study: { type: 'string' }, models: { type: 'string' }, generators: { type: 'string' }, targets: { type: 'string' }, out: { type: 'string' } });
  const { generatorComparison, slicingAblation, verificationAblation } = await import('../lamda/ablate.js');
  const study = choiceFlag('study', values.study, ABLATION_STUDIES, 'all');
  const s = loopSettings(values);
  const models = listFlag('models', values.models, ZOO_MODELS, ['resnet18', 'mobilenet_v2', 'googlenet', 'squeezenet1_0']);
  const targets = intFlag('targets', values.targets, 1, 1000);
  const specs = values.generators === undefined ? [values.generator ?? 'width-search'] : values.generators.split(',').map((x) => x.trim()).filter(Boolean);
  if (specs.length === 0) throw new InputError('--generators', values.generators, GENERATOR_SPECS);
  for (const g of specs) s.makeGenerator(g)(); // a bad spec fails before any study runs
  const common = { estimator: s.estimator, maxRounds: s.maxRounds, measure: s.measure, band: s.band, verifyLatency: s.verifyLatency, onProgress: progress };
  const tables: Table[] = [];
  const data: Record<string, unknown> = {};
  if (study === 'slicing' || study === 'all') {
    const plan = s.slicing ?? { maxTokens: 2048, tokenizer: 'qwen2.5' as const, strategy: 'dp' as const };
    const res = await slicingAblation({ ...common, generator: s.makeGenerator(), models, maxTokens: plan.maxTokens, tokenizer: plan.tokenizer, targets: targets ?? 3 });
    tables.push(res.table);
    data.slicing = res.rows;
  }
  if (study === 'verification' || study === 'all') {
    const res = await verificationAblation({ ...common, generator: s.makeGenerator(), model: values.models ? (models[0] as string) : 'mobilenet_v2', targets: targets ?? 5 });
    tables.push(res.table);
    data.verification = res.rows;
  }
  if (study === 'generators' || study === 'all') {
    const res = await generatorComparison({ ...common, generators: specs.map((g) => s.makeGenerator(g)), models, targets: targets ?? 3, slicing: s.slicing });
    tables.push(res.table);
    data.generators = res.evaluations.map(({ results, ...e }) => ({ ...e, runs: results.map((r) => resultSummary(r)) }));
  }
  const written = writeTables(values.out, tables, data);
  if (values.json) return JSON.stringify(data, null, 2);
  return [...tables.map(toMarkdown), ...(written.length ? [`wrote ${written.join(', ')}`] : [])].join('\n\n');
}
