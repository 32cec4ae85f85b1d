import { createHash } from 'node:crypto';
import { formatValue } from '../errors.js';

/** A run id (`runId` of a queue run's campaign-start): 1 to 64 letters, digits, _ or -. */
export const RUN_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The BullMQ job id of a candidate in a run: `RUNID-` and 32 hex characters of the key's SHA-256.
 * Deterministic (adding it again is a no-op), never contains ':' (BullMQ refuses it) and is never an
 * integer string (the '-'), so it matches the `dispatch` record's /^[A-Za-z0-9_-]{1,128}$/.
 * @throws Error for a run id that is not 1 to 64 of [A-Za-z0-9_-] (a programming error).
 */
export function jobIdOf(runId: string, key: string): string {
  if (!RUN_ID.test(runId)) throw new Error(`run id ${formatValue(runId)} is not 1 to 64 characters of [A-Za-z0-9_-]`);
  return `${runId}-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}
