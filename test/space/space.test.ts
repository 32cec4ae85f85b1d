import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../lib/errors.js';
import { createRng } from '../../lib/rng.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import type { BlockConfig, Candidate } from '../../lib/space/candidate.js';
import { canonicalKey } from '../../lib/space/key.js';
import { enumerateStage, mutateCandidate, sampleCandidate, sampleCandidates } from '../../lib/space/sample.js';
import { spaceSize } from '../../lib/space/size.js';
import { modelFromData } from '../../lib/space/formats.js';
import { loadSpace, parseSpace } from '../../lib/space/space.js';
import { candidateIssues, isValidCandidate } from '../../lib/space/validate.js';
import { REFERENCE, readJson } from '../helpers.js';

const space = resolveSpace('tinyml-cifar100');
const lmanet = (name: string) => (readJson(`${REFERENCE}${name}.json`) as { candidate_config: Candidate }).candidate_config;

describe('the Table I space file', () => {
  it('has the skeleton of the paper: 5 stages, 3x160x160, 100 classes, MACs 70-350 M, 320 KiB', () => {
    expect([space.stages, space.input.resolution, space.classes]).toEqual([5, 160, 100]);
    expect(space.constraints.macs).toEqual({ min: 70e6, max: 350e6 });
    expect(space.constraints.peakSramBytes?.max).toBe(320 * 1024);
  });
  it('size: the nine Table I parameters give 3*2*2*2*3*3*5*8*2 = 17,280 per stage', () => {
    const size = spaceSize(space);
    expect(size.tableIPerStage).toEqual([17_280, 17_280, 17_280, 17_280, 17_280]);
    expect(size.tableITotal).toBe(17_280n ** 5n);
    // an SE stage also picks its ratio from {0.25, 0.5}: half the configurations count twice
    expect(size.configurationsPerStage[0]).toBe(17_280 / 2 + 17_280);
  });
  it('enumerates every configuration of one stage exactly once', () => {
    const all = [...enumerateStage(space, 0)];
    expect(all).toHaveLength(spaceSize(space).configurationsPerStage[0]!);
    expect(new Set(all.map((b) => JSON.stringify(b))).size).toBe(all.length);
  });
  it('counts the distinct stage networks by hand: depthwise ignores E, SE off ignores the ratio', () => {
    const keys = new Set<string>();
    for (const block of enumerateStage(space, 0)) keys.add(canonicalKey({ input_channels: 3, blocks: [block] }));
    // Per (width 8, kernel 3, activation 3): type and E give mbconv x 3 + depthwise x 1; SE gives
    // off + on x 2 ratios, except a one-layer depthwise stage on the 3 input channels, where both
    // ratios squeeze to max(1, floor(3 r)) = 1 channel. A stride-2 one-layer stage has no skip.
    let perWidthKernelAct = 0;
    for (const stride of [1, 2]) {
      for (const layers of [1, 2, 3, 4, 6]) {
        const skips = stride === 2 && layers === 1 ? 1 : 2;
        const mbconv = 3 * 3;
        const depthwise = layers === 1 ? 2 : 3;
        perWidthKernelAct += skips * (mbconv + depthwise);
      }
    }
    expect(perWidthKernelAct).toBe(225);
    expect(keys.size).toBe(8 * 3 * 3 * perWidthKernelAct);
  });
  it('another space is just another file, and a broken file names the field', () => {
    const dir = mkdtempSync(`${tmpdir()}/space-`);
    const small = { ...(readJson(`${REFERENCE}../tinyml-cifar100.json`) as { choices: object }), name: 'small', stages: 3, stageOverrides: { '0': { stride: [2] } } };
    writeFileSync(`${dir}/small.json`, JSON.stringify(small));
    const s = loadSpace(`${dir}/small.json`);
    expect(spaceSize(s).tableIPerStage).toEqual([8640, 17_280, 17_280]);
    expect(() => parseSpace({ ...small, choices: { ...small.choices, activation: ['gelu'] } }, 'bad.json')).toThrow(
      'bad.json: choices.activation[0]: got "gelu"; allowed: "relu6", "leakyrelu", "swish", "relu"',
    );
    expect(() => parseSpace({ ...small, choices: { ...small.choices, kernel_size: [3, 4] } }, 'bad.json')).toThrow('bad.json: choices.kernel_size[1]: got 4; allowed: an odd integer from 1 to 15');
    expect(() => parseSpace({ ...small, stageOverrides: { '01': { stride: [2] } } }, 'bad.json')).toThrow(/stageOverrides\["01"\]: is not an allowed field name/);
    expect(() => parseSpace({ ...small, stageOverrides: { '3': { stride: [2] } } }, 'bad.json')).toThrow(/stageOverrides\.3: got "3"; allowed: a stage index 0\.\.2/);
    expect(() => parseSpace({ ...small, constraints: { macs: { min: 5, max: 1 } } }, 'bad.json')).toThrow(/constraints\.macs.*min no larger than max/);
  });
});

describe('candidate validation', () => {
  it('accepts seeded samples and rejects the released LMaNet configs for their expansion 2', () => {
    for (const c of sampleCandidates(space, createRng(1), 200)) expect(candidateIssues(space, c)).toEqual([]);
    expect(candidateIssues(space, lmanet('LMaNet-Elite'))).toEqual([]);
    const issues = candidateIssues(space, lmanet('LMaNet-Core')).map((i) => i.message);
    expect(issues).toEqual([
      'block 1 (blocks[0]) field expansion_factor: value 2 is not allowed; allowed: 3, 4, 6',
      'block 2 (blocks[1]) field expansion_factor: value 2 is not allowed; allowed: 3, 4, 6',
    ]);
  });
  it('names block, field, value and allowed values for every problem', () => {
    const c = sampleCandidate(space, createRng(5));
    const blocks = c.blocks.map((b) => ({ ...b })) as (BlockConfig & Record<string, unknown>)[];
    blocks[2]!.kernel_size = 4;
    blocks[1]!.use_se = true;
    blocks[1]!.se_ratio = 0;
    blocks[4]!.activation = 'gelu' as never;
    delete (blocks[0] as Partial<BlockConfig>).stride;
    const messages = candidateIssues(space, { ...c, blocks }).map((i) => i.message);
    expect(messages).toContain('block 3 (blocks[2]) field kernel_size: value 4 is not allowed; allowed: 3, 5, 7');
    expect(messages).toContain('block 2 (blocks[1]) field se_ratio: value 0 is not allowed; allowed: 0.25, 0.5 (when use_se is true)');
    expect(messages).toContain('block 5 (blocks[4]) field activation: value "gelu" is not allowed; allowed: "relu6", "leakyrelu", "swish"');
    expect(messages).toContain('block 1 (blocks[0]) field stride: is missing; allowed: 1, 2');
    expect(candidateIssues(space, { blocks: c.blocks.slice(0, 3) }).map((i) => i.message)).toEqual([
      'blocks: got 3 blocks; allowed: exactly 5 blocks (one per stage)',
    ]);
  });
});

describe('sampling, mutation and canonical keys', () => {
  it('sampling is seeded: same seed, same candidates; another seed, others', () => {
    const a = sampleCandidates(space, createRng(7), 50);
    expect(sampleCandidates(space, createRng(7), 50)).toEqual(a);
    expect(sampleCandidates(space, createRng(8), 50)).not.toEqual(a);
  });
  it('sampling is uniform per field: each of the 8 widths near 1/8 of 40,000 stage draws', () => {
    const counts = new Map<number, number>();
    for (const c of sampleCandidates(space, createRng(3), 8000)) for (const b of c.blocks) counts.set(b.output_channels, (counts.get(b.output_channels) ?? 0) + 1);
    expect([...counts.keys()].sort((x, y) => x - y)).toEqual(space.choices.output_channels);
    // binomial sd = sqrt(40000 * 1/8 * 7/8) ~ 66; 5 sd either side
    for (const n of counts.values()) expect(Math.abs(n - 5000)).toBeLessThan(330);
  });
  it('a mutation changes exactly one field of one stage and stays in the space', () => {
    const rng = createRng(11);
    for (let i = 0; i < 500; i++) {
      const c = sampleCandidate(space, rng);
      const m = mutateCandidate(space, c, rng);
      expect(isValidCandidate(space, m.candidate)).toBe(true);
      const changed = m.candidate.blocks.flatMap((b, s) => Object.keys(b).filter((k) => b[k as keyof BlockConfig] !== c.blocks[s]![k as keyof BlockConfig]).map((k) => `${s}.${k}`));
      const allowed = m.field === 'use_se' ? [`${m.stage}.use_se`, `${m.stage}.se_ratio`] : [`${m.stage}.${m.field}`];
      expect(changed.length).toBeGreaterThan(0);
      expect(changed.every((k) => allowed.includes(k))).toBe(true);
      expect(m.from).not.toEqual(m.to);
    }
  });
  it('equal networks get equal keys; different networks different keys', () => {
    const base = sampleCandidate(space, createRng(21));
    const set = (stage: number, patch: Partial<BlockConfig>): Candidate => ({ ...base, blocks: base.blocks.map((b, i) => (i === stage ? { ...b, ...patch } : b)) });
    const dw = set(0, { conv_type: 'depthwise', expansion_factor: 3 });
    expect(canonicalKey(set(0, { conv_type: 'depthwise', expansion_factor: 6 }))).toBe(canonicalKey(dw));
    const off = set(1, { use_se: false, se_ratio: 0 });
    expect(canonicalKey({ ...off, blocks: off.blocks.map((b, i) => (i === 1 ? { ...b, se_ratio: 0.5 } : b)) })).toBe(canonicalKey(off));
    const single = set(2, { stride: 2, num_layers: 1, skip_op: 'identity' });
    expect(canonicalKey(set(2, { stride: 2, num_layers: 1, skip_op: 'residual' }))).toBe(canonicalKey(single));
    // the same seven layers split 3+4 or 4+3 between two equal stages
    const twin = { ...base.blocks[3]!, stride: 1 };
    const split = (a: number, b: number): Candidate => ({ ...base, blocks: base.blocks.map((blk, i) => (i === 3 ? { ...twin, num_layers: a } : i === 4 ? { ...twin, num_layers: b } : blk)) });
    expect(canonicalKey(split(3, 4))).toBe(canonicalKey(split(4, 3)));
    expect(canonicalKey(split(3, 3))).not.toBe(canonicalKey(split(3, 4)));
    expect(canonicalKey(set(0, { kernel_size: base.blocks[0]!.kernel_size === 3 ? 5 : 3 }))).not.toBe(canonicalKey(base));
  });
  it('a candidate that fails validation throws a ValidationError listing every issue', () => {
    const c = sampleCandidate(space, createRng(4));
    const bad = { ...c, blocks: c.blocks.map((b, i) => (i === 0 ? { ...b, stride: 5 } : i === 3 ? { ...b, num_layers: 5 } : b)) };
    let error: unknown;
    try {
      modelFromData(bad, { format: 'candidate', space, name: 'mine' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.field)).toEqual(['block 1 (blocks[0]) field stride', 'block 4 (blocks[3]) field num_layers']);
    expect((error as Error).message).toMatch(/^mine \(candidate of tinyml-cifar100\): block 1/);
  });
});
