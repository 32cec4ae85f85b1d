/**
 * Runs are never corrupted and never execute their own files: real `paretonas search` processes
 * racing on one run, killed, resumed over stale locks, torn starts, unbounded limits, and records
 * that name commands and paths.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { readRecords } from '../../lib/campaign/records.js';
import { acquireRunLock, LOCK_FILE } from '../../lib/campaign/run-lock.js';
import { defaultRunDir } from '../../lib/campaign/run-dir.js';
import { FIXTURES, ROOT } from '../helpers.js';

const BIN = `${ROOT}dist/cli/main.js`;
const slowTrainer = `command:node ${ROOT}test/fixtures/slow-trainer.mjs`;
const tmp = () => mkdtempSync(`${tmpdir()}/run-safety-`);

function search(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'search', ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Exit code, stdout and stderr of a spawned process once it ends. */
function finished(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

const count = (path: string, type: string) => {
  try {
    return readFileSync(path, 'utf8').split('\n').filter((l) => l.includes(`"type":"${type}"`)).length;
  } catch {
    return 0;
  }
};

async function until(check: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The pid of a process that has ended (so no process has it now, barring reuse). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('one writer per run', () => {
  it('two --resume of one run at once: the second is refused naming the holder; the records stay whole', async () => {
    const dir = tmp();
    const out = `${dir}/run`;
    const first = spawn(process.execPath, [BIN, 'search', '--evaluator', slowTrainer, '--budget', '400', '--seed', '2', '--out', out], { stdio: 'ignore' });
    await until(() => count(`${out}/records.jsonl`, 'evaluation') >= 2);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const a = spawn(process.execPath, [BIN, 'search', '--out', out, '--resume', '--evaluator', slowTrainer, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const aDone = finished(a);
    await until(() => count(`${out}/records.jsonl`, 'resume') === 1);
    const b = search(dir, '--out', out, '--resume', '--evaluator', slowTrainer);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(new RegExp(`^paretonas search: --out: is locked by pid ${a.pid} on ${hostname()} since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z \\(${out}/\\.lock\\); allowed: a run no other process is writing`));
    expect(b.stderr.trimEnd().split('\n')).toHaveLength(1);
    a.kill('SIGINT'); // stops between proposals and releases the lock
    const r = await aDone;
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ stopped: 'signal', resumed: true });
    expect(existsSync(`${out}/${LOCK_FILE}`)).toBe(false);
    const records = readRecords(`${out}/records.jsonl`).records; // whole and in order, or this throws
    expect(records.filter((x) => x.type === 'resume')).toHaveLength(1);
    expect(records.map((x) => x.seq)).toEqual(records.map((_, i) => i));
  }, 120_000);

  it('new runs racing on one --out: exactly one starts, every other is refused in one line', async () => {
    const dir = tmp();
    for (let round = 0; round < 2; round++) {
      const out = `${dir}/race-${round}`;
      const children = Array.from({ length: 3 }, () => spawn(process.execPath, [BIN, 'search', '--budget', '20', '--seed', '1', '--out', out, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] }));
      const results = await Promise.all(children.map(finished));
      expect(results.filter((r) => r.code === 0)).toHaveLength(1);
      for (const r of results.filter((x) => x.code !== 0)) {
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr).toMatch(/^paretonas search: --out: (is locked by (pid \d+|a process that is taking it right now)|already holds a campaign)/);
        expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      }
      const records = readRecords(`${out}/records.jsonl`).records;
      expect(records.filter((x) => x.type === 'campaign-start')).toHaveLength(1);
      expect(records.filter((x) => x.type === 'proposal')).toHaveLength(20);
    }
  }, 120_000);

  it('a stale lock of a dead process on this host is taken over, with a note', () => {
    const dir = tmp();
    expect(search(dir, '--budget', '5', '--out', 'run').code).toBe(0);
    const pid = deadPid();
    writeFileSync(`${dir}/run/${LOCK_FILE}`, JSON.stringify({ pid, host: hostname(), started: '2026-01-01T00:00:00.000Z' }));
    const r = search(dir, '--out', 'run', '--resume', '--budget', '8', '--json');
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ proposed: 8, notes: [`took over the stale lock of run: pid ${pid} (since 2026-01-01T00:00:00.000Z) is no longer running`] });
    expect(readRecords(`${dir}/run/records.jsonl`).records.find((x) => x.type === 'resume')?.notes).toEqual(summary.notes);
    expect(existsSync(`${dir}/run/${LOCK_FILE}`)).toBe(false);
  });

  it('a lock held by a live process (or naming another host) is never taken over', () => {
    const dir = tmp();
    const lock = acquireRunLock(`${dir}/run`);
    expect(() => acquireRunLock(`${dir}/run`)).toThrow(new RegExp(`--out: is locked by pid ${process.pid} on `)); // held, even by this process
    writeFileSync(`${dir}/run/${LOCK_FILE}`, JSON.stringify({ pid: deadPid(), host: 'elsewhere.example', started: '2026-01-01T00:00:00.000Z' }));
    expect(() => acquireRunLock(`${dir}/run`)).toThrow(/--out: is locked by pid \d+ on elsewhere\.example since 2026-01-01T00:00:00\.000Z .*; delete .*\.lock if that run is known to be dead; allowed:/);
    lock.release(); // not ours any more: left alone
    expect(existsSync(`${dir}/run/${LOCK_FILE}`)).toBe(true);
  });
});

describe('restartable and resumable whatever the records hold', () => {
  it('a torn first record: --resume says to start anew; the original command then starts the run anew', () => {
    const dir = tmp();
    const torn = '{"type":"campaign-start","time":"2026-11-23T00:00:00Z","seq":0,"config":{"objec';
    writeFileSync(`${dir}/records.jsonl`, torn);
    const resumed = search(dir, '--out', '.', '--resume');
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toBe('paretonas search: --out: holds no whole record (the run was killed while writing its first one), so there is nothing to resume; allowed: the original command again without --resume (it starts the run anew)\n');
    const again = search(dir, '--budget', '4', '--out', '.', '--json');
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ proposed: 4, notes: [expect.stringMatching(/held no whole record \(a start cut short\); moved to .*records\.jsonl\.torn-/)] });
    const aside = readdirSync(dir).find((f) => f.startsWith('records.jsonl.torn-')) as string;
    expect(readFileSync(`${dir}/${aside}`, 'utf8')).toBe(torn); // kept, not lost
    expect(readRecords(`${dir}/records.jsonl`).records[0]?.type).toBe('campaign-start');
  });

  it('corrupt records are one line and exit 2 on resume, naming the line', () => {
    const dir = tmp();
    expect(search(dir, '--budget', '3', '--out', 'run').code).toBe(0);
    const path = `${dir}/run/records.jsonl`;
    const lines = readFileSync(path, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('"type":"evaluation"'));
    const edited = JSON.parse(lines[at] as string);
    delete edited.metrics;
    lines[at] = JSON.stringify(edited);
    writeFileSync(path, lines.join('\n'));
    const r = search(dir, '--out', 'run', '--resume', '--budget', '5');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`paretonas search: run/records.jsonl line ${at + 1}: an evaluation record without metrics; allowed: metrics: an object of numbers (macs, params, ... and the objectives)\n`);
    expect(existsSync(`${dir}/run/${LOCK_FILE}`)).toBe(false);
  });

  it('a space without constraints (infinite limits): killed and resumed, its proposals are still accepted', async () => {
    const dir = tmp();
    const out = `${dir}/run`;
    const child = spawn(process.execPath, [BIN, 'search', '--space', `${FIXTURES}fuzz/space-noconstraints.json`, '--evaluator', slowTrainer, '--budget', '12', '--seed', '4', '--out', out], { stdio: 'ignore' });
    await until(() => count(`${out}/records.jsonl`, 'evaluation') >= 3);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const r = search(dir, '--out', out, '--resume', '--evaluator', slowTrainer, '--json');
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ proposed: 12, valid: 12 }); // evolution's mutants are all in the space; no limit rejects them
    expect(summary.rejected.macs + summary.rejected.sram).toBe(0);
    const start = readFileSync(`${out}/records.jsonl`, 'utf8').split('\n')[0] as string;
    expect(start).toContain('"macs":{"min":0,"max":"Infinity"},"sramMaxBytes":"Infinity"');
    expect(readFileSync(`${out}/space.json`, 'utf8')).toBe(readFileSync(`${FIXTURES}fuzz/space-noconstraints.json`, 'utf8'));
  }, 120_000);
});

describe('resume never runs what the records say on their own', () => {
  it('a recorded command:CMD runs on resume only when given again or with --trust-records', () => {
    const dir = tmp();
    const marker = `${dir}/ran`;
    const trainer = `command:touch ${marker}; node ${ROOT}test/fixtures/slow-trainer.mjs`;
    expect(search(dir, '--evaluator', trainer, '--budget', '1', '--out', 'run').code).toBe(0);
    expect(existsSync(marker)).toBe(true);
    rmSync(marker);
    const refused = search(dir, '--out', 'run', '--resume', '--budget', '2');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^paretonas search: --evaluator: the run's records name the command "command:touch .*, and --resume runs no command read from records\.jsonl unless it is confirmed; allowed: the same --evaluator given again on the command line, or --trust-records\n$/);
    expect(existsSync(marker)).toBe(false);
    const other = search(dir, '--out', 'run', '--resume', '--budget', '2', '--evaluator', `command:node ${ROOT}test/fixtures/slow-trainer.mjs`);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/^paretonas search: --evaluator: differs from the run: recorded "command:touch .*, given "command:node .*"; allowed:/);
    expect(existsSync(marker)).toBe(false);
    expect(search(dir, '--out', 'run', '--resume', '--budget', '2', '--evaluator', trainer).code).toBe(0);
    expect(existsSync(marker)).toBe(true);
    rmSync(marker);
    expect(search(dir, '--out', 'run', '--resume', '--budget', '3', '--trust-records').code).toBe(0);
    expect(existsSync(marker)).toBe(true);
  });

  it('a space path in the records outside the run and search-spaces/ is refused, its content never shown', () => {
    const dir = tmp();
    expect(search(dir, '--budget', '2', '--out', 'run').code).toBe(0);
    const path = `${dir}/run/records.jsonl`;
    writeFileSync(`${dir}/secret.json`, '{"name": "TOPSECRET-CONTENT"}');
    writeFileSync(path, readFileSync(path, 'utf8').replace('"space":"tinyml-cifar100"', '"space":"../secret.json"'));
    const r = search(dir, '--out', 'run', '--resume', '--budget', '3');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('paretonas search: space (in the records): "../secret.json" is not a file inside the run or search-spaces/ (copy that space file to the run directory as space.json to resume); allowed: a shipped space name, or a file inside the run directory (run/space.json) or search-spaces/\n');
    writeFileSync(path, readFileSync(path, 'utf8').replace('"space":"../secret.json"', '"space":"../../../../../../../etc/passwd"'));
    const p = search(dir, '--out', 'run', '--resume', '--budget', '3');
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/^paretonas search: space \(in the records\): "\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd" is not a file inside/);
    expect(p.stderr).not.toContain('root:');
  });

  it('run names made from --proposer stay under runs/', () => {
    const name = defaultRunDir('ollama:../../x', 3, new Date('2026-11-23T10:00:00.000Z'));
    expect(name).toBe('runs/2026-11-23T10-00-00-000Z-ollama-.-.-x-3');
    expect(defaultRunDir('ollama:qwen2.5:3b', 0, new Date('2026-11-23T10:00:00.000Z'))).toBe('runs/2026-11-23T10-00-00-000Z-ollama-qwen2.5-3b-0');
  });
});
