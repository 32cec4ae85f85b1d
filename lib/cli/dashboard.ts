/**
 * `paretonas dashboard DIR [--port N] [--host H]`: the live dashboard (lib/dashboard) over a run
 * or a folder of runs, until SIGINT or SIGTERM. Loopback only unless --host names another
 * address, which is said on stderr (the records, LLM prompts and replies become readable by
 * anyone who can reach that address).
 */
import { InputError } from '../errors.js';
import { checkDashboardDir, findRuns } from '../dashboard/runs.js';
import { isLoopback, startDashboard } from '../dashboard/server.js';
import { checkPositionals, intFlag, parseFlags } from './args.js';
import { defineCommand } from './command-spec.js';

export const DASHBOARD_COMMAND = defineCommand({
  name: 'dashboard',
  args: 'DIR',
  summary: 'a live web page over a run or a folder of runs: fronts, hypervolume, rejections, every trial (updates while campaigns run)',
  example: 'paretonas dashboard runs --port 8050',
  notes: [
    'DIR is a run directory (holding records.jsonl) or a folder of runs, found one or two levels down; runs started',
    'there later appear by themselves (the records are polled each second and read incrementally).',
    'The page loads nothing from the network: plotly is served from the installed package. Ctrl-C stops it.',
  ],
  flags: {
    port: { type: 'string', value: 'N', default: '8050', help: 'TCP port, 0 to 65535 (0: any free port)' },
    host: { type: 'string', value: 'HOST', default: '127.0.0.1', help: 'address to listen on; anything but loopback makes the records readable from the network' },
  },
});


export async function dashboardCommand(args: string[]): Promise<string> {
  const { values, positionals } = parseFlags(args, DASHBOARD_COMMAND.flags);
  const [dir] = checkPositionals('DIR', positionals, 'one run directory or folder of runs') as [string];
  checkDashboardDir(dir);
  const port = intFlag('port', values.port, 0, 65535) ?? 8050;
  const host = values.host ?? '127.0.0.1';
  if (!/^[A-Za-z0-9.:-]+$/.test(host)) throw new InputError('--host', host, 'an IP address or host name (127.0.0.1, ::1, 0.0.0.0, a name)');
  if (!isLoopback(host)) process.stderr.write(`paretonas dashboard: warning: listening on ${host}, not loopback: anyone who can reach it reads these runs' records (prompts and replies included); there is no password\n`);
  let dashboard;
  try {
    dashboard = await startDashboard({ dir, port, host });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new InputError('--port', port, 'a free port (or 0 for any)', `port ${port} is already in use on ${host}`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EACCES') throw new InputError('--host', host, 'an address of this machine (127.0.0.1 by default)', `cannot listen on ${JSON.stringify(host)} (${code})`);
    throw err;
  }
  const runs = findRuns(dir).length;
  process.stderr.write(`paretonas dashboard: ${dashboard.url} over ${dir} (${runs === 0 ? 'no run yet: waiting for one' : `${runs} run${runs === 1 ? '' : 's'}`}); Ctrl-C stops it\n`);
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await dashboard.close();
  return 'dashboard stopped';
}
