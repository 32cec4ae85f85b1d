import { parseQueueUrl } from '../campaign/queue/queue-url.js';
import type { WorkerEvent } from '../campaign/queue/worker.js';
import { InputError } from '../errors.js';
import { intFlag, joinDashedValue, jsonOut, numberFlag, parseFlags } from './args.js';
import { defineCommand } from './command-spec.js';

/** Most jobs a worker runs at once per allowed spec. */
const MAX_CONCURRENCY = 64;

export const WORKER_COMMAND = defineCommand({
  name: 'worker',
  summary: 'run the evaluations of `search --queue` campaigns: takes jobs from Redis for the evaluator specs it allows',
  example: 'paretonas worker --queue redis://10.0.0.5:6379 --evaluator-allow torch:fashion-mnist --concurrency 2',
  notes: [
    'A queue is not a remote shell: the worker runs only the evaluator specs named by --evaluator-allow (exactly as the',
    'campaign gives --evaluator; repeat the flag for more), and listens only to their queues. There is no default.',
    'SIGINT or SIGTERM stops taking jobs and waits for the running ones; a second signal stops at once.',
    'A password may come from env REDIS_PASSWORD instead of the URL.',
  ],
  flags: {
    queue: { type: 'string', value: 'URL', required: true, help: 'the Redis of the campaigns: redis://[USER:PASSWORD@]HOST[:PORT][/DB]' },
    'evaluator-allow': { type: 'string', value: 'SPEC', required: true, help: 'an evaluator spec this worker runs (cost, proxy, command:CMD, torch:DATASET[:PRESET]); repeat for more' },
    'trainer-args': { type: 'string', value: 'ARGS', help: 'extra arguments of the torch trainer; the campaign must give the same ones' },
    concurrency: { type: 'string', value: 'N', default: '1', help: `jobs run at once per allowed spec, 1 to ${MAX_CONCURRENCY}` },
    'stall-seconds': { type: 'string', value: 'S', default: '30', help: 'a running job whose worker is silent this long (s, 0.5 to 3600) is stalled and goes back to the queue' },
    'max-stalls': { type: 'string', value: 'N', default: '1', help: 'times a job may stall and run again before it fails as worker-lost, 0 to 100' },
    json: { type: 'boolean', help: 'print events as JSON lines on stderr and the summary as JSON' },
  },
});

const OWN_FLAGS = Object.keys(WORKER_COMMAND.flags).map((n) => `--${n}`);

/** Takes every `--evaluator-allow SPEC` / `--evaluator-allow=SPEC` out of the arguments (the flag repeats; parseFlags allows a flag once). */
export function takeAllowed(args: readonly string[]): { specs: string[]; rest: string[] } {
  const specs: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') {
      rest.push(...args.slice(i));
      break;
    }
    if (a.startsWith('--evaluator-allow=')) specs.push(a.slice('--evaluator-allow='.length));
    else if (a === '--evaluator-allow') {
      const next = args[i + 1];
      if (next === undefined || OWN_FLAGS.includes(next.split('=')[0] as string)) {
        throw new InputError('--evaluator-allow', next, WORKER_COMMAND.flags['evaluator-allow'].help, 'needs a value (SPEC)');
      }
      specs.push(next);
      i++;
    } else rest.push(a);
  }
  return { specs, rest };
}

export async function workerCommand(args: string[]): Promise<string> {
  const { specs, rest } = takeAllowed(args);
  const { values } = parseFlags(joinDashedValue(rest, '--trainer-args', OWN_FLAGS), WORKER_COMMAND.flags);
  if (values.queue === undefined) throw new InputError('--queue', undefined, WORKER_COMMAND.flags.queue.help, 'is missing');
  const target = parseQueueUrl(values.queue);
  const json = values.json === true;
  const graceful = new AbortController();
  const force = new AbortController();
  const onSignal = (): void => {
    if (!graceful.signal.aborted) return graceful.abort();
    force.abort();
    // The running evaluations hold the process (a trainer child): stop now; their jobs go back to the queue once their locks expire.
    process.stderr.write(`${new Date().toISOString()} paretonas worker: stopped at once; the jobs it was running go back to the queue after --stall-seconds (their trainers may run on)\n`);
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    // BullMQ (about 0.5 s to load) only for this command, not for every paretonas command.
    const { runWorker } = await import('../campaign/queue/worker.js');
    const summary = await runWorker({
      target,
      allow: specs,
      trainerArgs: values['trainer-args'],
      concurrency: intFlag('concurrency', values.concurrency, 1, MAX_CONCURRENCY),
      stallSeconds: numberFlag('stall-seconds', values['stall-seconds'], 0.5, 3600),
      maxStalls: intFlag('max-stalls', values['max-stalls'], 0, 100),
      onEvent: (e: WorkerEvent) => process.stderr.write(json ? `${JSON.stringify({ time: new Date().toISOString(), ...e })}\n` : `${new Date().toISOString()} paretonas worker: ${e.line}\n`),
      signal: graceful.signal,
      forceSignal: force.signal,
    });
    return json ? jsonOut(summary) : `worker closed: ${summary.evaluated} evaluated, ${summary.failed} failed, ${summary.refused} refused`;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
