/**
 * The folders of lib/ form a DAG (../shared/DESIGN.md, "Layout and layering"): every relative
 * import of a lib/ file (static `import`/`export ... from`, `import type`, dynamic `import('...')`)
 * must point to its own layer or one lower in LAYERS. Peers of one layer may import each other,
 * but the folders may not form a cycle. An exception needs a row in ALLOWED with its reason.
 * Imports are read with TypeScript's own pre-processor (ts.preProcessFile), not a regex.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const LIB = fileURLToPath(new URL('../lib', import.meta.url));
/** The package's own package.json (its version is recorded): a leaf. */
const PACKAGE_JSON = fileURLToPath(new URL('../package.json', import.meta.url));

/**
 * Layers, lowest first: a unit is a folder of lib/ or a top-level lib/*.ts file (without .ts).
 * Each row says what the layer holds; a unit may import its own layer and every row above it.
 */
const LAYERS: readonly { units: readonly string[]; holds: string }[] = [
  { units: ['errors', 'rng', 'decimal', 'package.json', 'stats'], holds: 'leaves: error types, seeded random numbers, decimal parsing, the package version (import nothing of lib); statistics (summary, rank correlation, normal tail, Mann-Whitney U, Holm, bootstrap, variance components: import errors and rng only)' },
  { units: ['json-bounded', 'read-bounded', 'csv'], holds: 'input helpers: bounded JSON and file reads, CSV (errors and decimal only)' },
  { units: ['graph'], holds: 'Graph types, builder, shapes, op descriptors, zoo' },
  { units: ['pareto'], holds: 'dominance, fronts, sorts, hypervolume, indicators' },
  { units: ['cost'], holds: 'MACs, params, flash, peak SRAM of a Graph' },
  { units: ['onnx'], holds: 'ONNX -> Graph, Graph -> ONNX' },
  { units: ['space'], holds: 'search spaces, candidates, LMaNet/MCUNet lowering, closed-form cost of a candidate' },
  { units: ['metrics', 'limits'], holds: 'the metric table; limits on metrics (space file, device profile, --constraint)' },
  { units: ['runtime', 'device'], holds: 'onnxruntime-node latency, device descriptors; device profiles' },
  { units: ['llm'], holds: 'LlmClient, Ollama client, recorded replay, retry (no prompts)' },
  { units: ['propose', 'evaluate'], holds: 'roles: proposers (LLM prompts and feedback in propose/llm/), evaluators' },
  { units: ['store'], holds: 'append-only records' },
  { units: ['lamda'], holds: 'LAMDA: DSL, features, learned latency predictor, loop, verification, slicing (rows, no tables)' },
  { units: ['latency', 'models'], holds: 'latency estimators (Cortex-M model, LAMDA predictor calibrated per device); loading a Graph from any source' },
  { units: ['campaign'], holds: 'the search loop, validation, feedback, novelty, dispatch' },
  { units: ['report'], holds: 'report data, tables, figures, HTML' },
  { units: ['dashboard'], holds: 'the live dashboard: run discovery, incremental record reads, JSON API over the report functions, the page' },
  { units: ['index'], holds: 'the library entry point: re-exports lib (not cli)' },
  { units: ['cli', 'bench'], holds: 'the paretonas command; benchmarks (consumers of the library)' },
];

/** Allowed exceptions to LAYERS: importing file (lib-relative), imported unit, why. None today. */
const ALLOWED: readonly { file: string; to: string; reason: string }[] = [];

const layerOf = new Map<string, number>();
LAYERS.forEach((l, i) => l.units.forEach((u) => layerOf.set(u, i)));

/** Every relative import of one source text: specifier and 1-based line. */
function importsOf(source: string): { spec: string; line: number }[] {
  const info = ts.preProcessFile(source, true, true);
  return info.importedFiles.map((f) => ({ spec: f.fileName, line: source.slice(0, f.pos).split('\n').length }));
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** The unit (folder or top-level file) of a path inside lib/ (or the package.json), or null outside them. */
function unitOf(path: string): string | null {
  if (path === PACKAGE_JSON) return 'package.json';
  const rel = relative(LIB, path);
  if (rel.startsWith('..')) return null;
  const parts = rel.split(sep);
  return parts.length > 1 ? (parts[0] as string) : (parts[0] as string).replace(/\.(d\.)?[jt]s$/, '');
}

interface Edge { file: string; line: number; spec: string; from: string; to: string | null }

function libEdges(): Edge[] {
  const edges: Edge[] = [];
  for (const path of tsFiles(LIB)) {
    const from = unitOf(path) as string;
    for (const { spec, line } of importsOf(readFileSync(path, 'utf8'))) {
      if (!spec.startsWith('.')) continue; // node: and packages
      edges.push({ file: relative(LIB, path), line, spec, from, to: unitOf(resolve(dirname(path), spec)) });
    }
  }
  return edges;
}

const rule = (unit: string) => {
  const i = layerOf.get(unit) as number;
  return `${unit} is in layer ${i} (${LAYERS[i]?.holds}) and may import only ${LAYERS.slice(0, i + 1).flatMap((l) => l.units).join(', ')}`;
};

describe('layering of lib/ (DESIGN.md "Layout and layering")', () => {
  it('reads static, type-only, re-export and dynamic imports, multi-line ones too', () => {
    const src = [
      "import { a } from './a.js';",
      "import type {\n  B,\n  C,\n} from '../b/c.js';",
      "export { d } from './d.js';",
      "export * from './e.js';",
      'const f = await import(\'../f.js\');',
      "import 'node:fs';",
      "// not code: a word import and from",
    ].join('\n');
    expect(importsOf(src)).toEqual([
      { spec: './a.js', line: 1 },
      { spec: '../b/c.js', line: 5 },
      { spec: './d.js', line: 6 },
      { spec: './e.js', line: 7 },
      { spec: '../f.js', line: 8 },
      { spec: 'node:fs', line: 9 },
    ]);
  });

  it('every folder and top-level file of lib/ has a layer', () => {
    const units = new Set(tsFiles(LIB).map((p) => unitOf(p) as string));
    expect([...units].filter((u) => !layerOf.has(u)).sort()).toEqual([]);
  });

  it('every import points to its own layer or a lower one (or is an allowed exception)', () => {
    const used = new Set<number>();
    const problems: string[] = [];
    for (const e of libEdges()) {
      if (e.to === null) {
        problems.push(`lib/${e.file}:${e.line} imports '${e.spec}', outside lib/ (lib imports only lib and packages)`);
        continue;
      }
      if (e.to === e.from) continue;
      const a = layerOf.get(e.from);
      const b = layerOf.get(e.to);
      if (a === undefined || b === undefined || b <= a) continue; // unclassified units fail the test above
      const k = ALLOWED.findIndex((x) => x.file === e.file && x.to === e.to);
      if (k >= 0) { used.add(k); continue; }
      problems.push(`lib/${e.file}:${e.line} imports '${e.spec}' (${e.to}, layer ${b}): upward, ${rule(e.from)}`);
    }
    ALLOWED.forEach((x, k) => { if (!used.has(k)) problems.push(`ALLOWED lists lib/${x.file} -> ${x.to} (${x.reason}) but no such upward import exists: remove the row`); });
    expect(problems).toEqual([]);
  });

  it('the folders import each other without a cycle', () => {
    const next = new Map<string, Map<string, string>>();
    for (const e of libEdges()) {
      if (e.to === null || e.to === e.from) continue;
      const m = next.get(e.from) ?? new Map<string, string>();
      if (!m.has(e.to)) m.set(e.to, `lib/${e.file}:${e.line} '${e.spec}'`);
      next.set(e.from, m);
    }
    // Depth-first search; a back edge closes a cycle, reported with one import per step.
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const cycles: string[] = [];
    const visit = (u: string) => {
      state.set(u, 'open');
      stack.push(u);
      for (const v of next.get(u)?.keys() ?? []) {
        if (state.get(v) === 'open') {
          const loop = [...stack.slice(stack.indexOf(v)), v];
          cycles.push(loop.slice(1).map((w, i) => `${loop[i]} -> ${w} (${next.get(loop[i] as string)?.get(w)})`).join(', '));
        } else if (!state.has(v)) visit(v);
      }
      stack.pop();
      state.set(u, 'done');
    };
    for (const u of [...next.keys()].sort()) if (!state.has(u)) visit(u);
    expect(cycles).toEqual([]);
  });
});
