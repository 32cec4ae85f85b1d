/**
 * Graph variants for the latency predictor's training data (and the width search): a uniform
 * width multiplier, depth changes (removing or duplicating a shape-preserving segment) and
 * kernel changes. Every transform is generic over any Graph (zoo, imported ONNX, DSL text) and
 * re-infers every shape, so a variant is as valid as a hand-built graph.
 */
import { InputError } from '../errors.js';
import { OPS } from '../graph/ops/index.js';
import type { OpSpec } from '../graph/ops/spec.js';
import { inferOutputShape } from '../graph/shapes.js';
import type { ConvAttrs, Graph, GraphNode, NodeAttrs, OpType, TensorInfo } from '../graph/types.js';
import { tensorElements } from '../graph/types.js';
import type { Rng } from '../rng.js';

/** Families whose ops map a tensor to one of the same shape (a removable conv takes them along). */
const SAME_SHAPE_FAMILIES: ReadonlySet<string> = new Set(['norm', 'activation']);

// ---------------------------------------------------------------------------------------------
// Helpers

/** consumers[t] = indices of the nodes that read tensor t. */
function consumersOf(graph: Graph): number[][] {
  const consumers: number[][] = graph.tensors.map(() => []);
  graph.nodes.forEach((node, i) => {
    for (const t of node.inputs) consumers[t]?.push(i);
  });
  return consumers;
}

/** producer[t] = index of the node that writes tensor t (-1 for graph inputs). */
function producersOf(graph: Graph): number[] {
  const producer = graph.tensors.map(() => -1);
  graph.nodes.forEach((node, i) => {
    for (const t of node.outputs) producer[t] = i;
  });
  return producer;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** A node with new attributes / inputs; the output is re-inferred by the caller. */
type NodeSpec = { node: GraphNode; attrs: GraphNode['attrs']; inputs: number[]; name: string; block: string };

/**
 * Rebuilds a graph node by node from specs whose inputs are indices into the NEW tensor list
 * (graph inputs first, in order), re-inferring every output shape.
 */
class Replay {
  readonly tensors: TensorInfo[] = [];
  readonly nodes: GraphNode[] = [];
  readonly inputs: number[] = [];

  constructor(source: Graph) {
    for (const t of source.inputs) {
      const info = source.tensors[t] as TensorInfo;
      this.inputs.push(this.tensors.length);
      this.tensors.push({ name: info.name, shape: [...info.shape], elements: info.elements });
    }
  }

  shape(t: number): readonly number[] {
    return (this.tensors[t] as TensorInfo).shape;
  }

  add(spec: NodeSpec, tensorName: string): number {
    const out = this.tensors.length;
    const shares = spec.node.shares;
    const node = { name: spec.name, op: spec.node.op, attrs: spec.attrs, inputs: spec.inputs, outputs: [out], block: spec.block, ...(shares === undefined ? {} : { shares }) } as GraphNode;
    const shape = inferOutputShape(node, spec.inputs.map((t) => this.shape(t)));
    this.tensors.push({ name: tensorName, shape, elements: tensorElements(shape) });
    this.nodes.push(node);
    return out;
  }

  finish(name: string, outputs: number[]): Graph {
    return { name, inputs: this.inputs, outputs, tensors: this.tensors, nodes: this.nodes };
  }
}

// ---------------------------------------------------------------------------------------------
// Width

type Width = NonNullable<OpSpec<OpType>['width']>;

/** The width facet of a node's op (output channels or features), null when width scaling does not apply to it. */
export function widthOf(node: GraphNode): Width | null {
  return OPS[node.op].width as Width | null;
}

/**
 * Node indices of the task heads: the nodes with a width (Conv, ConvTranspose, Gemm, Linear:
 * OPS[op].width) whose output reaches a graph output through no other such node (resnet's fc,
 * squeezenet's final_conv). Their width is the number of classes and is never scaled.
 */
export function taskHeads(graph: Graph): number[] {
  const producer = producersOf(graph);
  const heads = new Set<number>();
  const seen = new Set<number>();
  const stack = [...graph.outputs];
  while (stack.length > 0) {
    const t = stack.pop() as number;
    if (seen.has(t)) continue;
    seen.add(t);
    const p = producer[t] as number;
    if (p < 0) continue;
    const node = graph.nodes[p] as GraphNode;
    if (widthOf(node) !== null) heads.add(p);
    else stack.push(...node.inputs);
  }
  return [...heads].sort((a, b) => a - b);
}

export interface ScaleWidthOptions {
  /** Round every scaled width to a multiple of this (default 1). */
  divisor?: number;
  /** No scaled width goes below this (default 1). */
  minChannels?: number;
}

/** The width a layer of `channels` original outputs gets: max(minChannels, divisor-rounded channels x multiplier). */
export function scaledChannels(channels: number, multiplier: number, options: ScaleWidthOptions = {}): number {
  const divisor = options.divisor ?? 1;
  const minChannels = options.minChannels ?? 1;
  const rounded = Math.max(divisor, Math.round((channels * multiplier) / divisor) * divisor);
  return Math.max(minChannels, rounded);
}

function checkWidthOptions(multiplier: number, options: ScaleWidthOptions): void {
  if (typeof multiplier !== 'number' || !Number.isFinite(multiplier) || multiplier <= 0 || multiplier > 4) {
    throw new InputError('multiplier', multiplier, 'a number in (0, 4]');
  }
  const { divisor = 1, minChannels = 1 } = options;
  if (!Number.isInteger(divisor) || divisor < 1) throw new InputError('divisor', divisor, 'a positive integer');
  if (!Number.isInteger(minChannels) || minChannels < 1) throw new InputError('minChannels', minChannels, 'a positive integer');
}

/** `resnet18-w0.50`; the name stays as it is at multiplier 1. */
function widthName(name: string, multiplier: number): string {
  return multiplier === 1 ? name : `${name}-w${multiplier.toFixed(2)}`;
}

/** A depthwise conv or transposed conv: group = input channels = output channels (> 1). */
function isDepthwise(attrs: ConvAttrs, cin: number): boolean {
  return attrs.group > 1 && attrs.group === cin && attrs.outChannels === cin;
}

/**
 * Uniform width multiplier: every width (OPS[op].width: Conv / ConvTranspose outChannels, Gemm /
 * Linear outFeatures), task heads excepted, becomes scaledChannels(original, multiplier).
 * Computed from the original width only, so the operands of residual Adds, SE Muls and Concats
 * stay consistent (and nodes that share weights keep equal shapes). Depthwise convs (group = cin =
 * out) follow their new input; other grouped convs keep their group count when it still divides
 * both sides (else an InputError). Constant operands of the element-wise ops and PRelu slopes with
 * a channel dimension follow their input. Node names, tensor names, blocks and shared weights are
 * kept; shapes are re-inferred (an op whose attributes fix a channel count, e.g. a Reshape target,
 * gives an InputError naming it).
 */
export function scaleWidth(graph: Graph, multiplier: number, options: ScaleWidthOptions = {}): Graph {
  checkWidthOptions(multiplier, options);
  const heads = new Set(taskHeads(graph));
  const replay = new Replay(graph);
  const map = new Map<number, number>();
  graph.inputs.forEach((t, i) => map.set(t, replay.inputs[i] as number));
  graph.nodes.forEach((node, index) => {
    const inputs = node.inputs.map((t) => mapped(map, t, node));
    let attrs: GraphNode['attrs'] = node.attrs;
    const cin = replay.shape(inputs[0] as number)[1] as number;
    const before = graph.tensors[node.inputs[0] as number]?.shape ?? [];
    const width = widthOf(node);
    if (width !== null && !heads.has(index)) {
      const grouped = 'group' in node.attrs ? (node.attrs as ConvAttrs) : undefined;
      if (grouped && isDepthwise(grouped, before[1] as number)) {
        attrs = { ...grouped, outChannels: cin, group: cin };
      } else {
        const out = scaledChannels(width.get(node.attrs), multiplier, options);
        if (grouped && grouped.group > 1 && (cin % grouped.group !== 0 || out % grouped.group !== 0)) {
          throw new InputError(
            `${node.name}.group`,
            grouped.group,
            `a group count dividing the scaled channels (${cin} in, ${out} out)`,
            `grouped conv ${node.name} (group ${grouped.group}) cannot take width multiplier ${multiplier}`,
          );
        }
        attrs = width.set(node.attrs, out) as GraphNode['attrs'];
      }
    } else if (OPS[node.op].family === 'elementwise' && 'weight' in node.attrs && node.attrs.weight) {
      attrs = { ...node.attrs, weight: rescaledConstant(node.attrs.weight, before, replay.shape(inputs[0] as number)) };
    } else if (node.op === 'PRelu') {
      attrs = { ...node.attrs, slope: rescaledConstant(node.attrs.slope, before, replay.shape(inputs[0] as number)) };
    }
    const t = replay.add({ node, attrs, inputs, name: node.name, block: node.block }, (graph.tensors[node.outputs[0] as number] as TensorInfo).name);
    map.set(node.outputs[0] as number, t);
  });
  return replay.finish(widthName(graph.name, multiplier), graph.outputs.map((t) => mapped(map, t)));
}

/** A constant operand broadcast (right-aligned) against `before`: its channel entry follows `after`. */
function rescaledConstant(weight: readonly number[], before: readonly number[], after: readonly number[]): number[] {
  const out = [...weight];
  const offset = before.length - weight.length;
  const axis = 1 - offset; // the weight's axis aligned with the tensor's channel axis (1)
  if (axis >= 0 && axis < weight.length && weight[axis] === before[1] && (before[1] as number) > 1) out[axis] = after[1] as number;
  return out;
}

function mapped(map: Map<number, number>, t: number, node?: GraphNode): number {
  const m = map.get(t);
  if (m === undefined) throw new InputError(node ? `${node.name}.inputs` : 'graph.outputs', t, 'a tensor produced by an earlier node or a graph input');
  return m;
}

// ---------------------------------------------------------------------------------------------
// Depth

/**
 * A part of a graph that maps a tensor to a tensor of the same shape, so it can be removed
 * (consumers read its input instead) or duplicated (a copy runs right after it).
 */
export interface Segment {
  /** The block label (kind 'block') or the conv's node name (kind 'conv'). */
  id: string;
  kind: 'block' | 'conv';
  /** Node indices, contiguous and in order. */
  nodes: number[];
  input: number;
  output: number;
}

/**
 * The removable segments of a graph, in graph order:
 * (a) 'block': a contiguous run of nodes with one block label whose single external input has the
 *     shape of its single external output, with a residual Add that reads the block's input
 *     (resnet identity blocks, MobileNet / MNASNet residual inverted bottlenecks);
 * (b) 'conv': outside such blocks, a stride-1 Conv (not a task head) whose output shape equals
 *     its input shape, with the unary element-wise ops (BN, activations) that follow it, on a
 *     single-consumer chain (AlexNet's and VGG's repeated 3x3 convs).
 * A segment holding weights that a node outside it reads (GraphNode.shares) is not removable.
 */
export function removableSegments(graph: Graph): Segment[] {
  const consumers = consumersOf(graph);
  const heads = new Set(taskHeads(graph));
  const outputs = new Set(graph.outputs);
  const segments: Segment[] = [];
  const inBlockSegment = new Set<number>();
  // (a) blocks
  const runs: { block: string; start: number; end: number }[] = [];
  graph.nodes.forEach((node, i) => {
    const last = runs[runs.length - 1];
    if (last && last.block === node.block && last.end === i) last.end = i + 1;
    else runs.push({ block: node.block, start: i, end: i + 1 });
  });
  const labelCount = new Map<string, number>();
  for (const r of runs) labelCount.set(r.block, (labelCount.get(r.block) ?? 0) + 1);
  for (const r of runs) {
    if (r.block === '' || labelCount.get(r.block) !== 1) continue;
    const inside = new Set<number>();
    for (let i = r.start; i < r.end; i++) inside.add(i);
    const produced = new Set<number>();
    for (let i = r.start; i < r.end; i++) for (const t of (graph.nodes[i] as GraphNode).outputs) produced.add(t);
    const external = new Set<number>();
    for (let i = r.start; i < r.end; i++) for (const t of (graph.nodes[i] as GraphNode).inputs) if (!produced.has(t)) external.add(t);
    const escaping = [...produced].filter((t) => outputs.has(t) || (consumers[t] as number[]).some((c) => !inside.has(c)));
    if (external.size !== 1 || escaping.length !== 1) continue;
    const input = [...external][0] as number;
    const output = escaping[0] as number;
    if (outputs.has(output)) continue;
    if (!sameShape((graph.tensors[input] as TensorInfo).shape, (graph.tensors[output] as TensorInfo).shape)) continue;
    let residual = false;
    for (let i = r.start; i < r.end; i++) {
      const n = graph.nodes[i] as GraphNode;
      if (n.op === 'Add' && n.inputs.includes(input) && n.inputs.length === 2) residual = true;
    }
    if (!residual) continue;
    const nodes = [...inside].sort((a, b) => a - b);
    nodes.forEach((n) => inBlockSegment.add(n));
    segments.push({ id: r.block, kind: 'block', nodes, input, output });
  }
  // (b) convs on chains
  graph.nodes.forEach((node, i) => {
    if (node.op !== 'Conv' || inBlockSegment.has(i) || heads.has(i)) return;
    if (!node.attrs.strides.every((s) => s === 1)) return;
    const input = node.inputs[0] as number;
    if ((consumers[input] as number[]).length !== 1 || outputs.has(input)) return;
    const nodes = [i];
    let output = node.outputs[0] as number;
    for (;;) {
      const next = consumers[output] as number[];
      if (next.length !== 1 || outputs.has(output)) break;
      const j = next[0] as number;
      const n = graph.nodes[j] as GraphNode;
      if (j !== nodes[nodes.length - 1]! + 1 || !SAME_SHAPE_FAMILIES.has(OPS[n.op].family) || n.op === 'Dropout' || inBlockSegment.has(j)) break;
      nodes.push(j);
      output = n.outputs[0] as number;
    }
    if (outputs.has(output) || (consumers[output] as number[]).length === 0) return;
    if (!sameShape((graph.tensors[input] as TensorInfo).shape, (graph.tensors[output] as TensorInfo).shape)) return;
    segments.push({ id: node.name, kind: 'conv', nodes, input, output });
  });
  return segments.filter((s) => !ownsSharedWeights(graph, s)).sort((a, b) => (a.nodes[0] as number) - (b.nodes[0] as number));
}

/** Whether a node outside the segment reads the weights of a node inside it (removing the segment would leave it without). */
function ownsSharedWeights(graph: Graph, segment: Segment): boolean {
  const inside = new Set(segment.nodes.map((i) => (graph.nodes[i] as GraphNode).name));
  return graph.nodes.some((node, i) => node.shares !== undefined && inside.has(node.shares) && !segment.nodes.includes(i));
}

/**
 * Removes the segments `removed` (their consumers read the segment's input) and inserts a copy of
 * each segment in `duplicated` right after it (copies are named NAME.dup, block BLOCK.dup).
 * Segment ids as removableSegments gives them; an unknown or repeated id is an InputError.
 */
export function changeDepth(graph: Graph, removed: readonly string[], duplicated: readonly string[]): Graph {
  const segments = new Map(removableSegments(graph).map((s) => [s.id, s]));
  const allowed = () => (segments.size > 0 ? [...segments.keys()].join(', ') : 'none: this graph has no removable segment');
  for (const [field, ids] of [['removed', removed], ['duplicated', duplicated]] as const) {
    for (const id of ids) if (!segments.has(id)) throw new InputError(field, id, `a removable segment of ${graph.name}: ${allowed()}`);
    if (new Set(ids).size !== ids.length) throw new InputError(field, ids, 'distinct segment ids');
  }
  const both = removed.find((id) => duplicated.includes(id));
  if (both !== undefined) throw new InputError('duplicated', both, 'a segment that is not also removed');
  const skip = new Set<number>();
  const segmentEnd = new Map<number, Segment>(); // last node index -> segment to duplicate after it
  for (const id of removed) for (const n of (segments.get(id) as Segment).nodes) skip.add(n);
  for (const id of duplicated) {
    const s = segments.get(id) as Segment;
    segmentEnd.set(s.nodes[s.nodes.length - 1] as number, s);
  }
  const removedBy = new Map<number, Segment>(); // segment output -> removed segment
  for (const id of removed) {
    const s = segments.get(id) as Segment;
    removedBy.set(s.output, s);
  }
  const replay = new Replay(graph);
  const map = new Map<number, number>();
  graph.inputs.forEach((t, i) => map.set(t, replay.inputs[i] as number));
  graph.nodes.forEach((node, index) => {
    if (skip.has(index)) {
      // A removed segment's output is its input.
      for (const t of node.outputs) {
        const s = removedBy.get(t);
        if (s) map.set(t, mapped(map, s.input, node));
      }
      return;
    }
    const inputs = node.inputs.map((t) => mapped(map, t, node));
    const out = replay.add({ node, attrs: node.attrs, inputs, name: node.name, block: node.block }, (graph.tensors[node.outputs[0] as number] as TensorInfo).name);
    map.set(node.outputs[0] as number, out);
    const dup = segmentEnd.get(index);
    if (dup) {
      // The copy reads the segment's output in place of its input; internal tensors get their own copies.
      const copy = new Map<number, number>([[dup.input, out]]);
      for (const n of dup.nodes) {
        const original = graph.nodes[n] as GraphNode;
        const ins = original.inputs.map((t) => copy.get(t) ?? mapped(map, t, original));
        const t = replay.add(
          { node: original, attrs: original.attrs, inputs: ins, name: `${original.name}.dup`, block: `${original.block}.dup` },
          `${(graph.tensors[original.outputs[0] as number] as TensorInfo).name}.dup`,
        );
        copy.set(original.outputs[0] as number, t);
      }
      map.set(dup.output, copy.get(dup.output) as number);
    }
  });
  return replay.finish(graph.name, graph.outputs.map((t) => mapped(map, t)));
}

// ---------------------------------------------------------------------------------------------
// Kernels

export const KERNEL_CHOICES = [3, 5, 7] as const;

/** Names of the nodes whose weights another node reads, and of the nodes that read another's (GraphNode.shares). */
function sharingNodes(graph: Graph): Set<string> {
  const names = new Set<string>();
  for (const node of graph.nodes) {
    if (node.shares === undefined) continue;
    names.add(node.name);
    names.add(node.shares);
  }
  return names;
}

/**
 * Node indices of the convs whose kernel may change: 2-D, odd square kernel k > 1, no dilation,
 * symmetric "same" pads (k-1)/2 (depthwise included), task heads and convs that share weights
 * (GraphNode.shares, either side) excepted. A new k' in {3, 5, 7} with pads (k'-1)/2 leaves every
 * output shape as it is.
 */
export function kernelChangeable(graph: Graph): number[] {
  const heads = new Set(taskHeads(graph));
  const sharing = sharingNodes(graph);
  const result: number[] = [];
  graph.nodes.forEach((node, i) => {
    if (node.op !== 'Conv' || heads.has(i) || sharing.has(node.name) || node.attrs.kernel.length !== 2) return;
    if (node.attrs.dilations && !node.attrs.dilations.every((d) => d === 1)) return;
    const [kh, kw] = node.attrs.kernel as [number, number];
    const p = (kh - 1) / 2;
    if (kh !== kw || kh <= 1 || kh % 2 !== 1) return;
    if (node.attrs.pads.every((x) => x === p)) result.push(i);
  });
  return result;
}

/** Why the named node's kernel cannot change, for the error: its kernel rank, when it is a conv of another rank. */
function notChangeable(graph: Graph, name: string): string | undefined {
  const node = graph.nodes.find((n) => n.name === name);
  if (node === undefined || OPS[node.op].family !== 'conv') return undefined;
  const rank = (node.attrs as ConvAttrs).kernel.length;
  if (node.op === 'Conv' && rank === 2) return undefined;
  return `${node.op} ${name} has a ${rank}-D kernel: kernel changes apply to 2-D Conv nodes only`;
}

/** Sets the kernels of the named convs (kernelChangeable ones) to k in {3, 5, 7}, pads (k-1)/2. */
export function changeKernels(graph: Graph, kernels: Readonly<Record<string, number>>): Graph {
  const changeable = new Map(kernelChangeable(graph).map((i) => [(graph.nodes[i] as GraphNode).name, i]));
  const byIndex = new Map<number, number>();
  for (const [name, k] of Object.entries(kernels)) {
    const i = changeable.get(name);
    if (i === undefined) throw new InputError('kernels', name, `a 2-D conv of ${graph.name} with an odd square kernel > 1, no dilation, "same" pads and weights of its own`, notChangeable(graph, name));
    if (!(KERNEL_CHOICES as readonly number[]).includes(k)) throw new InputError(`kernels.${name}`, k, KERNEL_CHOICES.join(', '));
    byIndex.set(i, k);
  }
  if (byIndex.size === 0) return graph;
  const nodes = graph.nodes.map((node, i) => {
    const k = byIndex.get(i);
    if (k === undefined || node.op !== 'Conv') return node;
    const p = (k - 1) / 2;
    const attrs: NodeAttrs['Conv'] = { ...node.attrs, kernel: [k, k], pads: [p, p, p, p] };
    return { ...node, attrs };
  });
  return { ...graph, nodes };
}

// ---------------------------------------------------------------------------------------------
// Recipes

/** How a variant is made from a base graph: names are segment ids and node names of the BASE graph. */
export interface VariantRecipe {
  /** The base model (a zoo name, or any label). */
  family: string;
  /** Width multiplier (scaleWidth), in (0, 4]. */
  width: number;
  /** Width rounding (scaleWidth's divisor; default 1). */
  divisor?: number;
  /** Segment ids (removableSegments) removed. */
  removed: string[];
  /** Segment ids duplicated. */
  duplicated: string[];
  /** Conv node name -> new kernel (3, 5 or 7). */
  kernels: Record<string, number>;
  /** The seed the recipe was drawn with (identifies it; the held-out split hashes the recipe). */
  seed: number;
}

function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}

/**
 * A random variant: width in [0.25, 1.25] (two decimals; rounded to multiples of 8 half of the
 * time), up to 3 removed and up to 2 duplicated segments, up to 3 kernel changes.
 */
export function sampleVariantRecipe(graph: Graph, family: string, rng: Rng): VariantRecipe {
  const seed = rng.int(2 ** 31);
  const width = Math.round((0.25 + rng.next()) * 100) / 100;
  const divisor = rng.next() < 0.5 ? 8 : 1;
  const segments = shuffled(removableSegments(graph), rng);
  const nRemove = Math.min(segments.length, rng.int(4));
  const removedSegments = segments.slice(0, nRemove);
  const rest = segments.slice(nRemove);
  const nDup = Math.min(rest.length, rng.int(3));
  const removed = removedSegments.map((s) => s.id);
  const duplicated = rest.slice(0, nDup).map((s) => s.id);
  const gone = new Set(removedSegments.flatMap((s) => s.nodes));
  const convs = shuffled(kernelChangeable(graph).filter((i) => !gone.has(i)), rng);
  const kernels: Record<string, number> = {};
  const order = (names: string[]) => names.sort((a, b) => graphIndex(graph, a) - graphIndex(graph, b));
  for (const i of convs.slice(0, rng.int(4))) {
    const node = graph.nodes[i] as GraphNode & { op: 'Conv' };
    const choices = KERNEL_CHOICES.filter((k) => k !== node.attrs.kernel[0]);
    kernels[node.name] = rng.pick(choices);
  }
  const sortedKernels: Record<string, number> = {};
  for (const name of order(Object.keys(kernels))) sortedKernels[name] = kernels[name] as number;
  const segOrder = new Map(removableSegments(graph).map((s, k) => [s.id, k]));
  const bySegment = (ids: string[]) => ids.sort((a, b) => (segOrder.get(a) as number) - (segOrder.get(b) as number));
  return { family, width, divisor, removed: bySegment(removed), duplicated: bySegment(duplicated), kernels: sortedKernels, seed };
}

function graphIndex(graph: Graph, name: string): number {
  return graph.nodes.findIndex((n) => n.name === name);
}

/** `resnet18~w0.50` plus -rN (removed), -dN (duplicated), -kN (kernel changes) when there are any. */
export function variantName(graph: Graph, recipe: VariantRecipe): string {
  const parts = [`${graph.name}~w${recipe.width.toFixed(2)}${recipe.divisor && recipe.divisor > 1 ? `d${recipe.divisor}` : ''}`];
  if (recipe.removed.length) parts.push(`r${recipe.removed.length}`);
  if (recipe.duplicated.length) parts.push(`d${recipe.duplicated.length}`);
  const k = Object.keys(recipe.kernels).length;
  if (k) parts.push(`k${k}`);
  return `${parts.join('-')}-s${recipe.seed}`;
}

/** The variant a recipe describes: kernel changes, then depth changes, then the width multiplier. */
export function applyVariant(graph: Graph, recipe: VariantRecipe): Graph {
  if (!recipe || typeof recipe !== 'object') throw new InputError('recipe', recipe, 'a VariantRecipe object');
  if (!Array.isArray(recipe.removed)) throw new InputError('recipe.removed', recipe.removed, 'an array of segment ids');
  if (!Array.isArray(recipe.duplicated)) throw new InputError('recipe.duplicated', recipe.duplicated, 'an array of segment ids');
  if (!recipe.kernels || typeof recipe.kernels !== 'object') throw new InputError('recipe.kernels', recipe.kernels, 'an object of conv name -> kernel');
  let g = changeKernels(graph, recipe.kernels);
  g = changeDepth(g, recipe.removed, recipe.duplicated);
  g = scaleWidth(g, recipe.width, { divisor: recipe.divisor ?? 1 });
  return { ...g, name: variantName(graph, recipe) };
}
