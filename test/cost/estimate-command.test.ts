import { afterEach, describe, expect, it, vi } from 'vitest';
import { estimateCommand } from '../../lib/cli/estimate.js';
import { FIXTURES } from '../helpers.js';

/** The import cases (copied from the shared cases): PyTorch-written files. */
const CASES = `${FIXTURES}cases/import/`;

/** Runs the estimate command in-process; returns stdout text, the JSON report and what went to stderr. */
function estimate(args: string[]): { text: string; json: { macs: number; params: number; flashBytes: number; layers: { node: string; params: number; sharedWith?: string }[] }; stderr: string[] } {
  const stderr: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (stderr.push(String(chunk)), true));
  try {
    const text = estimateCommand(args);
    const json = JSON.parse(estimateCommand([...args, '--json']));
    return { text, json, stderr };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('estimate on files PyTorch wrote', () => {
  it('a conv module applied twice: 322,720 MACs, 2,938 params, 3,232 flash; the second call is marked shared', () => {
    const r = estimate([`${CASES}conv_applied_twice.onnx`]);
    expect([r.json.macs, r.json.params, r.json.flashBytes]).toEqual([322_720, 2_938, 3_232]);
    const shared = r.json.layers.filter((l) => l.sharedWith !== undefined);
    expect(shared).toHaveLength(1);
    expect(shared[0]!.params).toBe(2_320);
    expect(r.json.layers.some((l) => l.node === shared[0]!.sharedWith)).toBe(true);
    expect(r.text).toContain(`(shares ${shared[0]!.sharedWith})`);
    expect(r.text).toContain('(2,320)');
    expect(r.stderr).toEqual([]);
  });

  it('a file with a fixed batch of 4 is counted per image, with one note on stderr per run', () => {
    const r = estimate([`${CASES}fixed_batch_4.onnx`]);
    // conv 3->8 k3 on 16x16: 16*16*8*27; conv 8->16 k3 s2 to 8x8: 8*8*16*72; linear 16 -> 10
    expect(r.json.macs).toBe(16 * 16 * 8 * 27 + 8 * 8 * 16 * 72 + 160);
    expect(r.stderr).toHaveLength(2); // text run and --json run, one note each
    expect(r.stderr[0]).toMatch(/^note: input "input" has a fixed batch of 4: read at batch 1 \(costs are per image/);
    expect(r.stderr[0]!.endsWith('\n')).toBe(true);
    expect(r.stderr[1]).toBe(r.stderr[0]);
  });
});
