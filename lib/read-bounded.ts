import { closeSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { InputError } from './errors.js';

/**
 * Reads a small text file a user names (a space, a device profile, a predictor, a cache entry)
 * without trusting it: it must be a regular file (a FIFO or /dev/zero would block or never end)
 * of at most `maxBytes`, and at most `maxBytes` are read whatever its size says.
 *
 * @throws InputError naming `field`, the path and what is allowed: missing or unreadable, not a
 *   regular file, or larger than `maxBytes`.
 */
export function readTextBounded(path: string, field: string, maxBytes: number): string {
  let kind;
  try {
    kind = statSync(path);
  } catch (err) {
    throw new InputError(field, path, 'a readable JSON file', `${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const what = notRegular(kind);
  if (what) throw new InputError(field, path, 'a regular file', `${path} is ${what}`);
  if (kind.size > maxBytes) throw new InputError(field, path, `a file of at most ${maxBytes.toLocaleString('en-US')} bytes`, `${path} has ${kind.size.toLocaleString('en-US')} bytes`);
  const buffer = Buffer.alloc(maxBytes + 1);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new InputError(field, path, 'a readable JSON file', `${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let length = 0;
  try {
    for (let n = 1; n > 0 && length <= maxBytes; length += n) n = readSync(fd, buffer, length, maxBytes + 1 - length, null);
  } finally {
    closeSync(fd);
  }
  if (length > maxBytes) throw new InputError(field, path, `a file of at most ${maxBytes.toLocaleString('en-US')} bytes`, `${path} grew past that while being read`);
  return buffer.subarray(0, length).toString('utf8');
}

/**
 * Refuses a path that is not a regular file before a reader opens it: reading a FIFO blocks
 * forever and /dev/zero never ends (memory grows until the process dies).
 *
 * @throws InputError naming `field`, the path and what it is instead.
 */
export function checkRegularFile(path: string, field: string): void {
  let kind;
  try {
    kind = statSync(path);
  } catch {
    return; // missing or unreadable: the reader says so in its own words
  }
  const what = notRegular(kind);
  if (what) throw new InputError(field, path, 'a regular file', `${path} is ${what}`);
}

/** What a path is when it is not a regular file (`a FIFO`, `a directory`, ...); undefined for a regular file. */
export function notRegular(kind: Stats): string | undefined {
  if (kind.isFile()) return undefined;
  return kind.isDirectory() ? 'a directory' : kind.isFIFO() ? 'a FIFO' : kind.isSocket() ? 'a socket' : 'a device or other non-regular file';
}
