/**
 * How a campaign gets its proposer (library wiring, used by the CLI and lib/index.ts): the
 * registry's proposers by name, and `ollama:MODEL`, the LLM proposer of propose/llm/ talking to
 * Ollama or replaying a recorded run's calls (on resume the run's own calls first).
 */
import type { CampaignRecord } from './records.js';
import { readRecords } from './records.js';
import type { ProposerRequest } from './campaign.js';
import { InputError } from '../errors.js';
import { ollamaClient } from '../llm/ollama.js';
import { chainClients, recordedClient } from '../llm/recorded.js';
import type { LlmCallRecord, LlmClient } from '../llm/types.js';
import { LLM_DEFAULTS, llmProposer } from '../propose/llm/proposer.js';
import type { LlmMode } from '../propose/llm/delta.js';
import { createProposer } from '../propose/registry.js';
import type { Proposer } from '../propose/types.js';
import { join } from 'node:path';

export const LLM_PREFIX = 'ollama:';

export interface LlmSettings {
  host?: string;
  temperature: number;
  min_p: number;
  num_ctx?: number;
  window: number;
  explain: boolean;
  /** `delta`: JSON Patch replies against a front member (propose/llm/delta.ts); absent: full candidates. */
  llmMode?: LlmMode;
  /** Replay the LLM calls of this earlier run instead of asking Ollama. */
  replay?: string;
  /** Per attempt (default 120 s), attempts after the first (default 3), first backoff (default 500 ms). */
  timeoutMs?: number;
  retries?: number;
  backoffMs?: number;
}

export function llmCalls(records: readonly CampaignRecord[]): LlmCallRecord[] {
  return records.filter((r) => r.type === 'llm-call') as unknown as LlmCallRecord[];
}

/**
 * The client a campaign talks to: Ollama, or a recorded run; on resume the run's own calls first.
 *
 * @throws InputError (before anything is written) when the replayed run was recorded in another
 *   --llm-mode than this one's: its calls carry the other mode's prompts, so the replay would stop
 *   at the first delta call.
 */
export function llmClientFor(settings: LlmSettings, history: readonly CampaignRecord[]): LlmClient {
  let live: LlmClient;
  if (settings.replay) {
    const records = readRecords(join(settings.replay, 'records.jsonl')).records;
    checkReplayMode(settings.replay, records, settings.llmMode ?? 'full');
    live = recordedClient(llmCalls(records));
  } else {
    live = ollamaClient({ host: settings.host, timeoutMs: settings.timeoutMs, retries: settings.retries, backoffMs: settings.backoffMs });
  }
  const own = llmCalls(history);
  return own.length > 0 ? chainClients(recordedClient(own), live) : live;
}

/** A replayed run's --llm-mode (its campaign-start's proposerSettings.llmMode; absent: full) must be this run's. */
function checkReplayMode(replay: string, records: readonly CampaignRecord[], mode: LlmMode): void {
  const start = records.find((r) => r.type === 'campaign-start') as { config?: { proposerSettings?: { llmMode?: unknown } } } | undefined;
  if (!start?.config) return; // not a campaign's records: the replay itself says what it refuses
  const recorded = start.config.proposerSettings?.llmMode ?? 'full';
  if (recorded === mode) return;
  throw new InputError('--llm-mode', mode, `${recorded === 'full' ? 'full (or no --llm-mode)' : `--llm-mode ${String(recorded)}`} to replay it`, `${replay} was recorded with --llm-mode ${String(recorded)}, this run asks for ${mode} (a replay sends the recorded prompts, and ${recorded === 'delta' ? 'delta ones ask for JSON Patches' : 'full ones ask for whole candidates'})`);
}

/** createProposer for campaigns: the built-in proposers, and `ollama:MODEL`. */
export function campaignProposer(name: string, options: ProposerRequest): Proposer {
  if (!name.startsWith(LLM_PREFIX)) return createProposer(name, options);
  const model = name.slice(LLM_PREFIX.length);
  if (!model) throw new InputError('--proposer', name, 'ollama:MODEL, e.g. ollama:llama3.2:3b');
  const s = { ...LLM_DEFAULTS, explain: true, ...(options.settings as Partial<LlmSettings> | undefined) } as LlmSettings;
  return llmProposer({
    space: options.space,
    config: options.config,
    client: llmClientFor(s, options.history),
    model,
    chatOptions: { temperature: s.temperature, min_p: s.min_p, seed: options.seed, ...(s.num_ctx ? { num_ctx: s.num_ctx } : {}) },
    window: s.window,
    explain: s.explain,
    mode: s.llmMode ?? 'full',
    seed: options.seed,
  });
}
