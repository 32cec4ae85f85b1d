/**
 * A run directory's life: claimed for a new run or opened to resume one, always under the run's
 * lock (run-lock.ts), and the search space a run uses found again without reading anything
 * outside the run and the project's search-spaces/.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { formatValue, InputError } from '../errors.js';
import { resolveSpace, SEARCH_SPACES_DIR } from '../space/builtin.js';
import type { SearchSpace } from '../space/space.js';
import { checkRegularFile } from './records.js';
import { acquireRunLock, type RunLock } from './run-lock.js';

/** The copy of a space file that a run started with `--space FILE` keeps beside its records. */
export const SPACE_COPY = 'space.json';

/**
 * The run directory when no --out is given: `runs/TIME-PROPOSER-SEED`, the proposer's name cut to
 * letters, digits, `.`, `_` and `-` (every other run of characters one `-`, at most 64), so a name
 * like `ollama:../../x` can never leave runs/.
 */
export function defaultRunDir(proposer: string, seed: number, now = new Date()): string {
  const safe = proposer.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/\.{2,}/g, '.').replace(/^[.-]+/, '').slice(0, 64) || 'run';
  return join('runs', `${now.toISOString().replace(/[:.]/g, '-')}-${safe}-${seed}`);
}

/** A records file in which no record was ever written whole (empty, or one line cut mid-write). */
function holdsNoWholeRecord(path: string, lock: RunLock): boolean {
  try {
    checkRegularFile(path);
  } catch (err) {
    lock.release();
    throw err;
  }
  return !readFileSync(path, 'utf8').includes('\n');
}

/** A run directory claimed for a new run (claimNewRun). */
export interface NewRunClaim {
  lock: RunLock;
  /** Set when a torn records file was moved aside: one line saying where. */
  restarted?: string;
  /**
   * For a start refused before its first record: releases the lock and, when this claim created
   * the directory, removes it again if it holds no records file (its space.json copy goes with
   * it), and each parent the claim created up to the first one, while empty. A directory that
   * existed before the claim (a user's folder) is never removed; a file appearing meanwhile (another
   * process's lock) keeps the directory (rmdir removes only empty ones).
   */
  abandon(): void;
}

/** Removes `dir`, then its parents up to and including `first`, each only while empty. */
function removeEmptyUpTo(dir: string, first: string): void {
  const stop = resolve(first);
  for (let d = resolve(dir); ; d = dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return; // not empty (or gone): kept
    }
    if (d === stop || dirname(d) === d) return;
  }
}

/**
 * Claims `runDir` for a new run: takes the lock (creating the directory and its missing parents),
 * then checks (under it, so two starts cannot both pass) that no campaign is recorded there. A
 * records file with no whole record (a run killed while writing its first record) is moved aside
 * to `records.jsonl.torn-TIME` and the run starts anew; `restarted` says so. A start refused
 * after the claim calls `abandon()`, so no empty run directory is left behind (it would break
 * `compare runs/*`).
 *
 * @throws InputError('--out', ...) when the directory holds a run, or another process holds its lock.
 */
export function claimNewRun(runDir: string, recordsFile: string, hint = 'a new run directory (use --resume to continue this one)'): NewRunClaim {
  const created = mkdirSync(runDir, { recursive: true }); // the first directory this call made, or undefined
  let lock: RunLock;
  try {
    lock = acquireRunLock(runDir);
  } catch (err) {
    if (created !== undefined) removeEmptyUpTo(runDir, created);
    throw err;
  }
  const path = join(runDir, recordsFile);
  const abandon = () => {
    if (created !== undefined && !existsSync(path)) rmSync(join(runDir, SPACE_COPY), { force: true });
    lock.release();
    if (created !== undefined) removeEmptyUpTo(runDir, created);
  };
  if (!existsSync(path)) return { lock, abandon };
  if (holdsNoWholeRecord(path, lock)) {
    const aside = `${path}.torn-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(path, aside);
    return { lock, restarted: `${path} held no whole record (a start cut short); moved to ${aside} and started anew`, abandon };
  }
  lock.release();
  throw new InputError('--out', runDir, hint, 'already holds a campaign');
}

/**
 * Opens `runDir` to resume it: takes the lock and checks there is a record to resume from.
 *
 * @throws InputError when there are no records, only a torn first record, or the lock is held.
 */
export function openRunToResume(runDir: string, recordsFile: string): RunLock {
  const lock = acquireRunLock(runDir);
  const path = join(runDir, recordsFile);
  let problem: InputError | undefined;
  if (!existsSync(path)) problem = new InputError('--out', runDir, `a run directory holding ${recordsFile}`, 'has no records');
  else if (holdsNoWholeRecord(path, lock)) {
    problem = new InputError('--out', runDir, 'the original command again without --resume (it starts the run anew)', `holds no whole record (the run was killed while writing its first one), so there is nothing to resume`);
  }
  if (problem) {
    lock.release();
    throw problem;
  }
  return lock;
}

/** Whether a --space value names a shipped space rather than a file. */
export function isSpacePath(nameOrPath: string): boolean {
  return nameOrPath.includes('/') || nameOrPath.includes('\\') || nameOrPath.endsWith('.json');
}

/** Keeps a copy of a space file in the run (so resume never reads a path from the records). */
export function keepSpaceCopy(runDir: string, nameOrPath: string): void {
  if (isSpacePath(nameOrPath)) copyFileSync(nameOrPath, join(runDir, SPACE_COPY));
}

function inside(base: string, path: string): boolean {
  const rel = relative(base, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/**
 * The file the space of a run started with `--space FILE` is read from, resolved: the run's own
 * copy (space.json), else the recorded path taken inside the run directory or inside
 * search-spaces/ (an absolute path then) — never anywhere else (`../../etc/passwd` is refused
 * before anything is read, and no file content is ever shown). Undefined for a shipped name.
 *
 * @throws InputError('space (in the records)', ...) for a name that is not a shipped-name word,
 *   or a path that resolves to no file there.
 */
export function recordedSpaceFile(runDir: string, recorded: string): string | undefined {
  if (!isSpacePath(recorded)) {
    if (!/^[A-Za-z0-9._-]+$/.test(recorded) || recorded.startsWith('.')) throw new InputError('space (in the records)', recorded, 'a shipped space name (letters, digits, . _ -)');
    return undefined;
  }
  const copy = join(runDir, SPACE_COPY);
  if (existsSync(copy)) return copy;
  for (const base of [resolve(runDir), resolve(SEARCH_SPACES_DIR)]) {
    const path = resolve(base, recorded);
    if (inside(base, path) && existsSync(path)) return path;
  }
  throw new InputError('space (in the records)', recorded, `a shipped space name, or a file inside the run directory (${join(runDir, SPACE_COPY)}) or search-spaces/`, `${formatValue(recorded)} is not a file inside the run or search-spaces/ (copy that space file to the run directory as space.json to resume)`);
}

/**
 * The space a recorded run uses: a shipped name from search-spaces/, or the file
 * `recordedSpaceFile` resolves (the run's copy first).
 *
 * @throws InputError as recordedSpaceFile; as resolveSpace for a file that is not a valid space.
 */
export function resolveRecordedSpace(runDir: string, recorded: string): SearchSpace {
  return resolveSpace(recordedSpaceFile(runDir, recorded) ?? recorded);
}
