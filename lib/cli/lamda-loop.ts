/** `paretonas lamda generate | evaluate | ablate`: LAMDA's closed loop, Table 3 and the ablations. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { claimNewRun } from '../campaign/run-dir.js';
import type { RunLock } from '../campaign/run-lock.js';
import { InputError } from '../errors.js';
import type { Graph } from '../graph/types.js';
import { ZOO_MODELS } from '../graph/zoo/index.js';
import type { SlicingPlan } from '../lamda/generator.js';
import { SLICING_STRATEGIES } from '../lamda/generator.js';
import { createGenerator, GENERATOR_SPECS } from '../lamda/generators.js';
import type { LoopResult, LoopRound } from '../lamda/loop.js';
import { type LamdaRecord, lamdaStore } from '../lamda/records.js';
import type { Store } from '../store/types.js';
import { DEFAULT_MEASURE } from '../lamda/evaluate.js';
import { classesOf } from '../lamda/verify.js';
import { runLamdaLoop } from '../lamda/loop.js';
import { TOKENIZERS } from '../lamda/tokens.js';
import { exportOnnx } from '../onnx/export.js';
import { narrowestModel } from '../lamda/width-search.js';
import { graphTotals } from '../cost/estimate.js';
import { predictorEstimator } from '../latency/predictor-estimator.js';
import type { Table } from '../report/table.js';
/** Table rendering loads danfojs (seconds): only the commands that print tables load it. */
const renderTables = () => import('../report/render-table.js');
import { choiceFlag, intFlag, jsonOut, listFlag, numberFlag, parseFlags } from './args.js';
import { defineCommand, usageLine } from './command-spec.js';
import { stderrProgress } from './progress.js';
import { MODEL_ARGS, MODEL_FLAGS, modelFromFlags } from './model-flags.js';

export const ABLATION_STUDIES = ['slicing', 'verification', 'generators', 'all'] as const;
const ABLATION_STUDIES_TEXT = ABLATION_STUDIES.join('|');

const LOOP_FLAGS = {
  generator: { type: 'string', value: 'width-search|ollama:MODEL', default: 'width-search', help: 'what rewrites the model each round' },
  predictor: { type: 'string', value: 'FILE', default: 'the shipped onnxruntime-cpu predictor', help: 'the latency predictor that steers the loop' },
  rounds: { type: 'string', value: 'K', default: '8', help: 'generate-verify-correct rounds at most, 1 to 1000' },
  band: { type: 'string', value: 'F', default: '0.1', help: 'a model predicted faster than target x (1 - F) is sent back as too small, 0 to 0.99' },
  'no-verify': { type: 'boolean', help: 'skip the predicted-latency check (Fig. 8 ablation)' },
  'max-tokens': { type: 'string', value: 'N', default: 'no slicing', help: 'feed the generator slices of at most N tokens, 16 to 10,000,000' },
  tokenizer: { type: 'string', value: TOKENIZERS.join('|'), default: 'qwen2.5', help: 'how slice tokens are counted (with --max-tokens)' },
  strategy: { type: 'string', value: SLICING_STRATEGIES.join('|'), default: 'dp', help: 'how the text is sliced (with --max-tokens)' },
  runs: { type: 'string', value: 'N', default: `${DEFAULT_MEASURE.runs}, after ${DEFAULT_MEASURE.warmup} warm-up`, help: 'timed runs of the result, 1 to 10,000' },
  host: { type: 'string', value: 'URL', default: 'OLLAMA_HOST, else http://127.0.0.1:11434', help: 'the Ollama server of an ollama:MODEL generator' },
  'num-ctx': { type: 'string', value: 'N', default: 'the model\'s own', help: 'Ollama context window in tokens, 256 to 1,048,576' },
  'llm-timeout': { type: 'string', value: 'S', default: '120', help: 'seconds an LLM call may take, 1 to 86,400' },
  seed: { type: 'string', value: 'N', help: 'seed passed to the LLM, 0 to 2^31-1' },
  json: { type: 'boolean', help: 'print the result as JSON' },
  calibrate: { type: 'boolean', help: 'on a CPU the predictor was not fit on, measure 10 zoo variants here first (under a minute) and rescale it; cached per device' },
} as const;

const OUT_HELP = 'where tables (Markdown, CSV) and results.json are written';
export const GENERATE_COMMAND = defineCommand({
  name: 'lamda generate',
  args: MODEL_ARGS,
  summary: 'LAMDA\'s closed loop: generate, parse, verify (syntax, task head, predicted latency), correct; the result measured',
  example: 'paretonas lamda generate --zoo resnet18 --target-ms 5 --rounds 4 --out runs/lamda-resnet18',
  flags: {
    ...MODEL_FLAGS,
    'target-ms': { type: 'string', value: 'MS', required: true, help: 'the latency target in milliseconds (a positive number)' },
    'max-macs': { type: 'string', value: 'N', help: 'a MAC limit the result must meet, 1 to 1e15' },
    'max-sram-kb': { type: 'string', value: 'KB', help: 'a peak SRAM limit in KiB the result must meet' },
    ...LOOP_FLAGS,
    out: { type: 'string', value: 'DIR', default: 'runs/lamda-TIME-MODEL', help: 'where records.jsonl, model.txt and model.onnx are written' },
  },
});
export const EVALUATE_COMMAND = defineCommand({
  name: 'lamda evaluate',
  summary: 'LAMDA Table 3 for a generator: latency targets per base model, MAE, MAPE, success rate',
  example: 'paretonas lamda evaluate --models resnet18,mobilenet_v2 --targets 3 --runs 5 --out reports/table3',
  flags: {
    models: { type: 'string', value: 'a,b,...', default: 'alexnet,resnet18,mobilenet_v2,mnasnet1_0,googlenet,vgg16,squeezenet1_0', help: `zoo base models: ${ZOO_MODELS.join(', ')}` },
    targets: { type: 'string', value: 'N', default: '12', help: 'latency targets a base model, 1 to 1000' },
    ...LOOP_FLAGS,
    out: { type: 'string', value: 'DIR', default: 'nothing written', help: OUT_HELP },
  },
});
export const ABLATE_COMMAND = defineCommand({
  name: 'lamda ablate',
  summary: 'LAMDA ablations: slicing strategies (Table 12), latency verification (Fig. 8), generators compared',
  example: 'paretonas lamda ablate --study verification --models mobilenet_v2 --targets 2 --runs 5',
  flags: {
    study: { type: 'string', value: ABLATION_STUDIES_TEXT, default: 'all', help: 'which ablation to run' },
    models: { type: 'string', value: 'a,b,...', default: 'resnet18,mobilenet_v2,googlenet,squeezenet1_0 (verification: mobilenet_v2)', help: 'zoo base models' },
    generators: { type: 'string', value: 'g1,g2,...', default: 'the --generator', help: `generators compared: ${GENERATOR_SPECS}` },
    targets: { type: 'string', value: 'N', default: '3 (verification: 5)', help: 'latency targets a base model, 1 to 1000' },
    ...LOOP_FLAGS,
    out: { type: 'string', value: 'DIR', default: 'nothing written', help: OUT_HELP },
  },
});
export const GENERATE_USAGE = usageLine(GENERATE_COMMAND);
export const EVALUATE_USAGE = usageLine(EVALUATE_COMMAND);
export const ABLATE_USAGE = usageLine(ABLATE_COMMAND);

type LoopValues = { [K in keyof typeof LOOP_FLAGS]?: (typeof LOOP_FLAGS)[K]['type'] extends 'boolean' ? boolean : string };

/** The generator and slicing flags, checked before anything is loaded or measured. */
function generatorSettings(values: LoopValues) {
  const seed = intFlag('seed', values.seed, 0, 2 ** 31 - 1);
  const spec = values.generator ?? 'width-search';
  const numCtx = intFlag('num-ctx', values['num-ctx'], 256, 1_048_576);
  const options = { temperature: 0.2, ...(seed !== undefined ? { seed } : {}), ...(numCtx !== undefined ? { num_ctx: numCtx } : {}) };
  const llmTimeout = intFlag('llm-timeout', values['llm-timeout'], 1, 86_400);
  const makeGenerator = (s = spec) => () => createGenerator(s, { host: values.host, options, ...(llmTimeout !== undefined ? { timeoutMs: llmTimeout * 1000 } : {}) });
  makeGenerator()(); // a bad spec fails here, before anything is measured
  const maxTokens = intFlag('max-tokens', values['max-tokens'], 16, 10_000_000);
  const slicing: SlicingPlan | undefined = maxTokens === undefined ? undefined : { maxTokens, strategy: choiceFlag('strategy', values.strategy, SLICING_STRATEGIES, 'dp'), tokenizer: choiceFlag('tokenizer', values.tokenizer, TOKENIZERS, 'qwen2.5') };
  return { makeGenerator, slicing };
}

/**
 * The loop's settings. The predictor follows the device (lib/latency/predictor-estimator.ts): a
 * calibration cached for this CPU applies; `calibrate` measures one when none is. Its notes are
 * kept and written by `writeNotes`, once every input is checked, so a refusal stays one line.
 */
async function loopSettings(values: LoopValues) {
  const { makeGenerator, slicing } = generatorSettings(values);
  const checked = {
    maxRounds: intFlag('rounds', values.rounds, 1, 1000) ?? 8,
    band: numberFlag('band', values.band, 0, 0.99),
    verifyLatency: !values['no-verify'],
    measure: { ...DEFAULT_MEASURE, ...(values.runs !== undefined ? { runs: intFlag('runs', values.runs, 1, 10_000) } : {}) },
  };
  const notes: string[] = [];
  const tty = Boolean(process.stderr.isTTY);
  const write = stderrProgress(tty, { tty: '  ', log: 'calibration: ' });
  const estimator = await predictorEstimator(values.predictor === undefined ? 'predictor' : `predictor:${values.predictor}`, {
    threads: 1,
    calibrate: values.calibrate ?? false,
    onNote: (line) => notes.push(line),
    onProgress: (done, total) => {
      write(() => `calibrating the latency predictor on this CPU: ${done}/${total} zoo variants measured`);
      if (tty && done === total) process.stderr.write('\r\x1b[K');
    },
  });
  const writeNotes = (): void => {
    for (const line of notes.splice(0)) process.stderr.write(`${line}\n`);
  };
  return { writeNotes, makeGenerator, estimator, slicing, ...checked };
}

const progress = (line: string): void => {
  if (process.stderr.isTTY) process.stderr.write(`${line}\n`);
};

function roundLine(r: LoopRound): string {
  const width = typeof r.meta?.width === 'number' ? ` width ${(r.meta.width as number).toFixed(3)}` : '';
  const predicted = r.predictedMs !== undefined ? `, predicted ${r.predictedMs.toFixed(2)} ms` : '';
  return `  round ${r.round}:${width}${predicted} — ${r.met ? 'meets every requirement' : r.feedback.join(' ')}`;
}

/** A new run directory for `lamda generate`, under its lock: one that already holds a run is refused, as `search` does. */
function writeRun(dir: string): { writer: Store<LamdaRecord>; lock: RunLock } {
  const { lock } = claimNewRun(dir, 'records.jsonl', 'a directory that holds no run yet (lamda generate starts a new one)');
  return { writer: lamdaStore(join(dir, 'records.jsonl')), lock };
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

/**
 * A latency target below what the narrowest model width search reaches (the base at width 0.05)
 * is predicted to do cannot be met by narrowing: width-search is refused in one line (InputError,
 * exit 2: nothing has been generated or written, and the user fixes it by raising --target-ms or
 * starting from a smaller model), instead of shrinking the model to nothing. An LLM generator may
 * also remove layers, so for it the same finding is a note (returned) and the loop runs.
 */
function reachableFloor(base: Graph, estimator: { name: string; predictMs(g: Graph): number }, generator: string, targetMs: number): string | undefined {
  const { graph, width } = narrowestModel(base);
  const floorMs = estimator.predictMs(graph);
  if (targetMs >= floorMs) return undefined;
  const what = `the smallest model width search reaches, ${base.name} at width ${width} (${(graphTotals(graph).macs / 1e6).toFixed(1)} M MACs), is predicted at ${floorMs.toFixed(2)} ms by ${estimator.name}`;
  if (generator === 'width-search') {
    throw new InputError('--target-ms', targetMs, `a target of at least ${floorMs.toFixed(2)} ms for ${base.name}, or a smaller base model`, `${targetMs} ms is below what this model can reach: ${what}`);
  }
  return `note: the target ${targetMs} ms is below what narrowing can reach: ${what}; the generator must also remove layers`;
}

/** `paretonas lamda generate`: one base model, one target, the closed loop, the result measured. */
export async function generateCommand(args: string[]): Promise<string> {
  const { values, positionals } = parseFlags(args, GENERATE_COMMAND.flags);
  const targetMs = numberFlag('target-ms', values['target-ms'], 1e-6, 1e7);
  if (targetMs === undefined) throw new InputError('--target-ms', undefined, 'the latency target in ms (a positive number)', 'is missing');
  const model = modelFromFlags(values, positionals);
  const classes = classesOf(model.graph);
  const maxSramKb = numberFlag('max-sram-kb', values['max-sram-kb'], 1e-3, 1e9);
  const maxMacs = numberFlag('max-macs', values['max-macs'], 1, 1e15);
  const s = await loopSettings(values);
  const requirements = { targetMs, classes, band: s.band, maxMacs, maxSramBytes: maxSramKb === undefined ? undefined : maxSramKb * 1024 };
  const floor = reachableFloor(model.graph, s.estimator, values.generator ?? 'width-search', targetMs);
  const out = values.out ?? join('runs', `lamda-${new Date().toISOString().replace(/[:.]/g, '-')}-${model.graph.name.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 64)}`);
  const { writer, lock } = writeRun(out);
  const generator = s.makeGenerator()();
  s.writeNotes();
  if (floor) process.stderr.write(`${floor}\n`);
  try {
    writer.append('lamda-start', { base: model.graph.name, source: model.source, generator: generator.name, predictor: s.estimator.name, predictorStatus: s.estimator.status, predictorFactor: s.estimator.factor, requirements, maxRounds: s.maxRounds, verifyLatency: s.verifyLatency, slicing: s.slicing ?? null });
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
    if (values.json) return jsonOut(summary);
    const f = result.final;
    return [
      `${model.graph.name} -> ${generator.name}, target ${targetMs} ms (${s.estimator.name}; base predicted ${result.base.predictedMs.toFixed(2)} ms)`,
      ...result.rounds.map(roundLine),
      f
        ? `result (round ${result.chosenRound}): predicted ${f.predictedMs.toFixed(2)} ms, measured ${f.measuredMs?.toFixed(2)} ms, APE ${(100 * f.ape).toFixed(1)}%, predictor off by ${(100 * (f.predictionError ?? 0)).toFixed(1)}%; ${(f.macs / 1e6).toFixed(1)} M MACs, ${(f.params / 1e6).toFixed(3)} M params`
        : `no valid model in ${result.rounds.length} rounds`,
      `success (section 5.1, latency within 30%): ${result.success ? 'yes' : 'no'}${result.met ? '' : ' (requirements not all met by the prediction)'}`,
      `records: ${join(out, 'records.jsonl')}${f ? `; model: ${files.text}, ${files.onnx}` : ''}`,
    ].join('\n');
  } finally {
    writer.close();
    lock.release();
  }
}

async function writeTables(dir: string | undefined, tables: Table[], data: unknown): Promise<string[]> {
  if (!dir) return [];
  const { toCsv, toMarkdown } = await renderTables();
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const t of tables) {
    writeFileSync(join(dir, `${t.id}.md`), `${toMarkdown(t)}\n`);
    writeFileSync(join(dir, `${t.id}.csv`), toCsv(t));
    written.push(join(dir, `${t.id}.md`), join(dir, `${t.id}.csv`));
  }
  writeFileSync(join(dir, 'results.json'), `${jsonOut(data)}\n`);
  written.push(join(dir, 'results.json'));
  return written;
}

/** `paretonas lamda evaluate`: Table 3 for one generator. */
export async function evaluateCommand(args: string[]): Promise<string> {
  const { values } = parseFlags(args, EVALUATE_COMMAND.flags);
  const { evaluateGenerator, TABLE3_MODELS } = await import('../lamda/evaluate.js');
  const { table3 } = await import('../report/lamda-tables.js');
  const models = listFlag('models', values.models, ZOO_MODELS, TABLE3_MODELS);
  const s = await loopSettings(values);
  const targets = intFlag('targets', values.targets, 1, 1000) ?? 12;
  s.writeNotes();
  const evaluations = await evaluateGenerator({
    models,
    generator: s.makeGenerator(),
    estimator: s.estimator,
    targets,
    maxRounds: s.maxRounds,
    verifyLatency: s.verifyLatency,
    slicing: s.slicing,
    band: s.band,
    measure: s.measure,
    onResult: (model, k, total, r) => progress(`  ${model} ${k}/${total}: target ${r.targetMs.toFixed(2)} ms, measured ${r.final?.measuredMs?.toFixed(2) ?? '-'} ms in ${r.rounds.length} rounds`),
  });
  const table = table3(evaluations);
  const data = evaluations.map(({ results, ...e }) => ({ ...e, runs: results.map((r) => resultSummary(r)) }));
  const { toMarkdown } = await renderTables();
  const written = await writeTables(values.out, [table], data);
  if (values.json) return jsonOut(data);
  return [toMarkdown(table), ...(written.length ? [`wrote ${written.join(', ')}`] : [])].join('\n\n');
}


/** `paretonas lamda ablate`: slicing strategies, latency verification, generators compared. */
export async function ablateCommand(args: string[]): Promise<string> {
  const { values } = parseFlags(args, ABLATE_COMMAND.flags);
  const { generatorComparison, slicingAblation, verificationAblation } = await import('../lamda/ablate.js');
  const { generatorsTable, slicingTable, verificationTable } = await import('../report/lamda-tables.js');
  const study = choiceFlag('study', values.study, ABLATION_STUDIES, 'all');
  const s = await loopSettings(values);
  const models = listFlag('models', values.models, ZOO_MODELS, ['resnet18', 'mobilenet_v2', 'googlenet', 'squeezenet1_0']);
  const targets = intFlag('targets', values.targets, 1, 1000);
  const specs = values.generators === undefined ? [values.generator ?? 'width-search'] : values.generators.split(',').map((x) => x.trim()).filter(Boolean);
  if (specs.length === 0) throw new InputError('--generators', values.generators, GENERATOR_SPECS);
  for (const g of specs) s.makeGenerator(g)(); // a bad spec fails before any study runs
  s.writeNotes();
  const common = { estimator: s.estimator, maxRounds: s.maxRounds, measure: s.measure, band: s.band, verifyLatency: s.verifyLatency, onProgress: progress };
  const tables: Table[] = [];
  const data: Record<string, unknown> = {};
  if (study === 'slicing' || study === 'all') {
    const plan = s.slicing ?? { maxTokens: 2048, tokenizer: 'qwen2.5' as const, strategy: 'dp' as const };
    const res = await slicingAblation({ ...common, generator: s.makeGenerator(), models, maxTokens: plan.maxTokens, tokenizer: plan.tokenizer, targets: targets ?? 3 });
    tables.push(slicingTable(res));
    data.slicing = res.rows;
  }
  if (study === 'verification' || study === 'all') {
    const res = await verificationAblation({ ...common, generator: s.makeGenerator(), model: values.models ? (models[0] as string) : 'mobilenet_v2', targets: targets ?? 5 });
    tables.push(verificationTable(res));
    data.verification = res.rows;
  }
  if (study === 'generators' || study === 'all') {
    const res = await generatorComparison({ ...common, generators: specs.map((g) => s.makeGenerator(g)), models, targets: targets ?? 3, slicing: s.slicing });
    tables.push(generatorsTable(res));
    data.generators = res.evaluations.map(({ results, ...e }) => ({ ...e, runs: results.map((r) => resultSummary(r)) }));
  }
  const { toMarkdown } = await renderTables();
  const written = await writeTables(values.out, tables, data);
  if (values.json) return jsonOut(data);
  return [...tables.map(toMarkdown), ...(written.length ? [`wrote ${written.join(', ')}`] : [])].join('\n\n');
}
