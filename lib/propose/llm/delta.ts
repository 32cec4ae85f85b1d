/**
 * Delta proposals (NNGPT, 004 in the papers): instead of a whole architecture the LLM is shown a
 * parent from the current Pareto front (its candidate JSON and its metrics with units) and replies
 * with a JSON Patch (RFC 6902) against it. The patch is parsed as parseReply reads a candidate
 * (plain, fenced, or inside prose), applied with fast-json-patch to a copy of the parent (the
 * parent is never mutated; operations are validated, prototype changes banned), and the result is
 * validated like any proposal.
 *
 * Rejections: a reply that is not a JSON Patch (not JSON, not an array) is `parse`; a patch that
 * does not apply (an unknown op, a bad path, a failed `test`, a missing value) is `schema`. Each
 * message names the operation (0-based index) and why, and goes back to the LLM as feedback.
 */
import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { jsonDepth } from '../../json-bounded.js';
import { fmix32, createRng } from '../../rng.js';
import { metricInfo } from '../../metrics.js';
import { promptValue } from './prompts.js';

/** Recorded with every delta call (llm-call.promptVersion); full-mode calls keep PROMPT_VERSION. */
export const DELTA_PROMPT_VERSION = 'nngpt-delta/1';

/** The LLM modes of `search --llm-mode`: a whole candidate per reply, or a JSON Patch against a front member. */
export const LLM_MODES = ['full', 'delta'] as const;
export type LlmMode = (typeof LLM_MODES)[number];

/** RFC 6902's operations (fast-json-patch's own `_get` is not one). */
export const PATCH_OPS = ['add', 'remove', 'replace', 'move', 'copy', 'test'] as const;

/** Replies are bounded as full ones (proposer.ts LLM_REPLY_BOUNDS): characters and nesting depth. */
const BOUNDS = { maxChars: 200_000, maxDepth: 32 } as const;

/**
 * Bounds of a patch: operations (a candidate has ~10 fields per stage: 100 rewrites every field of
 * a 10-stage net), and the patched document's JSON length and nesting depth after each operation
 * (a `copy` doubles what it copies: without the length bound 40 copies of /blocks would need 2^40
 * blocks; copying /blocks into /blocks/0 nests it two levels deeper each time: without the depth
 * bound, that of a whole reply, the proposal record would nest past what records.jsonl's reader
 * accepts, RECORD_LINE_BOUNDS' 64 levels).
 */
export const PATCH_BOUNDS = { maxOperations: 100, maxChars: 100_000, maxDepth: BOUNDS.maxDepth } as const;

/** Ollama's structured format for a delta reply: an array of RFC 6902 operations. */
export const PATCH_FORMAT: Record<string, unknown> = {
  type: 'array',
  minItems: 1,
  items: {
    type: 'object',
    required: ['op', 'path'],
    properties: { op: { enum: [...PATCH_OPS] }, path: { type: 'string' }, from: { type: 'string' }, value: {} },
  },
};

/** A parent as the prompt shows it: its proposal index, key, candidate and evaluated metrics. */
export interface DeltaParent {
  index: number;
  key: string;
  candidate: unknown;
  metrics: Readonly<Record<string, number>>;
}

/**
 * The parent of proposal `index`: one front member drawn uniformly with a generator seeded by
 * (seed, index), from the members ordered by proposal index, so a resumed or replayed run (same
 * seed, same outcomes) draws the same parent. Undefined while the front is empty.
 */
export function chooseParent<T extends { index: number }>(members: readonly T[], seed: number, index: number): T | undefined {
  if (members.length === 0) return undefined;
  const sorted = [...members].sort((a, b) => a.index - b.index);
  const rng = createRng(fmix32((seed >>> 0) ^ fmix32(index + 1)));
  return sorted[rng.int(sorted.length)];
}

/** The user turn asking for a patch: the parent (#index, key, JSON), its metrics with units, and the reply's form. */
export function deltaInstruction(parent: DeltaParent, frontSize: number): string {
  const shown = Object.entries(parent.metrics).map(([n, v]) => `${metricInfo(n).label} ${promptValue(n, v)}`).join(', ');
  return [
    `Delta mode: modify a parent from the current Pareto front instead of writing a whole architecture. The parent is proposal #${parent.index} (key ${parent.key}), one of the ${frontSize} front members:`,
    JSON.stringify(parent.candidate),
    `Its metrics: ${shown}.`,
    'Reply with only a JSON Patch (RFC 6902): a JSON array of operations on this parent, e.g. [{"op": "replace", "path": "/blocks/2/expansion_factor", "value": 4}]. Operations: add, remove, replace, move, copy, test; paths are JSON Pointers into the parent (blocks numbered from 0). The patched parent must use only values from the search space.',
  ].join('\n');
}

export type PatchParse = { ok: true; patch: unknown[] } | { ok: false; value: unknown; message: string };

/**
 * A JSON Patch out of a reply: plain JSON, a fenced block, or the array inside prose; an object
 * `{"patch": [...]}` counts as its array. Not JSON, or JSON that is not an array: ok false, with
 * the parsed value (undefined when there was none) and the feedback message.
 */
export function parsePatchReply(text: string): PatchParse {
  const form = 'Reply with only a JSON Patch: a JSON array of operations such as [{"op": "replace", "path": "/blocks/0/stride", "value": 2}], and no other text.';
  if (text.length > BOUNDS.maxChars) return { ok: false, value: undefined, message: `Your reply has ${text.length} characters, over the ${BOUNDS.maxChars} allowed. ${form}` };
  if (jsonDepth(text, BOUNDS.maxDepth) > BOUNDS.maxDepth) return { ok: false, value: undefined, message: `Your reply nests JSON more than ${BOUNDS.maxDepth} levels deep (a patch nests 2). ${form}` };
  const attempts = [text.trim(), /```(?:json)?\s*([\s\S]*?)```/.exec(text)?.[1]?.trim(), text.slice(text.indexOf('['), text.lastIndexOf(']') + 1)];
  let parsed: { value: unknown } | undefined;
  let error = 'no JSON found';
  for (const t of attempts) {
    if (!t) continue;
    try {
      parsed = { value: JSON.parse(t) as unknown };
      break; // the first reading that parses is the reply (an object's inner array is not its patch)
    } catch (err) {
      error = (err as Error).message;
    }
  }
  if (!parsed) return { ok: false, value: undefined, message: `Your reply was not JSON (${error}; ${text.length} characters, starting ${JSON.stringify(text.slice(0, 40))}). ${form}` };
  let value = parsed.value;
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Array.isArray((value as { patch?: unknown }).patch)) value = (value as { patch: unknown[] }).patch;
  if (Array.isArray(value)) return { ok: true, patch: value };
  const what = value === null ? 'null' : typeof value === 'object' ? ('blocks' in (value as object) ? 'a whole candidate {"blocks": [...]}' : 'a JSON object') : `a JSON ${typeof value}`;
  return { ok: false, value, message: `Your reply was ${what}, not a JSON Patch (an array of operations). ${form}` };
}

export type PatchApplication = { ok: true; candidate: unknown } | { ok: false; message: string };

const short = (v: unknown) => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
};

/** Why an operation failed, from fast-json-patch's error name, in the words of RFC 6902. */
function failureText(name: string, op: Record<string, unknown>, doc: unknown): string {
  const path = JSON.stringify(op.path);
  switch (name) {
    case 'OPERATION_NOT_AN_OBJECT':
      return 'it is not an object {"op", "path", ...}';
    case 'OPERATION_OP_INVALID':
      return `its op ${short(op.op)} is not one of ${PATCH_OPS.join(', ')}`;
    case 'OPERATION_PATH_INVALID':
      return `its path ${short(op.path)} is not a JSON Pointer (a string starting with /, e.g. "/blocks/0/stride")`;
    case 'OPERATION_FROM_REQUIRED':
      return `a ${String(op.op)} needs "from", a JSON Pointer to copy or move from`;
    case 'OPERATION_VALUE_REQUIRED':
    case 'OPERATION_VALUE_CANNOT_CONTAIN_UNDEFINED':
      return `a ${String(op.op)} needs a "value"`;
    case 'OPERATION_PATH_CANNOT_ADD':
      return `path ${path} cannot be added: its parent location does not exist`;
    case 'OPERATION_PATH_UNRESOLVABLE':
      return `path ${path} does not exist in the parent${blocksNote(doc)}`;
    case 'OPERATION_FROM_UNRESOLVABLE':
      return `from ${JSON.stringify(op.from)} does not exist in the parent${blocksNote(doc)}`;
    case 'OPERATION_PATH_ILLEGAL_ARRAY_INDEX':
      return `path ${path} indexes an array with something other than a number`;
    case 'OPERATION_VALUE_OUT_OF_BOUNDS':
      return `path ${path} is past the end of its array${blocksNote(doc)}`;
    case 'TEST_OPERATION_FAILED':
      return `its test failed: the parent has ${short(safeGet(doc, op.path as string))} at ${path}, not ${short(op.value)}`;
    default:
      return name;
  }
}

function blocksNote(doc: unknown): string {
  const blocks = (doc as { blocks?: unknown } | null)?.blocks;
  return Array.isArray(blocks) ? ` (it has ${blocks.length} blocks, /blocks/0 to /blocks/${blocks.length - 1})` : '';
}

function safeGet(doc: unknown, pointer: string): unknown {
  try {
    return jsonpatch.getValueByPointer(doc, pointer);
  } catch {
    return undefined;
  }
}

/**
 * Applies `patch` to a deep copy of `parent`, operation by operation (each validated first; the
 * parent and the patch are never mutated). The first operation that fails gives the message:
 * `operation I (JSON) ...: why`, I 0-based, naming the parent as `#parentIndex`.
 */
export function applyCandidatePatch(parent: unknown, patch: readonly unknown[], parentIndex: number): PatchApplication {
  let doc: unknown = jsonpatch.deepClone(parent);
  const fail = (i: number, why: string) => ({ ok: false as const, message: `Your JSON Patch does not apply to parent #${parentIndex}: operation ${i} (${short(patch[i])}): ${why}. Patch only paths that exist in the parent, with values from the search space.` });
  if (patch.length > PATCH_BOUNDS.maxOperations) return { ok: false, message: `Your JSON Patch has ${patch.length} operations, more than the ${PATCH_BOUNDS.maxOperations} allowed; change only the fields that need it.` };
  for (let i = 0; i < patch.length; i++) {
    const op = patch[i];
    if (op === null || typeof op !== 'object' || Array.isArray(op)) return fail(i, failureText('OPERATION_NOT_AN_OBJECT', {}, doc));
    const o = op as Record<string, unknown>;
    if (!(PATCH_OPS as readonly unknown[]).includes(o.op)) return fail(i, failureText('OPERATION_OP_INVALID', o, doc));
    // RFC 6902 4.4: a move's "from" must not be a proper prefix of its "path" (a location cannot move into its own child).
    if (o.op === 'move' && typeof o.from === 'string' && typeof o.path === 'string' && o.path !== o.from && (o.from === '' || o.path.startsWith(`${o.from}/`))) {
      return fail(i, `it moves ${JSON.stringify(o.from)} into its own child ${JSON.stringify(o.path)}, which RFC 6902 forbids (from must not be a proper prefix of path)`);
    }
    try {
      doc = jsonpatch.applyOperation(doc, jsonpatch.deepClone(o) as Operation, true, true, true, i).newDocument;
      if (doc === null || doc === undefined) return fail(i, `it leaves no candidate: ${o.op === 'remove' ? 'it removes the whole parent' : 'it makes the whole parent null'} (path "" is the whole document); patch fields inside it, e.g. "/blocks/0/stride"`);
      const text = JSON.stringify(doc) ?? '';
      if (text.length > PATCH_BOUNDS.maxChars) return fail(i, `it grows the patched parent to ${text.length} characters of JSON, over the ${PATCH_BOUNDS.maxChars} allowed (a candidate needs about 1,000)`);
      const depth = jsonDepth(text, PATCH_BOUNDS.maxDepth);
      if (depth > PATCH_BOUNDS.maxDepth) return fail(i, `it nests the patched parent more than ${PATCH_BOUNDS.maxDepth} levels deep (a candidate nests 3: {"blocks": [{...}]})`);
    } catch (err) {
      if (err instanceof jsonpatch.JsonPatchError) return fail(i, failureText(err.name, o, doc));
      // fast-json-patch's ban on __proto__ / constructor/prototype (a TypeError, not a JsonPatchError)
      return fail(i, /__proto__|prototype/.test((err as Error).message) ? 'it changes __proto__ or constructor/prototype, which no candidate has' : (err as Error).message);
    }
  }
  return { ok: true, candidate: doc };
}
