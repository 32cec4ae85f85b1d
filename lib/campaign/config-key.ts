/**
 * Which runs are seeds of one configuration: `configKey` is a run's configuration without its seed
 * and without what only says when it stops or how it is dispatched (budget, maxValid, time limit,
 * workers, queue), as a stable JSON string (object keys sorted at every depth). Runs that differ
 * only in the seed share it (a shorter run of the same search too). Used by the dashboard's seed
 * groups (lib/dashboard/seed-groups.ts) and by `compare --group-by` (lib/report/compare-groups.ts).
 */
import type { CampaignConfig } from './config.js';

/** The settings left out of a configuration key: the seed, and when a run stops or how it is dispatched. */
export const NOT_IN_CONFIG_KEY = ['seed', 'budget', 'maxValid', 'workers', 'queue', 'timeLimitSeconds'] as const;

/** A copy of `v` with every object's keys sorted (arrays keep their order). */
function sortedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedKeys);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortedKeys((v as Record<string, unknown>)[k])]));
  return v;
}

/** The configuration without NOT_IN_CONFIG_KEY, keys sorted. */
export function configWithoutSeed(config: CampaignConfig): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...config };
  for (const k of NOT_IN_CONFIG_KEY) delete rest[k];
  return sortedKeys(rest) as Record<string, unknown>;
}

/** The configuration key: JSON of `configWithoutSeed(config)`; equal for runs that differ only in NOT_IN_CONFIG_KEY. */
export function configKey(config: CampaignConfig): string {
  return JSON.stringify(configWithoutSeed(config));
}
