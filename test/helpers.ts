import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const REFERENCE = `${ROOT}search-spaces/reference-models/`;
export const FIXTURES = `${ROOT}test/fixtures/`;

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}
