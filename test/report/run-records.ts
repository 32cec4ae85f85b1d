import { mkdirSync, writeFileSync } from 'node:fs';
import type { CampaignConfig } from '../../lib/campaign/config.js';

/** Writes a records.jsonl by hand: campaign-start with `config`, then `records` in order. */
export function writeRun(tmp: string, name: string, config: Partial<CampaignConfig>, records: Record<string, unknown>[]): string {
  const dir = `${tmp}/${name}`;
  mkdirSync(dir, { recursive: true });
  const full: CampaignConfig = {
    space: 'tinyml-cifar100',
    proposer: 'random',
    evaluator: 'command:train',
    budget: 10,
    seed: 0,
    objectives: [{ name: 'accuracy', direction: 'max' }, { name: 'macs', direction: 'min' }, { name: 'params', direction: 'min' }],
    limits: [],
    macs: { min: 0, max: 1e12 },
    sramMaxBytes: 1e9,
    sramModel: 'mcunet',
    ...config,
  };
  const all = [{ type: 'campaign-start', config: full }, ...records];
  writeFileSync(`${dir}/records.jsonl`, all.map((r, seq) => `${JSON.stringify({ time: new Date(0).toISOString(), seq, ...r })}\n`).join(''));
  return dir;
}

export const proposal = (index: number) => ({ type: 'proposal', index, candidate: { blocks: [] }, note: null, key: `k${index}` });
export const evaluation = (index: number, metrics: Record<string, number>) => ({ type: 'evaluation', index, key: `k${index}`, metrics, seconds: 1, details: null });
export const llmCall = (purpose: 'proposal' | 'explanation', promptTokens: number, replyTokens: number, durationMs: number, error?: string) => ({
  type: 'llm-call',
  model: 'llama3.2:3b',
  options: { temperature: 1.5, min_p: 0.1 },
  messages: [{ role: 'user', content: 'propose' }],
  format: purpose === 'proposal',
  reply: error ? null : '{}',
  promptTokens,
  replyTokens,
  durationMs,
  attempts: error ? 3 : 1,
  ...(error ? { error } : {}),
  purpose,
});
