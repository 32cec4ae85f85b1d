import { InputError } from '../lib/errors.js';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const REFERENCE = `${ROOT}search-spaces/reference-models/`;
export const FIXTURES = `${ROOT}test/fixtures/`;

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** The InputError `f` throws (fails the test when it throws nothing, rethrows anything else). */
export function thrownInputError(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

/**
 * Runs `node ARGS` and resolves with its exit status and output. Unlike spawnSync it keeps the
 * test worker's event loop free: a campaign that runs for a minute on a loaded machine must not
 * starve vitest's RPC ("Timeout calling onTaskUpdate").
 */
export function runNode(args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** How far `got` is from the reference output `ref`, element by element: the largest absolute difference and the largest |ref| (its scale). */
export function outputDifference(ref: ArrayLike<number>, got: ArrayLike<number>): { maxAbs: number; scale: number } {
  let maxAbs = 0;
  let scale = 0;
  for (let i = 0; i < ref.length; i++) {
    maxAbs = Math.max(maxAbs, Math.abs((ref[i] as number) - (got[i] as number)));
    scale = Math.max(scale, Math.abs(ref[i] as number));
  }
  return { maxAbs, scale };
}
