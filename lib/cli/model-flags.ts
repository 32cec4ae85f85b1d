import type { LoadedGraph } from '../models.js';
import { loadGraph, parseShape, SOURCE_FORMATS } from '../models.js';
import { DEFAULT_SPACE, resolveSpace } from '../space/builtin.js';
import { ZOO_MODELS } from '../graph/zoo/index.js';
import { InputError } from '../errors.js';
import { checkPositionals, choiceFlag, intFlag } from './args.js';

/** Flags shared by every command that takes a model: FILE or --zoo NAME and how to read it. */
export const MODEL_FLAGS = {
  zoo: { type: 'string', value: 'NAME', help: `a zoo model instead of FILE: ${ZOO_MODELS.join(', ')}` },
  format: { type: 'string', value: SOURCE_FORMATS.join('|'), default: 'auto', help: 'how to read FILE (auto: by extension and JSON keys)' },
  resolution: { type: 'string', value: 'N', help: 'input pixels, 8 to 4096 (default: the file\'s own, or the space\'s)' },
  classes: { type: 'string', value: 'N', help: 'classifier outputs, 1 to 1,000,000 (default: the file\'s own, or the space\'s)' },
  input: { type: 'string', value: '1x3xHxW', help: 'input shape of a zoo model or ONNX file with a free shape' },
  space: { type: 'string', value: 'NAME|FILE', default: DEFAULT_SPACE, help: 'the search space a candidate {blocks} file is checked against' },
} as const;

/** The positional part of every model command's usage. */
export const MODEL_ARGS = '(FILE | --zoo NAME)';
export const MODEL_USAGE = `${MODEL_ARGS} [--format ${SOURCE_FORMATS.join('|')}] [--resolution N] [--classes N] [--input 1x3xHxW] [--space NAME|FILE]`;

type ModelFlagValues = { zoo?: string; format?: string; resolution?: string; classes?: string; input?: string; space?: string };

/** A loaded model and, for a candidate or LMaNet file, the search space it was read with. */
export interface FlagModel extends LoadedGraph {
  /**
   * The space whose input size, classes and head a candidate {blocks} or LMaNet file was lowered
   * with (and a candidate checked against): its name, and `--space` as given (absent: the default).
   * Absent for ONNX, DSL text, MCUNet configs and zoo models, which carry their own.
   */
  space?: { name: string; given?: string };
}

export function modelFromFlags(values: ModelFlagValues, positionals: string[], onNote?: (text: string) => void): FlagModel {
  checkPositionals('FILE', positionals, 'one model file path (or --zoo NAME)', 0, 1);
  const space = resolveSpace(values.space);
  const loaded = loadGraph({
    file: positionals[0],
    zoo: values.zoo,
    format: choiceFlag('format', values.format, SOURCE_FORMATS, 'auto'),
    resolution: intFlag('resolution', values.resolution, 8, 4096),
    classes: intFlag('classes', values.classes, 1, 1_000_000),
    inputShape: values.input === undefined ? undefined : parseShape(values.input),
    space,
    onNote,
  });
  if (loaded.format !== 'candidate' && loaded.format !== 'lmanet') return loaded;
  return { ...loaded, space: { name: space.name, ...(values.space !== undefined ? { given: values.space } : {}) } };
}
