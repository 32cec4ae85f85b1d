/**
 * LAMDA text fuzzing: serialized zoo models, candidates and small graphs with their numbers
 * replaced (huge, past 2^53, zero, negative, non-decimal), tokens and lines deleted, duplicated or
 * swapped, through `estimate --json`. Accepted text must round-trip (serialize, parse, equal) and,
 * when its weights are small, `parse -o` must export it.
 */
import { describe, expect, it } from 'vitest';
import { exportWeightElements } from '../../lib/graph/bounds.js';
import { parseGraph } from '../../lib/lamda/dsl.js';
import type { Rng } from '../../lib/rng.js';
import { createRng } from '../../lib/rng.js';
import { FUZZ_TIMEOUT, FuzzLog, fuzzCount, fuzzDir, HOSTILE_NUMBERS, pick, put } from './harness.js';
import { dslSeeds } from './seeds.js';

const NUMBER = /\d+/g;

/** Values at and past the window and float bounds (stride 1-64, kernel 1-4096, pads < kernel, eps in (0, 1), ...). */
const ATTRIBUTE_VALUES: Record<string, string[]> = {
  s: ['4294967297x1', '100000x2', '64x64', '65x1', '1x0'],
  k: ['4096x1', '4097x4097', '1x1', '99x99'],
  p: ['0,0,0,0', '7,7,7,7', '4096,0,0,0', '1,1,1,99'],
  eps: ['99999999999999999999', '0', '1', '0.99', '5e-324', '-1e-5', 'inf'],
  alpha: ['inf', '-inf', '1e308', '-0'],
  ratio: ['1', '0', '0.9999999999999999', '-0.1'],
  min: ['inf', '7', '-inf'],
  max: ['-inf', '0', 'inf'],
};

/** One text mutation; returns the new text and what changed. */
function mutate(text: string, rng: Rng): { text: string; what: string } {
  const lines = text.split('\n');
  const i = 1 + rng.int(Math.max(1, lines.length - 2));
  switch (rng.int(9)) {
    case 7: {
      // an attribute at or past its bound: strides, kernels, pads, BN epsilon, slopes, ratios
      const matches = [...text.matchAll(/ (s|k|p|eps|alpha|ratio|min|max)=([^\s|]+)/g)];
      const m = pick(rng, matches);
      if (!m) return { text, what: 'no attribute' };
      const by = pick(rng, ATTRIBUTE_VALUES[m[1] as string] ?? ['0']);
      const at = (m.index ?? 0) + m[1]!.length + 2;
      return { text: text.slice(0, at) + by + text.slice(at + m[2]!.length), what: `${m[1]}=${by}` };
    }
    case 8: {
      // a block name with a replacement character, a control character or a quote in it
      const name = pick(rng, ['"stage2.layer1.relu6_13\ufffdmin"', '"a\u0012b"', '"\\\"x"', '"\u200b"', '"\ud800"', 'Con$', '"\u007f\u0085"']);
      const line = lines[i] ?? '';
      lines[i] = line.includes('| block=') ? line.replace(/\| block=.*$/, `| block=${name}`) : `${line} | block=${name}`;
      return { text: lines.join('\n'), what: `line ${i + 1}: block ${name}` };
    }
    case 0:
    case 1: {
      // replace one number (a dimension, channel count, kernel, pad, axis, ...)
      const matches = [...text.matchAll(NUMBER)];
      const m = pick(rng, matches);
      if (!m) return { text, what: 'no number' };
      const by = pick(rng, HOSTILE_NUMBERS);
      return { text: text.slice(0, m.index) + by + text.slice((m.index ?? 0) + m[0].length), what: `number at ${m.index} -> ${by.slice(0, 30)}` };
    }
    case 2: {
      const tokens = (lines[i] ?? '').split(' ');
      tokens.splice(rng.int(tokens.length), 1);
      lines[i] = tokens.join(' ');
      return { text: lines.join('\n'), what: `line ${i + 1}: token deleted` };
    }
    case 3:
      lines.splice(i, 1);
      return { text: lines.join('\n'), what: `line ${i + 1} deleted` };
    case 4:
      lines.splice(i, 0, lines[i] ?? '');
      return { text: lines.join('\n'), what: `line ${i + 1} duplicated` };
    case 5: {
      const j = rng.int(lines.length);
      [lines[i], lines[j]] = [lines[j] as string, lines[i] as string];
      return { text: lines.join('\n'), what: `lines ${i + 1} and ${j + 1} swapped` };
    }
    default: {
      const at = rng.int(text.length);
      const by = pick(rng, ['', 'x', '=', ',', ' ', '(', '|', '"', '\t', '#', 'é', '\r']);
      return { text: text.slice(0, at) + by + text.slice(at + 1), what: `char ${at} -> ${JSON.stringify(by)}` };
    }
  }
}

describe('fuzz: LAMDA text', () => {
  it('every mutated text is accepted (and round-trips) or refused in one line with exit 2', async () => {
    const count = fuzzCount(3000);
    const dir = fuzzDir();
    const seeds = dslSeeds();
    const rng = createRng(53);
    const log = new FuzzLog();
    for (let k = 0; k < count; k++) {
      let text = pick(rng, seeds);
      const whats: string[] = [];
      for (let n = rng.next() < 0.6 ? 1 : 2 + rng.int(2); n > 0; n--) {
        const m = mutate(text, rng);
        text = m.text;
        whats.push(m.what);
      }
      const label = `#${k}: ${whats.join('; ')}`;
      const file = put(`${dir}/m.txt`, text);
      if (!(await log.estimate(file, label))) continue;
      const graph = log.roundTrip(label, () => parseGraph(text));
      const weights = graph ? exportWeightElements(graph) : Infinity;
      // export allocates the weights: run it where that takes milliseconds (the bound is tested on its own)
      if (weights <= 2 ** 20 && k % 4 === 0) await log.run(['parse', file, '-o', `${dir}/m.onnx`], `${label} (parse)`, false);
    }
    console.log(log.summary(`LAMDA text (${count} inputs)`));
    expect(log.failures).toEqual([]);
    expect(log.accepted).toBeGreaterThan(count / 50);
    expect(log.rejected).toBeGreaterThan(count / 4);
  }, FUZZ_TIMEOUT);
});
