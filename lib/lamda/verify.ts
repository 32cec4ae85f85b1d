/**
 * LAMDA's multi-stage validation (paper section 4.2): syntax (the text parses, every op and
 * attribute is known and in range, every connection fits), task (the head's output size is the
 * task's classes) and requirements (predicted latency within the target band; MACs and peak SRAM
 * when limits are given). Each failure is a structured Defect; refine.ts renders Tables 1 and 2.
 */
import { graphTotals } from '../cost/estimate.js';
import type { SramModel } from '../cost/sram.js';
import { InputError } from '../errors.js';
import { OPS } from '../graph/ops/index.js';
import type { Graph, GraphNode } from '../graph/types.js';
import { DslSyntaxError, OP_ATTRS, parseGraph } from './dsl.js';

/** What stands in for the device inside the loop (a trained latency predictor). */
export interface LatencyEstimator {
  readonly name: string;
  predictMs(graph: Graph): number;
}

export interface SyntaxDefect {
  kind: 'syntax';
  /** 1-based line of the text and the operation's ordinal (line 1 is the header, so line L is operation L-1). */
  line: number;
  ordinal: number;
  /** The attribute or part of the line at fault (`cin`, `out`, `k`, `inputs`, `op`, ...). */
  parameter: string;
  found: string;
  expected: string;
  description: string;
}

export interface TaskDefect {
  kind: 'task';
  parameter: 'output size';
  current: number;
  expected: number;
  /** The DSL attribute of the head that sets the output size (`out` of a Conv, ConvTranspose, Gemm or Linear). */
  headAttribute: string;
}

export type RequirementName = 'latency' | 'MACs' | 'peak SRAM';

export interface RequirementDefect {
  kind: 'requirement';
  requirement: RequirementName;
  /** `over`: above the limit; `under`: latency so far below the target that accuracy is given away. */
  direction: 'over' | 'under';
  required: number;
  actual: number;
  /** Where the actual value comes from: `predicted latency`, `MACs`, `peak SRAM (mcunet)`. */
  metric: string;
  unit: 'ms' | 'MACs' | 'bytes';
}

export type Defect = SyntaxDefect | TaskDefect | RequirementDefect;
export const DEFECT_KINDS = ['syntax', 'task', 'requirement'] as const;

export interface Requirements {
  /** The latency target in ms. */
  targetMs: number;
  /** Outputs of the task head (the classes). */
  classes: number;
  /**
   * A model predicted faster than targetMs x (1 - band) is sent back as too small (default 0.1):
   * LAMDA measures the error to the target both ways, and a far faster model has given away accuracy.
   */
  band?: number;
  maxMacs?: number;
  maxSramBytes?: number;
  sramModel?: SramModel;
}

export interface Verdict {
  /** The parsed model (absent on a syntax error). */
  graph?: Graph;
  defects: Defect[];
  predictedMs?: number;
  macs?: number;
  params?: number;
  peakSramBytes?: number;
}

export interface VerifyOptions {
  /** Skip the latency check (the "without latency verification" ablation, Fig. 8). */
  verifyLatency?: boolean;
}

export function checkRequirements(req: Requirements): Required<Pick<Requirements, 'band'>> & Requirements {
  if (!(Number.isFinite(req.targetMs) && req.targetMs > 0)) throw new InputError('targetMs', req.targetMs, 'a latency target in ms above 0');
  if (!Number.isInteger(req.classes) || req.classes < 1) throw new InputError('classes', req.classes, 'a positive integer');
  const band = req.band ?? 0.1;
  if (!(band >= 0 && band < 1)) throw new InputError('band', band, 'a fraction from 0 to below 1');
  if (req.maxMacs !== undefined && !(req.maxMacs > 0)) throw new InputError('maxMacs', req.maxMacs, 'a positive number of MACs');
  if (req.maxSramBytes !== undefined && !(req.maxSramBytes > 0)) throw new InputError('maxSramBytes', req.maxSramBytes, 'a positive number of bytes');
  return { ...req, band };
}

/** The model text inside an LLM reply: code fences and prose around it are dropped. */
export function extractModelText(reply: string): string {
  const lines = reply.replace(/\r\n/g, '\n').split('\n');
  const start = lines.findIndex((l) => /^\s*graph\s/.test(l));
  if (start < 0) return reply.trim();
  let end = lines.length - 1;
  for (let i = start; i < lines.length; i++) {
    if (/^\s*output(\s|$)(?!\s*=)/.test(lines[i] as string)) {
      end = i;
      break;
    }
  }
  return lines.slice(start, end + 1).join('\n');
}

/** Which attribute an expectation from the parser is about (the `cin=64 (...)` style names it). */
function parameterOf(err: DslSyntaxError): string {
  const attr = /^(?:the \w+ attribute )?([a-z]+)=/.exec(err.expected);
  if (attr) return attr[1] as string;
  if (/^an op\b/.test(err.expected)) return 'op';
  if (/tensor id|input/.test(err.expected)) return 'inputs';
  if (/^inputs and attributes that fit/.test(err.expected)) return 'inputs';
  return 'text';
}

/** The value the parser asked for, when it names one (`cin=64 ...` gives 64). */
function expectedValue(err: DslSyntaxError): string {
  const attr = /^(?:the \w+ attribute )?[a-z]+=([^\s.]+)/.exec(err.expected);
  return attr && !attr[1]?.startsWith('...') ? (attr[1] as string) : err.expected;
}

/** The attribute whose value starts at the error's column (`out=0` gives `out`), if any. */
function attributeAt(lineText: string | undefined, column: number): string | undefined {
  return lineText ? /(\w+)=$/.exec(lineText.slice(0, column - 1))?.[1] : undefined;
}

export function syntaxDefect(err: DslSyntaxError, text?: string): SyntaxDefect {
  const attribute = attributeAt(text?.split(/\r?\n/)[err.line - 1], err.column);
  return {
    kind: 'syntax',
    line: err.line,
    ordinal: Math.max(0, err.line - 1),
    parameter: attribute ?? parameterOf(err),
    found: err.found.replace(/^"|"$/g, ''),
    expected: expectedValue(err),
    description: err.message,
  };
}

/**
 * The node that sets the output size: the last one with a width (OPS[op].width: Conv,
 * ConvTranspose, Gemm, Linear), and the DSL attribute holding that width (`out`).
 */
function headOf(graph: Graph): { attribute: string } | undefined {
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i] as GraphNode;
    const width = OPS[node.op].width as { get(a: unknown): number; set(a: unknown, c: number): unknown } | null;
    if (width === null) continue;
    // The width's attribute is the one its setter changes.
    const changed = width.set(node.attrs, width.get(node.attrs) + 1) as Record<string, unknown>;
    const own = node.attrs as unknown as Record<string, unknown>;
    const spec = OP_ATTRS[node.op].find((s) => s.prop !== undefined && changed[s.prop] !== own[s.prop]);
    return { attribute: spec?.key ?? 'out' };
  }
  return undefined;
}

/** The task head's output size: the elements of the (first) graph output per image, the classes of a classifier. */
export function classesOf(graph: Graph): number {
  const t = graph.tensors[graph.outputs[0] as number];
  return t ? t.shape.slice(1).reduce((p, d) => p * d, 1) : 0;
}

/** Validates a model text against the requirements; all defects of the first failing stage are returned. */
export function verifyModelText(text: string, requirements: Requirements, estimator: LatencyEstimator | undefined, options: VerifyOptions = {}): Verdict {
  const req = checkRequirements(requirements);
  let graph: Graph;
  const model = extractModelText(text);
  try {
    graph = parseGraph(model);
  } catch (err) {
    if (err instanceof DslSyntaxError) return { defects: [syntaxDefect(err, model)] };
    throw err;
  }
  return verifyGraph(graph, req, estimator, options);
}

export function verifyGraph(graph: Graph, requirements: Requirements, estimator: LatencyEstimator | undefined, options: VerifyOptions = {}): Verdict {
  const req = checkRequirements(requirements);
  const size = classesOf(graph);
  if (graph.outputs.length !== 1 || size !== req.classes) {
    return { graph, defects: [{ kind: 'task', parameter: 'output size', current: size, expected: req.classes, headAttribute: headOf(graph)?.attribute ?? 'out' }] };
  }
  const totals = graphTotals(graph, { model: req.sramModel ?? 'mcunet' });
  const verdict: Verdict = { graph, defects: [], macs: totals.macs, params: totals.params, peakSramBytes: totals.peakSramBytes };
  const verifyLatency = options.verifyLatency ?? true;
  if (estimator) verdict.predictedMs = estimator.predictMs(graph);
  if (verifyLatency) {
    if (!estimator) throw new InputError('estimator', undefined, 'a latency predictor when latency is verified');
    const p = verdict.predictedMs as number;
    const metric = 'predicted latency';
    if (p > req.targetMs) verdict.defects.push({ kind: 'requirement', requirement: 'latency', direction: 'over', required: req.targetMs, actual: p, metric, unit: 'ms' });
    else if (p < req.targetMs * (1 - req.band)) verdict.defects.push({ kind: 'requirement', requirement: 'latency', direction: 'under', required: req.targetMs, actual: p, metric, unit: 'ms' });
  }
  if (req.maxMacs !== undefined && totals.macs > req.maxMacs) {
    verdict.defects.push({ kind: 'requirement', requirement: 'MACs', direction: 'over', required: req.maxMacs, actual: totals.macs, metric: 'MACs', unit: 'MACs' });
  }
  if (req.maxSramBytes !== undefined && totals.peakSramBytes > req.maxSramBytes) {
    verdict.defects.push({ kind: 'requirement', requirement: 'peak SRAM', direction: 'over', required: req.maxSramBytes, actual: totals.peakSramBytes, metric: `peak SRAM (${req.sramModel ?? 'mcunet'})`, unit: 'bytes' });
  }
  return verdict;
}
