import { spawn } from 'node:child_process';

export interface TrainerProcessOptions {
  timeoutMs: number;
  /** After the timeout: SIGTERM to the process group, then SIGKILL after this grace (ms). */
  killGraceMs: number;
  cwd?: string;
  env?: Record<string, string>;
  /** Called for every `{"type":"progress"}` line, in order. Exceptions it throws are ignored. */
  onProgress?: (line: Record<string, unknown>) => void;
  /** Characters of stderr kept (the tail). */
  stderrChars?: number;
}

/** How long stdout may stay open after the trainer's shell exited before its group is killed. */
const LINGER_MS = 2000;

/** What a trainer process did: its exit, the result lines it printed, what was ignored. */
export interface TrainerRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Set when the shell (or the program of an argument vector) could not be started. */
  spawnError?: Error;
  /** Every `{"type":"result"}` line, parsed (the protocol allows exactly one). */
  results: Record<string, unknown>[];
  progressLines: number;
  /** Lines that were not JSON objects, or JSON objects of another type. */
  ignoredLines: number;
  stderrTail: string;
  seconds: number;
  pid?: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Runs `command` — a string through /bin/sh, or an argument vector [program, ...args] directly,
 * with no shell — in its own process group, writes `request` (one line) on its
 * stdin and closes it, and reads JSON lines from its stdout until the process ends or the
 * timeout kills the whole group. Processes the shell leaves behind in its group are killed
 * LINGER_MS after it exits (so the command must not put the trainer in the background).
 * Never rejects: every outcome is described in the TrainerRun.
 */
export function runTrainer(command: string | readonly string[], request: string, options: TrainerProcessOptions): Promise<TrainerRun> {
  const started = process.hrtime.bigint();
  const keep = options.stderrChars ?? 8192;
  return new Promise((resolve) => {
    const run: TrainerRun = { exitCode: null, signal: null, timedOut: false, results: [], progressLines: 0, ignoredLines: 0, stderrTail: '', seconds: 0 };
    let settled = false;
    let pending = ''; // stdout after its last newline
    let graceTimer: NodeJS.Timeout | undefined;
    let lingerTimer: NodeJS.Timeout | undefined;
    const finish = () => {
      if (settled) return;
      settled = true;
      if (pending !== '') onLine(pending);
      clearTimeout(timer);
      clearTimeout(graceTimer);
      clearTimeout(lingerTimer);
      run.seconds = Number(process.hrtime.bigint() - started) / 1e9;
      resolve(run);
    };
    const [program, args] = typeof command === 'string' ? ['/bin/sh', ['-c', command]] : [command[0] as string, command.slice(1)];
    const child = spawn(program, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      detached: true, // its own process group, so a timeout can kill the trainer's children too
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    run.pid = child.pid;
    const killGroup = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // the group is already gone
      }
    };
    // Stops waiting for stdout/stderr to close (a process that left the group may hold them).
    const abandon = () => {
      child.stdout.destroy();
      child.stderr.destroy();
      finish();
    };
    const timer = setTimeout(() => {
      run.timedOut = true;
      killGroup('SIGTERM');
      graceTimer = setTimeout(() => {
        killGroup('SIGKILL');
        graceTimer = setTimeout(abandon, options.killGraceMs);
      }, options.killGraceMs);
    }, options.timeoutMs);

    const onLine = (raw: string) => {
      const line = raw.trim();
      if (line === '') return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        run.ignoredLines++;
        return;
      }
      if (!isObject(parsed)) run.ignoredLines++;
      else if (parsed.type === 'result') run.results.push(parsed);
      else if (parsed.type === 'progress') {
        run.progressLines++;
        try {
          options.onProgress?.(parsed);
        } catch {
          // a progress callback must not break the evaluation
        }
      } else run.ignoredLines++;
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      let nl = pending.indexOf('\n');
      while (nl >= 0) {
        onLine(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
        nl = pending.indexOf('\n');
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      run.stderrTail = (run.stderrTail + chunk).slice(-keep);
    });
    child.stdin.on('error', () => {
      // EPIPE: the trainer exited without reading its stdin; its exit tells the rest
    });
    child.on('error', (error) => {
      run.spawnError = error;
      if (child.pid === undefined) finish();
    });
    child.on('exit', (code, signal) => {
      run.exitCode = code;
      run.signal = signal;
      // The shell has ended; children it left behind in its group must not hold the pipes open.
      lingerTimer = setTimeout(() => {
        killGroup('SIGKILL');
        abandon();
      }, LINGER_MS);
    });
    child.on('close', (code, signal) => {
      run.exitCode = code ?? run.exitCode;
      run.signal = signal ?? run.signal;
      finish();
    });
    child.stdin.end(`${request}\n`);
  });
}

/** The last `lines` non-empty lines of a text (for failure messages). */
export function tailLines(text: string, lines = 10): string {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(-lines)
    .join('\n');
}
