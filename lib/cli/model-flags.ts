import type { LoadedGraph } from '../models.js';
import { loadGraph, parseShape, SOURCE_FORMATS } from '../models.js';
import { resolveSpace } from '../space/builtin.js';
import { InputError } from '../errors.js';
import { choiceFlag, intFlag } from './args.js';

/** Flags shared by every command that takes a model: FILE or --zoo NAME and how to read it. */
export const MODEL_FLAGS = {
  zoo: { type: 'string' },
  format: { type: 'string' },
  resolution: { type: 'string' },
  classes: { type: 'string' },
  input: { type: 'string' },
  space: { type: 'string' },
} as const;

export const MODEL_USAGE = '(FILE | --zoo NAME) [--format auto|candidate|lmanet|mcunet|onnx] [--resolution N] [--classes N] [--input 1x3xHxW] [--space NAME|FILE]';

type ModelFlagValues = { zoo?: string; format?: string; resolution?: string; classes?: string; input?: string; space?: string };

export function modelFromFlags(values: ModelFlagValues, positionals: string[]): LoadedGraph {
  if (positionals.length > 1) throw new InputError('FILE', positionals, 'one model file', `got ${positionals.length} files`);
  return loadGraph({
    file: positionals[0],
    zoo: values.zoo,
    format: choiceFlag('format', values.format, SOURCE_FORMATS, 'auto'),
    resolution: intFlag('resolution', values.resolution, 8, 4096),
    classes: intFlag('classes', values.classes, 1, 1_000_000),
    inputShape: values.input === undefined ? undefined : parseShape(values.input),
    space: resolveSpace(values.space),
  });
}
