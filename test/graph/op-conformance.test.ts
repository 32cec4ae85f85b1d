/**
 * The op conformance suite: every op of OP_TYPES, through every part that reads its descriptor.
 * For each example of op-examples.ts (typed by OpType, so a new op needs one):
 * - shape and costs equal the hand rule (MACs, params: counted once for shared weights);
 * - onnxruntime runs the export and its output dims equal the graph's shape inference;
 * - export -> import gives the same ops, attributes, shapes and costs;
 * - the DSL text parses back to the same graph;
 * - the PyTorch interpreter (trainers/torch/graph_module.py) on the export's weights gives
 *   onnxruntime's numbers, and counts the same params.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { estimateCosts } from '../../lib/cost/estimate.js';
import { checkShapes } from '../../lib/graph/builder.js';
import { OPS } from '../../lib/graph/ops/index.js';
import type { Graph } from '../../lib/graph/types.js';
import { OP_TYPES } from '../../lib/graph/types.js';
import { parseGraph } from '../../lib/lamda/dsl-read.js';
import { canonicalGraph, graphDifference, serializeGraph } from '../../lib/lamda/dsl-write.js';
import { exportOnnx } from '../../lib/onnx/export.js';
import { decodeModel, importModel } from '../../lib/onnx/import.js';
import { createRng } from '../../lib/rng.js';
import { outputDifference, ROOT } from '../helpers.js';
import { HAVE_TORCH, PYTHON } from '../helpers-python.js';
import { OP_EXAMPLES, type OpExample } from './op-examples.js';

const tmp = mkdtempSync(join(tmpdir(), 'paretonas-ops-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const EXAMPLES: { op: string; ex: OpExample; id: string }[] = OP_TYPES.flatMap((op) => OP_EXAMPLES[op].map((ex, i) => ({ op, ex, id: `${op}-${i}` })));

const shapeOf = (graph: Graph): readonly number[] => graph.tensors[graph.outputs[0] as number]?.shape ?? [];

function inputOf(graph: Graph, seed: number): { data: Float32Array; shape: readonly number[] } {
  const shape = graph.tensors[graph.inputs[0] as number]?.shape ?? [];
  const rng = createRng(seed);
  return { data: Float32Array.from({ length: shape.reduce((p, d) => p * d, 1) }, () => rng.next() * 2 - 1), shape };
}

async function runOrt(bytes: Uint8Array, input: { data: Float32Array; shape: readonly number[] }): Promise<ort.Tensor> {
  const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
  try {
    const out = await session.run({ [session.inputNames[0] as string]: new ort.Tensor('float32', input.data, [...input.shape]) });
    return out[session.outputNames[0] as string] as ort.Tensor;
  } finally {
    await session.release();
  }
}

/** The canonical nodes of a graph without the blocks (an import names blocks after the file's nodes). */
const nodesOf = (graph: Graph) => canonicalGraph(graph).nodes.map(({ block: _block, ...n }) => n);

/** A canonical node without the attributes an ONNX file does not carry for this example. */
function withoutAttrs<N extends { attrs: Record<string, unknown> }>(node: N, ex: OpExample): N {
  const attrs = { ...node.attrs };
  for (const a of ex.notExported?.attrs ?? []) delete attrs[a];
  return { ...node, attrs };
}

describe('every op has a descriptor with every facet and at least one example', () => {
  it('the table covers OP_TYPES exactly', () => {
    expect(Object.keys(OPS).sort()).toEqual([...OP_TYPES].sort());
    for (const op of OP_TYPES) expect(OP_EXAMPLES[op].length, op).toBeGreaterThan(0);
  });
});

describe.each(EXAMPLES)('$id: $ex.name', ({ ex }) => {
  it('shape and costs by the hand rule', () => {
    expect(shapeOf(ex.graph)).toEqual(ex.output);
    expect(() => checkShapes(ex.graph)).not.toThrow();
    const cost = estimateCosts(ex.graph);
    expect({ macs: cost.macs, params: cost.params }).toEqual({ macs: ex.macs, params: ex.params });
  });

  it("onnxruntime runs the export; its output dims are the graph's, and a batch of 3 gives 3 of them", async () => {
    const bytes = exportOnnx(ex.graph, { seed: 1 });
    const out = await runOrt(bytes, inputOf(ex.graph, 2));
    expect(out.dims).toEqual(ex.output);
    expect((out.data as Float32Array).every(Number.isFinite)).toBe(true);
    const one = inputOf(ex.graph, 2);
    const three = { data: Float32Array.from({ length: 3 * one.data.length }, (_, i) => one.data[i % one.data.length] as number), shape: [3, ...one.shape.slice(1)] };
    expect((await runOrt(bytes, three)).dims).toEqual([3, ...ex.output.slice(1)]);
  });

  it('export -> import: the same ops, attributes, shapes and costs', () => {
    const back = importModel(decodeModel(exportOnnx(ex.graph, { seed: 1 })));
    expect(shapeOf(back)).toEqual(ex.output);
    const cost = estimateCosts(back);
    expect({ macs: cost.macs, params: cost.params }).toEqual({ macs: ex.macs, params: ex.params });
    if (ex.decomposed) return;
    if (ex.importsAs) expect(back.nodes.map((n) => n.op)).toEqual(ex.importsAs);
    else expect(nodesOf(back).map((n) => withoutAttrs(n, ex))).toEqual(nodesOf(ex.graph).map((n) => withoutAttrs(n, ex)));
    expect(back.nodes.map((n) => n.shares !== undefined)).toEqual(ex.importsAs ? back.nodes.map(() => false) : ex.graph.nodes.map((n) => n.shares !== undefined));
  });

  it('the DSL text parses back to the same graph', () => {
    const text = serializeGraph(ex.graph);
    expect(graphDifference(ex.graph, parseGraph(text))).toBeUndefined();
    expect(serializeGraph(parseGraph(text))).toBe(text);
  });
});

/** Runs test/scripts/op_parity.py on a list of items; one result per item. */
function torchRun(items: { graph: string; onnx: string; input: string; output: string }[]): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [`${ROOT}test/scripts/op_parity.py`], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)) : reject(new Error(`op_parity.py exit ${code}: ${err}`))));
    child.stdin.end(JSON.stringify(items));
  });
}

describe.skipIf(!HAVE_TORCH)('the PyTorch interpreter agrees with onnxruntime on every example', () => {
  it('same outputs on the export\'s weights, same params', { timeout: 300_000 }, async () => {
    const items = EXAMPLES.map(({ ex, id }) => {
      const input = inputOf(ex.graph, 3);
      const paths = { graph: join(tmp, `${id}.json`), onnx: join(tmp, `${id}.onnx`), input: join(tmp, `${id}.in.bin`), output: join(tmp, `${id}.out.bin`) };
      writeFileSync(paths.graph, JSON.stringify(ex.graph));
      writeFileSync(paths.onnx, exportOnnx(ex.graph, { seed: 4 }));
      writeFileSync(paths.input, Buffer.from(input.data.buffer));
      return { paths, input };
    });
    const results = await torchRun(items.map((i) => i.paths));
    const failures: string[] = [];
    for (const [k, { ex, id }] of EXAMPLES.entries()) {
      const r = results[k] as Record<string, unknown>;
      const item = items[k] as (typeof items)[number];
      if (r.error) {
        failures.push(`${id} (${ex.name}): ${String(r.error)}`);
        continue;
      }
      if (r.params !== ex.params) failures.push(`${id}: torch counts ${String(r.params)} params, the hand rule ${ex.params}`);
      const ortOut = (await runOrt(readFileSync(item.paths.onnx), item.input)).data as Float32Array;
      const buf = readFileSync(item.paths.output);
      const torchOut = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
      if (torchOut.length !== ortOut.length) {
        failures.push(`${id}: torch gives ${torchOut.length} values, onnxruntime ${ortOut.length}`);
        continue;
      }
      const { maxAbs, scale } = outputDifference(ortOut, torchOut);
      if (!(maxAbs <= 1e-4 * Math.max(1, scale))) failures.push(`${id} (${ex.name}): torch and onnxruntime differ by up to ${maxAbs} (scale ${scale})`);
    }
    expect(failures).toEqual([]);
  });
});
