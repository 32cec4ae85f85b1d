/**
 * The runs a dashboard shows: DIR itself when it holds a records.jsonl, else every directory one
 * or two levels below DIR that holds one (a folder of runs, or a folder of folders of seeds).
 * Run ids are the runs' paths relative to DIR with '/' separators (DIR itself, a single run: its folder's base name). Symbolic
 * links to directories are followed (a run reached through a link is listed under the link's name);
 * a link back to the directory being listed or one above it (a loop) is skipped.
 */
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { RECORDS_FILE } from '../campaign/campaign.js';
import { formatValue, InputError } from '../errors.js';

/** One run found under the dashboard's directory. */
export interface RunRef {
  /** Path relative to the dashboard's directory, '/'-separated (the directory's base name when it is the run). */
  id: string;
  /** Absolute or as-given path of the run directory. */
  dir: string;
  /** Path of its records.jsonl. */
  records: string;
}

const isFile = (path: string): boolean => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

const realpath = (path: string): string | undefined => {
  try {
    return realpathSync(path);
  } catch {
    return undefined; // a dangling link
  }
};

/** The directories in `dir` (links to directories included), skipping hidden ones, node_modules and links to `dir` or above it (real paths in `above`). */
function subdirs(dir: string, above: readonly string[]): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => (e.isDirectory() || (e.isSymbolicLink() && isDir(join(dir, e.name)))) && !e.name.startsWith('.') && e.name !== 'node_modules')
      .map((e) => join(dir, e.name))
      .filter((d) => {
        const real = realpath(d);
        return real !== undefined && !above.some((a) => a === real || a.startsWith(`${real}${sep}`));
      })
      .sort();
  } catch {
    return [];
  }
}

const isDir = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** The runs under `dir` now (it may hold none yet: runs appear later); sorted by id. */
export function findRuns(dir: string): RunRef[] {
  const ref = (d: string): RunRef => ({ id: relative(dir, d).split(sep).join('/') || '.', dir: d, records: join(d, RECORDS_FILE) });
  // A single run given as DIR is named by its folder ('evo' for runs/evo or '.', not '.').
  if (isFile(join(dir, RECORDS_FILE))) return [{ ...ref(dir), id: basename(resolve(dir)) || '.' }];
  const out: RunRef[] = [];
  const top = realpath(dir) ?? dir;
  for (const a of subdirs(dir, [top])) {
    if (isFile(join(a, RECORDS_FILE))) out.push(ref(a));
    else for (const b of subdirs(a, [top, realpath(a) ?? a])) if (isFile(join(b, RECORDS_FILE))) out.push(ref(b));
  }
  return out.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}

/**
 * Checks the dashboard's DIR: an existing directory. It need not hold a run yet (a folder that
 * campaigns will write into), but a file, or a path that does not exist, is refused.
 *
 * @throws InputError('DIR', dir, ...) otherwise.
 */
export function checkDashboardDir(dir: string): void {
  const allowed = 'a run directory (holding records.jsonl) or a folder of runs (one or two levels down)';
  if (!existsSync(dir)) throw new InputError('DIR', dir, allowed, `${formatValue(dir)}: no such directory`);
  if (!statSync(dir).isDirectory()) throw new InputError('DIR', dir, allowed, `${formatValue(dir)} is not a directory`);
}
