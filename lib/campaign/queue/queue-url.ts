import { capText, InputError } from '../../errors.js';

/** Where the queue lives: a Redis server (6.2 or newer) and its database number. */
export interface QueueTarget {
  host: string;
  port: number;
  db: number;
  username?: string;
  /** From the URL, else from env REDIS_PASSWORD; never recorded or printed (describeTarget leaves it out). */
  password?: string;
}

export const QUEUE_URL_ALLOWED = 'redis://[USER:PASSWORD@]HOST[:PORT][/DB] (PORT 1 to 65535, default 6379; DB 0 to 9999, default 0)';

/** Highest database number accepted (Redis refuses one past its `databases` setting when connecting). */
export const MAX_DB = 9999;

/**
 * Reads `--queue redis://[user:pass@]HOST[:PORT][/DB]`. Only `redis://` (no TLS `rediss://`, no
 * query options). A password may instead come from env REDIS_PASSWORD, so it never has to be on a
 * command line.
 * @throws InputError naming `--queue`, the value (credentials masked) and what is allowed.
 */
export function parseQueueUrl(text: string, env: NodeJS.ProcessEnv = process.env): QueueTarget {
  const shown = maskCredentials(text);
  const refuse = (detail: string): never => {
    throw new InputError('--queue', shown, QUEUE_URL_ALLOWED, `got ${JSON.stringify(capText(shown))}: ${detail}`);
  };
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return refuse('not a URL');
  }
  if (url.protocol !== 'redis:') refuse(`the scheme is ${JSON.stringify(url.protocol.replace(/:$/, ''))}, not redis`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) refuse('no host');
  if (url.search || url.hash) refuse('query options and fragments are not read');
  let port = 6379;
  if (url.port !== '') {
    port = Number(url.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) refuse(`port ${url.port} is not 1 to 65535`);
  }
  let db = 0;
  const path = url.pathname.replace(/^\//, '');
  if (path !== '') {
    if (!/^\d{1,4}$/.test(path)) refuse(`the database ${JSON.stringify(capText(path, 20))} is not a number from 0 to ${MAX_DB}`);
    db = Number(path);
  }
  const decode = (part: string, what: string): string => {
    try {
      return decodeURIComponent(part);
    } catch {
      return refuse(`the ${what} has a %-escape that is not UTF-8 (write % as %25)`);
    }
  };
  const username = url.username ? decode(url.username, 'user name') : undefined;
  const password = url.password ? decode(url.password, 'password') : env.REDIS_PASSWORD || undefined;
  return { host, port, db, ...(username ? { username } : {}), ...(password ? { password } : {}) };
}

/** `redis://HOST:PORT/DB`, never with a user or password: what records, notes and errors show. */
export function describeTarget(target: QueueTarget): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `redis://${host}:${target.port}/${target.db}`;
}

/** The URL with `user:password@` replaced by `***@`, for error lines. */
function maskCredentials(text: string): string {
  return text.replace(/^(\s*[a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1***@');
}
