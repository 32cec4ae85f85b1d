// @ts-check
/**
 * The page's plots: the chosen runs' fronts (2-D or 3-D on any metrics, a click opens a trial),
 * hypervolume and front size, rejections by reason, and the seed groups (mean ± one standard
 * deviation on one shared normalisation). Numbers come from the server; this only draws them.
 */
import { $, arrow, chosenRuns, COLORS, el, esc, fmt, getJson, header, metricsOf, Plotly, state } from './common.js';
import { openTrial } from './trial.js';

/** @typedef {import('./common.js').Metric} Metric */
/** @typedef {import('./common.js').Trial} Trial */
/** @typedef {import('./common.js').Run} Run */

export function drawAxisChoices() {
  const metrics = metricsOf(chosenRuns());
  const names = metrics.map((m) => m.name);
  const objectives = metrics.filter((m) => m.objective).map((m) => m.name);
  const fill = (/** @type {string} */ id, /** @type {string} */ fallback, /** @type {boolean} */ optional) => {
    const s = /** @type {HTMLSelectElement} */ ($(id));
    const current = s.value && (names.includes(s.value) || s.value === '-') ? s.value : fallback;
    s.replaceChildren(...(optional ? [el('option', { value: '-', text: 'none (2-D)' })] : []), ...metrics.map((m) => el('option', { value: m.name, text: header(m) + arrow(m) })));
    s.value = current;
  };
  fill('axis-x', objectives[1] ?? names[1] ?? names[0] ?? '', false);
  fill('axis-y', objectives[0] ?? names[0] ?? '', false);
  fill('axis-z', '-', true);
}

/** Draws the fronts; `uirevision` keeps a zoom or a 3-D camera while live updates redraw. */
export function drawFronts() {
  const runs = /** @type {Run[]} */ (chosenRuns());
  const metrics = metricsOf(runs);
  const by = new Map(metrics.map((m) => [m.name, m]));
  const x = by.get(/** @type {HTMLSelectElement} */ ($('axis-x')).value);
  const y = by.get(/** @type {HTMLSelectElement} */ ($('axis-y')).value);
  const zName = /** @type {HTMLSelectElement} */ ($('axis-z')).value;
  const z = zName === '-' ? undefined : by.get(zName);
  const all = /** @type {HTMLInputElement} */ ($('show-all')).checked;
  if (!x || !y) return Plotly.purge($('fronts'));
  /** @type {any[]} */
  const traces = [];
  runs.forEach((r, k) => {
    const color = COLORS[k % COLORS.length];
    const evaluated = r.trials.filter((t) => t.status === 'evaluated' && t.metrics && [x, y, z].every((m) => !m || typeof t.metrics?.[m.name] === 'number'));
    const point = (/** @type {Trial[]} */ ts, /** @type {Metric} */ m) => ts.map((t) => /** @type {Record<string, number>} */ (t.metrics)[m.name] / m.scale);
    const text = (/** @type {Trial[]} */ ts) => ts.map((t) => `${esc(r.id)} #${t.index}<br>${metrics.map((m) => `${esc(m.label)}: ${esc(fmt(m, t.metrics?.[m.name]))}`).filter((s) => !s.endsWith(': ')).join('<br>')}`);
    const front = evaluated.filter((t) => t.onFront).sort((a, b) => /** @type {any} */ (a.metrics)[x.name] - /** @type {any} */ (b.metrics)[x.name]);
    const rest = evaluated.filter((t) => !t.onFront);
    const common = (/** @type {Trial[]} */ ts) => ({ x: point(ts, x), y: point(ts, y), ...(z ? { z: point(ts, z) } : {}), customdata: ts.map((t) => [r.id, t.index]), text: text(ts), hoverinfo: 'text', type: z ? 'scatter3d' : 'scatter' });
    if (all && rest.length) traces.push({ ...common(rest), mode: 'markers', name: `${esc(r.id)}: others`, marker: { color, opacity: 0.3, size: z ? 3 : 6, symbol: rest.map((t) => (t.feasible ? 'circle' : 'x')) } });
    // A line joins the front only when the plot's metrics are all the run's objectives (as the report's scatter does).
    const joined = !z && r.settings.objectives.length === 2 && [x, y].every((m) => r.settings.objectives.some((/** @type {any} */ o) => o.name === m.name));
    traces.push({ ...common(front), mode: joined ? 'lines+markers' : 'markers', name: `${esc(r.id)}: front (${front.length})`, marker: { color, size: z ? 5 : 9 }, line: { color, shape: 'hv' } });
  });
  const title = (/** @type {Metric} */ m) => ({ text: esc(header(m) + arrow(m)) });
  // No point yet (an empty run): a message instead of a blank plot with axes from -1.
  const empty = traces.every((t) => !t.x.length);
  // Empty: from 0 to 1, or past the run's limit so its dashed line shows.
  const emptyRange = (/** @type {Metric} */ m) => [0, Math.max(1, ...[m.limit?.max, m.limit?.min].filter((v) => v !== undefined).map((v) => (1.1 * /** @type {number} */ (v)) / m.scale))];
  const axis = (/** @type {Metric} */ m) => ({ title: title(m), ...(m.nonNegative ? { rangemode: 'nonnegative' } : {}), ...(empty ? { range: emptyRange(m) } : {}) });
  const message = empty ? [{ xref: 'paper', yref: 'paper', x: 0.5, y: 0.5, showarrow: false, text: 'no evaluated trial yet', font: { size: 16, color: '#666' } }] : [];
  /** @type {any[]} */
  const shapes = [];
  if (!z) {
    for (const [axis, m] of /** @type {[string, Metric][]} */ ([['x', x], ['y', y]])) {
      for (const bound of [m.limit?.max, m.limit?.min]) {
        if (bound === undefined) continue;
        const v = bound / m.scale;
        shapes.push(axis === 'x' ? { type: 'line', xref: 'x', yref: 'paper', x0: v, x1: v, y0: 0, y1: 1, line: { dash: 'dash', color: 'purple' } } : { type: 'line', xref: 'paper', yref: 'y', x0: 0, x1: 1, y0: v, y1: v, line: { dash: 'dash', color: 'purple' } });
      }
    }
  }
  const layout = z
    ? { uirevision: `${x.name}|${y.name}|${z.name}`, height: 560, margin: { l: 0, r: 0, t: 30, b: 0 }, scene: { xaxis: axis(x), yaxis: axis(y), zaxis: axis(z) }, legend: { orientation: 'h' }, annotations: message }
    : { uirevision: `${x.name}|${y.name}`, height: 480, margin: { t: 30 }, xaxis: { ...axis(x), automargin: true }, yaxis: { ...axis(y), automargin: true }, shapes, legend: { orientation: 'h', y: -0.2 }, annotations: [...message, ...(shapes.length ? [{ xref: 'paper', yref: 'paper', x: 0, xanchor: 'left', y: 1.02, yanchor: 'bottom', showarrow: false, text: 'dashed: the run\'s limits', font: { color: 'purple', size: 11 } }] : [])] };
  Plotly.react($('fronts'), traces, layout, { displaylogo: false, responsive: true });
  const div = /** @type {any} */ ($('fronts'));
  if (!div.dataset.clicks) {
    div.dataset.clicks = 'on';
    div.on('plotly_click', (/** @type {any} */ e) => {
      const p = e.points?.[0]?.customdata;
      if (p) openTrial(p[0], p[1], true);
    });
  }
}

// ------------------------------------------------------------------------------------------------
// Hypervolume, front size, rejections

export function drawProgress() {
  const runs = /** @type {Run[]} */ (chosenRuns());
  /** @type {any[]} */
  const hv = [];
  runs.forEach((r, k) => {
    const s = r.hypervolume;
    const color = COLORS[k % COLORS.length];
    hv.push({ type: 'scatter', mode: 'lines', name: `${esc(r.id)}: hypervolume`, x: s.proposal, y: s.hypervolume, line: { shape: 'hv', color } });
    hv.push({ type: 'scatter', mode: 'lines', name: `${esc(r.id)}: front size`, x: s.proposal, y: s.frontSize, yaxis: 'y2', line: { shape: 'hv', dash: 'dot', color } });
  });
  const maxProposals = Math.max(1, ...runs.map((r) => r.counters.proposed));
  const noHypervolume = runs.every((r) => !r.hypervolume.proposal.length);
  Plotly.react($('hypervolume'), hv, {
    uirevision: 'keep', height: 380, margin: { t: 20 },
    annotations: noHypervolume ? [{ xref: 'paper', yref: 'paper', x: 0.5, y: 0.5, showarrow: false, text: 'no evaluated trial yet', font: { size: 16, color: '#666' } }] : [],
    xaxis: { title: { text: 'proposal' }, range: [0, maxProposals] },
    yaxis: { title: { text: 'hypervolume' }, rangemode: 'tozero', automargin: true, ...(noHypervolume ? { range: [0, 1] } : {}) },
    yaxis2: { title: { text: 'front size' }, overlaying: 'y', side: 'right', rangemode: 'tozero', automargin: true, ...(noHypervolume ? { range: [0, 1] } : {}) },
    legend: { orientation: 'h', y: -0.25 },
  }, { displaylogo: false, responsive: true });
  /** @type {any[]} */
  const rej = [];
  let total = 0;
  runs.forEach((r, k) => {
    Object.entries(r.rejections.cumulative).forEach(([reason, ys], j) => {
      total += /** @type {number[]} */ (ys).at(-1) ?? 0;
      rej.push({ type: 'scatter', mode: 'lines', name: `${esc(r.id)}: ${esc(reason)}`, x: r.rejections.proposal, y: ys, line: { shape: 'hv', color: COLORS[(k + j) % COLORS.length], dash: ['solid', 'dot', 'dash', 'dashdot'][k % 4] } });
    });
  });
  Plotly.react($('rejections'), rej, {
    uirevision: 'keep', height: 380, margin: { t: 20 },
    xaxis: { title: { text: 'proposal' }, range: [0, maxProposals] },
    yaxis: { title: { text: 'rejections (cumulative count)' }, rangemode: 'tozero', automargin: true },
    legend: { orientation: 'h', y: -0.25 },
  }, { displaylogo: false, responsive: true });
  const proposals = runs.reduce((a, r) => a + r.counters.proposed, 0);
  $('rejections-note').textContent = total === 0
    ? `none: every one of the ${proposals} proposals of the ticked runs passed validation (the evolution proposer screens offspring with the cost estimators before proposing).`
    : `${total} of ${proposals} proposals rejected.`;
}

/** A p value for people: 4 significant digits, below 1e-4 in exponent form. */
const pText = (/** @type {number} */ p) => (p < 1e-4 ? p.toExponential(2) : String(Number(p.toPrecision(4))));
const hvText = (/** @type {number|null} */ x) => (x === null ? '—' : x !== 0 && (Math.abs(x) >= 1e5 || Math.abs(x) < 1e-3) ? x.toExponential(4) : String(Number(x.toPrecision(5))));

/**
 * The seed groups' Mann-Whitney table (the server computes it as `compare --group-by proposer`
 * does): per group the final hypervolumes against one common reference point, then every pair's
 * two-sided U test, Holm-adjusted p, Cliff's delta and A12, and the notes (e.g. 3 vs 3 runs cannot
 * reach p < 0.05).
 * @param {any} sig
 * @param {string | undefined} error
 */
function drawSignificance(sig, error) {
  const box = $('groups-significance');
  box.replaceChildren();
  if (error) return box.append(el('p', { className: 'note', text: `no test between the groups: ${error}` }));
  if (!sig) return box.append(el('p', { className: 'hint', text: 'Tick runs of two configurations or more (several seeds each) to test the difference between them.' }));
  const table = (/** @type {string[]} */ head, /** @type {string[][]} */ rows) => el('table', { className: 'significance' }, [el('thead', {}, [el('tr', {}, head.map((h) => el('th', { text: h })))]), el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c) => el('td', { text: c })))))]);
  const ref = sig.reference ? sig.reference.point.map((/** @type {number} */ v) => String(Number(v.toPrecision(6)))).join(', ') : null;
  box.append(
    el('p', { className: 'hint', text: ref ? `Final hypervolume of each run's front against one reference point common to every run shown (the worst evaluated value plus 10 % of the range: ${ref}, in the objectives' recorded units); sd: n - 1.` : 'No hypervolume (see the notes).' }),
    table(['group', 'runs', 'seeds', 'hypervolume mean ± sd', 'per run', 'valid rate mean'], sig.groups.map((/** @type {any} */ g) => [g.name, String(g.runs.length), g.seeds.join(', '), g.hypervolume.mean === null ? '—' : `${hvText(g.hypervolume.mean)}${g.hypervolume.sd === null ? ' (one run)' : ` ± ${hvText(g.hypervolume.sd)}`}`, g.hypervolume.values.map(hvText).join(', '), g.validRate.mean === null ? '—' : `${(100 * g.validRate.mean).toFixed(1)} %`])),
  );
  if (sig.tests.length) {
    box.append(
      el('p', { className: 'hint', text: "Two-sided Mann-Whitney U on the hypervolumes (U of group A); Holm: adjusted over the pairs; Cliff's delta = P(A > B) - P(A < B); A12 = P(A > B) + P(tie) / 2." }),
      table(['group A', 'group B', 'n A', 'n B', 'U', 'p', 'method', 'Holm p', 'smallest possible p', "Cliff's delta", 'A12'], sig.tests.map((/** @type {any} */ t) => [t.a, t.b, String(t.n1), String(t.n2), String(t.u), pText(t.p), t.method, pText(t.pHolm), t.smallestP === null ? '—' : pText(t.smallestP), String(Number(t.cliffsDelta.toFixed(3))), t.a12.toFixed(3)])),
    );
  }
  for (const n of sig.notes) box.append(el('p', { className: 'note', text: n }));
}

export async function drawGroups() {
  /** @type {{ groups: any[], significance: any, significanceError?: string }} */
  const answer = await getJson(`/api/groups?ids${[...state.chosen].map((id) => `&id=${encodeURIComponent(id)}`).join('')}`);
  const groups = answer.groups;
  const box = $('groups');
  box.replaceChildren();
  drawSignificance(answer.significance, answer.significanceError);
  for (const [k, g] of groups.entries()) {
    const div = el('div', { className: 'group', 'data-group': k });
    const plot = el('div', { className: 'plot' });
    div.append(el('h3', { text: `${g.title} — ${g.runs.length} run${g.runs.length === 1 ? '' : 's'} (seeds ${g.runs.slice(0, 20).map((/** @type {any} */ r) => r.seed).join(', ')}${g.runs.length > 20 ? ', …' : ''})` }), plot);
    // Runs repeating a seed are left out (one run per seed, the longest): say which.
    if (g.leftOut?.length) div.append(el('p', { className: 'note', text: `left out, repeating a seed (the longest run of each seed is kept): ${g.leftOut.slice(0, 20).map((/** @type {any} */ r) => `${r.id} (seed ${r.seed}, kept ${r.kept})`).join(', ')}${g.leftOut.length > 20 ? ', …' : ''}` }));
    box.append(div);
    const upper = g.mean.map((/** @type {number} */ m, /** @type {number} */ i) => m + g.std[i]);
    const lower = g.mean.map((/** @type {number} */ m, /** @type {number} */ i) => Math.max(0, m - g.std[i]));
    const traces = [
      { type: 'scatter', mode: 'lines', x: g.proposal, y: upper, line: { width: 0 }, showlegend: false, hoverinfo: 'skip' },
      { type: 'scatter', mode: 'lines', x: g.proposal, y: lower, fill: 'tonexty', fillcolor: 'rgba(99,110,250,0.2)', line: { width: 0 }, name: '± 1 standard deviation' },
      { type: 'scatter', mode: 'lines', x: g.proposal, y: g.mean, line: { color: COLORS[0], width: 2 }, name: `mean of ${g.runs.length}` },
      // The ticked runs' own curves (the server leaves the others' out).
      ...g.perRun.flatMap((/** @type {any[]|null} */ ys, /** @type {number} */ i) => (ys ? [{ type: 'scatter', mode: 'lines', x: g.proposal, y: ys, line: { width: 1, color: '#999', dash: 'dot' }, name: `${esc(g.runs[i].id)} (seed ${g.runs[i].seed})`, connectgaps: false }] : [])),
    ];
    Plotly.react(plot, traces, {
      height: 340, margin: { t: 10 },
      xaxis: { title: { text: 'proposal' }, range: [0, Math.max(1, g.proposal.length - 1)] },
      yaxis: { title: { text: 'hypervolume (shared normalisation, reference 1.1)' }, rangemode: 'tozero', automargin: true },
      legend: { orientation: 'h', y: -0.3 },
    }, { displaylogo: false, responsive: true });
  }
}

