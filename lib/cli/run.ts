import { InputError, ValidationError } from '../errors.js';
import { LlmSetupError } from '../llm/types.js';
import { COMPARE_USAGE, compareCommand } from './compare.js';
import { ESTIMATE_USAGE, estimateCommand } from './estimate.js';
import { EXPLAIN_USAGE, explainCommand } from './explain.js';
import { EXPORT_USAGE, exportCommand } from './export.js';
import { LATENCY_USAGE, latencyCommand } from './latency.js';
import { PARETO_USAGE, paretoCommand } from './pareto.js';
import { referenceCommand } from './reference.js';
import { DATASET_USAGE, lamdaCommand, PARSE_USAGE, parseCommand, SERIALIZE_USAGE, serializeCommand, SLICE_USAGE, sliceCommand } from './lamda.js';
import { ABLATE_USAGE, EVALUATE_USAGE, GENERATE_USAGE } from './lamda-loop.js';
import { PREDICTOR_USAGE } from './lamda-predictor.js';
import { REPORT_USAGE, reportCommand } from './report.js';
import { SEARCH_USAGE, searchCommand } from './search.js';
import { spaceCommand, SPACE_USAGE } from './space.js';

const USAGE = `paretonas — LLM-guided, hardware-aware NAS for TinyML

Commands:
  ${SEARCH_USAGE}
      a search campaign: propose, validate, evaluate, keep the Pareto front; records in runs/ID/records.jsonl
  ${COMPARE_USAGE}
      runs side by side: Table III of the LMaNet paper, then valid rate, rejections, hypervolume, LLM calls and tokens
  ${EXPLAIN_USAGE}
      ask the LLM why it chose an evaluated candidate (Fig. 6); the answer is appended to the run's records
  ${ESTIMATE_USAGE}
      MACs, params, flash and peak SRAM of a model, with a per-layer breakdown
  ${EXPORT_USAGE}
      write a model as ONNX (opset 14) with seeded He-initialised weights
  ${LATENCY_USAGE}
      inference latency in onnxruntime-node on this CPU, appended to a latency dataset (JSONL)
  ${PARETO_USAGE}
      the Pareto front (rows and values), non-dominated ranks and hypervolume of points in a CSV file
  ${REPORT_USAGE}
      an offline HTML report of a run (tables, figures, explanations), tables also as Markdown/CSV/LaTeX, figures as PNG/SVG
  ${SERIALIZE_USAGE}
      the LAMDA text of a model (connection-oriented: each line an op, its attributes, its input ids, its output id)
  ${DATASET_USAGE}
      LAMDA fine-tuning pairs: device, latency target, syntax rules and a base model in; a measured variant out
  ${PREDICTOR_USAGE}
      LAMDA's latency predictor: measure zoo variants in onnxruntime-node, fit it, report MAPE and ±10% on held-out variants and families
  ${GENERATE_USAGE}
      LAMDA's closed loop: generate, parse, verify (syntax, task head, predicted latency), correct; the result measured
  ${EVALUATE_USAGE}
      LAMDA Table 3 for a generator: 12 latency targets per base model, MAE, MAPE, success rate
  ${ABLATE_USAGE}
      LAMDA ablations: slicing strategies (Table 12), latency verification (Fig. 8), generators compared
  ${PARSE_USAGE}
      LAMDA text back to a model, written as ONNX
  ${SLICE_USAGE}
      cut the text into slices that fit a context window, cutting as few dataflow edges as possible
  paretonas reference [--json]
      the shipped reference models (MCUNet, LMaNet, QwNet): computed beside published figures
  ${SPACE_USAGE}
      size of a search space and cost statistics of seeded samples

A model is a JSON config (LMaNet candidate_config, a candidate {blocks}, an MCUNet config), an ONNX
file, or a zoo model: alexnet, resnet18, resnet50, mobilenet_v2, mnasnet1_0, googlenet, vgg16,
squeezenet1_0, squeezenet1_1, mobilenet_v3_small.
`;

const COMMANDS: Record<string, (args: string[]) => string | Promise<string>> = {
  compare: compareCommand,
  estimate: estimateCommand,
  explain: explainCommand,
  export: exportCommand,
  lamda: lamdaCommand,
  latency: latencyCommand,
  pareto: paretoCommand,
  parse: parseCommand,
  reference: referenceCommand,
  serialize: serializeCommand,
  slice: sliceCommand,
  report: reportCommand,
  search: searchCommand,
  space: spaceCommand,
};

export async function runCli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') return { code: 0, stdout: USAGE, stderr: '' };
  const run = COMMANDS[command];
  if (!run) return { code: 2, stdout: '', stderr: `paretonas: command: got ${JSON.stringify(command)}; allowed: ${Object.keys(COMMANDS).sort().join(', ')}\n` };
  try {
    return { code: 0, stdout: `${await run(rest)}\n`, stderr: '' };
  } catch (err) {
    if (err instanceof InputError || err instanceof ValidationError || err instanceof LlmSetupError) {
      return { code: 2, stdout: '', stderr: `paretonas ${command}: ${err.message.replaceAll('\n', ' ')}\n` };
    }
    throw err;
  }
}
