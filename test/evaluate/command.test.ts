import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { splitArgs } from '../../lib/evaluate/argv.js';
import { commandEvaluator, TRAINER_PROTOCOL } from '../../lib/evaluate/command.js';
import { TORCH_TRAINER, torchEvaluator } from '../../lib/evaluate/torch.js';
import { costMetrics } from '../../lib/evaluate/cost.js';
import { EvaluationFailure } from '../../lib/evaluate/types.js';
import { onnx } from '../../lib/onnx/proto.js';
import { sampledInputs } from '../contracts/evaluator.js';
import { EXAMPLE_TRAINER, failure, isAlive, trainerCommand, waitUntil } from './trainers.js';

const [input] = sampledInputs([3], 32);
if (!input) throw new Error('no input');


describe('command evaluator: a trainer that follows the protocol', () => {
  it('returns its metrics with the cost metrics merged in, and reports progress', async () => {
    const progress: Record<string, unknown>[] = [];
    const e = await commandEvaluator(trainerCommand('good.mjs'), { onProgress: (line) => progress.push(line) }).evaluate(input);
    const costs = costMetrics(input.graph);
    expect(e.metrics).toEqual({ accuracy: expect.any(Number), macs: costs.macs, params: costs.params, peakSramBytes: costs.peakSramBytes });
    expect(e.metrics.accuracy).toBeGreaterThan(0.3);
    expect(progress.map((p) => p.epoch)).toEqual([1, 2]);
    expect(progress[0]?.onnxBytes).toBeGreaterThan(1000); // the ONNX file existed while it ran
    expect(e.details).toMatchObject({ exitCode: 0, progressLines: 2, ignoredLines: 2, epochs: 2, trainerSeconds: 0.01 });
    expect(e.seconds).toBeGreaterThan(0);
  });

  it('writes the documented request on stdin, and an ONNX file (BN kept) that onnxruntime loads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cmd-eval-'));
    const echo = join(dir, 'request.json');
    const runDir = join(dir, 'run');
    const e = await commandEvaluator(trainerCommand('good.mjs'), { env: { ECHO_REQUEST: echo }, keepOnnx: true }).evaluate({ ...input, runDir });
    const request = JSON.parse(readFileSync(echo, 'utf8'));
    expect(Object.keys(request).sort()).toEqual(['candidate', 'graph', 'key', 'metrics', 'network', 'onnx', 'protocol', 'settings']);
    expect(request.metrics).toEqual(['accuracy']); // no declaration: what the result must hold
    expect(request.network).toEqual(JSON.parse(JSON.stringify(input.graph)));
    expect(request.protocol).toBe(TRAINER_PROTOCOL);
    expect(request.key).toBe(input.key);
    expect(request.candidate).toEqual(input.candidate);
    const costs = costMetrics(input.graph);
    expect(request.graph).toEqual({ inputShape: [1, 3, 32, 32], classes: 100, nodes: input.graph.nodes.length, macs: costs.macs, params: costs.params });
    expect(request.settings).toEqual({ seed: input.seed, space: 'tinyml-cifar100', resolution: 32, classes: 100 });
    expect(isAbsolute(request.onnx)).toBe(true);
    expect(request.onnx).toMatch(new RegExp(`^${join(runDir, 'onnx')}/[0-9a-f]{16}\\.onnx$`));
    expect(e.details?.onnx).toBe(request.onnx);
    const bytes = readFileSync(request.onnx);
    expect(onnx.ModelProto.decode(bytes).graph?.node?.some((n) => n.opType === 'BatchNormalization')).toBe(true);
    const session = await ort.InferenceSession.create(bytes);
    const out = await session.run({ [session.inputNames[0] as string]: new ort.Tensor('float32', new Float32Array(2 * 3 * 32 * 32).fill(0.5), [2, 3, 32, 32]) });
    expect(out[session.outputNames[0] as string]?.dims).toEqual([2, 100]);
    await session.release();
  });

  it('deletes the ONNX file afterwards unless keepOnnx', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'cmd-eval-'));
    const echo = join(runDir, 'request.json');
    await commandEvaluator(trainerCommand('good.mjs'), { env: { ECHO_REQUEST: echo } }).evaluate({ ...input, runDir });
    expect(existsSync(JSON.parse(readFileSync(echo, 'utf8')).onnx)).toBe(false);
    await commandEvaluator(trainerCommand('good.mjs'), { env: { ECHO_REQUEST: echo } }).evaluate(input); // no run dir: a temp dir
    const path = JSON.parse(readFileSync(echo, 'utf8')).onnx as string;
    expect(path.startsWith(tmpdir())).toBe(true);
    expect(existsSync(path)).toBe(false);
  });

  it("keeps the trainer's own params; runs any shell command (one that ignores stdin too)", async () => {
    const own = await commandEvaluator(trainerCommand('good.mjs'), { env: { REPORT_PARAMS: '1234' } }).evaluate(input);
    expect(own.metrics.params).toBe(1234);
    const echo = await commandEvaluator(`echo started >&2; echo '{"type":"result","metrics":{"accuracy":0.5,"f1":0.25}}'`, { metrics: ['accuracy', 'f1'] }).evaluate(input);
    expect(echo.metrics).toMatchObject({ accuracy: 0.5, f1: 0.25 });
  });

  it('does not wait for a process the trainer left behind holding stdout: kills it', async () => {
    const pids: number[] = [];
    const start = Date.now();
    const command = `sleep 30 & echo "{\\"type\\":\\"progress\\",\\"pid\\":$!}"; echo '{"type":"result","metrics":{"accuracy":0.5}}'`;
    const e = await commandEvaluator(command, { onProgress: (line) => pids.push(line.pid as number) }).evaluate(input);
    expect(e.metrics.accuracy).toBe(0.5);
    expect(Date.now() - start).toBeLessThan(10_000);
    expect(pids).toHaveLength(1);
    expect(await waitUntil(() => !isAlive(pids[0] as number), 3000)).toBe(true);
  });

  it('runs the example trainer in scripts/', async () => {
    const e = await commandEvaluator(EXAMPLE_TRAINER).evaluate(input);
    expect(e.metrics.accuracy).toBeGreaterThan(0);
    expect(e.metrics.accuracy).toBeLessThan(0.9);
    expect(e.details).toMatchObject({ progressLines: 3, ignoredLines: 0, epochs: 3 });
  });
});

describe('command evaluator: failures', () => {
  it('crash: non-zero exit without a result, with the exit code and the stderr tail', async () => {
    const f = await failure(commandEvaluator(trainerCommand('crash.mjs')).evaluate(input));
    expect(f.kind).toBe('crash');
    expect(f.message).toMatch(/exited with code 3/);
    expect(f.message).toMatch(/CUDA out of memory \(fake\)/);
    expect(f.details).toMatchObject({ exitCode: 3, progressLines: 1 });
  });

  it('crash: killed by a signal', async () => {
    const f = await failure(commandEvaluator('kill -KILL $$').evaluate(input));
    expect(f.kind).toBe('crash');
    expect(f.message).toMatch(/killed by SIGKILL/);
  });

  it('timeout: kills the whole process group (the trainer and its child)', async () => {
    const pids: number[] = [];
    const aliveWhileRunning: boolean[] = [];
    const start = Date.now();
    const f = await failure(
      commandEvaluator(trainerCommand('hang.mjs'), {
        timeoutMs: 1500,
        killGraceMs: 1000,
        onProgress: (line) => {
          pids.push(line.pid as number, line.childPid as number);
          aliveWhileRunning.push(...pids.map(isAlive));
        },
      }).evaluate(input),
    );
    expect(f.kind).toBe('timeout');
    expect(f.message).toMatch(/within 1.5 s/);
    expect(Date.now() - start).toBeLessThan(6000);
    expect(pids).toHaveLength(2);
    expect(aliveWhileRunning).toEqual([true, true]);
    expect(await waitUntil(() => pids.every((pid) => !isAlive(pid)), 3000)).toBe(true);
  });

  it('malformed: exit 0 without a result line (non-JSON lines ignored and counted)', async () => {
    const f = await failure(commandEvaluator(trainerCommand('garbage.mjs')).evaluate(input));
    expect(f.kind).toBe('malformed');
    expect(f.message).toMatch(/without a \{"type":"result"\} line \(3 stdout lines ignored\)/);
    expect(f.details).toMatchObject({ exitCode: 0, ignoredLines: 3 });
  });

  it('malformed: metrics that are not finite numbers', async () => {
    const f = await failure(commandEvaluator(trainerCommand('nan.mjs')).evaluate(input));
    expect(f.kind).toBe('malformed');
    expect(f.message).toMatch(/accuracy="NaN"/);
    expect(f.message).toMatch(/loss=null/);
  });

  it('malformed: a missing metric, or two result lines', async () => {
    const missing = await failure(commandEvaluator(trainerCommand('good.mjs'), { metrics: ['accuracy', 'f1'] }).evaluate(input));
    expect(missing.kind).toBe('malformed');
    expect(missing.message).toMatch(/missing metrics: f1/);
    const twice = await failure(commandEvaluator(trainerCommand('good.mjs'), { env: { EXTRA_RESULT: '1' } }).evaluate(input));
    expect(twice.kind).toBe('malformed');
    expect(twice.message).toMatch(/2 result lines/);
  });

  it('error: the shell cannot start (a missing cwd)', async () => {
    const f = await failure(commandEvaluator('true', { cwd: join(tmpdir(), 'no-such-dir-paretonas') }).evaluate(input));
    expect(f.kind).toBe('error');
  });
});

describe('trainer arguments: an argument vector, never a shell', () => {
  it('splitArgs splits as a shell would, without expanding or running anything', () => {
    expect(splitArgs(`--data-dir "a b" --tag 'x y' plain\\ word --empty ""`)).toEqual(['--data-dir', 'a b', '--tag', 'x y', 'plain word', '--empty', '']);
    expect(splitArgs('$(touch /tmp/x) ; echo `id` | cat > f $HOME')).toEqual(['$(touch', '/tmp/x)', ';', 'echo', '`id`', '|', 'cat', '>', 'f', '$HOME']);
    expect(splitArgs('--data-dir ~/data --x a~b')).toEqual(['--data-dir', `${homedir()}/data`, '--x', 'a~b']);
    expect(() => splitArgs('--tag "open', '--trainer-args')).toThrow('--trainer-args: has an unclosed " quote (from character 7); allowed: shell-style words with every quote closed');
  });

  it('the torch evaluator passes --trainer-args to the trainer word for word; shell syntax in them runs nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'argv-'));
    // A stand-in "python": writes its argument vector to a file, then answers with a result line.
    const python = join(dir, 'python');
    writeFileSync(python, `#!${process.execPath}\nrequire('fs').writeFileSync(${JSON.stringify(join(dir, 'argv.json'))}, JSON.stringify(process.argv.slice(2)));\nprocess.stdin.resume();process.stdin.on('end',()=>console.log(JSON.stringify({type:'result',metrics:{accuracy:0.5}})));\n`);
    chmodSync(python, 0o755);
    const before = process.env.PARETONAS_PYTHON;
    process.env.PARETONAS_PYTHON = python;
    try {
      const marker = join(dir, 'pwned');
      const e = await torchEvaluator('torch:fashion-mnist', { trainerArgs: `--epochs 2 --data-dir "my data" $(touch ${marker}); touch ${marker}` }).evaluate(input);
      expect(e.metrics.accuracy).toBe(0.5);
      expect(JSON.parse(readFileSync(join(dir, 'argv.json'), 'utf8'))).toEqual([TORCH_TRAINER, '--dataset', 'fashion-mnist', '--preset', 'proxy-1epoch', '--epochs', '2', '--data-dir', 'my data', '$(touch', `${marker});`, 'touch', marker]);
      expect(existsSync(marker)).toBe(false);
    } finally {
      if (before === undefined) delete process.env.PARETONAS_PYTHON;
      else process.env.PARETONAS_PYTHON = before;
    }
  });
});
