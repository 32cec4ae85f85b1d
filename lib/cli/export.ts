import { writeFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import { exportOnnx } from '../onnx/export.js';
import { intFlag, parseFlags } from './args.js';
import { MODEL_FLAGS, MODEL_USAGE, modelFromFlags } from './model-flags.js';

export const EXPORT_USAGE = `paretonas export ${MODEL_USAGE} -o FILE.onnx [--fold-bn] [--seed N]`;

export function exportCommand(args: string[]): string {
  const { values, positionals } = parseFlags(args, {
    ...MODEL_FLAGS,
    output: { type: 'string', short: 'o' },
    'fold-bn': { type: 'boolean' },
    seed: { type: 'string' },
  });
  if (!values.output) throw new InputError('-o', undefined, 'an output path ending in .onnx', 'is missing');
  const model = modelFromFlags(values, positionals);
  const bytes = exportOnnx(model.graph, { foldBatchNorm: values['fold-bn'] ?? false, seed: intFlag('seed', values.seed, 0, 2 ** 31 - 1) ?? 0 });
  try {
    writeFileSync(values.output, bytes);
  } catch (err) {
    throw new InputError('-o', values.output, 'a writable path', (err as Error).message);
  }
  const input = model.graph.tensors[model.graph.inputs[0] as number]?.shape.join('x');
  return `wrote ${values.output}: ${model.graph.name}, ${model.graph.nodes.length} nodes, input Nx${input?.split('x').slice(1).join('x')}, ${(bytes.length / 2 ** 20).toFixed(2)} MiB (opset 14${values['fold-bn'] ? ', BN folded' : ''})`;
}
