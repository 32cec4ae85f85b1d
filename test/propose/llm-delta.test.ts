import { describe, expect, it } from 'vitest';
import { applyCandidatePatch, chooseParent, deltaInstruction, parsePatchReply } from '../../lib/propose/llm/delta.js';
import { validateProposal } from '../../lib/campaign/validate.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import { NoveltyIndex } from '../../lib/campaign/novelty.js';
import type { Candidate } from '../../lib/space/candidate.js';
import { REFERENCE, readJson } from '../helpers.js';
import { jsonDepth } from '../../lib/json-bounded.js';

const elite = (readJson(`${REFERENCE}LMaNet-Elite.json`) as { candidate_config: Candidate }).candidate_config;

describe('parsePatchReply: a JSON Patch out of a reply', () => {
  it('reads plain, fenced and prose-wrapped arrays, and {"patch": [...]}', () => {
    const ops = [{ op: 'replace', path: '/blocks/0/stride', value: 1 }];
    expect(parsePatchReply(JSON.stringify(ops))).toEqual({ ok: true, patch: ops });
    expect(parsePatchReply(`Sure:\n\`\`\`json\n${JSON.stringify(ops)}\n\`\`\`\nDone.`)).toEqual({ ok: true, patch: ops });
    expect(parsePatchReply(`I change the stride: ${JSON.stringify(ops)} to keep SRAM low.`)).toEqual({ ok: true, patch: ops });
    expect(parsePatchReply(JSON.stringify({ patch: ops }))).toEqual({ ok: true, patch: ops });
  });
  it('refuses text that is not JSON, and JSON that is not an array (a whole candidate is not read as its blocks array)', () => {
    const notJson = parsePatchReply('I would use stride 2.');
    expect(notJson.ok).toBe(false);
    expect(!notJson.ok && notJson.message).toMatch(/^Your reply was not JSON \(.*; 21 characters, starting "I would use stride 2\."\)\. Reply with only a JSON Patch/);
    const whole = parsePatchReply(JSON.stringify(elite));
    expect(whole).toMatchObject({ ok: false, value: elite });
    expect(!whole.ok && whole.message).toMatch(/^Your reply was a whole candidate \{"blocks": \[\.\.\.\]\}, not a JSON Patch/);
    expect(parsePatchReply('42')).toMatchObject({ ok: false, value: 42, message: expect.stringMatching(/^Your reply was a JSON number, not a JSON Patch/) });
    expect(parsePatchReply('null')).toMatchObject({ ok: false, value: null, message: expect.stringMatching(/^Your reply was null, not a JSON Patch/) });
  });
  it('refuses a reply nested deeper than the bound before parsing it', () => {
    const deep = `${'['.repeat(40)}${']'.repeat(40)}`;
    expect(parsePatchReply(deep)).toMatchObject({ ok: false, message: expect.stringMatching(/nests JSON more than 32 levels deep/) });
  });
});

describe('applyCandidatePatch: fast-json-patch on a copy of the parent', () => {
  it('applies replace, add, remove, move, copy and a passing test in order, never mutating the parent or the patch', () => {
    const parent = structuredClone(elite);
    const patch = [
      { op: 'test', path: '/blocks/0/stride', value: 2 },
      { op: 'replace', path: '/blocks/3/kernel_size', value: 5 },
      { op: 'copy', from: '/blocks/4/activation', path: '/blocks/2/activation' },
      { op: 'remove', path: '/input_channels' },
      { op: 'add', path: '/input_channels', value: 3 },
      { op: 'move', from: '/blocks/1/skip_op', path: '/blocks/1/skip_op' },
    ];
    const before = JSON.stringify(patch);
    const r = applyCandidatePatch(parent, patch, 0);
    // By hand: stage 4's kernel 3 -> 5, stage 3's activation leakyrelu -> stage 5's relu6; the rest equal.
    const expected = structuredClone(elite);
    expected.blocks[3]!.kernel_size = 5;
    expected.blocks[2]!.activation = 'relu6';
    expect(r).toEqual({ ok: true, candidate: expected });
    expect(parent).toEqual(elite);
    expect(JSON.stringify(patch)).toBe(before);
  });
  it('names the failing operation (0-based) and why: bad path, past the end, failed test, unknown op, missing value or from, not an object', () => {
    const msg = (patch: unknown[]) => {
      const r = applyCandidatePatch(elite, patch, 7);
      expect(r.ok).toBe(false);
      return r.ok ? '' : r.message;
    };
    expect(msg([{ op: 'replace', path: '/blocks/0/stride', value: 1 }, { op: 'replace', path: '/blocks/9/stride', value: 1 }])).toBe(
      'Your JSON Patch does not apply to parent #7: operation 1 ({"op":"replace","path":"/blocks/9/stride","value":1}): path "/blocks/9/stride" does not exist in the parent (it has 5 blocks, /blocks/0 to /blocks/4). Patch only paths that exist in the parent, with values from the search space.',
    );
    expect(msg([{ op: 'add', path: '/blocks/6', value: {} }])).toContain('operation 0 ({"op":"add","path":"/blocks/6","value":{}}): path "/blocks/6" is past the end of its array (it has 5 blocks');
    expect(msg([{ op: 'test', path: '/blocks/4/kernel_size', value: 3 }])).toContain('operation 0 ({"op":"test","path":"/blocks/4/kernel_size","value":3}): its test failed: the parent has 7 at "/blocks/4/kernel_size", not 3.');
    expect(msg([{ op: 'replace', path: '/blocks/0/stride', value: 1 }, { op: 'test', path: '/blocks/0/stride', value: 2 }])).toContain('operation 1 ({"op":"test","path":"/blocks/0/stride","value":2}): its test failed: the parent has 1 at');
    expect(msg([{ op: '_get', path: '/blocks' }])).toContain('operation 0 ({"op":"_get","path":"/blocks"}): its op "_get" is not one of add, remove, replace, move, copy, test.');
    expect(msg([{ op: 'replace', path: 'blocks/0/stride', value: 1 }])).toContain('its path "blocks/0/stride" is not a JSON Pointer');
    expect(msg([{ op: 'replace', path: '/blocks/0/stride' }])).toContain('a replace needs a "value"');
    expect(msg([{ op: 'copy', path: '/blocks/0/stride' }])).toContain('a copy needs "from"');
    expect(msg([{ op: 'move', from: '/blocks/8', path: '/blocks/0' }])).toContain('from "/blocks/8" does not exist in the parent');
    expect(msg(['replace'])).toContain('operation 0 ("replace"): it is not an object');
    expect(msg([{ op: 'add', path: '/__proto__/polluted', value: 1 }])).toContain('it changes __proto__ or constructor/prototype');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
  it('bounds a patch: at most 100 operations, and a copy bomb stops once the document passes 100,000 characters', () => {
    const many = Array.from({ length: 101 }, () => ({ op: 'test', path: '/input_channels', value: 3 }));
    expect(applyCandidatePatch(elite, many, 0)).toEqual({ ok: false, message: 'Your JSON Patch has 101 operations, more than the 100 allowed; change only the fields that need it.' });
    expect(applyCandidatePatch(elite, many.slice(1), 0)).toEqual({ ok: true, candidate: elite });
    // Each copy appends /blocks to itself, doubling its JSON (901 characters): 901 x 2^7 = 115,328 > 100,000 at the 7th copy (index 6).
    const bomb = Array.from({ length: 40 }, () => ({ op: 'copy', from: '/blocks', path: '/blocks/-' }));
    const r = applyCandidatePatch(elite, bomb, 0);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/operation 6 .*: it grows the patched parent to \d+ characters of JSON, over the 100000 allowed/);
  });
  it('bounds the patched parent\'s depth as a reply\'s (32): copying /blocks into /blocks/0 nests it 2 levels deeper per copy, refused at the copy that passes 32', () => {
    // By hand: the parent nests 3 ({"blocks": [{...}]}); copy k (1-based) puts the blocks array, 2k levels deep, under
    // /blocks/0/kids: the document nests 3 + 2k, 33 > 32 at k = 15 (operation 14). Its JSON grows only linearly (the
    // old kids are replaced), so the 100,000-character bound alone would let all 40 through (depth 83, which the
    // records' reader refuses: RECORD_LINE_BOUNDS 64 levels).
    const nest = Array.from({ length: 40 }, () => ({ op: 'copy', from: '/blocks', path: '/blocks/0/kids' }));
    const r = applyCandidatePatch(elite, nest, 2);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toBe('Your JSON Patch does not apply to parent #2: operation 14 ({"op":"copy","from":"/blocks","path":"/blocks/0/kids"}): it nests the patched parent more than 32 levels deep (a candidate nests 3: {"blocks": [{...}]}). Patch only paths that exist in the parent, with values from the search space.');
    const ok = applyCandidatePatch(elite, nest.slice(0, 14), 2);
    expect(ok.ok).toBe(true);
    expect(jsonDepth(JSON.stringify(ok.ok && ok.candidate), 100)).toBe(31);
  });
  it('a patch that removes or nulls the whole parent (path "") is a schema rejection naming the operation, not "no reply"', () => {
    for (const patch of [[{ op: 'remove', path: '' }], [{ op: 'replace', path: '/blocks/0/stride', value: 1 }, { op: 'replace', path: '', value: null }]]) {
      const r = applyCandidatePatch(elite, patch, 0);
      const i = patch.length - 1;
      expect(r).toEqual({ ok: false, message: `Your JSON Patch does not apply to parent #0: operation ${i} (${JSON.stringify(patch[i])}): it leaves no candidate: ${i === 0 ? 'it removes the whole parent' : 'it makes the whole parent null'} (path "" is the whole document); patch fields inside it, e.g. "/blocks/0/stride". Patch only paths that exist in the parent, with values from the search space.` });
    }
  });
  it('a move into its own child is refused in RFC 6902\'s words (from a proper prefix of path), also from the root', () => {
    const why = (from: string, path: string) => `it moves ${JSON.stringify(from)} into its own child ${JSON.stringify(path)}, which RFC 6902 forbids (from must not be a proper prefix of path)`;
    for (const [from, path] of [['/blocks', '/blocks/0/x'], ['', '/x'], ['/blocks/0', '/blocks/0/a/b']] as const) {
      const r = applyCandidatePatch(elite, [{ op: 'move', from, path }], 1);
      expect(r).toEqual({ ok: false, message: `Your JSON Patch does not apply to parent #1: operation 0 (${JSON.stringify({ op: 'move', from, path })}): ${why(from, path)}. Patch only paths that exist in the parent, with values from the search space.` });
    }
    // Not a proper prefix: a sibling whose name starts alike, and a move onto itself (a no-op), both apply.
    const sibling = applyCandidatePatch({ ab: 1, a: { x: 2 } }, [{ op: 'move', from: '/a', path: '/ab' }], 1);
    expect(sibling).toEqual({ ok: true, candidate: { ab: { x: 2 } } });
    expect(applyCandidatePatch(elite, [{ op: 'move', from: '/blocks', path: '/blocks' }], 1)).toEqual({ ok: true, candidate: elite });
  });
  it('a patch that applies but leaves the space is rejected by validation as any proposal (schema)', () => {
    const space = resolveSpace();
    const r = applyCandidatePatch(elite, [{ op: 'replace', path: '/blocks/1/kernel_size', value: 4 }], 0);
    expect(r.ok).toBe(true);
    const v = validateProposal(r.ok ? r.candidate : null, { space, sramModel: 'max-live' } as never, { seen: new Map(), novelty: new NoveltyIndex() });
    expect(v).toMatchObject({ ok: false, reason: 'schema' });
    expect(!v.ok && v.message).toContain('block 2 (blocks[1]) field kernel_size: value 4 is not allowed; allowed: 3, 5, 7');
  });
  it('validation rejects a recorded patch error first, with its reason and message', () => {
    const v = validateProposal('text', { space: resolveSpace() } as never, { seen: new Map(), novelty: new NoveltyIndex() }, { reason: 'schema', message: 'Your JSON Patch does not apply' });
    expect(v).toEqual({ ok: false, reason: 'schema', message: 'Your JSON Patch does not apply', details: { patch: true } });
  });
});

describe('chooseParent', () => {
  const members = [{ index: 9 }, { index: 2 }, { index: 5 }];
  it('draws from the members ordered by proposal index, the same for the same seed and index (whatever their order)', () => {
    for (let i = 0; i < 20; i++) expect(chooseParent(members, 3, i)).toEqual(chooseParent([...members].reverse(), 3, i));
    expect(chooseParent([], 3, 1)).toBeUndefined();
  });
  it('reaches every member over proposals, and another seed draws another sequence', () => {
    const drawn = (seed: number) => Array.from({ length: 60 }, (_, i) => chooseParent(members, seed, i)!.index);
    expect(new Set(drawn(1))).toEqual(new Set([2, 5, 9]));
    expect(drawn(1)).not.toEqual(drawn(2));
  });
});

describe('deltaInstruction', () => {
  it('names the parent (#, key), its candidate JSON and its metrics with units', () => {
    const text = deltaInstruction({ index: 4, key: 'k1', candidate: elite, metrics: { macs: 82_000_000, params: 498_000, peakSramBytes: 204_800 } }, 3);
    expect(text).toContain('The parent is proposal #4 (key k1), one of the 3 front members:');
    expect(text).toContain(JSON.stringify(elite));
    expect(text).toContain('Its metrics: MACs 82M, params 0.498M, peak SRAM 200 KB.');
    expect(text).toContain('JSON Patch (RFC 6902)');
  });
});
