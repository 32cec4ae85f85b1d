import { accessSync, constants, lstatSync, mkdirSync, readlinkSync, realpathSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { formatValue, InputError } from '../errors.js';

/** Where a `-o` may point, beyond a writable place: never into a run's own directory (`show`), or never the run directory itself (`report`). */
export interface OutputGuard {
  /** The run directory whose files must not be overwritten. */
  runDir: string;
  /** 'inside': refuse the run directory and anything inside it; 'itself': refuse only the run directory itself (a subfolder is fine). */
  refuse: 'inside' | 'itself';
}

/**
 * Makes sure `path` can be written before any work is done: its folder is created (like
 * `mkdir -p`, one folder at a time, so a path Node's recursive mkdir loops on, e.g. under /proc,
 * fails at once), the folder must be writable and `path` must not be a folder nor (with `guard`)
 * inside the run directory. A long command (`lamda dataset`, `export` of a large model) then
 * never fails only at its last step.
 *
 * @throws InputError naming the flag, the path and why, with exit code 2.
 */
export function prepareOutput(flag: string, path: string, guard?: OutputGuard): void {
  refuseEmpty(flag, path);
  if (guard) refuseRunPath(flag, path, guard);
  ensureFolder(flag, path, dirname(path));
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    // absent: it will be created
  }
  if (isDir) throw new InputError(flag, path, 'a file path', `got ${formatValue(path)}: is a folder`);
}

/**
 * Makes sure the folder `dir` exists (created one level at a time) and is writable, before any
 * work: `report -o DIR`. An existing file, a symlink to nothing, an empty path or (with `guard`)
 * the run's own directory are refused. `create: false` checks the same and leaves nothing behind
 * (the first missing level is made and removed again, so a place where mkdir fails, /proc, is caught).
 *
 * @throws InputError naming the flag, the path and why, with exit code 2.
 */
export function prepareOutputFolder(flag: string, dir: string, guard?: OutputGuard, options: { create?: boolean } = {}): void {
  refuseEmpty(flag, dir);
  if (guard) refuseRunPath(flag, dir, guard);
  ensureFolder(flag, dir, dir, options.create ?? true);
}

/** Writes an output file (after prepareOutput's checks); a failure is one line naming the path. */
export function writeOutput(flag: string, path: string, data: string | Uint8Array, guard?: OutputGuard): void {
  prepareOutput(flag, path, guard);
  try {
    writeFileSync(path, data);
  } catch (err) {
    throw new InputError(flag, path, 'a writable path', `got ${formatValue(path)}: cannot be written (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

function refuseEmpty(flag: string, path: string): void {
  if (path === '') throw new InputError(flag, path, 'a non-empty path', 'got "": an empty path');
}

/**
 * `path` with every symlink resolved, also where it does not exist yet: the nearest existing
 * folder's real path joined with the rest; a dangling symlink is followed to where it points.
 */
export function resolvedPath(path: string, depth = 0): string {
  const abs = resolve(path);
  try {
    return realpathSync(abs);
  } catch {
    // absent (or a dangling symlink): resolve the parent and follow a link by hand
  }
  const parent = dirname(abs);
  if (parent === abs || depth > 40) return abs;
  try {
    if (lstatSync(abs).isSymbolicLink()) return resolvedPath(resolve(resolvedPath(parent, depth + 1), readlinkSync(abs)), depth + 1);
  } catch {
    // not there at all
  }
  return join(resolvedPath(parent, depth + 1), basename(abs));
}

function refuseRunPath(flag: string, path: string, guard: OutputGuard): void {
  const run = resolvedPath(guard.runDir);
  const target = resolvedPath(path);
  const rel = relative(run, target);
  const inside = rel === '' || (guard.refuse === 'inside' && !rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
  if (!inside) return;
  const allowed = guard.refuse === 'inside' ? `a path outside the run directory ${guard.runDir}` : `a folder other than the run directory ${guard.runDir} (a new folder, or a subfolder of it)`;
  const what = rel === '' ? 'is the run directory itself' : `is inside the run directory (${rel})`;
  throw new InputError(flag, path, allowed, `got ${formatValue(path)}: ${what}; its files are never overwritten`);
}

/**
 * Creates `dir` one missing level at a time below its nearest existing ancestor (which must be
 * a writable folder), then checks `dir` is writable. Never loops: each level is one mkdir.
 */
function ensureFolder(flag: string, path: string, dir: string, create = true): void {
  const cannot = (why: string) => new InputError(flag, path, 'a path in a folder that exists or can be created, and is writable', `got ${formatValue(path)}: cannot be written (${why})`);
  const missing: string[] = [];
  let current = resolve(dir);
  for (;;) {
    let isDir: boolean;
    try {
      isDir = statSync(current).isDirectory();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw cannot(`${current}: ${code ?? (err as Error).message}`);
      let link = false;
      try {
        link = lstatSync(current).isSymbolicLink();
      } catch {
        // absent
      }
      if (link) throw cannot(`${current} is a symlink to a missing path`);
      const parent = dirname(current);
      if (parent === current) throw cannot(`${current}: ${code}`);
      missing.unshift(current);
      current = parent;
      continue;
    }
    if (!isDir) throw cannot(`${current} is a file, not a folder`);
    break;
  }
  try {
    accessSync(current, constants.W_OK);
  } catch (err) {
    throw cannot(`${current} is not writable: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (!create) {
    // a probe: the first missing level is made and removed again, so a place mkdir cannot work (/proc) is refused now
    const probe = missing[0];
    if (probe === undefined) return;
    try {
      mkdirSync(probe);
      rmdirSync(probe);
    } catch (err) {
      throw cannot(`mkdir ${probe}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    return;
  }
  for (const folder of missing) {
    try {
      mkdirSync(folder);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && statSafe(folder)) continue; // made meanwhile
      throw cannot(`mkdir ${folder}: ${code ?? (err as Error).message}`);
    }
  }
  if (missing.length) {
    try {
      accessSync(resolve(dir), constants.W_OK);
    } catch (err) {
      throw cannot(`${resolve(dir)} is not writable: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
}

function statSafe(folder: string): boolean {
  try {
    return statSync(folder).isDirectory();
  } catch {
    return false;
  }
}
