import { InputError } from './errors.js';

/** Bounds a JSON text must keep before it is parsed: bytes (UTF-16 code units) and nesting depth. */
export interface JsonBounds {
  /** Longest text accepted, in characters. */
  maxChars: number;
  /** Deepest nesting of arrays and objects accepted (a flat object is depth 1). */
  maxDepth: number;
}

/** Model configs, space files, LLM replies: generous for real files, far below what breaks the parser. */
export const DEFAULT_JSON_BOUNDS: JsonBounds = { maxChars: 64 * 1024 * 1024, maxDepth: 64 };

/**
 * The nesting depth of a JSON text, scanned without parsing (strings and escapes honoured).
 * Stops early, returning a value above `limit`, once the depth passes it. O(length), no recursion.
 */
export function jsonDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 93 || c === 125) depth--;
  }
  return max;
}

/**
 * Checks a JSON text's size and nesting depth without parsing it (O(length), no recursion).
 *
 * @throws InputError naming the source, the size or depth found, and the bound.
 */
export function checkJsonBounds(text: string, source: string, bounds: Partial<JsonBounds> = {}): void {
  const { maxChars, maxDepth } = { ...DEFAULT_JSON_BOUNDS, ...bounds };
  if (text.length > maxChars) throw new InputError(source, `${text.length} characters`, `JSON of at most ${maxChars} characters`, `is ${text.length} characters long`);
  if (jsonDepth(text, maxDepth) > maxDepth) throw new InputError(source, `nesting deeper than ${maxDepth}`, `JSON nested at most ${maxDepth} levels deep`, `nests arrays/objects more than ${maxDepth} levels deep`);
}

/**
 * JSON.parse after checking size and nesting depth, so hostile input is refused in one line
 * before the parser (or anything that walks the value recursively) can overflow the stack.
 *
 * @param source names the input in errors (a file path, "LLM reply", ...).
 * @throws InputError naming the source, the size or depth found, and the bound; or the parser's
 *   message for text that is not JSON.
 */
export function parseJsonBounded(text: string, source: string, bounds: Partial<JsonBounds> = {}): unknown {
  checkJsonBounds(text, source, bounds);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InputError(source, text.length > 60 ? `${text.slice(0, 57)}... (${text.length} characters)` : text, 'valid JSON', `is not valid JSON (${(err as Error).message.slice(0, 120)})`);
  }
}
