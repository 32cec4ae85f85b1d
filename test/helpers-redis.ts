import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * A real redis-server for the queue tests, on a free loopback port of its own (never 6379, which
 * Debian's service may use). `npm run setup` installs Debian's redis-server; without it the queue
 * tests skip with a reason.
 */

/** True when `redis-server` runs here (on PATH and answers --version). */
export function hasRedis(): boolean {
  return spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).status === 0;
}

export const REDIS_SKIP_REASON = 'redis-server is not installed (npm run setup installs Debian redis-server): queue tests skipped';

/** A TCP port free on 127.0.0.1 right now (the OS picks it; another process may take it before use). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RedisServer {
  port: number;
  /** `redis://127.0.0.1:PORT`. */
  url: string;
  /** SIGTERM, resolves when the server has exited. */
  stop(): Promise<void>;
  /** SIGKILL (a crash), resolves when the server has exited. */
  kill(): Promise<void>;
}

function exited(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/**
 * Starts `redis-server --port P --bind 127.0.0.1 --save '' --appendonly no` (nothing written to
 * disk) on a free port and waits for "Ready to accept connections". `--port 0` does not work (Redis 7
 * then listens nowhere and exits), so the port is picked first; when the server exits before it is
 * ready (the port was taken meanwhile) it tries again on a new port, 5 times at most. With
 * `fixedPort` (a restart on the same address) it tries that port once.
 * @throws Error with the server's last output after 5 failed starts or 10 s without readiness.
 */
export async function startRedis(fixedPort?: number): Promise<RedisServer> {
  let lastOutput = '';
  for (let attempt = 0; attempt < (fixedPort === undefined ? 5 : 1); attempt++) {
    const port = fixedPort ?? (await freePort());
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const ready = await new Promise<boolean>((resolve) => {
      let out = '';
      const timer = setTimeout(() => resolve(false), 10_000);
      const onData = (d: Buffer): void => {
        out += d.toString();
        lastOutput = out.slice(-400);
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve(true);
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(false);
      });
      child.once('error', () => resolve(false));
    });
    if (ready) {
      child.stdout?.resume();
      child.stderr?.resume();
      return { port, url: `redis://127.0.0.1:${port}`, stop: () => exited(child, 'SIGTERM'), kill: () => exited(child, 'SIGKILL') };
    }
    await exited(child, 'SIGKILL');
  }
  throw new Error(`redis-server did not start${fixedPort === undefined ? ' in 5 tries' : ` on port ${fixedPort}`}; its last output: ${lastOutput}`);
}
