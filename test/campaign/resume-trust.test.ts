/**
 * What a hostile records.jsonl cannot make resume (or report/compare) do, and what a newcomer's
 * re-run of the original command line with --resume gets: real `paretonas` processes on runs
 * whose records were edited.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

const BIN = `${ROOT}dist/cli/main.js`;
const slowTrainer = `command:node ${ROOT}test/fixtures/slow-trainer.mjs`;
const tmp = () => mkdtempSync(`${tmpdir()}/resume-trust-`);

function cli(cwd: string, args: string[], env: Record<string, string> = {}) {
  const started = Date.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, seconds: (Date.now() - started) / 1000 };
}
const search = (cwd: string, ...args: string[]) => cli(cwd, ['search', ...args]);

/** Rewrites record `line` (1-based) of a run's records with `edit`. */
function editRecord(path: string, line: number, edit: (r: Record<string, any>) => void): void {
  const lines = readFileSync(path, 'utf8').split('\n');
  const r = JSON.parse(lines[line - 1] as string);
  edit(r);
  lines[line - 1] = JSON.stringify(r);
  writeFileSync(path, lines.join('\n'));
}

/** One error line, exit 2. */
function oneLine(r: { code: number | null; stderr: string }, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
}

/** A TCP port nothing listens on (taken, then freed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

describe('the recorded configuration is checked as search writes it', () => {
  it('an evaluator with a space before command: is refused naming line 1; the command never runs', () => {
    const dir = tmp();
    expect(search(dir, '--budget', '2', '--out', 'run').code).toBe(0);
    const marker = `${dir}/pwned`;
    editRecord(`${dir}/run/records.jsonl`, 1, (r) => (r.config.evaluator = ` command:touch ${marker}`));
    const before = readFileSync(`${dir}/run/records.jsonl`, 'utf8');
    oneLine(search(dir, '--out', 'run', '--resume', '--budget', '12'), /^paretonas search: run\/records\.jsonl line 1: config\.evaluator " command:touch .*pwned" has spaces around it; allowed: config\.evaluator as search records it/);
    expect(existsSync(marker)).toBe(false);
    expect(readFileSync(`${dir}/run/records.jsonl`, 'utf8')).toBe(before);
  });

  it('evaluatorOptions env/cwd (a PYTHONPATH with a sitecustomize.py) are refused before anything runs', () => {
    const dir = tmp();
    expect(search(dir, '--budget', '2', '--out', 'run').code).toBe(0);
    const marker = `${dir}/pwned`;
    writeFileSync(`${dir}/run/sitecustomize.py`, `open(${JSON.stringify(marker)}, 'w').write('x')\n`);
    editRecord(`${dir}/run/records.jsonl`, 1, (r) => {
      r.config.evaluator = 'torch:cifar10';
      r.config.evaluatorOptions = { env: { PYTHONPATH: `${dir}/run` } };
    });
    oneLine(search(dir, '--out', 'run', '--resume', '--budget', '12'), /^paretonas search: run\/records\.jsonl line 1: config\.evaluatorOptions\.env is not a setting search records; allowed: config\.evaluatorOptions keys: timeoutMs, batch, trainerArgs, metrics\n$/);
    editRecord(`${dir}/run/records.jsonl`, 1, (r) => (r.config.evaluatorOptions = { cwd: `${dir}/run` }));
    oneLine(search(dir, '--out', 'run', '--resume'), /line 1: config\.evaluatorOptions\.cwd is not a setting search records/);
    editRecord(`${dir}/run/records.jsonl`, 1, (r) => (r.config.evaluatorOptions = { timeoutMs: -5 }));
    oneLine(search(dir, '--out', 'run', '--resume'), /line 1: config\.evaluatorOptions\.timeoutMs is -5; allowed: config\.evaluatorOptions\.timeoutMs: an integer from 1000 to 10000000000/);
    editRecord(`${dir}/run/records.jsonl`, 1, (r) => {
      r.config.proposer = 'evolution';
      r.config.evaluatorOptions = {};
      r.config.proposerSettings = { population: 'many' };
    });
    oneLine(search(dir, '--out', 'run', '--resume'), /line 1: config\.proposerSettings\.population is "many"; allowed: config\.proposerSettings\.population: an integer from 1 to 100000/);
    expect(existsSync(marker)).toBe(false);
  });

  it('recorded trainerArgs are used only when given again or with --trust-records', () => {
    const dir = tmp();
    expect(search(dir, '--budget', '2', '--out', 'run').code).toBe(0);
    editRecord(`${dir}/run/records.jsonl`, 1, (r) => {
      r.config.evaluator = 'torch:cifar10';
      r.config.evaluatorOptions = { trainerArgs: '--data-dir /elsewhere' };
    });
    oneLine(search(dir, '--out', 'run', '--resume'), /^paretonas search: --trainer-args: the run's records give the trainer these arguments, and --resume passes none read from records\.jsonl unless they are confirmed; allowed: the same --trainer-args given again on the command line, or --trust-records\n$/);
    oneLine(search(dir, '--out', 'run', '--resume', '--trainer-args', '--epochs 1'), /^paretonas search: --trainer-args: differs from the run: recorded "--data-dir \/elsewhere", given "--epochs 1"/);
  });

  it('a recorded replay path outside the run and runs/ is refused', () => {
    const dir = tmp();
    expect(search(dir, '--budget', '2', '--out', 'run').code).toBe(0);
    editRecord(`${dir}/run/records.jsonl`, 1, (r) => {
      r.config.proposer = 'ollama:x';
      r.config.proposerSettings = { temperature: 1.5, min_p: 0.1, window: 5, explain: true, replay: '../../etc' };
    });
    oneLine(search(dir, '--out', 'run', '--resume'), /^paretonas search: replay \(in the records\): "\.\.\/\.\.\/etc" is outside them, and resume reads no records from elsewhere unless it is confirmed; allowed: a run inside runs\/ or inside this run directory, or the same --replay-llm given again/);
  });
});

describe('records that would crash or hang readers', () => {
  it('a keyed proposal whose candidate is null: search --resume, report, compare and explain say which line, exit 2', () => {
    const dir = tmp();
    expect(search(dir, '--budget', '3', '--out', 'run').code).toBe(0);
    editRecord(`${dir}/run/records.jsonl`, 2, (r) => (r.candidate = null));
    const line = /^paretonas \w+: run\/records\.jsonl line 2: a proposal with key "in3\|.* whose candidate is null; allowed: a candidate object \{blocks: \[\.\.\.\]\}/;
    oneLine(search(dir, '--out', 'run', '--resume', '--budget', '5'), line);
    oneLine(cli(dir, ['report', 'run']), line);
    oneLine(cli(dir, ['compare', 'run', 'run']), line);
    oneLine(cli(dir, ['explain', 'run', '0']), line);
    // Unkeyed, null is what a failed LLM call records: fine for a rejection, refused for an evaluation.
    editRecord(`${dir}/run/records.jsonl`, 2, (r) => (r.key = null));
    oneLine(cli(dir, ['report', 'run']), /^paretonas report: (run\/)?records\.jsonl line 3: an evaluation of proposal 0, whose recorded candidate is not \{blocks: \[\.\.\.\]\} \(only a well-formed candidate is evaluated\); allowed: records in the order the campaign writes them/);
  });

  it('negative or non-finite cost metrics are refused naming the line', () => {
    const dir = tmp();
    expect(search(dir, '--budget', '3', '--out', 'run').code).toBe(0);
    const path = `${dir}/run/records.jsonl`;
    const evaluationLine = readFileSync(path, 'utf8').split('\n').findIndex((l) => l.includes('"type":"evaluation"')) + 1;
    editRecord(path, evaluationLine, (r) => (r.metrics.macs = -5));
    oneLine(cli(dir, ['report', 'run']), new RegExp(`^paretonas report: run/records\\.jsonl line ${evaluationLine}: an evaluation whose macs is -5; allowed: metrics\\.macs: a finite number >= 0`));
    editRecord(path, evaluationLine, (r) => {
      r.metrics.macs = 1;
      r.metrics.peakSramBytes = 'Infinity';
    });
    oneLine(search(dir, '--out', 'run', '--resume'), new RegExp(`line ${evaluationLine}: an evaluation whose peakSramBytes is Infinity`));
  });

  it('records.jsonl as a FIFO or a directory: one line, exit 2, no hang', () => {
    const dir = tmp();
    mkdirSync(`${dir}/fifo`);
    expect(spawnSync('mkfifo', [`${dir}/fifo/records.jsonl`]).status).toBe(0);
    mkdirSync(`${dir}/dir/records.jsonl`, { recursive: true });
    for (const [run, what] of [['fifo', 'a FIFO'], ['dir', 'a directory']]) {
      for (const args of [['search', '--out', run, '--resume'], ['report', run], ['compare', run, run]]) {
        const r = cli(dir, args as string[]);
        expect(r.seconds).toBeLessThan(20);
        oneLine(r, new RegExp(`^paretonas ${args[0]}: records: ${run}/records\\.jsonl is ${what}; allowed: a regular file`));
      }
    }
  }, 60_000);
});

describe('resuming an Ollama run', () => {
  it('with the server down: refused at once, before anything is written', async () => {
    const dir = tmp();
    expect(search(dir, '--budget', '2', '--out', 'run').code).toBe(0);
    const port = await closedPort();
    editRecord(`${dir}/run/records.jsonl`, 1, (r) => {
      r.config.proposer = 'ollama:x';
      r.config.proposerSettings = { temperature: 1.5, min_p: 0.1, window: 5, explain: true, host: `http://127.0.0.1:${port}` };
    });
    const before = readFileSync(`${dir}/run/records.jsonl`, 'utf8');
    const r = search(dir, '--out', 'run', '--resume', '--budget', '12');
    oneLine(r, new RegExp(`^paretonas search: Ollama is not reachable at http://127\\.0\\.0\\.1:${port}`));
    expect(r.seconds).toBeLessThan(10);
    expect(readFileSync(`${dir}/run/records.jsonl`, 'utf8')).toBe(before);
    const port2 = await closedPort();
    oneLine(search(dir, '--out', 'run', '--resume', '--ollama-host', `http://127.0.0.1:${port2}`), new RegExp(`not reachable at http://127\\.0\\.0\\.1:${port2}`));
  });

  it('a new run with no server under ulimit -v 4000000: exactly one line', async () => {
    const dir = tmp();
    const port = await closedPort();
    const r = spawnSync('/bin/sh', ['-c', `ulimit -v 4000000; exec "${process.execPath}" "${BIN}" search --proposer ollama:x --budget 3 --out runs/ol`], { cwd: dir, encoding: 'utf8', timeout: 30_000, env: { ...process.env, OLLAMA_HOST: `http://127.0.0.1:${port}` } });
    oneLine({ code: r.status, stderr: r.stderr }, /^paretonas search: Ollama is not reachable at /);
  });
});

describe('re-running the original command with --resume', () => {
  it('defaults given explicitly equal a run started without them; the space by path equals it by name', () => {
    const dir = tmp();
    expect(search(dir, '--evaluator', 'proxy', '--budget', '1', '--out', 'run').code).toBe(0);
    const r = search(dir, '--evaluator', 'proxy', '--budget', '2', '--out', 'run', '--resume', '--population', '20', '--sample', '5', '--screen', '1', '--proxy-batch', '16', '--seed', '0', '--space', `${ROOT}search-spaces/tinyml-cifar100.json`);
    expect(r.code, r.stderr).toBe(0);
    oneLine(search(dir, '--out', 'run', '--resume', '--population', '21'), /^paretonas search: --population: differs from the run: recorded 20, given 21;/);
    oneLine(search(dir, '--out', 'run', '--resume', '--space', `${ROOT}search-spaces/tinyml-fashion-mnist.json`), /^paretonas search: --space: differs from the run: recorded "tinyml-cifar100", given ".*tinyml-fashion-mnist\.json";/);
  }, 60_000);

  it('refusals show values in the flag\'s own syntax: seconds, objectives and constraints as typed', () => {
    const dir = tmp();
    expect(search(dir, '--evaluator', slowTrainer, '--timeout', '50', '--budget', '1', '--out', 'run', '--constraint', 'peakSramBytes<=327680').code).toBe(0);
    oneLine(search(dir, '--out', 'run', '--resume', '--evaluator', slowTrainer, '--timeout', '60'), /^paretonas search: --timeout: differs from the run: recorded 50 s, given 60 s;/);
    oneLine(search(dir, '--out', 'run', '--resume', '--evaluator', slowTrainer, '--objectives', 'accuracy:max,macs:min'), /^paretonas search: --objectives: differs from the run: recorded accuracy:max,macs:min,params:min, given accuracy:max,macs:min;/);
    oneLine(search(dir, '--out', 'run', '--resume', '--evaluator', slowTrainer, '--constraint', 'peakSramBytes<=300000,macs>=1'), /^paretonas search: --constraint: differs from the run: recorded peakSramBytes<=327680, given peakSramBytes<=300000,macs>=1;/);
  }, 60_000);
});
