import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { RECORDS_FILE } from '../campaign/campaign.js';
import { describeLatencyModel } from '../latency/select.js';
import { capText, formatValue, InputError } from '../errors.js';
import { buildRunReport } from '../report/run-report.js';
import { checkPositionals, parseFlags } from './args.js';
import { prepareOutputFolder } from './output-file.js';
import { defineCommand, usageLine } from './command-spec.js';

export const REPORT_COMMAND = defineCommand({
  name: 'report',
  args: 'RUN_DIR',
  summary: 'an offline HTML report of a run (tables, figures, explanations), tables also as Markdown/CSV/LaTeX, figures as PNG/SVG',
  example: 'paretonas report runs/qwen -o reports/qwen --png',
  flags: {
    output: { type: 'string', short: 'o', value: 'DIR', default: 'reports/ID (ID: the run directory\'s name)', help: 'where index.html, tables/ and figures/ go' },
    png: { type: 'boolean', help: 'also write every figure as PNG (needs headless Chromium)' },
    svg: { type: 'boolean', help: 'also write every figure as SVG (needs headless Chromium)' },
  },
});
export const REPORT_USAGE = usageLine(REPORT_COMMAND);

export async function reportCommand(args: string[]): Promise<string> {
  const { values, positionals } = parseFlags(args, REPORT_COMMAND.flags);
  checkPositionals('RUN_DIR', positionals, 'one run directory path (runs/ID)');
  const runDir = positionals[0] as string;
  if (!existsSync(join(runDir, RECORDS_FILE))) throw new InputError('RUN_DIR', runDir, `a run directory holding ${RECORDS_FILE}`, `got ${formatValue(runDir)}: has no ${RECORDS_FILE}`);
  const out = values.output ?? join('reports', basename(runDir));
  // -o and Chromium are checked before any work, and nothing is written before both pass
  prepareOutputFolder('-o', out, { runDir, refuse: 'itself' }, { create: false });
  const offline = values.png || values.svg ? await startChromium() : undefined;
  try {
    let report: ReturnType<typeof buildRunReport>;
    try {
      report = buildRunReport(runDir);
    } catch (err) {
      throw namedRecordsError(err, runDir);
    }
    prepareOutputFolder('-o', out, { runDir, refuse: 'itself' }); // creates it one level at a time (never loops as recursive mkdir does under /proc)
    const { writeRunReport } = await import('../report/html-report.js'); // loads danfojs (seconds): not at start-up
    writeRunReport(report, out);
    const images: string[] = [];
    if (offline) {
      const { writeFigureImages } = await import('../report/figure-images.js');
      const formats = [...(values.png ? ['png'] : []), ...(values.svg ? ['svg'] : [])] as ('png' | 'svg')[];
      const jobs = report.figures.flatMap((f) => formats.map((format) => ({ figure: f.figure, path: join(out, 'figures', `${f.id}.${format}`), format, width: 900, height: 520 })));
      // one browser for all images; progress on stderr, so stdout stays the summary
      const onProgress = (i: number, total: number, path: string) => process.stderr.write(`figure ${i}/${total}: ${basename(path)}\n`);
      images.push(...(await writeFigureImages(jobs, { onProgress, browser: offline })));
    }
    return summary(report, runDir, out, images);
  } finally {
    await offline?.close();
  }
}

/** Launches the offline Chromium for --png/--svg; a missing or broken one is one line naming PARETONAS_CHROMIUM (or the path tried), exit 2. */
async function startChromium(): Promise<import('../report/browser.js').OfflineBrowser> {
  const { findChromium, launchOfflineBrowser, CHROMIUM_MISSING_MESSAGE } = await import('../report/browser.js');
  const chosen = process.env.PARETONAS_CHROMIUM;
  const allowed = chosen ? 'the path of an executable headless Chromium (Debian\'s /usr/bin/chromium), or unset' : CHROMIUM_MISSING_MESSAGE;
  const path = findChromium();
  if (!path) {
    if (chosen) throw new InputError('PARETONAS_CHROMIUM', chosen, allowed, `got ${formatValue(chosen)}: not an executable file (needed by --png/--svg)`);
    throw new InputError('--png/--svg', true, allowed, 'needs headless Chromium');
  }
  try {
    return await launchOfflineBrowser();
  } catch (err) {
    const why = capText(((err as Error).message.split('\n')[0] ?? '').replace(/^chromium \(.*?\) did not start: /, ''), 160);
    if (chosen) throw new InputError('PARETONAS_CHROMIUM', chosen, allowed, `got ${formatValue(chosen)}: did not start (${why})`);
    throw new InputError('--png/--svg', true, allowed, `chromium ${path} did not start (${why})`);
  }
}

/**
 * An empty records file as one line naming it (the reader says only `records: got "nothing"`). Every
 * other records error (a FIFO, another run kind's first record) keeps the reader's own line, which
 * `compare`, `explain` and `search --resume` print too.
 */
function namedRecordsError(err: unknown, runDir: string): unknown {
  if (!(err instanceof InputError) || err.field !== 'records' || err.value !== 'nothing') return err;
  return new InputError('RUN_DIR', runDir, `a campaign run directory (${RECORDS_FILE} starting with a campaign-start record)`, `got ${formatValue(runDir)}: ${join(runDir, RECORDS_FILE)} does not start with a campaign-start record (it holds no records)`);
}

function summary(report: ReturnType<typeof buildRunReport>, runDir: string, out: string, images: string[]): string {
  const objectives = report.config.objectives.map((o) => `${o.name}:${o.direction}`).join(',');
  return [`report of ${runDir}: ${join(out, 'index.html')} (${report.tables.length} tables, ${report.figures.length} figures, ${report.explanations.length} explanations; opens offline)`, `front of ${report.frontSize} over the run's objectives ${objectives}`, ...(report.finished ? [] : [`the run is unfinished: no campaign-end record (${report.counters.proposed} of ${report.config.budget} proposed; killed, or still running); \`search --resume --out ${runDir}\` continues it`]), ...(report.config.latencyModel !== undefined ? [describeLatencyModel(report.config.latencyModel, report.config.device) as string] : []), `tables as Markdown, CSV and LaTeX in ${join(out, 'tables')}`, ...(images.length ? [`${images.length} images in ${join(out, 'figures')}`] : [])].join('\n');
}
