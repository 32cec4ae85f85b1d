import { existsSync, readFileSync } from 'node:fs';
import { EvaluationFailure } from '../../lib/evaluate/types.js';
import { FIXTURES, ROOT } from '../helpers.js';

/** A shell command that runs one of the fake trainers in test/fixtures/trainers/ with this Node. */
export function trainerCommand(script: string): string {
  return `"${process.execPath}" "${FIXTURES}trainers/${script}"`;
}

export const EXAMPLE_TRAINER = `"${process.execPath}" "${ROOT}scripts/example-trainer.mjs"`;

/** Whether a process runs (a zombie, dead but not yet reaped by its parent, does not count). */
export function isAlive(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (existsSync('/proc/self/stat')) {
    if (!existsSync(stat)) return false;
    try {
      const text = readFileSync(stat, 'utf8');
      const state = text.slice(text.lastIndexOf(')') + 2, text.lastIndexOf(')') + 3);
      return state !== 'Z' && state !== 'X';
    } catch {
      return false; // gone between the two calls
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return condition();
}

/** The EvaluationFailure an evaluation rejects with (anything else, or success, fails the test). */
export async function failure(promise: Promise<unknown>): Promise<EvaluationFailure> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EvaluationFailure) return error;
    throw error;
  }
  throw new Error('the evaluation succeeded');
}
