import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { acquireRunLock } from '../../lib/campaign/run-lock.js';
import { FileStore } from '../../lib/store/file-store.js';
import { MemoryStore } from '../../lib/store/memory-store.js';
import { storeContract } from '../contracts/store.js';
import { ROOT } from '../helpers.js';

const dir = () => mkdtempSync(`${tmpdir()}/store-`);

storeContract('file', (codec) => {
  const path = `${dir()}/run/records.jsonl`;
  return { store: new FileStore(path, codec), writeRaw: (text) => appendFileSync(path, text), contents: () => readFileSync(path, 'utf8') };
});

storeContract('memory', (codec) => {
  const store = new MemoryStore(codec, 'memory:test');
  return { store, writeRaw: (text) => store.writeRaw(text), contents: () => store.contents() };
});

describe('one writer per run (the run lock a file store is used under)', () => {
  it('a second process claiming a locked run is refused, naming the holder', () => {
    const run = `${dir()}/run`;
    const lock = acquireRunLock(run);
    try {
      const script = `import { acquireRunLock } from ${JSON.stringify(`${ROOT}dist/campaign/run-lock.js`)};
try { acquireRunLock(${JSON.stringify(run)}); console.log('taken'); } catch (err) { console.error(err.message); process.exit(2); }`;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`^--out: is locked by pid ${process.pid} on .* since .* \\(${run}/\\.lock\\); allowed: a run no other process is writing \\(one writer per run\\)\\n$`));
    } finally {
      lock.release();
    }
  });
});
