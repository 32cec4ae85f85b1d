import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { RECORDS_FILE } from '../campaign/campaign.js';
import { describeLatencyModel } from '../latency/select.js';
import { InputError } from '../errors.js';
import { buildRunReport } from '../report/run-report.js';
import { checkPositionals, parseFlags } from './args.js';
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
  if (!existsSync(join(runDir, RECORDS_FILE))) throw new InputError('RUN_DIR', runDir, `a run directory holding ${RECORDS_FILE}`, 'has no records');
  const out = values.output ?? join('reports', basename(runDir));
  const report = buildRunReport(runDir);
  const { writeRunReport } = await import('../report/html-report.js'); // loads danfojs (seconds): not at start-up
  const files = writeRunReport(report, out);
  const images: string[] = [];
  if (values.png || values.svg) {
    const { findChromium, CHROMIUM_MISSING_MESSAGE } = await import('../report/browser.js');
    const { writeFigureImages } = await import('../report/figure-images.js');
    if (!findChromium()) throw new InputError('--png/--svg', true, CHROMIUM_MISSING_MESSAGE, 'needs headless Chromium');
    const formats = [...(values.png ? ['png'] : []), ...(values.svg ? ['svg'] : [])] as ('png' | 'svg')[];
    const jobs = report.figures.flatMap((f) => formats.map((format) => ({ figure: f.figure, path: join(out, 'figures', `${f.id}.${format}`), format, width: 900, height: 520 })));
    // one browser for all images; progress on stderr, so stdout stays the summary
    const onProgress = (i: number, total: number, path: string) => process.stderr.write(`figure ${i}/${total}: ${basename(path)}\n`);
    images.push(...(await writeFigureImages(jobs, { onProgress })));
  }
  const objectives = report.config.objectives.map((o) => `${o.name}:${o.direction}`).join(',');
  return [`report of ${runDir}: ${join(out, 'index.html')} (${report.tables.length} tables, ${report.figures.length} figures, ${report.explanations.length} explanations; opens offline)`, `front of ${report.frontSize} over the run's objectives ${objectives}`, ...(report.finished ? [] : [`the run is unfinished: no campaign-end record (${report.counters.proposed} of ${report.config.budget} proposed; killed, or still running); \`search --resume --out ${runDir}\` continues it`]), ...(report.config.latencyModel !== undefined ? [describeLatencyModel(report.config.latencyModel, report.config.device) as string] : []), `tables as Markdown, CSV and LaTeX in ${join(out, 'tables')}`, ...(images.length ? [`${images.length} images in ${join(out, 'figures')}`] : [])].join('\n');
}
