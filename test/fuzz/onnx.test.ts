/**
 * ONNX fuzzing: the project's own exports, mutated as bytes (flips, truncation, splices) and as
 * protobuf structure (dims, raw data, attributes, op types, node order, input shapes), through
 * `estimate --json`. Accepted files must round-trip: `serialize` writes text that `estimate` reads
 * back with the same costs and `parse` turns into ONNX that imports with the same MACs.
 */
import { describe, expect, it } from 'vitest';
import { exportWeightElements } from '../../lib/graph/bounds.js';
import { graphDifference, parseGraph } from '../../lib/lamda/dsl.js';
import { IMPORTABLE_OPS, importOnnxFile } from '../../lib/onnx/import.js';
import type { ModelProto } from '../../lib/onnx/proto.js';
import { onnx } from '../../lib/onnx/proto.js';
import type { Rng } from '../../lib/rng.js';
import { createRng } from '../../lib/rng.js';
import { FUZZ_TIMEOUT, FuzzLog, fuzzCount, fuzzDir, pick, put } from './harness.js';
import { onnxSeeds } from './seeds.js';

const HOSTILE_INTS = [-1, 0, 1, 2, 3, 64, 2 ** 31, 2 ** 40 + 1, 2 ** 53, -(2 ** 40)];
const HOSTILE_FLOATS = [Number.NaN, Infinity, -Infinity, 1e30, -1, 0, 0.5];

type Mutation = (m: ModelProto, rng: Rng) => string;

const nodesOf = (m: ModelProto) => m.graph?.node ?? [];
const initsOf = (m: ModelProto) => m.graph?.initializer ?? [];

/** Structural mutations of a decoded model; each returns a description of what it changed. */
const MUTATIONS: Mutation[] = [
  (m, rng) => {
    const t = pick(rng, initsOf(m));
    if (!t?.dims?.length) return 'no-op';
    const i = rng.int(t.dims.length);
    t.dims[i] = pick(rng, HOSTILE_INTS);
    return `initializer ${t.name} dim ${i} = ${t.dims[i]}`;
  },
  (m, rng) => {
    const t = pick(rng, initsOf(m));
    if (!t?.rawData) return 'no-op';
    const keep = rng.int(t.rawData.length + 8);
    const bytes = new Uint8Array(keep);
    bytes.set(t.rawData.subarray(0, Math.min(keep, t.rawData.length)));
    t.rawData = bytes;
    return `initializer ${t.name} raw_data ${keep} bytes`;
  },
  (m, rng) => {
    const t = pick(rng, initsOf(m));
    if (!t) return 'no-op';
    t.rawData = new Uint8Array(0);
    t.floatData = Array.from({ length: rng.int(6) }, () => pick(rng, HOSTILE_FLOATS));
    return `initializer ${t.name} float_data of ${t.floatData.length}`;
  },
  (m, rng) => {
    const t = pick(rng, initsOf(m));
    if (!t) return 'no-op';
    t.dataType = rng.int(18);
    return `initializer ${t.name} data_type ${t.dataType}`;
  },
  (m, rng) => {
    const node = pick(rng, nodesOf(m));
    const a = node?.attribute?.length ? pick(rng, node.attribute) : undefined;
    if (!a) return 'no-op';
    if (a.ints?.length) a.ints[rng.int(a.ints.length)] = pick(rng, HOSTILE_INTS);
    else if (a.type === onnx.AttributeProto.AttributeType.FLOAT) a.f = pick(rng, HOSTILE_FLOATS);
    else a.i = pick(rng, HOSTILE_INTS);
    return `node ${node?.name} attribute ${a.name}`;
  },
  (m, rng) => {
    const node = pick(rng, nodesOf(m));
    if (!node) return 'no-op';
    const name = pick(rng, ['alpha', 'beta', 'epsilon', 'ratio', 'group', 'axis', 'kernel_shape', 'pads', 'strides', 'transB', 'transA', 'auto_pad', 'dilations']);
    const T = onnx.AttributeProto.AttributeType;
    const value = rng.next() < 0.5 ? { type: T.FLOAT, f: pick(rng, HOSTILE_FLOATS) } : rng.next() < 0.5 ? { type: T.INT, i: pick(rng, HOSTILE_INTS) } : { type: T.INTS, ints: [pick(rng, HOSTILE_INTS), pick(rng, HOSTILE_INTS)] };
    node.attribute = [...(node.attribute ?? []).filter((a) => a.name !== name), { name, ...value }];
    return `node ${node.name} attribute ${name} set`;
  },
  (m, rng) => {
    const node = pick(rng, nodesOf(m));
    if (!node) return 'no-op';
    node.opType = rng.next() < 0.9 ? pick(rng, IMPORTABLE_OPS) : 'Foo';
    return `node ${node.name} op ${node.opType}`;
  },
  (m, rng) => {
    const nodes = nodesOf(m);
    const i = rng.int(nodes.length);
    const j = rng.int(nodes.length);
    [nodes[i], nodes[j]] = [nodes[j] as never, nodes[i] as never];
    return `swap nodes ${i} ${j}`;
  },
  (m, rng) => {
    const nodes = nodesOf(m);
    nodes.splice(rng.int(nodes.length), 1);
    return 'delete a node';
  },
  (m, rng) => {
    const node = pick(rng, nodesOf(m));
    const names = [...nodesOf(m).flatMap((n) => n.output ?? []), ...initsOf(m).map((t) => t.name as string), '', 'nowhere'];
    if (!node?.input?.length) return 'no-op';
    node.input[rng.int(node.input.length)] = pick(rng, names);
    return `node ${node.name} rewired`;
  },
  (m, rng) => {
    const dims = m.graph?.input?.[0]?.type?.tensorType?.shape?.dim ?? [];
    const d = pick(rng, dims);
    if (!d) return 'no-op';
    d.dimParam = undefined;
    d.dimValue = pick(rng, HOSTILE_INTS);
    return `input dim ${d.dimValue}`;
  },
  (m) => {
    m.graph?.input?.[0]?.type?.tensorType?.shape?.dim?.pop();
    return 'input rank - 1';
  },
];

function mutateBytes(seed: Uint8Array, rng: Rng): { bytes: Uint8Array; what: string } {
  const kind = rng.int(4);
  if (kind === 0) {
    const bytes = Uint8Array.from(seed);
    const n = 1 + rng.int(8);
    for (let k = 0; k < n; k++) bytes[rng.int(bytes.length)] = rng.int(256);
    return { bytes, what: `${n} random bytes` };
  }
  if (kind === 1) {
    const keep = rng.int(seed.length);
    return { bytes: seed.slice(0, keep), what: `truncated to ${keep}` };
  }
  if (kind === 2) {
    const at = rng.int(seed.length);
    const len = 1 + rng.int(64);
    const bytes = new Uint8Array(seed.length + len);
    bytes.set(seed.subarray(0, at));
    bytes.set(seed.subarray(at, at + len), at);
    bytes.set(seed.subarray(at), at + Math.min(len, seed.length - at));
    return { bytes, what: `spliced ${len} at ${at}` };
  }
  const model = onnx.ModelProto.decode(seed);
  const whats: string[] = [];
  const n = 1 + rng.int(3);
  for (let k = 0; k < n; k++) whats.push((pick(rng, MUTATIONS) as Mutation)(model, rng));
  try {
    return { bytes: onnx.ModelProto.encode(model).finish(), what: whats.join('; ') };
  } catch {
    return { bytes: seed, what: 'unmutated (encode refused the mutation)' };
  }
}

describe('fuzz: ONNX files', () => {
  it('every mutated export is accepted (and round-trips) or refused in one line with exit 2', async () => {
    const count = fuzzCount(2000);
    const dir = fuzzDir();
    const seeds = onnxSeeds();
    const rng = createRng(14);
    const log = new FuzzLog();
    for (let k = 0; k < count; k++) {
      const { bytes, what } = mutateBytes(pick(rng, seeds), rng);
      const file = put(`${dir}/m.onnx`, bytes);
      const label = `#${k}: ${what}`;
      const costs = await log.estimate(file, label);
      if (!costs) continue;
      // whatever estimate accepts, serialize writes and parse reads back
      const text = await log.run(['serialize', file], `${label} (serialize)`, false);
      if (text?.code !== 0) {
        log.fail(label, 'estimate accepted the file but serialize refused it');
        continue;
      }
      let graph;
      try {
        graph = importOnnxFile(file);
        const diff = graphDifference(graph, parseGraph(text.stdout));
        if (diff) log.fail(label, `serialize/parse round trip differs: ${diff}`);
      } catch (err) {
        log.fail(label, `serialize/parse round trip threw ${(err as Error).message}`);
        continue;
      }
      const again = await log.run(['estimate', put(`${dir}/m.txt`, text.stdout), '--json'], `${label} (text)`, false);
      const fromText = again?.code === 0 ? (JSON.parse(again.stdout) as Record<string, unknown>) : undefined;
      for (const key of ['macs', 'params', 'flashBytes', 'peakSramBytes']) {
        if (fromText?.[key] !== costs[key]) log.fail(label, `${key} ${String(costs[key])} from ONNX, ${String(fromText?.[key])} from its text`);
      }
      if (exportWeightElements(graph) > 2 ** 20) continue; // export of big graphs is timed elsewhere
      const exported = await log.run(['parse', `${dir}/m.txt`, '-o', `${dir}/back.onnx`], `${label} (parse)`, false);
      if (exported?.code !== 0) {
        log.fail(label, 'parse refused text that serialize wrote');
        continue;
      }
      const reimported = await log.run(['estimate', `${dir}/back.onnx`, '--json'], `${label} (re-import)`, false);
      // export writes a symbolic batch, read back as 1: compare MACs per image
      const batch = (costs.inputShape as number[])[0] as number;
      const macs = reimported?.code === 0 ? (JSON.parse(reimported.stdout) as { macs: number }).macs : undefined;
      if (macs !== (costs.macs as number) / batch) log.fail(label, `MACs per image ${(costs.macs as number) / batch} before export, ${String(macs)} after`);
    }
    console.log(log.summary(`ONNX (${count} inputs)`));
    expect(log.failures).toEqual([]);
    // the mutations reach both outcomes (a fuzzer that only ever refuses tests little)
    expect(log.accepted).toBeGreaterThan(count / 20);
    expect(log.rejected).toBeGreaterThan(count / 4);
  }, FUZZ_TIMEOUT);
});
