/**
 * One writer per run: an exclusive lock file `RUN/.lock`, created with O_EXCL (`open(..., 'wx')`)
 * and holding `{pid, host, started}`. `search`, `search --resume` and `lamda generate` take it
 * before they read or write a run's records and remove it when they end (also on SIGINT, which
 * stops a campaign between proposals, and on a normal process exit).
 *
 * A second process is refused (InputError, exit 2) with the holder's pid, host and start time. A
 * lock left by a process that died (SIGKILL, power cut) is stale when it names this host and its
 * pid is not alive (`process.kill(pid, 0)` fails with ESRCH); it is taken over, with a note. A
 * lock naming another host is never taken over (its pid means nothing here): the message says to
 * delete the file when that run is known to be dead.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../errors.js';

export const LOCK_FILE = '.lock';

/** A lock file that is empty or unreadable (its writer died between creating and writing it) is stale after this. */
const UNWRITTEN_LOCK_STALE_MS = 10_000;

export interface LockHolder {
  pid: number;
  host: string;
  /** ISO time the holder took the lock. */
  started: string;
}

export interface RunLock {
  readonly path: string;
  /** Set when a stale lock of a dead process was taken over: one line saying whose. */
  readonly takenOver?: string;
  /** Removes the lock file (safe to call twice; only removes a lock this process holds). */
  release(): void;
}

/** Whether a process with this pid exists on this host (EPERM: it exists but is not ours). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    if (Number.isSafeInteger(h.pid) && (h.pid as number) > 0 && typeof h.host === 'string' && typeof h.started === 'string') return h as LockHolder;
  } catch {
    // empty or torn: handled by the caller
  }
  return undefined;
}

/** Why an existing lock may be taken over (undefined: it is held by a live process, or may be). */
function staleness(path: string, holder: LockHolder | undefined): string | undefined {
  if (!holder) {
    let age = 0;
    try {
      age = Date.now() - statSync(path).mtimeMs;
    } catch {
      return 'it vanished';
    }
    return age > UNWRITTEN_LOCK_STALE_MS ? `an unwritten lock file ${Math.round(age / 1000)} s old` : undefined;
  }
  if (holder.host !== hostname()) return undefined;
  if (holder.pid === process.pid) return undefined; // this process holds it already
  return pidAlive(holder.pid) ? undefined : `pid ${holder.pid} (since ${holder.started}) is no longer running`;
}

/**
 * Takes the run's lock (creating `runDir` when needed).
 *
 * @throws InputError('--out', runDir, ...) naming the holder when another live process holds it.
 */
export function acquireRunLock(runDir: string): RunLock {
  mkdirSync(runDir, { recursive: true });
  const path = join(runDir, LOCK_FILE);
  let takenOver: string | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readHolder(path);
      const stale = staleness(path, holder);
      if (stale === undefined) {
        const who = holder ? `pid ${holder.pid} on ${holder.host} since ${holder.started}` : 'a process that is taking it right now';
        const hint = holder && holder.host !== hostname() ? `; delete ${path} if that run is known to be dead` : '';
        throw new InputError('--out', runDir, 'a run no other process is writing (one writer per run)', `is locked by ${who} (${path})${hint}`);
      }
      // Re-read just before removing: a process that took the lock over meanwhile is not removed.
      const again = readHolder(path);
      if (again?.pid !== holder?.pid || again?.started !== holder?.started) continue;
      takenOver = `took over the stale lock of ${runDir}: ${stale}`;
      rmSync(path, { force: true });
      continue; // another process may take it between the removal and our open: O_EXCL decides
    }
    const me: LockHolder = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
    writeSync(fd, `${JSON.stringify(me)}\n`);
    closeSync(fd);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      process.off('exit', release);
      const now = readHolder(path);
      if (now && now.pid === me.pid && now.host === me.host && now.started === me.started) rmSync(path, { force: true });
    };
    process.on('exit', release);
    return { path, takenOver, release };
  }
  throw new InputError('--out', runDir, 'a run no other process is writing (one writer per run)', 'its lock changed hands three times while being taken');
}
