/** Generators by name: `width-search` and `ollama:MODEL` (the CLI's --generator values). */
import { InputError } from '../errors.js';
import type { ChatOptions, LlmClient } from '../llm/types.js';
import { ollamaClient } from '../llm/ollama.js';
import type { Generator } from './generator.js';
import { ollamaGenerator } from './ollama-generator.js';
import { widthSearchGenerator } from './width-search.js';

export const GENERATOR_SPECS = 'width-search, ollama:MODEL (e.g. ollama:qwen2.5:14b)';

export interface GeneratorSettings {
  /** The LLM client for ollama:MODEL (default: Ollama at OLLAMA_HOST or 127.0.0.1:11434). */
  client?: LlmClient;
  host?: string;
  /** Per LLM call attempt (default 600 s: a rewritten model is thousands of tokens long). */
  timeoutMs?: number;
  options?: ChatOptions;
}

export function createGenerator(spec: string, settings: GeneratorSettings = {}): Generator {
  if (spec === 'width-search') return widthSearchGenerator();
  if (spec.startsWith('ollama:') && spec.length > 'ollama:'.length) {
    return ollamaGenerator({ client: settings.client ?? ollamaClient({ host: settings.host, timeoutMs: settings.timeoutMs ?? 600_000, retries: 1 }), model: spec.slice('ollama:'.length), options: settings.options });
  }
  throw new InputError('generator', spec, GENERATOR_SPECS);
}
