/**
 * Reading ONNX TensorProtos without trusting them: dims are checked (at most MAX_TENSOR_RANK = 64
 * of them, integers from 0 to MAX_TENSOR_ELEMENTS, at most that many elements in all) and the stored data against the dims
 * (raw_data bytes = elements x element size, or as many typed values as elements) before any value
 * is read. Data stored outside the file (data_location EXTERNAL) is not read, only its dims.
 */
import { InputError } from '../errors.js';
import { MAX_TENSOR_ELEMENTS, MAX_TENSOR_RANK } from '../graph/bounds.js';
import type { TensorProto } from './proto.js';
import { onnx, toNumber } from './proto.js';

const DT = onnx.TensorProto.DataType;

/** Bytes an element takes in raw_data, by data type (STRING has no fixed size). */
const ELEMENT_BYTES: Readonly<Record<number, number>> = {
  [DT.FLOAT]: 4, [DT.UINT8]: 1, [DT.INT8]: 1, [DT.UINT16]: 2, [DT.INT16]: 2, [DT.INT32]: 4, [DT.INT64]: 8, [DT.BOOL]: 1,
  [DT.FLOAT16]: 2, [DT.DOUBLE]: 8, [DT.UINT32]: 4, [DT.UINT64]: 8, [DT.COMPLEX64]: 8, [DT.COMPLEX128]: 16, [DT.BFLOAT16]: 2,
};

/** Values a typed field holds per element (complex numbers take two). */
const PER_ELEMENT: Readonly<Record<number, number>> = { [DT.COMPLEX64]: 2, [DT.COMPLEX128]: 2 };

/** A checked tensor: its dims and element count, both exact. */
export interface CheckedTensor {
  dims: number[];
  elements: number;
}

/**
 * Checks a tensor's dims and its data length against them.
 * @param field names the tensor in errors, e.g. `initializer "w" (read by node gemm)`.
 * @throws InputError naming the field, what was found and what is allowed.
 */
export function checkTensor(t: TensorProto, field: string): CheckedTensor {
  const rank = t.dims?.length ?? 0;
  if (rank > MAX_TENSOR_RANK) throw new InputError(`${field} dims`, rank, `at most ${MAX_TENSOR_RANK} dimensions (the most PyTorch tensors take)`, `has ${rank} dimensions`);
  const dims = (t.dims ?? []).map(toNumber);
  const bad = dims.findIndex((d) => !Number.isInteger(d) || d < 0 || d > MAX_TENSOR_ELEMENTS);
  if (bad >= 0) throw new InputError(`${field} dims`, dims, `integers from 0 to ${MAX_TENSOR_ELEMENTS} (2^40)`, `dimension ${bad} is ${dims[bad]}`);
  let elements = 1;
  for (const d of dims) elements *= d;
  if (elements > MAX_TENSOR_ELEMENTS) throw new InputError(`${field} dims`, dims, `at most ${MAX_TENSOR_ELEMENTS} (2^40) elements`, `${dims.join('x')} has ${elements} elements`);
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) return { dims, elements };
  const type = t.dataType ?? 0;
  const size = ELEMENT_BYTES[type];
  if (t.rawData && t.rawData.length > 0) {
    if (size === undefined) throw new InputError(`${field} data_type`, type, 'a numeric ONNX data type for raw_data');
    if (t.rawData.length !== elements * size) {
      throw new InputError(`${field} raw_data`, `${t.rawData.length} bytes`, `${elements} elements x ${size} bytes = ${elements * size} bytes for dims [${dims.join(', ')}]`, `holds ${t.rawData.length} bytes`);
    }
    return { dims, elements };
  }
  const fields: [string, number][] = [
    ['float_data', t.floatData?.length ?? 0],
    ['int32_data', t.int32Data?.length ?? 0],
    ['int64_data', t.int64Data?.length ?? 0],
    ['double_data', t.doubleData?.length ?? 0],
    ['uint64_data', t.uint64Data?.length ?? 0],
    ['string_data', t.stringData?.length ?? 0],
  ];
  const present = fields.filter(([, n]) => n > 0);
  const held = present.reduce((n, [, k]) => n + k, 0);
  const wanted = elements * (PER_ELEMENT[type] ?? 1);
  if (held !== wanted) {
    const where = present.length === 0 ? 'holds no data' : `holds ${present.map(([k, n]) => `${n} values in ${k}`).join(' and ')}`;
    throw new InputError(`${field} data`, held, `${wanted} values for dims [${dims.join(', ')}] (raw_data or one typed field)`, where);
  }
  return { dims, elements };
}

/**
 * The values of a small constant (shapes, clip bounds, axes, masks; at most 64 elements) as
 * numbers, after checkTensor (float, double and the integer types; BOOL as 0 / 1). Larger tensors (weights: only their dims matter) and other types give [].
 * int64 values past 2^53 become ±Infinity (never an inexact number).
 */
export function tensorValues(t: TensorProto, elements: number): number[] {
  if (elements > 64) return [];
  if (t.rawData && t.rawData.length > 0) {
    const raw = t.rawData;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    if (t.dataType === DT.FLOAT) return Array.from({ length: elements }, (_, i) => view.getFloat32(4 * i, true));
    if (t.dataType === DT.DOUBLE) return Array.from({ length: elements }, (_, i) => view.getFloat64(8 * i, true));
    if (t.dataType === DT.INT64) return Array.from({ length: elements }, (_, i) => exact(view.getBigInt64(8 * i, true)));
    if (t.dataType === DT.INT32) return Array.from({ length: elements }, (_, i) => view.getInt32(4 * i, true));
    if (t.dataType === DT.INT16) return Array.from({ length: elements }, (_, i) => view.getInt16(2 * i, true));
    if (t.dataType === DT.UINT16) return Array.from({ length: elements }, (_, i) => view.getUint16(2 * i, true));
    if (t.dataType === DT.UINT32) return Array.from({ length: elements }, (_, i) => view.getUint32(4 * i, true));
    if (t.dataType === DT.INT8) return Array.from({ length: elements }, (_, i) => view.getInt8(i));
    if (t.dataType === DT.UINT8 || t.dataType === DT.BOOL) return Array.from({ length: elements }, (_, i) => view.getUint8(i));
    return [];
  }
  if (t.floatData?.length) return [...t.floatData];
  if (t.doubleData?.length) return [...t.doubleData];
  if (t.int64Data?.length) return t.int64Data.map(toNumber);
  if (t.int32Data?.length && (t.dataType === DT.INT32 || t.dataType === DT.INT16 || t.dataType === DT.INT8 || t.dataType === DT.UINT8 || t.dataType === DT.UINT16 || t.dataType === DT.BOOL)) return [...t.int32Data];
  return [];
}

/**
 * Whether every element of a checked tensor holds the same value (a fresh init: LayerNorm's ones,
 * a zero bias), read from its bytes or typed values without decoding them.
 */
export function isUniform(t: TensorProto): boolean {
  const raw = t.rawData;
  if (raw && raw.length > 0) {
    const size = { [DT.DOUBLE]: 8, [DT.INT64]: 8, [DT.INT16]: 2, [DT.UINT16]: 2, [DT.INT8]: 1, [DT.UINT8]: 1, [DT.BOOL]: 1 }[t.dataType ?? DT.FLOAT] ?? 4;
    for (let i = size; i < raw.length; i++) if (raw[i] !== raw[i % size]) return false;
    return true;
  }
  const typed: readonly unknown[] = t.floatData?.length ? t.floatData : t.doubleData?.length ? t.doubleData : t.int32Data?.length ? t.int32Data : (t.int64Data ?? []).map(String);
  return typed.every((v) => v === typed[0]);
}

function exact(v: bigint): number {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : n > 0 ? Infinity : -Infinity;
}
