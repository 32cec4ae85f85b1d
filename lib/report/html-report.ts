import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeLimit, runLimits } from '../limits.js';
import { describeLatencyModel } from '../latency/select.js';
import { metricInfo } from '../metrics.js';
import type { ExplanationCard } from './explanations.js';
import { figureHtml, plotlyLibraryHtml } from './html.js';
import { escapeHtml, toCsv, toHtml, toLatex, toMarkdown } from './render-table.js';
import type { RunReport } from './run-report.js';

const STYLE = `body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}th,td{border-bottom:1px solid #ddd;padding:.3rem .6rem;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}caption{font-weight:600;text-align:left;padding:.4rem 0}
.card{border:1px solid #ccc;border-radius:6px;padding:.8rem 1rem;margin:.8rem 0}.card h4{margin:.2rem 0}.proxy{color:#a33}
.card ol{margin:.3rem 0;padding-left:1.4rem;font-size:.85rem}.card .metrics{font-variant-numeric:tabular-nums}td.empty{font-style:italic}
pre{background:#f6f6f6;padding:.8rem;overflow:auto;font-size:.8rem}`;

/**
 * One explanation card: the proposal (and whether it is on the front), the model, the metrics
 * with their units, the architecture one stage a line, then the LLM's text.
 */
export function explanationCardHtml(e: ExplanationCard): string {
  const metrics = e.metricsText.length > 0 ? `<p class="metrics">${escapeHtml(e.metricsText.join(', '))}</p>` : '<p class="metrics">not evaluated</p>';
  const architecture = e.architecture.length > 0 ? `<ol class="architecture">${e.architecture.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ol>` : '';
  return `<div class="card"><h4>Proposal #${e.proposal}${e.onFront ? ' (on the front)' : ''} · ${escapeHtml(e.model ?? '')}</h4>${metrics}${architecture}<p>${escapeHtml(e.text).replaceAll('\n', '<br>')}</p></div>`;
}

/**
 * The report page: tables, figures (plotly.js inlined once, before the first figure; not at all
 * without figures), a sentence for each figure left out as empty, the explanation cards and the
 * configuration; nothing is fetched from the network.
 */
export function runReportHtml(r: RunReport): string {
  const proxy = r.config.objectives.some((o) => o.name === 'naswot');
  const parts = [
    '<!doctype html><html><head><meta charset="utf-8">',
    `<title>paretonas report: ${escapeHtml(r.runDir)}</title><style>${STYLE}</style></head><body>`,
    `<h1>Campaign ${escapeHtml(r.runDir)}</h1>`,
    `<p>${escapeHtml(r.config.proposer)} proposer, ${escapeHtml(r.config.evaluator)} evaluator, seed ${r.config.seed}: ${r.counters.proposed} proposed, ${r.counters.valid} valid, ${r.counters.evaluated} evaluated, ${r.counters.failed} failed.</p>`,
    `<p>Objectives: ${escapeHtml(r.config.objectives.map((o) => `${metricInfo(o.name).label} (${o.direction})`).join(', '))}; limits: ${escapeHtml(runLimits(r.config).map(describeLimit).join(', ') || 'none')}.</p>`,
    r.config.latencyModel !== undefined ? `<p>${escapeHtml(describeLatencyModel(r.config.latencyModel, r.config.device) ?? '')}.</p>` : '',
    proxy ? '<p class="proxy">NASWOT is a training-free proxy score (Mellor et al., 2021), not accuracy.</p>' : '',
    r.tornRecord ? `<p>The records end in a torn line (line ${r.tornRecord}), left out.</p>` : '',
    ...r.tables.map((t) => toHtml(t)),
  ];
  if (r.figures.length > 0) parts.push(plotlyLibraryHtml());
  for (const f of r.figures) parts.push(`<h2>${escapeHtml(f.title)}</h2>`, figureHtml(f.figure));
  for (const n of r.figureNotes) parts.push(`<h2>${escapeHtml(n.title)}</h2>`, `<p id="${escapeHtml(n.id)}-note">${escapeHtml(n.text)}</p>`);
  if (r.explanations.length > 0) {
    parts.push('<h2>Why the LLM chose these designs</h2>');
    for (const e of r.explanations) parts.push(explanationCardHtml(e));
  }
  parts.push('<h2>Configuration</h2>', `<pre>${escapeHtml(JSON.stringify({ config: r.config, versions: r.versions }, null, 2))}</pre>`, '</body></html>');
  return parts.join('\n');
}

/** Writes index.html and every table as Markdown, CSV and LaTeX under `outDir`; returns the files. */
export function writeRunReport(r: RunReport, outDir: string): string[] {
  mkdirSync(join(outDir, 'tables'), { recursive: true });
  const files = [join(outDir, 'index.html')];
  writeFileSync(files[0] as string, runReportHtml(r));
  for (const t of r.tables) {
    for (const [ext, render] of [['md', toMarkdown], ['csv', toCsv], ['tex', toLatex]] as const) {
      const path = join(outDir, 'tables', `${t.id}.${ext}`);
      writeFileSync(path, render(t));
      files.push(path);
    }
  }
  return files;
}
