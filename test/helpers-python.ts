import { spawnSync } from 'node:child_process';
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
