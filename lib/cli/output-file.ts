import { accessSync, constants, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../errors.js';

/**
 * Makes sure `path` can be written before any work is done: its folder is created (like
 * `mkdir -p`), the folder must be writable and `path` must not be a folder. A long command
 * (`lamda dataset`, `export` of a large model) then never fails only at its last step.
 *
 * @throws InputError naming the flag, the path and why, with exit code 2.
 */
export function prepareOutput(flag: string, path: string): void {
  const dir = dirname(path);
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EEXIST' || code === 'ENOTDIR' ? `${dir} (or a folder above it) is a file` : (code ?? (err as Error).message);
    throw new InputError(flag, path, 'a path in a folder that exists or can be created, and is writable', `cannot be written (${why})`);
  }
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    // absent: it will be created
  }
  if (isDir) throw new InputError(flag, path, 'a file path', 'is a folder');
}

/** Writes an output file (after prepareOutput's checks); a failure is one line naming the path. */
export function writeOutput(flag: string, path: string, data: string | Uint8Array): void {
  prepareOutput(flag, path);
  try {
    writeFileSync(path, data);
  } catch (err) {
    throw new InputError(flag, path, 'a writable path', `cannot be written (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}
