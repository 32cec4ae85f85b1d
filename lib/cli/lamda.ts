import { InputError } from '../errors.js';
import { prepareOutput, writeOutput } from './output-file.js';
import { serializeGraph, serializeNodeLines } from '../lamda/dsl.js';
import { operatorsOf, sliceBy, SLICING_STRATEGIES } from '../lamda/slice.js';
import { tokenCounter, TOKENIZERS } from '../lamda/tokens.js';
import { checkPositionals, choiceFlag, intFlag, jsonOut, parseFlags } from './args.js';
import { defineCommand, usageLine } from './command-spec.js';
import { ablateCommand, evaluateCommand, generateCommand } from './lamda-loop.js';
import { lamdaPredictorCommand } from './lamda-predictor.js';
import { MODEL_ARGS, MODEL_FLAGS, modelFromFlags } from './model-flags.js';
import { stderrNotes } from './notes.js';
import { exportWithFlags } from './export.js';

export const SERIALIZE_COMMAND = defineCommand({
  name: 'serialize',
  args: MODEL_ARGS,
  summary: 'the LAMDA text of a model (connection-oriented: each line an op, its attributes, its input ids, its output id)',
  example: 'paretonas serialize --zoo googlenet -o runs/googlenet.txt',
  flags: { ...MODEL_FLAGS, output: { type: 'string', short: 'o', value: 'FILE.txt', default: 'standard output', help: 'where to write the text' } },
});
export const PARSE_COMMAND = defineCommand({
  name: 'parse',
  args: 'FILE.txt',
  summary: 'LAMDA text back to a model, written as ONNX',
  example: 'paretonas parse runs/googlenet.txt -o runs/googlenet.onnx --fold-bn',
  flags: {
    output: { type: 'string', short: 'o', value: 'FILE.onnx', required: true, help: 'where to write the ONNX file' },
    'fold-bn': { type: 'boolean', help: 'fold BatchNorm into the preceding convolution' },
    seed: { type: 'string', value: 'N', default: '0', help: 'weight seed, 0 to 2^31-1' },
  },
});
export const SLICE_COMMAND = defineCommand({
  name: 'slice',
  args: MODEL_ARGS,
  summary: 'cut the text into slices that fit a context window, cutting as few dataflow edges as possible',
  example: 'paretonas slice --zoo googlenet --max-tokens 2000 --tokenizer qwen2.5',
  flags: {
    ...MODEL_FLAGS,
    'max-tokens': { type: 'string', value: 'N', required: true, help: 'the context window in tokens, 1 to 10,000,000 (not needed with --strategy none)' },
    tokenizer: { type: 'string', value: TOKENIZERS.join('|'), default: 'qwen2.5', help: 'how tokens are counted' },
    strategy: { type: 'string', value: SLICING_STRATEGIES.join('|'), default: 'dp', help: 'dp: fewest cut edges; naive: fill each slice; none: one slice' },
    json: { type: 'boolean', help: 'print the slices as JSON' },
  },
});
export const SERIALIZE_USAGE = usageLine(SERIALIZE_COMMAND);
export const PARSE_USAGE = usageLine(PARSE_COMMAND);
export const SLICE_USAGE = usageLine(SLICE_COMMAND);

function writeOrReturn(text: string, out: string | undefined, what: string): string {
  if (!out) return text.replace(/\n$/, '');
  writeOutput('-o', out, text);
  return `wrote ${out} (${what})`;
}

export function serializeCommand(args: string[]): string {
  const { values, positionals } = parseFlags(args, SERIALIZE_COMMAND.flags);
  const model = modelFromFlags(values, positionals, stderrNotes());
  const text = serializeGraph(model.graph);
  return writeOrReturn(text, values.output, `${model.graph.nodes.length} nodes, ${text.length.toLocaleString('en-US')} characters`);
}

export function parseCommand(args: string[]): string {
  const { values, positionals } = parseFlags(args, PARSE_COMMAND.flags);
  checkPositionals('FILE.txt', positionals, 'one DSL text file path');
  if (!values.output) throw new InputError('-o', undefined, 'an output path ending in .onnx', 'is missing');
  prepareOutput('-o', values.output);
  const model = modelFromFlags({ format: 'dsl' }, positionals);
  const { bytes, opset } = exportWithFlags(model.graph, values);
  writeOutput('-o', values.output, bytes);
  return `wrote ${values.output}: ${model.graph.name}, ${model.graph.nodes.length} nodes (ONNX opset ${opset}, seeded weights)`;
}

export function sliceCommand(args: string[]): string {
  const { values, positionals } = parseFlags(args, SLICE_COMMAND.flags);
  const maxTokens = intFlag('max-tokens', values['max-tokens'], 1, 10_000_000);
  const strategy = choiceFlag('strategy', values.strategy, SLICING_STRATEGIES, 'dp');
  if (maxTokens === undefined && strategy !== 'none') throw new InputError('--max-tokens', undefined, 'the context window in tokens (a positive integer)', 'is missing');
  const tokenizer = choiceFlag('tokenizer', values.tokenizer, TOKENIZERS, 'qwen2.5');
  const model = modelFromFlags(values, positionals, stderrNotes());
  const ops = operatorsOf(model.graph, serializeNodeLines(model.graph), tokenCounter(tokenizer));
  const slicing = sliceBy(strategy, ops, maxTokens as number);
  const out = { model: model.graph.name, tokenizer, strategy, maxTokens: maxTokens ?? null, operators: ops.tokens.length, ...slicing };
  if (values.json) return jsonOut(out);
  return [
    `${model.graph.name}: ${ops.tokens.length} operators, ${slicing.totalTokens.toLocaleString('en-US')} ${tokenizer} tokens; ${strategy} slicing${maxTokens ? ` within ${maxTokens} tokens` : ''}`,
    ...slicing.slices.map((s, k) => `  slice ${k + 1}: operators ${s.start}..${s.end - 1} (${s.tokens} tokens)`),
    `cut edges: ${slicing.cutEdges} (C summed over ${slicing.boundaries.length} boundaries; ${slicing.severedEdges} distinct edges severed)`,
  ].join('\n');
}

export const DATASET_COMMAND = defineCommand({
  name: 'lamda dataset',
  summary: 'LAMDA fine-tuning pairs: device, latency target, syntax rules and a base model in; a measured variant out',
  example: 'paretonas lamda dataset --count 100 --seed 1 -o runs/pairs.jsonl',
  flags: {
    count: { type: 'string', value: 'N', default: '20', help: 'question/answer pairs, 1 to 1,000,000' },
    seed: { type: 'string', value: 'N', default: '0', help: 'sampling seed, 0 to 2^31-1' },
    space: { type: 'string', value: 'NAME|FILE', default: 'tinyml-cifar100', help: 'the search space the base models are sampled from' },
    runs: { type: 'string', value: 'N', default: '10, after 2 warm-up', help: 'timed runs of the base model and of the variant, 1 to 10,000' },
    output: { type: 'string', short: 'o', value: 'FILE.jsonl', required: true, help: 'where to write the pairs' },
  },
});
export const DATASET_USAGE = usageLine(DATASET_COMMAND);

export const LAMDA_SUBCOMMANDS = ['ablate', 'dataset', 'evaluate', 'generate', 'predictor'] as const;

/** `paretonas lamda SUBCOMMAND`: the dataset here; the loop, Table 3 and ablations in lamda-loop.ts. */
export async function lamdaCommand(args: string[]): Promise<string> {
  const [sub, ...rest] = args;
  if (sub === 'generate') return generateCommand(rest);
  if (sub === 'evaluate') return evaluateCommand(rest);
  if (sub === 'ablate') return ablateCommand(rest);
  if (sub === 'predictor') return lamdaPredictorCommand(rest);
  if (sub !== 'dataset') throw new InputError('SUBCOMMAND', sub, `${LAMDA_SUBCOMMANDS.join(', ')} (\`paretonas lamda --help\` lists them)`, sub === undefined ? 'is missing' : undefined);
  return datasetCommand(rest);
}

/** `paretonas lamda dataset`: question/answer pairs as JSONL for LoRA fine-tuning elsewhere. */
async function datasetCommand(rest: string[]): Promise<string> {
  const { values } = parseFlags(rest, DATASET_COMMAND.flags);
  if (!values.output) throw new InputError('-o', undefined, 'an output path (JSONL)', 'is missing');
  prepareOutput('-o', values.output);
  const count = intFlag('count', values.count, 1, 1_000_000) ?? Number(DATASET_COMMAND.flags.count.default);
  const { lamdaDataset } = await import('../lamda/dataset.js');
  const { resolveSpace } = await import('../space/builtin.js');
  const progress = process.stderr.isTTY;
  const pairs = await lamdaDataset(resolveSpace(values.space), {
    count,
    seed: intFlag('seed', values.seed, 0, 2 ** 31 - 1) ?? 0,
    runs: intFlag('runs', values.runs, 1, 10_000),
    onPair: progress ? (k) => process.stderr.write(`\r  pair ${k}/${count}`) : undefined,
  });
  if (progress) process.stderr.write('\r\x1b[K');
  writeOutput('-o', values.output, pairs.map((p) => JSON.stringify(p)).join('\n') + '\n');
  return `wrote ${pairs.length} question/answer pairs to ${values.output}`;
}
