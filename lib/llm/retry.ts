/** Retry plumbing shared by the LLM clients: backoff delays, sleeping, and naming network failures. */

/** The wait before attempt `attempt + 1` (attempt is 1-based): backoffMs, 2·backoffMs, 4·backoffMs, ... */
export function backoffDelay(backoffMs: number, attempt: number): number {
  return Math.max(0, backoffMs) * 2 ** Math.max(0, attempt - 1);
}

/** Waits `ms` (a referenced timer: a retry that is pending keeps the process alive, on purpose). */
export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** The `code` of an error or of any error in its `cause` chain (undici wraps them: TypeError('fetch failed', { cause })). */
export function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The messages of an error and its causes, e.g. "fetch failed: connect ECONNREFUSED 127.0.0.1:9". */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    const message = e instanceof Error ? e.message : typeof e === 'object' ? '' : String(e);
    if (message && !parts.some((p) => p.includes(message))) parts.push(message);
    e = typeof e === 'object' ? (e as { cause?: unknown }).cause : undefined;
  }
  return parts.join(': ') || String(err);
}

/**
 * Whether an error thrown by fetch (or while reading its body) is a network failure worth retrying:
 * connection refused/reset, socket hang up, "fetch failed", "terminated" (body cut off), "other side closed".
 */
export function isNetworkError(err: unknown): boolean {
  const code = errorCode(err);
  if (code !== undefined && (NETWORK_CODES.has(code) || code.startsWith('UND_ERR_'))) return true;
  return /fetch failed|socket hang up|terminated|other side closed|network|ECONN|EPIPE/i.test(describeError(err));
}
