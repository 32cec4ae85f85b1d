import { InputError } from '../errors.js';
import { prepareOutput, writeOutput } from './output-file.js';
import type { Graph } from '../graph/types.js';
import { encodeModel, graphToModelProto } from '../onnx/export.js';
import { intFlag, parseFlags } from './args.js';
import { defineCommand, usageLine } from './command-spec.js';
import { MODEL_ARGS, MODEL_FLAGS, modelFromFlags } from './model-flags.js';
import { stderrNotes } from './notes.js';

export const EXPORT_COMMAND = defineCommand({
  name: 'export',
  args: MODEL_ARGS,
  summary: 'write a model as ONNX (opset 14, or 17 with a LayerNormalization) with seeded He-initialised weights',
  example: 'paretonas export --zoo resnet18 -o runs/resnet18.onnx --fold-bn',
  flags: {
    ...MODEL_FLAGS,
    output: { type: 'string', short: 'o', value: 'FILE.onnx', required: true, help: 'where to write the ONNX file' },
    'fold-bn': { type: 'boolean', help: 'fold BatchNorm into the preceding convolution' },
    seed: { type: 'string', value: 'N', default: '0', help: 'weight seed, 0 to 2^31-1' },
  },
});
export const EXPORT_USAGE = usageLine(EXPORT_COMMAND);

export function exportCommand(args: string[]): string {
  const { values, positionals } = parseFlags(args, EXPORT_COMMAND.flags);
  if (!values.output) throw new InputError('-o', undefined, 'an output path ending in .onnx', 'is missing');
  prepareOutput('-o', values.output);
  const model = modelFromFlags(values, positionals, stderrNotes());
  const { bytes, opset } = exportWithFlags(model.graph, values);
  writeOutput('-o', values.output, bytes);
  const input = model.graph.tensors[model.graph.inputs[0] as number]?.shape.join('x');
  return `wrote ${values.output}: ${model.graph.name}, ${model.graph.nodes.length} nodes, input Nx${input?.split('x').slice(1).join('x')}, ${(bytes.length / 2 ** 20).toFixed(2)} MiB (opset ${opset}${values['fold-bn'] ? ', BN folded' : ''})`;
}

/** The ONNX bytes of `graph` under `--fold-bn` and `--seed`, and the opset the file declares (14, or 17 with a LayerNormalization). */
export function exportWithFlags(graph: Graph, values: { 'fold-bn'?: boolean; seed?: string }): { bytes: Uint8Array; opset: number } {
  const proto = graphToModelProto(graph, { foldBatchNorm: values['fold-bn'] ?? false, seed: intFlag('seed', values.seed, 0, 2 ** 31 - 1) ?? 0 });
  return { bytes: encodeModel(proto), opset: Number(proto.opsetImport?.[0]?.version) };
}
