/**
 * The fuzz harness: seeded mutations of valid inputs run through the real command (runCli, in
 * process), and the promise every reader keeps, checked for each input:
 * - exit 0 (accepted), or exit 2 with exactly one stderr line of at most MAX_LINE characters;
 * - never exit 1 (internal error) or an exception out of runCli;
 * - each input within PER_INPUT_MS, measured and reported with the slowest input;
 * - heap and array buffers grow by less than MAX_GROWTH over the run.
 *
 * Inputs per format: the test's default (a few hundred to a few thousand, the whole suite well
 * under a minute), or PARETONAS_FUZZ=N for N per format.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { runCli } from '../../lib/cli/run.js';
import type { Graph } from '../../lib/graph/types.js';
import { graphDifference, parseGraph, serializeGraph } from '../../lib/lamda/dsl.js';
import type { Rng } from '../../lib/rng.js';

export const MAX_LINE = 400;
export const PER_INPUT_MS = 2000;
export const MAX_GROWTH = 512 * 2 ** 20;

/** Inputs per format: PARETONAS_FUZZ when set, else the default. */
export function fuzzCount(fallback: number): number {
  const n = Number(process.env.PARETONAS_FUZZ);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** A fuzz test's own time limit: a minute, longer for PARETONAS_FUZZ runs (50 ms an input). */
export const FUZZ_TIMEOUT = Math.max(60_000, fuzzCount(0) * 50);

export const fuzzDir = (): string => mkdtempSync(`${tmpdir()}/paretonas-fuzz-`);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** One failure of the promise, with the input that broke it (a short description). */
export interface Failure {
  input: string;
  problem: string;
}

/** What a fuzz run saw: counts, the slowest input and every failure. */
export class FuzzLog {
  accepted = 0;
  rejected = 0;
  slowestMs = 0;
  slowest = '';
  readonly failures: Failure[] = [];
  private readonly startMemory = memory();
  peakGrowth = 0;

  /**
   * Runs the command on one input and checks the exit code, the stderr line and the time.
   * `primary` runs (the input itself, not its round trip) are counted as accepted or rejected.
   */
  async run(argv: string[], input: string, primary = true): Promise<CliResult | undefined> {
    const t0 = performance.now();
    let r: CliResult;
    try {
      r = await runCli(argv);
    } catch (err) {
      this.fail(input, `threw ${(err as Error).name}: ${(err as Error).message.slice(0, 300)}`);
      return undefined;
    }
    const ms = performance.now() - t0;
    if (ms > this.slowestMs) {
      this.slowestMs = ms;
      this.slowest = input;
    }
    if (ms > PER_INPUT_MS) this.fail(input, `took ${ms.toFixed(0)} ms (limit ${PER_INPUT_MS})`);
    const growth = memory() - this.startMemory;
    if (growth > this.peakGrowth) this.peakGrowth = growth;
    if (r.code === 0) this.accepted += primary ? 1 : 0;
    else if (r.code === 2) {
      this.rejected += primary ? 1 : 0;
      const problem = lineProblem(r.stderr);
      if (problem) this.fail(input, `${problem}: ${JSON.stringify(r.stderr.slice(0, 500))}`);
    } else this.fail(input, `exit ${r.code}: ${r.stderr.slice(0, 300)}`);
    return r;
  }

  /**
   * `estimate FILE --json` as the input's own run: the costs when accepted (a null anywhere in them
   * is a failure), undefined when refused.
   */
  async estimate(file: string, label: string): Promise<Record<string, unknown> | undefined> {
    const r = await this.run(['estimate', file, '--json'], label);
    if (r?.code !== 0) return undefined;
    const costs = JSON.parse(r.stdout) as Record<string, unknown>;
    const nulls = nullPath(costs);
    if (nulls) this.fail(label, `estimate --json printed null at ${nulls}`);
    return costs;
  }

  /**
   * Whatever was accepted serializes and parses back to the same graph: the graph `load` gives,
   * or undefined when the round trip differs or throws (each a failure).
   */
  roundTrip(label: string, load: () => Graph): Graph | undefined {
    try {
      const graph = load();
      const diff = graphDifference(graph, parseGraph(serializeGraph(graph)));
      if (diff) this.fail(label, `serialize/parse round trip differs: ${diff}`);
      return graph;
    } catch (err) {
      this.fail(label, `round trip threw ${(err as Error).message.slice(0, 200)}`);
      return undefined;
    }
  }

  fail(input: string, problem: string): void {
    if (this.failures.length < 50) this.failures.push({ input: input.slice(0, 300), problem });
  }

  /** One line for the test output: counts, slowest input, memory growth. */
  summary(format: string): string {
    return `${format}: ${this.accepted} accepted, ${this.rejected} rejected, ${this.failures.length} failures; slowest ${this.slowestMs.toFixed(0)} ms; heap growth ${(this.peakGrowth / 2 ** 20).toFixed(0)} MiB`;
  }
}

/** Why a rejection's stderr breaks the promise (undefined when it is one short line). */
export function lineProblem(stderr: string): string | undefined {
  if (!stderr.endsWith('\n')) return 'stderr does not end in a newline';
  const body = stderr.slice(0, -1);
  if (body.includes('\n')) return 'stderr has more than one line';
  if (body.length > MAX_LINE) return `stderr line is ${body.length} characters (limit ${MAX_LINE})`;
  if (!/^paretonas \w+: \S/.test(body)) return 'stderr line does not start with "paretonas COMMAND: "';
  return undefined;
}

function memory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Writes an input to `path` (text or bytes) and returns the path. */
export function put(path: string, content: string | Uint8Array): string {
  writeFileSync(path, content);
  return path;
}

/** Numbers that break readers: huge, past 2^53, zero, negative, fractional, non-decimal. */
export const HOSTILE_NUMBERS = [
  '0', '-1', '1', '2', '3', '7', '4096', '65536', '9007199254740991', '9007199254740992', '99999999999999999999',
  '9'.repeat(400), '1e3', '1e999', '0x10', '0b11', '1.5', '-0', '00', '+1', 'NaN', 'inf', '', '1_000',
] as const;

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)] as T;
}

/** Values of every JSON type and size, for replacing a field of a config. */
export function hostileJsonValue(rng: Rng): unknown {
  const choices: (() => unknown)[] = [
    () => 0,
    () => -1,
    () => 1e20,
    () => 2 ** 53 + 2,
    () => 1.5,
    () => 4097,
    () => 3,
    () => 'x',
    () => '3',
    () => null,
    () => true,
    () => [],
    () => ({}),
    () => [1, 2, 3],
    () => nested(rng.int(200) + 1),
  ];
  return pick(rng, choices)();
}

/** An array nested `depth` deep. */
export function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

/** Where a value is null anywhere inside parsed JSON (estimate --json must never print one). */
export function nullPath(v: unknown, path = ''): string | undefined {
  if (v === null) return path || '(root)';
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = nullPath(v[i], `${path}[${i}]`);
      if (p) return p;
    }
  } else if (typeof v === 'object' && v) {
    for (const [k, x] of Object.entries(v)) {
      const p = nullPath(x, `${path}.${k}`);
      if (p) return p;
    }
  }
  return undefined;
}
