import { fileURLToPath } from 'node:url';
import type { SearchSpace } from './space.js';
import { loadSpace } from './space.js';

/** The search-spaces/ folder shipped with the package (two levels above lib/space or dist/space). */
export const SEARCH_SPACES_DIR = fileURLToPath(new URL('../../search-spaces/', import.meta.url));

export const DEFAULT_SPACE = 'tinyml-cifar100';

/** A search space by file path, or by the name of one shipped in search-spaces/. */
export function resolveSpace(nameOrPath: string = DEFAULT_SPACE): SearchSpace {
  const looksLikePath = nameOrPath.includes('/') || nameOrPath.endsWith('.json');
  return loadSpace(looksLikePath ? nameOrPath : `${SEARCH_SPACES_DIR}${nameOrPath}.json`);
}
