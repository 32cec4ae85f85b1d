import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { ROOT } from './helpers.js';

/** Debian's python3 (the first python3 on PATH may be another one without these packages). */
export const PYTHON = '/usr/bin/python3';

export function pythonHas(modules: string): boolean {
  return spawnSync(PYTHON, ['-c', `import ${modules}`], { encoding: 'utf8' }).status === 0;
}

export const HAVE_ONNX = pythonHas('onnx');
export const HAVE_TORCH = pythonHas('torch, torchvision, onnx');
if (!HAVE_ONNX) console.warn('python3-onnx is not installed: onnx.checker checks are skipped (npm run setup installs it)');
if (!HAVE_TORCH) console.warn('python3-torchvision is not installed: PyTorch-export checks are skipped (npm run setup installs it)');

/** Runs scripts/torch-export.py: PyTorch writes the ONNX file and reports its own counts. */
export function torchExport(model: string, out: string, extra: string[] = []): { file: string; macs: number; params: number; torchParams: number } {
  const r = spawnSync(PYTHON, [`${ROOT}scripts/torch-export.py`, model, out, ...extra], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`torch-export ${model} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string);
}

export function onnxCheck(path: string): { ok: boolean; message: string } {
  const r = spawnSync(PYTHON, ['-c', 'import onnx,sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)', path], { encoding: 'utf8' });
  return { ok: r.status === 0, message: r.stderr };
}

/**
 * Runs `python3 ARGS` (Debian's) asynchronously and resolves with its exit status and output: a
 * PyTorch export of a minute must not block the test worker's event loop (vitest's RPC times out at 60 s).
 * Kills the process and rejects after `timeoutMs`.
 */
export function runPython(args: readonly string[], timeoutMs = 600_000): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${PYTHON} ${args.join(' ')}: no result after ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** What scripts/heldout-models.py prints for one held-out model (its docstring defines each count). */
export interface HeldoutCounts {
  model: string;
  file: string;
  opset: number;
  input: number[];
  output: number[];
  /** Per image, by PyTorch forward hooks on conv, transposed conv and linear modules. */
  macs: number;
  /** The exported file's parameters by paretonas's counting rules (shared constants once, scalars not). */
  params: number;
  paramsByOp: Record<string, number>;
  /** sum(p.numel() for p in model.parameters()). */
  torchParams: number;
  onnxOps: string[];
  convs: { spatialRanks: number[]; dilated: number; grouped: number };
  layerMacs: { module: string; name: string; macs: number }[];
}

/**
 * Exports held-out model `model` to `out` with scripts/heldout-models.py (asynchronously) and
 * returns PyTorch's counts; the JSON is kept next to the file (`out` with .json) and read back on
 * a second call with the same `out`.
 */
export async function heldoutExport(model: string, out: string, options: { opset?: number; resolution?: number } = {}): Promise<HeldoutCounts> {
  const cache = out.replace(/\.onnx$/, '') + '.json';
  if (existsSync(cache) && existsSync(out)) return JSON.parse(readFileSync(cache, 'utf8')) as HeldoutCounts;
  const args = [`${ROOT}scripts/heldout-models.py`, model, out];
  if (options.opset !== undefined) args.push('--opset', String(options.opset));
  if (options.resolution !== undefined) args.push('--resolution', String(options.resolution));
  const r = await runPython(args);
  if (r.status !== 0) throw new Error(`heldout-models.py ${model} failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-5).join('\n')}`);
  const line = r.stdout.trim().split('\n').pop() as string;
  writeFileSync(cache, line + '\n');
  return JSON.parse(line) as HeldoutCounts;
}
