import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SramModel } from '../cost/sram.js';
import { capText, InputError, showName } from '../errors.js';
import type { Graph } from '../graph/types.js';
import { exportOnnx } from '../onnx/export.js';
import { COST_METRICS, costMetrics } from './cost.js';
import { checkMetricList, DEFAULT_TRAINER_METRICS, METRIC_NAME } from './spec.js';
import { runTrainer, tailLines, type TrainerRun } from './trainer-process.js';
import type { Evaluation, EvaluationInput, Evaluator } from './types.js';
import { EvaluationFailure } from './types.js';

export const TRAINER_PROTOCOL = 'paretonas-trainer/1';

/** The one line a trainer reads on its stdin. */
export interface TrainerRequest {
  protocol: typeof TRAINER_PROTOCOL;
  key: string;
  candidate: unknown;
  graph: { inputShape: number[]; classes: number; nodes: number; macs: number; params: number };
  /** Absolute path of the exported model: seeded He weights, BN kept (not folded). */
  onnx: string;
  settings: { seed: number; space: string; resolution: number; classes: number };
  /** The network as a Graph (lib/graph/types.ts): what trainers/torch rebuilds in PyTorch. */
  network: Graph;
  /** The metric names the result must hold: the declaration (`--metrics`), ['accuracy'] by default. */
  metrics: string[];
}

/** A trainer's time per candidate when no timeoutMs is given (ms): 1 hour. */
export const DEFAULT_TRAINER_TIMEOUT_MS = 3_600_000;

export interface CommandEvaluatorOptions {
  /** Per-candidate limit (default 1 hour); then the process group is killed. */
  timeoutMs?: number;
  /** Between SIGTERM and SIGKILL of a timed-out process group (default 5 s). */
  killGraceMs?: number;
  cwd?: string;
  /** Added to this process's environment. */
  env?: Record<string, string>;
  onProgress?: (line: Record<string, unknown>) => void;
  /** Keep the exported .onnx after the trainer ends (default: delete it). */
  keepOnnx?: boolean;
  /**
   * The declared metrics (`--metrics`, checked by checkMetricList): every result holds exactly
   * these, besides cost metrics it may report itself and the names in `reports`; a missing,
   * undeclared or non-finite one is a 'malformed' failure. Absent: `accuracy` is required and
   * other numbers are kept as they come (the protocol before declarations).
   */
  metrics?: readonly string[];
  /**
   * Names the trainer may report besides the declared ones, kept in the record but not
   * declared (the torch trainer's losses, top-5 and KD figures). Given, any other name is
   * 'malformed' as with `metrics`.
   */
  reports?: readonly string[];
  /** SRAM model of the merged peakSramBytes (default mcunet). */
  sram?: SramModel;
}

function onnxPath(input: EvaluationInput): { path: string; cleanup: () => void } {
  if (input.runDir) {
    const dir = join(resolve(input.runDir), 'onnx');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `${createHash('sha256').update(input.key).digest('hex').slice(0, 16)}.onnx`);
    return { path, cleanup: () => rmSync(path, { force: true }) };
  }
  const dir = mkdtempSync(join(tmpdir(), 'paretonas-trainer-'));
  return { path: join(dir, 'model.onnx'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function trainerRequest(input: EvaluationInput, onnx: string, costs: { macs: number; params: number }, metrics: readonly string[] = DEFAULT_TRAINER_METRICS): TrainerRequest {
  const graph: Graph = input.graph;
  const inputShape = [...(graph.tensors[graph.inputs[0] as number]?.shape ?? [])];
  const classes = graph.tensors[graph.outputs[0] as number]?.shape[1] ?? 0;
  return {
    protocol: TRAINER_PROTOCOL,
    key: input.key,
    candidate: input.candidate,
    graph: { inputShape, classes, nodes: graph.nodes.length, macs: costs.macs, params: costs.params },
    onnx,
    settings: { seed: input.seed, space: input.space.name, resolution: inputShape[2] ?? 0, classes },
    network: graph,
    metrics: [...metrics],
  };
}

/** What a result's metrics are checked against. */
interface Declaration {
  /** Required, each a finite number. */
  declared: readonly string[];
  /** Every other name a result may hold (cost metrics, `reports`); undefined: any name. */
  accepted?: ReadonlySet<string>;
}

/** Names for a failure message: the first few, shown escaped, then how many more. */
function nameList(names: readonly string[], shown = 8): string {
  const head = names.slice(0, shown).map((n) => (METRIC_NAME.test(n) && n.length <= 64 ? n : showName(n, 40)));
  return names.length > shown ? `${head.join(', ')} and ${names.length - shown} more` : head.join(', ');
}

/**
 * The result line's metrics, or why they are not acceptable: not exactly one result line, no
 * metrics object, a value that is not a finite number, a declared metric missing, or (with a
 * declaration) a name neither declared nor accepted. The reason names the metrics and the
 * declaration.
 */
export function resultMetrics(results: readonly Record<string, unknown>[], declaration: Declaration): Record<string, number> | string {
  if (results.length > 1) return `${results.length} result lines; the protocol allows exactly one`;
  const metrics = results[0]?.metrics;
  if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics)) return 'the result line has no "metrics" object';
  const declared = `(declared: ${declaration.declared.join(', ')})`;
  const entries = Object.entries(metrics);
  const bad = entries.filter(([, v]) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad.length > 0) {
    const shown = bad.slice(0, 8).map(([k, v]) => `${nameList([k])}=${capText(JSON.stringify(v) ?? String(v), 40)}`);
    return `metrics that are not finite numbers: ${shown.join(', ')}${bad.length > 8 ? ` and ${bad.length - 8} more` : ''} ${declared}`;
  }
  const problems: string[] = [];
  const missing = declaration.declared.filter((m) => !Object.hasOwn(metrics, m));
  if (missing.length > 0) problems.push(`missing metrics: ${nameList(missing)}`);
  const { accepted } = declaration;
  if (accepted) {
    const extra = entries.map(([k]) => k).filter((k) => !declaration.declared.includes(k) && !accepted.has(k));
    if (extra.length > 0) problems.push(`undeclared metrics: ${nameList(extra)}`);
  }
  if (problems.length > 0) return `${problems.join('; ')} ${declared}; the result must report each declared metric (--metrics) and no other`;
  return Object.fromEntries(entries) as Record<string, number>;
}

/**
 * An external trainer, run once per candidate. Protocol `paretonas-trainer/1`:
 *
 * 1. paretonas runs COMMAND through `/bin/sh -c` (in cwd, with env added), in a process group
 *    of its own; an argument vector [program, ...args] is run directly, with no shell.
 * 2. It writes ONE JSON line on the trainer's stdin, then closes stdin:
 *    `{"protocol":"paretonas-trainer/1", "key", "candidate", "graph": {"inputShape", "classes",
 *    "nodes", "macs", "params"}, "onnx": PATH, "settings": {"seed", "space", "resolution",
 *    "classes"}, "network": GRAPH, "metrics": [NAME, ...]}`. GRAPH is the network as a Graph
 *    object (lib/graph/types.ts). PATH is an exported .onnx of the candidate (seeded He weights,
 *    BN kept, batch dimension symbolic), RUN_DIR/onnx/HASH.onnx when the campaign has a run
 *    directory (HASH: the first 16 hex digits of sha256(key)), else in a temporary folder; it is
 *    deleted after the trainer ends unless keepOnnx. `metrics` lists the names the result must
 *    report: the declaration (`--metrics`), `["accuracy"]` when none is given. (An added field,
 *    so trainers written before it still work: the version stays 1.)
 * 3. The trainer prints JSON lines on stdout: any number of `{"type":"progress", ...}` (passed to
 *    onProgress), then exactly one `{"type":"result", "metrics": {"accuracy": 0.61, ...},
 *    "epochs": 30, "seconds": 812}`. Every metric must be a finite number and every requested
 *    metric present. With a declaration, no other name may appear besides the cost metrics
 *    (macs, params, flashBytes, peakSramBytes: the trainer's own count replaces the model's) and
 *    the `reports` option's names; without one, other names are kept as they come. Fields of the
 *    result line besides `metrics` (`epochs`, `seconds`) are information, never metrics. Other
 *    stdout lines (not JSON, or JSON of another type) are ignored and counted. stderr is kept
 *    (its tail) for failure messages.
 * 4. Outcomes: past timeoutMs (default 1 hour) the process group gets SIGTERM, then SIGKILL
 *    → failure 'timeout'. No result line and a non-zero exit or a signal → 'crash' (exit code
 *    and stderr tail in the message). Exit 0 without a result line, more than one result line,
 *    or metrics that are missing, undeclared or not finite numbers → 'malformed' (the message
 *    names them and the declaration). A valid result line counts even if the trainer then exits
 *    non-zero (the exit code is kept in the details).
 *
 * Metrics: the trainer's, plus `macs`, `params` and `peakSramBytes` from the cost model unless
 * the trainer reports them itself.
 *
 * @throws InputError('--metrics', ...) for a bad declaration (see checkMetricList).
 */
export function commandEvaluator(command: string | readonly string[], options: CommandEvaluatorOptions = {}): Evaluator {
  const shown = typeof command === 'string' ? command : command.join(' ');
  if (typeof command === 'string' ? command.trim() === '' : command.length === 0 || command[0] === '') throw new InputError('command', shown, 'a shell command (or an argument vector) that runs a trainer');
  const required = options.metrics === undefined ? DEFAULT_TRAINER_METRICS : checkMetricList(options.metrics, '--metrics');
  const strict = options.metrics !== undefined || options.reports !== undefined;
  const declaration: Declaration = { declared: required, accepted: strict ? new Set([...COST_METRICS, ...(options.reports ?? [])]) : undefined };
  const timeoutMs = options.timeoutMs ?? DEFAULT_TRAINER_TIMEOUT_MS;
  return {
    name: `command:${shown}`,
    metrics: [...new Set([...required, 'macs', 'params', 'peakSramBytes'])],
    async evaluate(input: EvaluationInput): Promise<Evaluation> {
      const start = process.hrtime.bigint();
      const costs = costMetrics(input.graph, options.sram ?? 'mcunet');
      const onnx = onnxPath(input);
      let run: TrainerRun;
      try {
        writeFileSync(onnx.path, exportOnnx(input.graph, { seed: input.seed, foldBatchNorm: false }));
        const request = trainerRequest(input, onnx.path, costs, required);
        run = await runTrainer(command, JSON.stringify(request), {
          timeoutMs,
          killGraceMs: options.killGraceMs ?? 5000,
          cwd: options.cwd,
          env: options.env,
          onProgress: options.onProgress,
        });
      } finally {
        if (!options.keepOnnx) onnx.cleanup();
      }
      const details: Record<string, unknown> = {
        command: shown,
        exitCode: run.exitCode,
        signal: run.signal,
        progressLines: run.progressLines,
        ignoredLines: run.ignoredLines,
        processSeconds: run.seconds,
        ...(options.keepOnnx ? { onnx: onnx.path } : {}),
      };
      const stderr = tailLines(run.stderrTail);
      const withStderr = (message: string) => (stderr ? `${message}; stderr:\n${stderr}` : message);
      if (run.spawnError) throw new EvaluationFailure('error', `could not start the trainer: ${run.spawnError.message}`, details);
      if (run.timedOut) throw new EvaluationFailure('timeout', withStderr(`trainer did not finish within ${timeoutMs / 1000} s; its process group was killed`), { ...details, stderr });
      if (run.results.length === 0) {
        if (run.exitCode !== 0) {
          const how = run.signal ? `was killed by ${run.signal}` : `exited with code ${run.exitCode}`;
          throw new EvaluationFailure('crash', withStderr(`trainer ${how} without a result line`), { ...details, stderr });
        }
        const ignored = run.ignoredLines > 0 ? ` (${run.ignoredLines} stdout lines ignored)` : '';
        throw new EvaluationFailure('malformed', withStderr(`trainer exited 0 without a {"type":"result"} line${ignored}`), { ...details, stderr });
      }
      const metrics = resultMetrics(run.results, declaration);
      if (typeof metrics === 'string') throw new EvaluationFailure('malformed', `trainer result: ${metrics}`, { ...details, result: run.results[0] });
      const result = run.results[0] as Record<string, unknown>;
      if (typeof result.epochs === 'number') details.epochs = result.epochs;
      if (typeof result.seconds === 'number') details.trainerSeconds = result.seconds;
      return {
        metrics: { macs: costs.macs, params: costs.params, peakSramBytes: costs.peakSramBytes, ...metrics },
        seconds: Number(process.hrtime.bigint() - start) / 1e9,
        details,
      };
    },
  };
}
