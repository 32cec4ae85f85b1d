/**
 * The dashboard's browser script is plain JS served as is (no build step); tsconfig.dashboard.json
 * type-checks it against the DOM types from its JSDoc (strict, checkJs). This keeps it checked.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

describe('lib/dashboard/client/app.js', () => {
  it('type-checks (tsc -p tsconfig.dashboard.json: strict, DOM, checkJs)', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.dashboard.json')], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
