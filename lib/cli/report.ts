import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { RECORDS_FILE } from '../campaign/campaign.js';
import { InputError } from '../errors.js';
import { writeRunReport } from '../report/html-report.js';
import { buildRunReport } from '../report/run-report.js';
import { parseFlags } from './args.js';

export const REPORT_USAGE = 'paretonas report RUN_DIR [-o reports/ID] [--png] [--svg]';

export async function reportCommand(args: string[]): Promise<string> {
  const { values, positionals } = parseFlags(args, { output: { type: 'string', short: 'o' }, png: { type: 'boolean' }, svg: { type: 'boolean' } });
  if (positionals.length !== 1) throw new InputError('RUN_DIR', positionals.join(' '), 'one run directory (runs/ID)');
  const runDir = positionals[0] as string;
  if (!existsSync(join(runDir, RECORDS_FILE))) throw new InputError('RUN_DIR', runDir, `a run directory holding ${RECORDS_FILE}`, 'has no records');
  const out = values.output ?? join('reports', basename(runDir));
  const report = buildRunReport(runDir);
  const files = writeRunReport(report, out);
  const images: string[] = [];
  if (values.png || values.svg) {
    const { figureToImage, findChromium, CHROMIUM_MISSING_MESSAGE } = await import('../report/chromium.js');
    if (!findChromium()) throw new InputError('--png/--svg', true, CHROMIUM_MISSING_MESSAGE, 'needs headless Chromium');
    for (const f of report.figures) {
      for (const format of [...(values.png ? ['png'] : []), ...(values.svg ? ['svg'] : [])] as ('png' | 'svg')[]) {
        images.push(await figureToImage(f.figure, join(out, 'figures', `${f.id}.${format}`), { format, width: 900, height: 520 }));
      }
    }
  }
  return [`report of ${runDir}: ${join(out, 'index.html')} (${report.tables.length} tables, ${report.figures.length} figures, ${report.explanations.length} explanations; opens offline)`, `tables as Markdown, CSV and LaTeX in ${join(out, 'tables')}`, ...(images.length ? [`${images.length} images in ${join(out, 'figures')}`] : [])].join('\n');
}
