/**
 * A reader that stops early (`paretonas show RUN 3 --json | head`) closes the pipe: the rest of
 * the output is not wanted, which is not an error. The built CLI must exit 0 without a line on
 * stderr (it printed "internal error: write EPIPE" and exited 1).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

const MAIN = join(ROOT, 'dist/cli/main.js');

function runWithClosedStdout(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader is gone before the command writes anything
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('stdout closed by its reader', () => {
  it('estimate --json into a closed pipe: exit 0, nothing on stderr', async () => {
    expect(await runWithClosedStdout(['estimate', '--zoo', 'resnet18', '--json'])).toEqual({ code: 0, stderr: '' });
  });

  it('a refused command still says its line and exits 2 when stdout is closed', async () => {
    const r = await runWithClosedStdout(['estimate', '--zoo', 'nonet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^paretonas estimate: .*nonet/);
  });
});
