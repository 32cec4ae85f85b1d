// @ts-check
/**
 * The dashboard page (plain ES module, served as is: no build step, so `paretonas dashboard` from
 * the sources and from dist/ serve the same file). It only draws: every number comes from the
 * server's JSON API (lib/dashboard/server.ts), computed from the records by the report's
 * functions. Record text (keys, messages, LLM replies) is put in the page as text, never as HTML.
 *
 * State: the runs ticked for the overlays, the run the trials table shows, the table's sort and
 * filter, the open trial. The server's event stream says which runs changed; those are fetched
 * again and everything drawn from them is redrawn.
 */

/** @typedef {{ name: string, label: string, unit: string, scale: number, digits: number, direction: 'min'|'max', objective: boolean, limit?: { min?: number, max?: number } }} Metric */
/** @typedef {{ index: number, key: string|null, status: string, reason?: string, message?: string, metrics?: Record<string, number>, estimated?: Record<string, number>, onFront: boolean, feasible?: boolean, note?: string, explained: boolean, llmCalls: number }} Trial */
/** @typedef {{ id: string, settings: any, configKey: string, counters: any, frontSize: number, finished: boolean, records: number, metrics: Metric[], trials: Trial[], hypervolume: any, rejections: any, error?: string }} Run */

/** @type {any} */
const Plotly = /** @type {any} */ (window).Plotly;
const COLORS = ['#636efa', '#ef553b', '#00cc96', '#ab63fa', '#ffa15a', '#19d3f3', '#ff6692', '#b6e880', '#ff97ff', '#fecb52'];

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

const state = {
  /** @type {Map<string, Run>} */ runs: new Map(),
  /** @type {{ id: string, records: number, version: number, error?: string }[]} */ listing: [],
  /** @type {Set<string>} */ chosen: new Set(),
  /** @type {Set<string>} */ unticked: new Set(),
  tableRun: '',
  sort: { column: 'index', desc: false },
  /** @type {{ run: string, index: number } | null} */ open: null,
};

/** @param {string} path */
async function getJson(path) {
  const res = await fetch(path);
  const body = await res.json();
  if (!res.ok) throw new Error(body.error ?? `${path}: ${res.status}`);
  return body;
}

/**
 * @param {string} tag
 * @param {Record<string, any>} [attrs]
 * @param {(Node|string)[]} [children]
 */
function el(tag, attrs = {}, children = []) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') e.textContent = String(v);
    else if (k === 'className') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== false) e.setAttribute(k, String(v));
  }
  for (const c of children) e.append(c);
  return e;
}

/** A recorded value in its metric's display unit, with the unit: "168.3 M", "200.0 KiB", "209.29". */
function fmt(/** @type {Metric} */ m, /** @type {number|undefined} */ v) {
  if (typeof v !== 'number') return '';
  if (!Number.isFinite(v)) return v > 0 ? 'none' : v < 0 ? '-none' : 'n/a';
  const digits = m.unit === '' && Number.isInteger(v) ? 0 : m.digits;
  const text = (v / m.scale).toFixed(digits);
  return m.unit ? `${text} ${m.unit}` : text;
}
const header = (/** @type {Metric} */ m) => (m.unit ? `${m.label} (${m.unit})` : m.label);
const arrow = (/** @type {Metric} */ m) => (m.objective ? (m.direction === 'max' ? ' ↑' : ' ↓') : '');
const kib = (/** @type {number} */ b) => `${(b / 1024).toFixed(1)} KiB`;

// ------------------------------------------------------------------------------------------------
// Runs

async function refreshRuns(/** @type {string[]} */ changed) {
  const ids = state.listing.map((r) => r.id);
  for (const id of ids) {
    if (!state.unticked.has(id)) state.chosen.add(id);
    if (!state.runs.has(id) || changed.includes(id)) {
      try {
        state.runs.set(id, await getJson(`/api/run?id=${encodeURIComponent(id)}`));
      } catch (err) {
        state.runs.set(id, /** @type {Run} */ ({ id, error: String(/** @type {Error} */ (err).message) }));
      }
    }
  }
  if (!state.tableRun || !ids.includes(state.tableRun)) state.tableRun = ids[0] ?? '';
  drawRunList();
  drawAxisChoices();
  drawFronts();
  drawProgress();
  drawTable();
  await drawGroups();
  if (state.open && changed.includes(state.open.run)) await openTrial(state.open.run, state.open.index, false);
  document.body.dataset.runs = String(ids.length);
  document.body.dataset.ready = 'true';
}

/** Runs that replay, in the listing's order. */
const goodRuns = () => state.listing.map((r) => state.runs.get(r.id)).filter((r) => r && !r.error);
const chosenRuns = () => goodRuns().filter((r) => state.chosen.has(/** @type {Run} */ (r).id));

function drawRunList() {
  const body = /** @type {HTMLTableSectionElement} */ ($('runs').querySelector('tbody'));
  body.replaceChildren(
    ...state.listing.map((l) => {
      const r = state.runs.get(l.id);
      const tick = el('input', { type: 'checkbox', checked: state.chosen.has(l.id) });
      tick.addEventListener('change', () => {
        if (/** @type {HTMLInputElement} */ (tick).checked) (state.chosen.add(l.id), state.unticked.delete(l.id));
        else (state.chosen.delete(l.id), state.unticked.add(l.id));
        drawAxisChoices();
        drawFronts();
        drawProgress();
      });
      if (!r || r.error) return el('tr', { 'data-run': l.id }, [el('td', {}, [tick]), el('td', { className: 'text', text: l.id }), el('td', { className: 'text', colspan: 10, text: r?.error ?? l.error ?? 'reading…' })]);
      const s = r.settings;
      const rejected = Object.values(r.counters.rejected).reduce((a, b) => a + b, 0);
      const hv = r.hypervolume.hypervolume.at(-1);
      return el('tr', { 'data-run': l.id }, [
        el('td', {}, [tick]),
        el('td', { className: 'text', text: l.id }),
        el('td', { className: 'text', text: s.space }),
        el('td', { className: 'text', text: s.proposer }),
        el('td', { className: 'text', text: s.evaluator }),
        el('td', { text: s.seed }),
        el('td', { text: `${r.counters.proposed} / ${s.budget}` }),
        el('td', { text: r.counters.evaluated }),
        el('td', { text: rejected }),
        el('td', { text: r.frontSize }),
        el('td', { text: typeof hv === 'number' ? hv.toFixed(4) : '' }),
        el('td', { className: 'text', text: r.finished ? 'finished' : 'running or stopped' }),
      ]);
    }),
  );
  const select = /** @type {HTMLSelectElement} */ ($('table-run'));
  select.replaceChildren(...state.listing.map((l) => el('option', { value: l.id, text: l.id, selected: l.id === state.tableRun })));
}

// ------------------------------------------------------------------------------------------------
// Fronts: any two or three metrics of the chosen runs

/** The metrics of the chosen runs, objectives first (the first run's description of each). */
function metricsOf(/** @type {(Run|undefined)[]} */ runs) {
  /** @type {Map<string, Metric>} */
  const out = new Map();
  for (const r of runs) for (const m of r?.metrics ?? []) if (!out.has(m.name) || (m.objective && !out.get(m.name)?.objective)) out.set(m.name, m);
  return [...out.values()].sort((a, b) => Number(b.objective) - Number(a.objective));
}

function drawAxisChoices() {
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
function drawFronts() {
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
    const text = (/** @type {Trial[]} */ ts) => ts.map((t) => `${r.id} #${t.index}<br>${metrics.map((m) => `${m.label}: ${fmt(m, t.metrics?.[m.name])}`).filter((s) => !s.endsWith(': ')).join('<br>')}`);
    const front = evaluated.filter((t) => t.onFront).sort((a, b) => /** @type {any} */ (a.metrics)[x.name] - /** @type {any} */ (b.metrics)[x.name]);
    const rest = evaluated.filter((t) => !t.onFront);
    const common = (/** @type {Trial[]} */ ts) => ({ x: point(ts, x), y: point(ts, y), ...(z ? { z: point(ts, z) } : {}), customdata: ts.map((t) => [r.id, t.index]), text: text(ts), hoverinfo: 'text', type: z ? 'scatter3d' : 'scatter' });
    if (all && rest.length) traces.push({ ...common(rest), mode: 'markers', name: `${r.id}: others`, marker: { color, opacity: 0.3, size: z ? 3 : 6, symbol: rest.map((t) => (t.feasible ? 'circle' : 'x')) } });
    // A line joins the front only when the plot's metrics are all the run's objectives (as the report's scatter does).
    const joined = !z && r.settings.objectives.length === 2 && [x, y].every((m) => r.settings.objectives.some((/** @type {any} */ o) => o.name === m.name));
    traces.push({ ...common(front), mode: joined ? 'lines+markers' : 'markers', name: `${r.id}: front (${front.length})`, marker: { color, size: z ? 5 : 9 }, line: { color, shape: 'hv' } });
  });
  const title = (/** @type {Metric} */ m) => ({ text: header(m) + arrow(m) });
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
    ? { uirevision: `${x.name}|${y.name}|${z.name}`, height: 560, margin: { l: 0, r: 0, t: 30, b: 0 }, scene: { xaxis: { title: title(x) }, yaxis: { title: title(y) }, zaxis: { title: title(z) } }, legend: { orientation: 'h' } }
    : { uirevision: `${x.name}|${y.name}`, height: 480, margin: { t: 30 }, xaxis: { title: title(x), automargin: true }, yaxis: { title: title(y), automargin: true }, shapes, legend: { orientation: 'h', y: -0.2 }, annotations: shapes.length ? [{ xref: 'paper', yref: 'paper', x: 0, xanchor: 'left', y: 1.02, yanchor: 'bottom', showarrow: false, text: 'dashed: the run\'s limits', font: { color: 'purple', size: 11 } }] : [] };
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

function drawProgress() {
  const runs = /** @type {Run[]} */ (chosenRuns());
  /** @type {any[]} */
  const hv = [];
  runs.forEach((r, k) => {
    const s = r.hypervolume;
    const color = COLORS[k % COLORS.length];
    hv.push({ type: 'scatter', mode: 'lines', name: `${r.id}: hypervolume`, x: s.proposal, y: s.hypervolume, line: { shape: 'hv', color } });
    hv.push({ type: 'scatter', mode: 'lines', name: `${r.id}: front size`, x: s.proposal, y: s.frontSize, yaxis: 'y2', line: { shape: 'hv', dash: 'dot', color } });
  });
  const maxProposals = Math.max(1, ...runs.map((r) => r.counters.proposed));
  Plotly.react($('hypervolume'), hv, {
    uirevision: 'keep', height: 380, margin: { t: 20 },
    xaxis: { title: { text: 'proposal' }, range: [0, maxProposals] },
    yaxis: { title: { text: 'hypervolume' }, rangemode: 'tozero', automargin: true },
    yaxis2: { title: { text: 'front size' }, overlaying: 'y', side: 'right', rangemode: 'tozero', automargin: true },
    legend: { orientation: 'h', y: -0.25 },
  }, { displaylogo: false, responsive: true });
  /** @type {any[]} */
  const rej = [];
  let total = 0;
  runs.forEach((r, k) => {
    Object.entries(r.rejections.cumulative).forEach(([reason, ys], j) => {
      total += /** @type {number[]} */ (ys).at(-1) ?? 0;
      rej.push({ type: 'scatter', mode: 'lines', name: `${r.id}: ${reason}`, x: r.rejections.proposal, y: ys, line: { shape: 'hv', color: COLORS[(k + j) % COLORS.length], dash: ['solid', 'dot', 'dash', 'dashdot'][k % 4] } });
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

async function drawGroups() {
  /** @type {any[]} */
  const groups = await getJson('/api/groups');
  const box = $('groups');
  box.replaceChildren();
  for (const [k, g] of groups.entries()) {
    const div = el('div', { className: 'group', 'data-group': k });
    const plot = el('div', { className: 'plot' });
    div.append(el('h3', { text: `${g.title} — ${g.runs.length} run${g.runs.length === 1 ? '' : 's'} (seeds ${g.runs.map((/** @type {any} */ r) => r.seed).join(', ')})` }), plot);
    box.append(div);
    const upper = g.mean.map((/** @type {number} */ m, /** @type {number} */ i) => m + g.std[i]);
    const lower = g.mean.map((/** @type {number} */ m, /** @type {number} */ i) => Math.max(0, m - g.std[i]));
    const traces = [
      { type: 'scatter', mode: 'lines', x: g.proposal, y: upper, line: { width: 0 }, showlegend: false, hoverinfo: 'skip' },
      { type: 'scatter', mode: 'lines', x: g.proposal, y: lower, fill: 'tonexty', fillcolor: 'rgba(99,110,250,0.2)', line: { width: 0 }, name: '± 1 standard deviation' },
      { type: 'scatter', mode: 'lines', x: g.proposal, y: g.mean, line: { color: COLORS[0], width: 2 }, name: `mean of ${g.runs.length}` },
      ...g.perRun.map((/** @type {any[]} */ ys, /** @type {number} */ i) => ({ type: 'scatter', mode: 'lines', x: g.proposal, y: ys, line: { width: 1, color: '#999', dash: 'dot' }, name: `${g.runs[i].id} (seed ${g.runs[i].seed})`, connectgaps: false })),
    ];
    Plotly.react(plot, traces, {
      height: 340, margin: { t: 10 },
      xaxis: { title: { text: 'proposal' } },
      yaxis: { title: { text: 'hypervolume (shared normalisation, reference 1.1)' }, rangemode: 'tozero', automargin: true },
      legend: { orientation: 'h', y: -0.3 },
    }, { displaylogo: false, responsive: true });
  }
}

// ------------------------------------------------------------------------------------------------
// Trials table

/** @returns {{ id: string, title: string, text?: boolean, value: (t: Trial) => string|number|undefined, show: (t: Trial) => string, estimated?: (t: Trial) => boolean }[]} */
function tableColumns(/** @type {Run} */ run) {
  return [
    { id: 'index', title: '#', value: (t) => t.index, show: (t) => String(t.index) },
    { id: 'status', title: 'status', text: true, value: (t) => t.status, show: (t) => t.status },
    { id: 'front', title: 'front', text: true, value: (t) => (t.onFront ? 1 : 0), show: (t) => (t.onFront ? '★' : '') },
    // A rejected proposal shows what its rejection estimated (in italics), e.g. the MACs over the limit.
    ...run.metrics.map((m) => ({ id: `m:${m.name}`, title: header(m) + arrow(m), value: (/** @type {Trial} */ t) => t.metrics?.[m.name] ?? t.estimated?.[m.name], show: (/** @type {Trial} */ t) => fmt(m, t.metrics?.[m.name] ?? t.estimated?.[m.name]), estimated: (/** @type {Trial} */ t) => t.metrics?.[m.name] === undefined && t.estimated?.[m.name] !== undefined })),
    { id: 'reason', title: 'reason', text: true, value: (t) => t.reason, show: (t) => t.reason ?? '' },
    { id: 'message', title: 'message', text: true, value: (t) => t.message, show: (t) => t.message ?? '' },
    { id: 'note', title: 'note', text: true, value: (t) => t.note, show: (t) => t.note ?? '' },
    { id: 'llm', title: 'LLM calls', value: (t) => t.llmCalls, show: (t) => (t.llmCalls ? String(t.llmCalls) : '') },
  ];
}

function drawTable() {
  const run = state.runs.get(state.tableRun);
  const head = /** @type {HTMLTableSectionElement} */ ($('trials').querySelector('thead'));
  const body = /** @type {HTMLTableSectionElement} */ ($('trials').querySelector('tbody'));
  if (!run || run.error) {
    head.replaceChildren();
    body.replaceChildren();
    $('trial-count').textContent = run?.error ?? 'no run yet';
    return;
  }
  const columns = tableColumns(run);
  head.replaceChildren(el('tr', {}, columns.map((c) => el('th', {
    className: `${c.text ? 'text ' : ''}${state.sort.column === c.id ? (state.sort.desc ? 'sorted-desc' : 'sorted-asc') : ''}`,
    'data-column': c.id,
    text: c.title,
    onclick: () => {
      state.sort = { column: c.id, desc: state.sort.column === c.id ? !state.sort.desc : false };
      drawTable();
    },
  }))));
  const words = /** @type {HTMLInputElement} */ ($('filter')).value.toLowerCase().split(/\s+/).filter(Boolean);
  const status = /** @type {HTMLSelectElement} */ ($('status-filter')).value;
  const frontOnly = /** @type {HTMLInputElement} */ ($('front-only')).checked;
  const rows = run.trials.filter((t) => {
    if (status && t.status !== status) return false;
    if (frontOnly && !t.onFront) return false;
    const hay = `#${t.index} ${t.key ?? ''} ${t.status} ${t.reason ?? ''} ${t.message ?? ''} ${t.note ?? ''}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
  const col = columns.find((c) => c.id === state.sort.column) ?? columns[0];
  const sign = state.sort.desc ? -1 : 1;
  rows.sort((a, b) => {
    const va = col.value(a);
    const vb = col.value(b);
    if (va === vb) return a.index - b.index;
    if (va === undefined) return 1; // missing values last, either way
    if (vb === undefined) return -1;
    return (va < vb ? -1 : 1) * sign;
  });
  body.replaceChildren(...rows.map((t) => el('tr', {
    'data-index': t.index,
    className: `${t.status}${state.open?.run === run.id && state.open.index === t.index ? ' selected' : ''}`,
    title: t.key ?? '',
    onclick: () => openTrial(run.id, t.index, true),
  }, columns.map((c) => el('td', { className: `${c.text ? 'text' : ''}${c.id === 'message' ? ' message' : ''}${c.estimated?.(t) ? ' estimated' : ''}`, text: c.show(t), title: c.estimated?.(t) ? 'estimated when validated (the rejection\'s details)' : undefined })))));
  $('trial-count').textContent = `${rows.length} of ${run.trials.length} trials`;
}

// ------------------------------------------------------------------------------------------------
// One trial

async function openTrial(/** @type {string} */ run, /** @type {number} */ index, /** @type {boolean} */ scroll) {
  state.open = { run, index };
  if (state.tableRun !== run && state.runs.has(run)) {
    state.tableRun = run; // the table shows the run of the open trial
    /** @type {HTMLSelectElement} */ ($('table-run')).value = run;
  }
  const view = $('trial-view');
  view.hidden = false;
  $('trials-row').classList.add('open');
  view.dataset.loading = 'true';
  /** @type {any} */ let t;
  try {
    t = await getJson(`/api/trial?run=${encodeURIComponent(run)}&index=${index}`);
  } catch (err) {
    $('trial-title').textContent = `${run} · trial #${index}: ${/** @type {Error} */ (err).message}`;
    return;
  }
  const data = state.runs.get(run);
  const metrics = data?.metrics ?? [];
  $('trial-title').textContent = `${run} · trial #${t.index} · ${t.status}${t.reason ? ` (${t.reason})` : ''}`;
  const summary = $('trial-summary');
  summary.replaceChildren(
    el('p', { className: 'key', text: `key ${t.key ?? '(not a well-formed candidate)'}` }),
    el('p', { text: `space ${t.space.name}${t.space.file ? ` (${t.space.file})` : ''} · SRAM model ${t.sramModel}${t.sramLimitBytes ? ` · SRAM limit ${kib(t.sramLimitBytes)}` : ''}${t.flashLimitBytes ? ` · flash limit ${kib(t.flashLimitBytes)}` : ''}${t.note ? ` · ${t.note}` : ''}` }),
  );
  if (t.message) summary.append(el('p', { className: 'note', text: t.message }));
  if (t.metrics) {
    const known = metrics.filter((m) => typeof t.metrics[m.name] === 'number');
    summary.append(el('table', {}, [
      el('tr', {}, known.map((m) => el('th', { text: header(m) + arrow(m) }))),
      el('tr', {}, known.map((m) => el('td', { text: fmt(m, t.metrics[m.name]) }))),
    ]));
  } else if (t.costs) {
    summary.append(el('p', { text: `costs (from the estimators): MACs ${(t.costs.macs / 1e6).toFixed(1)} M · params ${(t.costs.params / 1e6).toFixed(3)} M · flash ${kib(t.costs.flashBytes)} · peak SRAM ${kib(t.costs.peakSramBytes)}` }));
  }
  drawBlocks(t);
  if (t.layerCosts) {
    $('trial-layers').hidden = false;
    // The report's figure has a fixed width for images; here it fills the panel.
    const layout = { ...t.layerCosts.layout, autosize: true };
    delete layout.width;
    Plotly.react($('trial-layers'), t.layerCosts.data, layout, { displaylogo: false, responsive: true });
  } else {
    Plotly.purge($('trial-layers'));
    $('trial-layers').hidden = true;
  }
  drawGraph(t.graphView);
  $('trial-explanation').replaceChildren(t.explanation ? el('div', {}, [el('p', { className: 'hint', text: `by ${t.explanation.model}${t.explanation.onDemand ? ' (paretonas explain, after the run)' : ''}` }), el('pre', { text: t.explanation.text })]) : el('p', { className: 'hint', text: 'none recorded (runs with an LLM proposer explain front members; `paretonas explain RUN` adds them later)' }));
  $('trial-llm').replaceChildren(...(t.llmCalls.length ? t.llmCalls.map((/** @type {any} */ c, /** @type {number} */ i) => el('details', { className: 'llm-call' }, [
    el('summary', { text: `call ${i + 1}: ${c.model}${c.purpose ? `, ${c.purpose}` : ''}${c.durationMs !== undefined ? `, ${(c.durationMs / 1000).toFixed(1)} s` : ''}${c.promptTokens !== undefined ? `, ${c.promptTokens} prompt + ${c.replyTokens ?? '?'} reply tokens` : ''}${c.error ? `, error: ${c.error}` : ''}` }),
    ...c.messages.map((/** @type {any} */ m) => el('div', {}, [el('strong', { text: m.role }), el('pre', { text: m.content })])),
    el('div', {}, [el('strong', { text: 'reply' }), el('pre', { text: c.reply ?? '(none)' })]),
  ])) : [el('p', { className: 'hint', text: 'none (this proposer calls no LLM)' })]));
  $('trial-records').textContent = t.records.map((/** @type {any} */ r) => JSON.stringify(r)).join('\n');
  view.dataset.index = String(t.index);
  view.dataset.run = run;
  delete view.dataset.loading;
  drawTable();
  if (scroll) $('trials-row').scrollIntoView({ block: 'start' });
}

const BLOCK_FIELDS = ['output_channels', 'num_layers', 'kernel_size', 'stride', 'expansion_factor', 'conv_type', 'use_se', 'se_ratio', 'skip_op', 'activation'];

function drawBlocks(/** @type {any} */ t) {
  const box = $('trial-blocks');
  const c = t.candidate;
  if (!c || !Array.isArray(c.blocks)) {
    box.replaceChildren(el('pre', { text: JSON.stringify(c, null, 2) ?? 'nothing proposed' }));
    return;
  }
  const fields = BLOCK_FIELDS.filter((f) => c.blocks.some((/** @type {any} */ b) => f in b));
  box.replaceChildren(
    el('p', { className: 'hint', text: `input channels ${c.input_channels ?? 3}${c.pool_type ? ` · pooling ${c.pool_type}` : ''} · ${c.blocks.length} stages` }),
    el('div', { className: 'table-scroll' }, [el('table', {}, [
      el('tr', {}, [el('th', { text: 'stage' }), ...fields.map((f) => el('th', { text: f.replaceAll('_', ' ') }))]),
      ...c.blocks.map((/** @type {any} */ b, /** @type {number} */ i) => el('tr', {}, [el('td', { text: i + 1 }), ...fields.map((f) => el('td', { text: b[f] === undefined ? '' : String(b[f]) }))])),
    ])]),
    ...(t.candidateProblems ? [el('p', { className: 'note', text: `not lowered: ${t.candidateProblems.join('; ')}` })] : []),
  );
}

const SVG = 'http://www.w3.org/2000/svg';
const OP_COLORS = /** @type {Record<string, string>} */ ({ Conv: '#bbdefb', Gemm: '#ffe0b2', Add: '#c8e6c9', Mul: '#f8bbd0', GlobalAveragePool: '#d1c4e9' });

/** The lowered network as a layered SVG: one row per level (longest path from the input), nodes boxes, edges lines. */
function drawGraph(/** @type {any} */ g) {
  const box = $('trial-graph');
  if (!g) return box.replaceChildren(el('p', { className: 'hint', text: 'no graph (the candidate could not be lowered)' }));
  const W = 150, H = 34, GX = 20, GY = 18;
  const width = Math.max(1, g.width) * (W + GX) + GX;
  const height = g.levels * (H + GY) + GY;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('data-nodes', String(g.nodes.length));
  const pos = g.nodes.map((/** @type {any} */ n) => ({ x: GX + n.column * (W + GX), y: GY + n.level * (H + GY) }));
  for (const [a, b] of g.edges) {
    const line = document.createElementNS(SVG, 'path');
    const p = pos[a], q = pos[b];
    const skip = g.nodes[b].level - g.nodes[a].level > 1;
    const d = skip
      ? `M${p.x + W} ${p.y + H / 2} C${p.x + W + 60} ${p.y + H / 2} ${q.x + W + 60} ${q.y + H / 2} ${q.x + W} ${q.y + H / 2}`
      : `M${p.x + W / 2} ${p.y + H} L${q.x + W / 2} ${q.y}`;
    line.setAttribute('d', d);
    line.setAttribute('fill', 'none');
    line.setAttribute('stroke', skip ? '#43a047' : '#888');
    svg.append(line);
  }
  g.nodes.forEach((/** @type {any} */ n, /** @type {number} */ i) => {
    const grp = document.createElementNS(SVG, 'g');
    const rect = document.createElementNS(SVG, 'rect');
    Object.entries({ x: pos[i].x, y: pos[i].y, width: W, height: H, rx: 4, fill: OP_COLORS[n.op] ?? '#eeeeee', stroke: '#607d8b' }).forEach(([k, v]) => rect.setAttribute(k, String(v)));
    const title = document.createElementNS(SVG, 'title');
    title.textContent = `${n.name} (${n.block}) → ${n.shape.join('×')}`;
    const t1 = document.createElementNS(SVG, 'text');
    t1.setAttribute('x', String(pos[i].x + 4));
    t1.setAttribute('y', String(pos[i].y + 13));
    t1.textContent = `${n.op} · ${n.block}`;
    const t2 = document.createElementNS(SVG, 'text');
    t2.setAttribute('x', String(pos[i].x + 4));
    t2.setAttribute('y', String(pos[i].y + 27));
    t2.textContent = n.shape.slice(1).join('×');
    grp.append(title, rect, t1, t2);
    svg.append(grp);
  });
  box.replaceChildren(svg);
}

// ------------------------------------------------------------------------------------------------
// Wiring

function wire() {
  for (const id of ['axis-x', 'axis-y', 'axis-z', 'show-all']) $(id).addEventListener('change', drawFronts);
  for (const id of ['filter', 'status-filter', 'front-only']) $(id).addEventListener('input', drawTable);
  $('table-run').addEventListener('change', () => {
    state.tableRun = /** @type {HTMLSelectElement} */ ($('table-run')).value;
    drawTable();
  });
  $('trial-close').addEventListener('click', () => {
    state.open = null;
    $('trial-view').hidden = true;
    $('trials-row').classList.remove('open');
    drawTable();
  });
  let queue = Promise.resolve();
  const events = new EventSource('/api/events');
  events.addEventListener('runs', (e) => {
    const msg = JSON.parse(/** @type {MessageEvent} */ (e).data);
    state.listing = msg.runs;
    queue = queue.then(() => refreshRuns(msg.changed)).catch((err) => console.error(err));
  });
  events.addEventListener('open', () => { $('live').textContent = 'live'; $('live').className = 'on'; });
  events.addEventListener('error', () => { $('live').textContent = 'disconnected (retrying)'; $('live').className = 'off'; });
  getJson('/api/runs').then((r) => { $('dir').textContent = r.dir; }).catch(() => {});
}

wire();
