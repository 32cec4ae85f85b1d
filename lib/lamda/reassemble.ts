import { InputError } from '../errors.js';
import type { Graph } from '../graph/types.js';
import { DslSyntaxError, parseGraph, serializeNodeLines } from './dsl.js';
import type { Slicing } from './slice.js';

/** The text of each slice: the header with the first, the footer with the last (how an LLM receives them). */
export function sliceTexts(graph: Graph, slicing: Slicing): string[] {
  const lines = serializeNodeLines(graph);
  const header = lines[0] as string;
  const footer = lines[lines.length - 1] as string;
  const nodes = lines.slice(1, -1);
  return slicing.slices.map((s, k) => {
    const body = nodes.slice(s.start, s.end);
    return [...(k === 0 ? [header] : []), ...body, ...(k === slicing.slices.length - 1 ? [footer] : [])].join('\n');
  });
}

/**
 * Concatenates slices (as an LLM returns them, possibly edited) and parses them back into a Graph.
 * The parser checks every connection, so a cut edge whose ids dangle or whose channels no longer
 * match is reported with the slice and the line inside it.
 */
export function reassemble(slices: readonly string[], options: { name?: string } = {}): Graph {
  const starts: number[] = [];
  const lines: string[] = [];
  slices.forEach((text, k) => {
    starts[k] = lines.length;
    lines.push(...text.replace(/\n+$/, '').split('\n'));
  });
  try {
    return parseGraph(lines.join('\n'), options);
  } catch (err) {
    if (!(err instanceof DslSyntaxError)) throw err;
    let k = starts.length - 1;
    while (k > 0 && (starts[k] as number) >= err.line) k--;
    const line = err.line - (starts[k] as number);
    throw new InputError(`slice ${k + 1} line ${line}`, lines[err.line - 1]?.slice(0, 80), err.expected, err.message.replace(/^line \d+, column/, 'column'));
  }
}
