/**
 * Attribute values of the LAMDA text (docs/dsl-grammar.md): each value kind parsed exactly
 * (integers decimal and at most 2^53 - 1), and what a bad value or an unknown op should have been.
 */
import type { AttrSpec } from '../graph/ops/spec.js';
import { OP_TYPES } from '../graph/types.js';
import { EMPTY_INTS } from './dsl-write.js';

const POSITIVE = /^[1-9]\d*$/;
const NATURAL = /^\d+$/;
const INTEGER = /^-?\d+$/;
const FLOAT = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/** Integers in the text are decimal digits and exact: at most 2^53 - 1 in magnitude. */
const exact = (re: RegExp, text: string): boolean => re.test(text) && Number.isSafeInteger(Number(text));
/** What was expected, saying the integer bound when the text holds a number too long to be exact. */
export const exactly = (expected: string, text: string): string => (/\d{16}/.test(text) ? `${expected}, each integer at most 9007199254740991 (2^53 - 1)` : expected);

export function parseDims(text: string): number[] | undefined {
  if (text === 'scalar') return [];
  const parts = text.split('x');
  return parts.every((p) => exact(POSITIVE, p)) ? parts.map(Number) : undefined;
}

/** Most values a `dims` attribute has (one per spatial axis: 1-D to 3-D windows). */
const MAX_DIMS = 3;

/** An attribute value of `spec`'s kind, or undefined when the text is not one. Counts that depend on the input are checked by checkCounts. */
export function parseValue(spec: AttrSpec, text: string): unknown {
  switch (spec.kind) {
    case 'count':
      return exact(POSITIVE, text) ? Number(text) : undefined;
    case 'int':
      return exact(INTEGER, text) ? Number(text) : undefined;
    case 'dims': {
      const parts = text.split('x');
      return parts.length <= MAX_DIMS && parts.every((p) => exact(POSITIVE, p)) ? parts.map(Number) : undefined;
    }
    case 'pads': {
      const parts = text.split(',');
      return parts.length % 2 === 0 && parts.every((p) => exact(NATURAL, p)) ? parts.map(Number) : undefined;
    }
    case 'ints': {
      if (text === EMPTY_INTS) return [];
      const parts = text.split(',');
      return parts.every((p) => exact(INTEGER, p)) ? parts.map(Number) : undefined;
    }
    case 'word':
      return spec.words?.includes(text) ? text : undefined;
    case 'bool':
      return text === '1' ? true : text === '0' ? false : undefined;
    case 'float':
      if (text === 'inf' || text === '+inf') return Infinity;
      if (text === '-inf') return -Infinity;
      return FLOAT.test(text) ? Number(text) : undefined;
    case 'shape':
      return parseDims(text);
  }
}

/** What a bad value of `spec` should have been (the words of a `word` kind listed when its description leaves any out). */
export function expectedOf(spec: AttrSpec, text: string): string {
  if (spec.kind === 'float') return spec.expected;
  if (spec.kind === 'word') {
    const words = spec.words ?? [];
    return words.every((w) => spec.expected.includes(w)) ? spec.expected : `${spec.expected} (one of ${words.join(', ')})`;
  }
  return exactly(spec.expected, text);
}

/**
 * What an unknown op should have been: the ops close to it (same first three letters, or at most two
 * edits away) and where the list is; the whole list of 38 would not fit one error line.
 */
export function expectedOp(found: string): string {
  const lower = found.toLowerCase();
  const near = OP_TYPES.filter((op) => (lower.length >= 3 && op.toLowerCase().startsWith(lower.slice(0, 3))) || editDistance(op.toLowerCase(), lower) <= 2);
  const hint = near.length > 0 && near.length <= 6 ? `${near.join(', ')}, or ` : '';
  return `an op (${hint}one of the ${OP_TYPES.length} ops in docs/dsl-grammar.md: Conv, Gemm, Relu, Add, ...)`;
}

/** Levenshtein distance of two short words. */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min((row[j] as number) + 1, (next[j - 1] as number) + 1, (row[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length] as number;
}
