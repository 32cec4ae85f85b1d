/**
 * `paretonas report` refuses a bad -o and a broken Chromium in one InputError line (exit 2)
 * before any work and before writing anything; the run's own files are never written over. The
 * command is called directly (lib/cli), not through dist/.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reportCommand } from '../../lib/cli/report.js';
import { InputError } from '../../lib/errors.js';
import { evaluation, proposal, writeRun } from '../report/run-records.js';

const tmp = mkdtempSync(join(tmpdir(), 'report-input-'));
const run = writeRun(tmp, 'run', {}, [proposal(0), evaluation(0, { accuracy: 0.5, macs: 1e6, params: 1e3, flashBytes: 4e3, peakSramBytes: 2e3 })]);
const recordsBefore = readFileSync(join(run, 'records.jsonl'), 'utf8');

async function refused(args: string[]): Promise<InputError> {
  try {
    await reportCommand(args);
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error(`report ${args.join(' ')} did not throw`);
}

describe('paretonas report -o: refused in one line before any work', () => {
  writeFileSync(join(tmp, 'afile'), 'x');
  symlinkSync(join(tmp, 'nowhere', 'x'), join(tmp, 'dangling'));
  const cases: [string, () => string, RegExp][] = [
    ['the run directory itself', () => run, /^-o: got ".*\/run": is the run directory itself; its files are never overwritten; allowed: a folder other than the run directory .*\/run \(a new folder, or a subfolder of it\)$/],
    ['the run directory by another spelling', () => `${run}/./`, /^-o: got ".*\/run\/\.\/": is the run directory itself/],
    ['the run\'s records.jsonl', () => join(run, 'records.jsonl'), /^-o: got ".*\/run\/records\.jsonl": cannot be written \(.*\/run\/records\.jsonl is a file, not a folder\)/],
    ['an existing file (was internal error: ENOTDIR mkdir)', () => join(tmp, 'afile'), /^-o: got ".*\/afile": cannot be written \(.*\/afile is a file, not a folder\)/],
    ['a folder under a file', () => join(tmp, 'afile', 'sub'), /^-o: got ".*\/afile\/sub": cannot be written \(.*\/afile is a file, not a folder\)/],
    ['a dangling symlink (was internal error: ENOENT mkdir)', () => join(tmp, 'dangling'), /^-o: got ".*\/dangling": cannot be written \(.*\/dangling is a symlink to a missing path\)/],
    ['an empty path (wrote into the cwd)', () => '', /^-o: got "": an empty path; allowed: a non-empty path$/],
  ];
  for (const [what, out, message] of cases) {
    it(what, async () => {
      const err = await refused([run, '-o', out()]);
      expect(err.field).toBe('-o');
      expect(err.message).toMatch(message);
      expect(err.message.split('\n')).toHaveLength(1);
      expect(readFileSync(join(run, 'records.jsonl'), 'utf8')).toBe(recordsBefore);
      expect(readdirSync(run)).toEqual(['records.jsonl']);
    });
  }
  it.skipIf(!existsSync('/proc/self'))('under /proc: refused at once (Node\'s recursive mkdir looped there at 100% CPU)', async () => {
    const started = Date.now();
    const err = await refused([run, '-o', '/proc/paretonas-report-test/x']);
    expect(err.message).toMatch(/^-o: got "\/proc\/paretonas-report-test\/x": cannot be written \(/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
  it('a subfolder of the run is allowed: the report goes there and the run\'s files stay as they were', async () => {
    const out = join(run, 'report');
    expect(await reportCommand([run, '-o', out])).toContain(`report of ${run}: ${join(out, 'index.html')}`);
    expect(existsSync(join(out, 'index.html'))).toBe(true);
    expect(readFileSync(join(run, 'records.jsonl'), 'utf8')).toBe(recordsBefore);
  });
});

describe('paretonas report: records and Chromium', () => {
  const saved = process.env.PARETONAS_CHROMIUM;
  afterEach(() => {
    if (saved === undefined) delete process.env.PARETONAS_CHROMIUM;
    else process.env.PARETONAS_CHROMIUM = saved;
  });

  it('an empty records.jsonl is refused naming the run and the file (was: records: got "nothing")', async () => {
    mkdirSync(join(tmp, 'empty'));
    writeFileSync(join(tmp, 'empty', 'records.jsonl'), '');
    const out = join(tmp, 'empty-report');
    const err = await refused([join(tmp, 'empty'), '-o', out]);
    expect(err.message).toMatch(/^RUN_DIR: got ".*\/empty": .*\/empty\/records\.jsonl does not start with a campaign-start record \(it holds no records\); allowed: /);
    expect(existsSync(out)).toBe(false);
  });

  it('a missing run names its path', async () => {
    expect((await refused([join(tmp, 'nope')])).message).toMatch(/^RUN_DIR: got ".*\/nope": has no records\.jsonl; allowed: a run directory holding records\.jsonl$/);
  });

  it('PARETONAS_CHROMIUM that is no executable: named with its value, nothing written', async () => {
    process.env.PARETONAS_CHROMIUM = join(tmp, 'no-chromium');
    const out = join(tmp, 'rep-missing');
    const err = await refused([run, '-o', out, '--png']);
    expect(err.field).toBe('PARETONAS_CHROMIUM');
    expect(err.message).toMatch(/^PARETONAS_CHROMIUM: got ".*\/no-chromium": not an executable file \(needed by --png\/--svg\); allowed: /);
    expect(existsSync(out)).toBe(false);
  });

  it('PARETONAS_CHROMIUM=/bin/false (starts, then exits): one line naming it, exit 2, not "internal error"; nothing written', async () => {
    process.env.PARETONAS_CHROMIUM = '/bin/false';
    const out = join(tmp, 'rep-false');
    const err = await refused([run, '-o', out, '--svg']);
    expect(err.field).toBe('PARETONAS_CHROMIUM');
    expect(err.message).toMatch(/^PARETONAS_CHROMIUM: got "\/bin\/false": did not start \(.+\); allowed: the path of an executable headless Chromium/);
    expect(err.message.split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });
});
