import { existsSync, readFileSync } from 'node:fs';
import { checkRegularFile } from './read-bounded.js';
import { formatValue, InputError } from './errors.js';
import { DslSyntaxError, parseGraph } from './lamda/dsl.js';
import { buildZooModel } from './graph/zoo/index.js';
import type { Graph } from './graph/types.js';
import { importOnnxFile } from './onnx/import.js';
import { resolveSpace } from './space/builtin.js';
import type { ModelFormat } from './space/formats.js';
import { loadModelFile } from './space/formats.js';
import type { SearchSpace } from './space/space.js';

/** Every format a model can arrive in. */
export const SOURCE_FORMATS = ['auto', 'candidate', 'lmanet', 'mcunet', 'onnx', 'dsl'] as const;
export type SourceFormat = (typeof SOURCE_FORMATS)[number];

export interface ModelSourceOptions {
  /** A model file (JSON config or .onnx), or ... */
  file?: string;
  /** ... a zoo model by name. */
  zoo?: string;
  format?: SourceFormat;
  resolution?: number;
  classes?: number;
  /** ONNX input shape, e.g. [1, 3, 224, 224], where the file's own is dynamic. */
  inputShape?: readonly number[];
  space?: SearchSpace;
  /** Told what an ONNX import changed that the user should know (a fixed batch read at batch 1). */
  onNote?: (text: string) => void;
}

export interface LoadedGraph {
  graph: Graph;
  format: Exclude<SourceFormat, 'auto'> | 'zoo';
  source: string;
}

/** One entry that turns any model source (config, candidate, ONNX file, zoo name) into a Graph. */
export function loadGraph(o: ModelSourceOptions): LoadedGraph {
  if ((o.file === undefined) === (o.zoo === undefined)) {
    throw new InputError('model', o.file ?? o.zoo ?? 'nothing', 'exactly one of FILE or --zoo NAME');
  }
  if (o.zoo !== undefined) {
    return { graph: buildZooModel(o.zoo, { resolution: o.resolution, classes: o.classes }), format: 'zoo', source: `zoo:${o.zoo}` };
  }
  const file = o.file as string;
  // Named here, once for every format: the readers below would say "no such file" without the path.
  if (!existsSync(file)) throw new InputError('FILE', file, 'a model file path (JSON config, .onnx, .txt/.dsl) or --zoo NAME', `got ${formatValue(file)}: no such file`);
  checkRegularFile(file, 'FILE');
  const format = o.format ?? 'auto';
  if (format === 'dsl' || (format === 'auto' && /\.(txt|dsl)$/i.test(file))) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new InputError('FILE', file, 'a readable DSL text file', (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message);
    }
    try {
      return { graph: parseGraph(text), format: 'dsl', source: file };
    } catch (err) {
      if (err instanceof DslSyntaxError) throw new InputError(`${file} line ${err.line} column ${err.column}`, err.found, err.expected, `got ${err.found}`);
      throw err;
    }
  }
  if (format === 'onnx' || (format === 'auto' && file.toLowerCase().endsWith('.onnx'))) {
    if (o.resolution !== undefined || o.classes !== undefined) {
      throw new InputError('--resolution/--classes', file, 'JSON configs and zoo models (an ONNX file has fixed weights; use --input for its input shape)');
    }
    return { graph: importOnnxFile(file, { inputShape: o.inputShape, onNote: o.onNote }), format: 'onnx', source: file };
  }
  const loaded = loadModelFile(file, { format: format as ModelFormat, resolution: o.resolution, classes: o.classes, space: o.space ?? resolveSpace() });
  return { graph: loaded.graph, format: loaded.format, source: file };
}

/** Parses "1x3x224x224" (the --input flag). */
export function parseShape(text: string, field = '--input'): number[] {
  const dims = text.split(/[x,]/).map(Number);
  if (dims.length < 2 || dims.some((d) => !Number.isInteger(d) || d < 1)) throw new InputError(field, text, 'positive integers joined by x, e.g. 1x3x224x224');
  return dims;
}
