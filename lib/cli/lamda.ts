import { writeFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import { serializeGraph, serializeNodeLines } from '../lamda/dsl.js';
import { operatorsOf, sliceBy, SLICING_STRATEGIES } from '../lamda/slice.js';
import { tokenCounter, TOKENIZERS } from '../lamda/tokens.js';
import { exportOnnx } from '../onnx/export.js';
import { choiceFlag, intFlag, parseFlags } from './args.js';
import { ablateCommand, evaluateCommand, generateCommand } from './lamda-loop.js';
import { lamdaPredictorCommand } from './lamda-predictor.js';
import { MODEL_FLAGS, MODEL_USAGE, modelFromFlags } from './model-flags.js';

export const SERIALIZE_USAGE = `paretonas serialize ${MODEL_USAGE} [-o FILE.txt]`;
export const PARSE_USAGE = 'paretonas parse FILE.txt -o FILE.onnx [--fold-bn] [--seed N]';
export const SLICE_USAGE = `paretonas slice ${MODEL_USAGE} --max-tokens N [--tokenizer qwen2.5|llama3|chars] [--strategy dp|naive|none] [--json]`;

function writeOrReturn(text: string, out: string | undefined, what: string): string {
  if (!out) return text.replace(/\n$/, '');
  try {
    writeFileSync(out, text);
  } catch (err) {
    throw new InputError('-o', out, 'a writable path', (err as Error).message);
  }
  return `wrote ${out} (${what})`;
}

export function serializeCommand(args: string[]): string {
  const { values, positionals } = parseFlags(args, { ...MODEL_FLAGS, output: { type: 'string', short: 'o' } });
  const model = modelFromFlags(values, positionals);
  const text = serializeGraph(model.graph);
  return writeOrReturn(text, values.output, `${model.graph.nodes.length} nodes, ${text.length.toLocaleString('en-US')} characters`);
}

export function parseCommand(args: string[]): string {
  const { values, positionals } = parseFlags(args, { output: { type: 'string', short: 'o' }, 'fold-bn': { type: 'boolean' }, seed: { type: 'string' } });
  if (positionals.length !== 1) throw new InputError('FILE.txt', positionals.join(' '), 'one DSL text file');
  if (!values.output) throw new InputError('-o', undefined, 'an output path ending in .onnx', 'is missing');
  const model = modelFromFlags({ format: 'dsl' }, positionals);
  const bytes = exportOnnx(model.graph, { foldBatchNorm: values['fold-bn'] ?? false, seed: intFlag('seed', values.seed, 0, 2 ** 31 - 1) ?? 0 });
  writeFileSync(values.output, bytes);
  return `wrote ${values.output}: ${model.graph.name}, ${model.graph.nodes.length} nodes (ONNX opset 14, seeded weights)`;
}

export function sliceCommand(args: string[]): string {
  const { values, positionals } = parseFlags(args, { ...MODEL_FLAGS, 'max-tokens': { type: 'string' }, tokenizer: { type: 'string' }, strategy: { type: 'string' }, json: { type: 'boolean' } });
  const maxTokens = intFlag('max-tokens', values['max-tokens'], 1, 10_000_000);
  const strategy = choiceFlag('strategy', values.strategy, SLICING_STRATEGIES, 'dp');
  if (maxTokens === undefined && strategy !== 'none') throw new InputError('--max-tokens', undefined, 'the context window in tokens (a positive integer)', 'is missing');
  const tokenizer = choiceFlag('tokenizer', values.tokenizer, TOKENIZERS, 'qwen2.5');
  const model = modelFromFlags(values, positionals);
  const ops = operatorsOf(model.graph, serializeNodeLines(model.graph), tokenCounter(tokenizer));
  const slicing = sliceBy(strategy, ops, maxTokens as number);
  const out = { model: model.graph.name, tokenizer, strategy, maxTokens: maxTokens ?? null, operators: ops.tokens.length, ...slicing };
  if (values.json) return JSON.stringify(out, null, 2);
  return [
    `${model.graph.name}: ${ops.tokens.length} operators, ${slicing.totalTokens.toLocaleString('en-US')} ${tokenizer} tokens; ${strategy} slicing${maxTokens ? ` within ${maxTokens} tokens` : ''}`,
    ...slicing.slices.map((s, k) => `  slice ${k + 1}: operators ${s.start}..${s.end - 1} (${s.tokens} tokens)`),
    `cut edges: ${slicing.cutEdges} (C summed over ${slicing.boundaries.length} boundaries; ${slicing.severedEdges} distinct edges severed)`,
  ].join('\n');
}

export const DATASET_USAGE = 'paretonas lamda dataset --count N [--seed S] [--space NAME|FILE] [--runs N] -o FILE.jsonl';

export const LAMDA_SUBCOMMANDS = ['ablate', 'dataset', 'evaluate', 'generate', 'predictor'] as const;

/** `paretonas lamda SUBCOMMAND`: the dataset here; the loop, Table 3 and ablations in lamda-loop.ts. */
export async function lamdaCommand(args: string[]): Promise<string> {
  const [sub, ...rest] = args;
  if (sub === 'generate') return generateCommand(rest);
  if (sub === 'evaluate') return evaluateCommand(rest);
  if (sub === 'ablate') return ablateCommand(rest);
  if (sub === 'predictor') return lamdaPredictorCommand(rest);
  if (sub !== 'dataset') throw new InputError('lamda subcommand', sub, LAMDA_SUBCOMMANDS.join(', '));
  return datasetCommand(rest);
}

/** `paretonas lamda dataset`: question/answer pairs as JSONL for LoRA fine-tuning elsewhere. */
async function datasetCommand(rest: string[]): Promise<string> {
  const { values } = parseFlags(rest, { count: { type: 'string' }, seed: { type: 'string' }, space: { type: 'string' }, runs: { type: 'string' }, output: { type: 'string', short: 'o' } });
  if (!values.output) throw new InputError('-o', undefined, 'an output path (JSONL)', 'is missing');
  const count = intFlag('count', values.count, 1, 1_000_000) ?? 20;
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
  writeFileSync(values.output, pairs.map((p) => JSON.stringify(p)).join('\n') + '\n');
  return `wrote ${pairs.length} question/answer pairs to ${values.output}`;
}
