import type { Graph, OpType } from '../graph/types.js';
import { nodeIo } from '../graph/types.js';
import { countedCost, nodeCost } from './layer-costs.js';
import type { SramModel, SramOptions } from './sram.js';
import { peakSram } from './sram.js';

export interface LayerRow {
  node: string;
  block: string;
  op: OpType;
  inputShape: readonly number[];
  outputShape: readonly number[];
  /** MACs per image of this call. */
  macs: number;
  /** The node's own params and flash, also when it reads another node's weights (see sharedWith). */
  params: number;
  flashBytes: number;
  /** Bytes the SRAM model charges at this node's step. */
  sramBytes: number;
  /** The node whose stored weights this node reads (GraphNode.shares): its params and flash are not in the totals. */
  sharedWith?: string;
}

/** Totals count every stored tensor once: a node that shares another's weights adds its MACs only. */
export interface CostReport {
  graph: string;
  macs: number;
  params: number;
  flashBytes: number;
  peakSramBytes: number;
  sramModel: SramModel;
  inplaceDepthwise: boolean;
  /** Node whose step sets the peak. */
  peakAt: string;
  layers: LayerRow[];
}

export interface Totals {
  macs: number;
  params: number;
  flashBytes: number;
  peakSramBytes: number;
}

export function estimateCosts(graph: Graph, options: SramOptions = { model: 'mcunet' }): CostReport {
  const sram = peakSram(graph, options);
  let macs = 0;
  let params = 0;
  let flashBytes = 0;
  let peakIndex = 0;
  const layers = graph.nodes.map((node, i): LayerRow => {
    const c = nodeCost(node, graph);
    const counted = countedCost(node, graph, c);
    macs += counted.macs;
    params += counted.params;
    flashBytes += counted.flashBytes;
    const step = sram.stepBytes[i] as number;
    if (step > (sram.stepBytes[peakIndex] as number)) peakIndex = i;
    return {
      node: node.name,
      block: node.block,
      op: node.op,
      inputShape: nodeIo(graph, node).input.shape,
      outputShape: nodeIo(graph, node).output.shape,
      ...c,
      sramBytes: step,
      ...(node.shares === undefined ? {} : { sharedWith: node.shares }),
    };
  });
  return {
    graph: graph.name,
    macs,
    params,
    flashBytes,
    peakSramBytes: sram.peakBytes,
    sramModel: options.model,
    inplaceDepthwise: options.inplaceDepthwise ?? false,
    peakAt: graph.nodes[peakIndex]?.name ?? '',
    layers,
  };
}

/** Totals only, without the per-layer rows (the graph path of the benchmark). */
export function graphTotals(graph: Graph, options: SramOptions = { model: 'mcunet' }): Totals {
  let macs = 0;
  let params = 0;
  let flashBytes = 0;
  for (const node of graph.nodes) {
    const c = countedCost(node, graph);
    macs += c.macs;
    params += c.params;
    flashBytes += c.flashBytes;
  }
  return { macs, params, flashBytes, peakSramBytes: peakSram(graph, options).peakBytes };
}
