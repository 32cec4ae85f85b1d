import { describe, expect, it } from 'vitest';
import { InputError } from '../../lib/errors.js';
import { loadTokenizer, tokenCounter, TOKENIZERS } from '../../lib/lamda/tokens.js';

const DSL_LINE = 'conv2d_1 = Conv(in=3, out=16, k=3x3, s=2) <- input\n';

describe('token counters', () => {
  it('lists the tokenizers and rejects unknown names', () => {
    expect([...TOKENIZERS]).toEqual(['qwen2.5', 'llama3', 'chars']);
    expect(() => tokenCounter('gpt2')).toThrow(InputError);
    expect(() => tokenCounter('gpt2')).toThrow(/tokenizer: got "gpt2"; allowed: qwen2.5, llama3, chars/);
  });

  it('chars counts UTF-16 code units', () => {
    const count = tokenCounter('chars');
    expect(count('')).toBe(0);
    expect(count('hello')).toBe(5);
    expect(count(DSL_LINE)).toBe(DSL_LINE.length);
    expect(tokenCounter('chars')).toBe(count); // cached
  });

  it('qwen2.5 matches Hugging Face ids and splits every digit', () => {
    const tok = loadTokenizer('qwen2.5');
    const encode = (s: string) => tok.encode(s, { add_special_tokens: false });
    // Published outputs of the Hugging Face Qwen2/2.5 tokenizer (Qwen adds no BOS).
    expect(encode('Hello, world!')).toEqual([9707, 11, 1879, 0]);
    expect(encode('Hello, world! 123')).toEqual([9707, 11, 1879, 0, 220, 16, 17, 18]);
    expect(encode('def main():\n    print("hi")')).toEqual([750, 1887, 3932, 262, 1173, 445, 6023, 899]);
    const count = tokenCounter('qwen2.5');
    expect(count('Hello, my dog is cute')).toBe(6); // Hello , _my _dog _is _cute
    expect(count('1234567')).toBe(7); // Qwen's pre-tokenizer isolates each digit
    expect(count(DSL_LINE)).toBe(29);
    expect(count('')).toBe(0);
  });

  it('llama3 matches Hugging Face ids (without the BOS) and groups digits by three', () => {
    const tok = loadTokenizer('llama3');
    const encode = (s: string) => tok.encode(s, { add_special_tokens: false });
    // Published outputs of the Hugging Face Llama 3 tokenizer, which prepends <|begin_of_text|> = 128000.
    expect(encode('Hello, world!')).toEqual([9906, 11, 1917, 0]);
    expect(encode('Hello world! This is a test.')).toEqual([9906, 1917, 0, 1115, 374, 264, 1296, 13]);
    expect(encode("Hello, y'all! How are you 😁 ?")).toEqual([9906, 11, 379, 65948, 0, 2650, 527, 499, 27623, 223, 949]);
    const count = tokenCounter('llama3');
    expect(count('Hello, my dog is cute')).toBe(6);
    expect(count('1234567')).toBe(3); // \p{N}{1,3}: 123 456 7
    // Same pieces as Qwen except "16", one token here and two there.
    expect(count(DSL_LINE)).toBe(28);
  });

  it('round-trips and is deterministic', () => {
    const text = 'stage2.block1.conv_3 = Conv(in=64, out=128, k=3x3, s=2, p=1, groups=1) <- stage2.block0.relu_2\n';
    for (const name of ['qwen2.5', 'llama3'] as const) {
      const tok = loadTokenizer(name);
      const ids = tok.encode(text, { add_special_tokens: false });
      expect(tok.decode(ids)).toBe(text);
      const count = tokenCounter(name);
      expect(count(text)).toBe(ids.length);
      expect(count(text)).toBe(count(text));
      expect(tokenCounter(name)).toBe(count);
      expect(loadTokenizer(name)).toBe(tok);
    }
  });
});
