import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { ROOT } from '../helpers.js';
const NOTEBOOK = join(ROOT, 'test', 'fixtures', 'notebooks', 'kernel-check.ipynb');
const KERNEL_JSON = join(ROOT, '.jupyter', 'kernels', 'tslab', 'kernel.json');
const hasJupyter = spawnSync('jupyter', ['nbconvert', '--version'], { stdio: 'ignore' }).status === 0;
const ready = hasJupyter && existsSync(KERNEL_JSON);

// A user-wide `tslab` kernelspec that points nowhere: what a deleted or moved second checkout leaves.
const dataDir = mkdtempSync(join(tmpdir(), 'paretonas-jupyter-data-'));
mkdirSync(join(dataDir, 'kernels', 'tslab'), { recursive: true });
writeFileSync(
  join(dataDir, 'kernels', 'tslab', 'kernel.json'),
  JSON.stringify({ argv: ['/nonexistent/other-checkout/node_modules/.bin/tslab', 'kernel', '--config-path', '{connection_file}'], display_name: 'TypeScript', language: 'typescript' }),
);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const env = { ...process.env, JUPYTER_DATA_DIR: dataDir, JUPYTER_PATH: '' };

describe.skipIf(!ready)("notebooks run on this checkout's kernel", () => {
  it('a broken tslab kernelspec in the user folder is what plain Jupyter picks', () => {
    const r = spawnSync('jupyter', ['kernelspec', 'list', '--json'], { env, encoding: 'utf8' });
    expect(r.status).toBe(0);
    const spec = JSON.parse(r.stdout).kernelspecs.tslab;
    expect(spec.spec.argv[0]).toBe('/nonexistent/other-checkout/node_modules/.bin/tslab');
  });

  it('npm run notebooks still uses the kernel of this checkout', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'run-notebooks.mjs'), NOTEBOOK], { env, encoding: 'utf8', timeout: 180_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/kernel-check\.ipynb \.\.\. ok/);
    const executed = JSON.parse(readFileSync(join(ROOT, 'reports', 'notebooks', 'kernel-check.ipynb'), 'utf8'));
    expect(executed.cells[0].outputs.map((o: { text?: string[] }) => (o.text ?? []).join('')).join('')).toContain('kernel-check 5 stages');
  });

  it('npm run jupyter lists this checkout first', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'jupyter.mjs'), 'kernelspec', 'list', '--json'], { env, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).kernelspecs.tslab.spec.argv[0]).toBe(join(ROOT, 'node_modules', '.bin', 'tslab'));
  });

  it('a name picks notebooks; a name that matches none is refused in one line, exit 2', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'run-notebooks.mjs'), 'no-such-notebook'], { env, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/no notebook matches "no-such-notebook".*01-search-space\.ipynb/);
  });
});
