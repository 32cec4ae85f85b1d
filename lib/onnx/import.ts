import { readFileSync } from 'node:fs';
import { checkRegularFile } from '../read-bounded.js';
import { formatValue, InputError, showName } from '../errors.js';
import { GraphBuilder } from '../graph/builder.js';
import type { Graph } from '../graph/types.js';
import type { AttributeProto, ModelProto, NodeProto, TensorProto } from './proto.js';
import { onnx, toNumber } from './proto.js';
import { checkTensor, tensorValues } from './tensors.js';

/** ONNX ops the importer understands (PyTorch's export vocabulary for these CNNs). */
export const IMPORTABLE_OPS = [
  'Constant', 'Identity', 'Conv', 'BatchNormalization', 'Clip', 'Relu', 'LeakyRelu', 'Sigmoid', 'HardSigmoid', 'HardSwish',
  'Add', 'Mul', 'Concat', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'ReduceMean', 'Flatten', 'Reshape', 'Gemm', 'MatMul', 'Dropout',
  'Pad', 'Shape', 'Gather', 'Unsqueeze', 'Squeeze', 'Cast',
] as const;

interface Constant {
  dims: number[];
  values: number[];
}

export interface ImportOptions {
  /** Input shape (e.g. [1, 3, 224, 224]) where the model's own is dynamic or to override it. */
  inputShape?: readonly number[];
  name?: string;
}

/** Decodes ONNX bytes with a clear error for anything that is not an ONNX model. */
export function decodeModel(bytes: Uint8Array, source = 'ONNX file'): ModelProto {
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new InputError(source, `${bytes.length} bytes`, 'an ONNX model (protobuf ModelProto)', `cannot be decoded (${(err as Error).message})`);
  }
  if (!model.graph || !model.graph.node || model.graph.node.length === 0) {
    throw new InputError(source, `${bytes.length} bytes`, 'an ONNX model with a graph of nodes', 'holds no graph');
  }
  return model;
}

function attrs(node: NodeProto): Map<string, AttributeProto> {
  return new Map((node.attribute ?? []).map((a) => [a.name as string, a]));
}
const attrInts = (a: Map<string, AttributeProto>, key: string): number[] | undefined => a.get(key)?.ints?.map(toNumber);
const attrInt = (a: Map<string, AttributeProto>, key: string, fallback: number): number => (a.has(key) ? toNumber(a.get(key)?.i) : fallback);
const attrFloat = (a: Map<string, AttributeProto>, key: string, fallback: number): number => (a.has(key) ? (a.get(key)?.f ?? fallback) : fallback);

/** Turns an ONNX model into a Graph: weights become attributes, constants are folded away. */
export function importModel(model: ModelProto, options: ImportOptions = {}): Graph {
  const g = model.graph as NonNullable<ModelProto['graph']>;
  const g2 = new GraphBuilder(options.name ?? g.name ?? 'onnx');
  const nodes = g.node ?? [];
  const consumers = new Map<string, NodeProto[]>();
  for (const node of nodes) {
    for (const v of node.input ?? []) {
      const list = consumers.get(v);
      if (list) list.push(node);
      else consumers.set(v, [node]);
    }
  }
  const constants = new Map<string, Constant>();
  for (const t of g.initializer ?? []) {
    const user = consumers.get(t.name as string)?.[0];
    constants.set(t.name as string, readConstant(t, `initializer ${shown(t.name ?? '')}${user ? ` (read by node ${shown(user.name || String(user.opType))})` : ''}`));
  }
  const tensors = new Map<string, number>(); // ONNX value name -> graph tensor

  const graphInputs = (g.input ?? []).filter((v) => !constants.has(v.name as string));
  if (graphInputs.length !== 1) {
    throw new InputError('ONNX graph inputs', graphInputs.map((v) => v.name), 'exactly one non-initializer input (an image batch)', `got ${graphInputs.length} [${shownList(graphInputs.map((v) => v.name))}]`);
  }
  const inputInfo = graphInputs[0] as NonNullable<typeof graphInputs[0]>;
  const declared = inputInfo.type?.tensorType?.shape?.dim?.map((d) => (d.dimValue !== undefined && d.dimValue !== null && toNumber(d.dimValue) > 0 ? toNumber(d.dimValue) : NaN)) ?? [];
  const shape = options.inputShape ? [...options.inputShape] : declared.map((d, i) => (i === 0 && Number.isNaN(d) ? 1 : d));
  if (shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new InputError(`input ${shown(inputInfo.name)}`, declared.map((d) => (Number.isNaN(d) ? '?' : d)).join('x'), 'a fixed shape; pass --input, e.g. --input 1x3x224x224', 'has a dynamic shape');
  }
  tensors.set(inputInfo.name as string, g2.input(inputInfo.name as string, shape));

  const constantOf = (node: NodeProto, i: number, what: string): Constant => {
    const c = constants.get(node.input?.[i] as string);
    if (!c) throw new InputError(`node ${shown(node.name || `${node.opType}_${node.output?.[0]}`)} (${node.opType}) input ${i}`, node.input?.[i], `a constant ${what} (initializer or Constant node)`, `got ${shown(node.input?.[i] ?? '')}`);
    return c;
  };
  const tensorOf = (nodeName: string, value: string): number => {
    const t = tensors.get(value);
    if (t === undefined) throw new InputError(`node ${nodeName}`, value, 'inputs produced by earlier nodes (a topologically sorted graph)', `got ${shown(value)}`);
    return t;
  };
  const bind = (node: NodeProto, t: number) => tensors.set(node.output?.[0] as string, t);
  const fusedBias = new Set<NodeProto>();
  // Zero-valued constant Pad in front of a Conv or pool (PyTorch writes AvgPool2d that way): its
  // pads join the consumer's own.
  const pendingPads = new Map<string, { source: string; pads: [number, number, number, number] }>();
  const padded = (node: NodeProto, own: [number, number, number, number]): [number, number, number, number] => {
    const p = pendingPads.get(node.input?.[0] as string);
    return p ? (own.map((v, i) => v + (p.pads[i] as number)) as [number, number, number, number]) : own;
  };
  /** A constant per-channel input (bias, BN statistics) must be a vector of `length` values. */
  const vector = (node: NodeProto, label: string, i: number, what: string, length: number): void => {
    const c = constants.get(node.input?.[i] as string);
    if (c && (c.dims.length !== 1 || c.dims[0] !== length)) throw new InputError(`node ${label} (${node.opType}) ${what}`, c.dims, `a vector of ${length} values (one per channel)`);
  };
  const allConstant = (node: NodeProto) => (node.input ?? []).every((v) => v === '' || constants.has(v));

  for (const node of nodes) {
    const op = node.opType as string;
    const fullName = node.name || `${op}_${node.output?.[0]}`;
    g2.setBlock(fullName); // the per-layer breakdown shows the file's own node names
    const label = shown(fullName); // errors show it cut, with its length
    const a = attrs(node);
    const x = (): number => tensorOf(label, pendingPads.get(node.input?.[0] as string)?.source ?? (node.input?.[0] as string));
    const setConstant = (c: Constant) => constants.set(node.output?.[0] as string, c);
    const dynamicInputs = (node.input ?? []).filter((v) => v !== '' && !constants.has(v));
    switch (op) {
      case 'Constant': {
        const value = a.get('value')?.t;
        const scalar = a.get('value_float')?.f ?? (a.has('value_int') ? toNumber(a.get('value_int')?.i) : undefined);
        const ints = a.get('value_ints')?.ints?.map(toNumber);
        const c: Constant = value ? readConstant(value, `node ${label} (Constant) value`) : ints ? { dims: [ints.length], values: ints } : { dims: [], values: scalar === undefined ? [] : [scalar] };
        constants.set(node.output?.[0] as string, c);
        break;
      }
      case 'Shape': {
        const s = g2.shape(x());
        setConstant({ dims: [s.length], values: [...s] });
        break;
      }
      case 'Gather':
      case 'Unsqueeze':
      case 'Squeeze':
      case 'Cast':
      case 'Concat': {
        if (!allConstant(node)) {
          if (op !== 'Concat') throw new InputError(`node ${label}`, op, 'an op on constants (shape arithmetic) only');
          bind(node, g2.add('Concat', dynamicInputs.map((v) => tensorOf(label, v)), { axis: attrInt(a, 'axis', 1) }, 'concat'));
          break;
        }
        const first = constantOf(node, 0, 'operand');
        if (op === 'Gather') {
          const idx = constantOf(node, 1, 'index');
          if (attrInt(a, 'axis', 0) !== 0 || first.dims.length !== 1) throw new InputError(`node ${label} (Gather)`, first.dims, 'a gather from a 1-D constant along axis 0');
          const n = first.values.length;
          if (idx.values.some((i) => !Number.isInteger(i) || i < -n || i >= n)) throw new InputError(`node ${label} (Gather) indices`, idx.values, `integers from ${-n} to ${n - 1}`);
          setConstant({ dims: idx.dims, values: idx.values.map((i) => first.values[i < 0 ? i + first.values.length : i] as number) });
        } else if (op === 'Concat') {
          const parts = (node.input ?? []).map((_, i) => constantOf(node, i, 'operand'));
          setConstant({ dims: [parts.reduce((n, c) => n + c.values.length, 0)], values: parts.flatMap((c) => c.values) });
        } else {
          // Unsqueeze / Squeeze / Cast change dims or type only; the values (shape numbers) stay.
          setConstant({ dims: op === 'Cast' ? first.dims : [first.values.length], values: first.values });
        }
        break;
      }
      case 'Pad': {
        const pads = node.input?.[1] ? constantOf(node, 1, 'pads').values : (attrInts(a, 'pads') ?? []);
        const mode = a.get('mode')?.s ? new TextDecoder().decode(a.get('mode')?.s as Uint8Array) : 'constant';
        const value = node.input?.[2] ? (constantOf(node, 2, 'value').values[0] ?? 0) : 0;
        const rank = pads.length / 2;
        const nonSpatial = pads.filter((_, i) => i % rank < rank - 2);
        if (mode !== 'constant' || value !== 0 || rank !== 4 || nonSpatial.some((p) => p !== 0)) {
          throw new InputError(`node ${label} (Pad)`, { mode, value, pads }, 'zero padding of the two spatial axes of an NCHW tensor', `got mode ${shown(mode)}, value ${formatValue(value)}, pads ${formatValue(pads)}`);
        }
        const next = consumers.get(node.output?.[0] as string) ?? [];
        const allZero = pads.every((p) => p === 0);
        if (!allZero && !next.every((n) => ['Conv', 'MaxPool', 'AveragePool'].includes(n.opType as string))) {
          throw new InputError(`node ${label} (Pad)`, pads, 'padding read only by Conv or pooling nodes');
        }
        pendingPads.set(node.output?.[0] as string, { source: node.input?.[0] as string, pads: [pads[2], pads[3], pads[6], pads[7]] as [number, number, number, number] });
        break;
      }
      case 'Identity':
      case 'Dropout': {
        const v = node.input?.[0] as string;
        if (constants.has(v)) constants.set(node.output?.[0] as string, constants.get(v) as Constant);
        else bind(node, op === 'Identity' ? x() : g2.add('Dropout', [x()], { ratio: constants.get(node.input?.[1] as string)?.values[0] ?? attrFloat(a, 'ratio', 0.5) }, 'dropout'));
        break;
      }
      case 'Conv': {
        const w = constantOf(node, 1, 'weight');
        const cin = g2.shape(x())[1] as number;
        const group = attrInt(a, 'group', 1);
        if (w.dims.length !== 4 || !w.dims.every((d) => Number.isInteger(d) && d >= 1) || (w.dims[1] as number) * group !== cin) {
          throw new InputError(`node ${label} (Conv) weight`, w.dims, `a rank-4 [out, in / group, kh, kw] weight with in / group x group = ${cin} input channels`);
        }
        const dil = attrInts(a, 'dilations');
        if (dil && dil.some((d) => d !== 1)) throw new InputError(`node ${label} (Conv) dilations`, dil, 'all 1 (dilated convolutions are not supported)');
        const kernel = pair(label, 'kernel_shape', attrInts(a, 'kernel_shape') ?? w.dims.slice(2));
        if (kernel.join('x') !== w.dims.slice(2).join('x')) throw new InputError(`node ${label} (Conv) kernel_shape`, kernel, `the weight's own ${w.dims.slice(2).join('x')}`);
        const strides = pair(label, 'strides', attrInts(a, 'strides') ?? [1, 1]);
        const inShape = g2.shape(x());
        const pads = padded(node, padsOf(a, label, [inShape[2] as number, inShape[3] as number], kernel, strides));
        const bias = (node.input?.[2] ?? '') !== '';
        if (bias) vector(node, label, 2, 'bias', w.dims[0] as number);
        bind(node, g2.add('Conv', [x()], { outChannels: w.dims[0] as number, kernel, strides, pads, group, bias }, 'conv'));
        break;
      }
      case 'BatchNormalization':
        ['scale', 'bias', 'mean', 'var'].forEach((what, i) => vector(node, label, i + 1, what, g2.shape(x())[1] as number));
        bind(node, g2.add('BatchNormalization', [x()], { epsilon: attrFloat(a, 'epsilon', 1e-5) }, 'bn'));
        break;
      case 'Clip': {
        const min = node.input?.[1] ? constantOf(node, 1, 'minimum').values[0] : attrFloat(a, 'min', -3.4e38);
        const max = node.input?.[2] ? constantOf(node, 2, 'maximum').values[0] : attrFloat(a, 'max', 3.4e38);
        bind(node, g2.add('Clip', [x()], { min: min ?? -3.4e38, max: max ?? 3.4e38 }, min === 0 && max === 6 ? 'relu6' : 'clip'));
        break;
      }
      case 'Relu':
      case 'Sigmoid':
      case 'HardSwish':
        bind(node, g2.add(op, [x()], {}, op.toLowerCase()));
        break;
      case 'LeakyRelu':
        bind(node, g2.add('LeakyRelu', [x()], { alpha: attrFloat(a, 'alpha', 0.01) }, 'leakyrelu'));
        break;
      case 'HardSigmoid':
        bind(node, g2.add('HardSigmoid', [x()], { alpha: attrFloat(a, 'alpha', 0.2), beta: attrFloat(a, 'beta', 0.5) }, 'hardsigmoid'));
        break;
      case 'Add':
      case 'Mul': {
        if (fusedBias.has(node)) break;
        if (dynamicInputs.length === 0) throw new InputError(`node ${label} (${op})`, node.input, 'at least one non-constant input', `got inputs [${shownList(node.input ?? [])}]`);
        // A constant operand (bias, scale) is a weight, not a tensor: the node keeps its shape as an attribute.
        const constant = (node.input ?? []).find((v) => v !== '' && constants.has(v));
        const weight = constant === undefined ? undefined : (constants.get(constant) as Constant).dims;
        if (dynamicInputs.length + (constant === undefined ? 0 : 1) !== 2) throw new InputError(`node ${label} (${op})`, node.input, 'two inputs', `got inputs [${shownList(node.input ?? [])}]`);
        bind(node, g2.add(op, dynamicInputs.map((v) => tensorOf(label, v)), weight ? { weight } : {}, op.toLowerCase()));
        break;
      }
      case 'MaxPool':
      case 'AveragePool': {
        const kernel = pair(label, 'kernel_shape', attrInts(a, 'kernel_shape'));
        const strides = pair(label, 'strides', attrInts(a, 'strides') ?? [1, 1]);
        const inShape = g2.shape(x());
        const own = padsOf(a, label, [inShape[2] as number, inShape[3] as number], kernel, strides);
        let countIncludePad = attrInt(a, 'count_include_pad', 0) === 1;
        if (pendingPads.has(node.input?.[0] as string) && op === 'AveragePool') {
          // Zeros written by a Pad node are part of every window: they count, whatever the pool says of its own pads.
          if (own.some((p) => p !== 0) && !countIncludePad) throw new InputError(`node ${label} (AveragePool)`, own, 'no own padding after a Pad node, or count_include_pad = 1');
          countIncludePad = true;
        }
        bind(node, g2.add(op, [x()], { kernel, strides, pads: padded(node, own), ceilMode: attrInt(a, 'ceil_mode', 0) === 1, countIncludePad }, op === 'MaxPool' ? 'maxpool' : 'avgpool'));
        break;
      }
      case 'GlobalAveragePool':
        bind(node, g2.add('GlobalAveragePool', [x()], {}, 'gap'));
        break;
      case 'ReduceMean': {
        const rank = g2.shape(x()).length;
        const axes = (attrInts(a, 'axes') ?? (node.input?.[1] ? constantOf(node, 1, 'axes').values : [])).map((ax) => (ax < 0 ? ax + rank : ax)).sort();
        if (rank !== 4 || axes.join(',') !== '2,3') throw new InputError(`node ${label} (ReduceMean) axes`, axes, 'the spatial axes [2, 3] of an NCHW tensor');
        const pooled = g2.add('GlobalAveragePool', [x()], {}, 'gap');
        bind(node, attrInt(a, 'keepdims', 1) === 1 ? pooled : g2.add('Flatten', [pooled], { axis: 1 }, 'squeeze'));
        break;
      }
      case 'Flatten':
        bind(node, g2.add('Flatten', [x()], { axis: attrInt(a, 'axis', 1) }, 'flatten'));
        break;
      case 'Reshape': {
        const inShape = g2.shape(x());
        const target = constantOf(node, 1, 'shape').values.map((d, i) => (d === 0 ? (inShape[i] as number) : d));
        const total = inShape.reduce((p, d) => p * d, 1);
        const resolved = target.includes(-1) ? target.map((d) => (d === -1 ? total / target.filter((t) => t !== -1).reduce((p, t) => p * t, 1) : d)) : target;
        if (resolved.length !== 2 || resolved[0] !== inShape[0] || resolved.reduce((p, d) => p * d, 1) !== total) {
          throw new InputError(`node ${label} (Reshape) shape`, target, 'a flatten to [N, -1] (other reshapes are not supported)');
        }
        bind(node, g2.add('Flatten', [x()], { axis: 1 }, 'flatten'));
        break;
      }
      case 'Gemm': {
        if (attrInt(a, 'transA', 0) !== 0) throw new InputError(`node ${label} (Gemm) transA`, 1, '0');
        const w = constantOf(node, 1, 'weight');
        const transB = attrInt(a, 'transB', 0) === 1;
        const features = g2.shape(x())[1];
        if (w.dims.length !== 2 || (transB ? w.dims[1] : w.dims[0]) !== features) {
          throw new InputError(`node ${label} (Gemm) weight`, w.dims, `a rank-2 weight with ${features} input features${transB ? ' (transB: [out, in])' : ' ([in, out])'}`);
        }
        const out = transB ? w.dims[0] : w.dims[1];
        bind(node, g2.add('Gemm', [x()], { outFeatures: out as number, bias: (node.input?.[2] ?? '') !== '' }, 'gemm'));
        break;
      }
      case 'MatMul': {
        const w = constantOf(node, 1, 'weight');
        if (w.dims.length !== 2 || w.dims[0] !== g2.shape(x())[1]) {
          throw new InputError(`node ${label} (MatMul) weight`, w.dims, `a rank-2 [in, out] weight with ${g2.shape(x())[1]} input features`);
        }
        // MatMul + Add(constant) is a linear layer with bias.
        const next = consumers.get(node.output?.[0] as string) ?? [];
        const add = next.length === 1 && next[0]?.opType === 'Add' && (next[0].input ?? []).some((v) => constants.has(v)) ? next[0] : undefined;
        const t = g2.add('Gemm', [x()], { outFeatures: w.dims[w.dims.length - 1] as number, bias: add !== undefined }, 'matmul');
        bind(node, t);
        if (add) {
          fusedBias.add(add);
          tensors.set(add.output?.[0] as string, t);
        }
        break;
      }
      default:
        // names cut short here so that the line with the whole list stays under 400 characters
        throw new InputError(`node ${shown(fullName, 40)}`, op, IMPORTABLE_OPS.join(','), `op type ${shown(String(op), 16)} is not supported`);
    }
  }
  if (!g.output?.length) throw new InputError('ONNX graph outputs', [], 'at least one graph output');
  const outputs = g.output.map((v) => tensorOf('graph output', v.name as string));
  return g2.finish(outputs);
}

/** A name, op type or string from the file as every error shows it (showName: quoted, escaped, cut). */
const shown = (name: unknown, max = 60): string => showName(String(name ?? ''), max);
/** Names from the file, each shown, joined by ", " and cut as one (MAX list of 8 names). */
const shownList = (names: readonly unknown[]): string => `${names.slice(0, 8).map((n) => shown(n, 40)).join(', ')}${names.length > 8 ? `, and ${names.length - 8} more` : ''}`;

/** A checked tensor as a constant: its dims and, for a small one, its values. */
function readConstant(t: TensorProto, field: string): Constant {
  const { dims, elements } = checkTensor(t, field);
  return { dims, values: tensorValues(t, elements) };
}

/** A two-value spatial attribute (kernel, strides): positive integers. */
function pair(label: string, field: string, values: number[] | undefined): [number, number] {
  if (!values || values.length !== 2 || !values.every((v) => Number.isInteger(v) && v >= 1)) {
    throw new InputError(`node ${label} ${field}`, values, 'two positive integers (2-D convolution and pooling only)');
  }
  return values as [number, number];
}

function padsOf(a: Map<string, AttributeProto>, label: string, size: [number, number], kernel: [number, number], strides: [number, number]): [number, number, number, number] {
  const autoPad = a.get('auto_pad')?.s ? new TextDecoder().decode(a.get('auto_pad')?.s as Uint8Array) : 'NOTSET';
  if (autoPad === 'NOTSET' || autoPad === 'VALID') {
    const p = autoPad === 'VALID' ? [0, 0, 0, 0] : (attrInts(a, 'pads') ?? [0, 0, 0, 0]);
    if (p.length !== 4) throw new InputError(`node ${label} pads`, p, 'four values (top, left, bottom, right)');
    return p as [number, number, number, number];
  }
  if (autoPad !== 'SAME_UPPER' && autoPad !== 'SAME_LOWER') throw new InputError(`node ${label} auto_pad`, autoPad, 'NOTSET, VALID, SAME_UPPER, SAME_LOWER', `got ${shown(autoPad)}`);
  const total = [0, 1].map((i) => Math.max(0, (Math.ceil((size[i] as number) / (strides[i] as number)) - 1) * (strides[i] as number) + (kernel[i] as number) - (size[i] as number)));
  const small = total.map((t) => Math.floor(t / 2));
  const big = total.map((t, i) => t - (small[i] as number));
  return autoPad === 'SAME_UPPER' ? [small[0], small[1], big[0], big[1]] as [number, number, number, number] : [big[0], big[1], small[0], small[1]] as [number, number, number, number];
}

export function importOnnxFile(path: string, options: ImportOptions = {}): Graph {
  let bytes: Uint8Array;
  checkRegularFile(path, 'FILE');
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new InputError('FILE', path, 'a readable ONNX file', (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message);
  }
  const base = path.split('/').pop()?.replace(/\.onnx$/, '') ?? 'onnx';
  return importModel(decodeModel(bytes, path), { name: base, ...options });
}
