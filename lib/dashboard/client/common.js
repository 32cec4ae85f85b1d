// @ts-check
/**
 * What every part of the dashboard page shares: the record shapes the server sends (JSDoc types),
 * the page's state, DOM and number-formatting helpers. Values are shown in their metric's display
 * unit (lib/metrics.ts: MACs in M, bytes in KiB), with the unit.
 */

/** @typedef {{ name: string, label: string, unit: string, scale: number, digits: number, direction: 'min'|'max', objective: boolean, limit?: { min?: number, max?: number }, nonNegative: boolean }} Metric */
/** @typedef {{ index: number, key: string|null, status: string, reason?: string, message?: string, metrics?: Record<string, number>, estimated?: Record<string, number>, onFront: boolean, feasible?: boolean, note?: string, explained: boolean, llmCalls: number }} Trial */
/** @typedef {{ id: string, settings: any, configKey: string, counters: any, frontSize: number, finished: boolean, records: number, metrics: Metric[], trials: Trial[], hypervolume: any, rejections: any, error?: string, readError?: string }} Run */
/** @typedef {{ id: string, records: number, version: number, mtimeMs: number, error?: string }} Listing */

/** How many runs are ticked by default (the most recently changed): each ticked run is fetched and overlaid. */
export const DEFAULT_TICKED = 8;

/** @type {any} */
export const Plotly = /** @type {any} */ (window).Plotly;
export const COLORS = ['#636efa', '#ef553b', '#00cc96', '#ab63fa', '#ffa15a', '#19d3f3', '#ff6692', '#b6e880', '#ff97ff', '#fecb52'];

/** @param {string} id */
export const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

export const state = {
  /** @type {Map<string, Run>} */ runs: new Map(),
  /** @type {Listing[]} */ listing: [],
  /** Whether the default runs were ticked (on the first listing). */
  defaulted: false,
  /** @type {Set<string>} */ seen: new Set(),
  /** @type {Set<string>} */ chosen: new Set(),
  /** @type {Set<string>} */ unticked: new Set(),
  tableRun: '',
  sort: { column: 'index', desc: false },
  /** @type {{ run: string, index: number } | null} */ open: null,
};

/** Text handed to plotly (names, titles, hover text), which reads `<`, `>` and `&` as markup: escaped, so a run id is shown as written. */
export const esc = (/** @type {unknown} */ text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** @param {string} path */
export async function getJson(path) {
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
export function el(tag, attrs = {}, children = []) {
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

/**
 * A recorded value in its metric's display unit, with the unit: "168.3 M", "200.0 KiB", "209.29";
 * `withUnit` false for a cell under a header that already names the unit ("MACs (M)": "168.3").
 */
export function fmt(/** @type {Metric} */ m, /** @type {number|undefined} */ v, withUnit = true) {
  if (typeof v !== 'number') return '';
  if (!Number.isFinite(v)) return v > 0 ? 'none' : v < 0 ? '-none' : 'n/a';
  const digits = m.unit === '' && Number.isInteger(v) ? 0 : m.digits;
  const text = (v / m.scale).toFixed(digits);
  return m.unit && withUnit ? `${text} ${m.unit}` : text;
}
export const header = (/** @type {Metric} */ m) => (m.unit ? `${m.label} (${m.unit})` : m.label);
export const arrow = (/** @type {Metric} */ m) => (m.objective ? (m.direction === 'max' ? ' ↑' : ' ↓') : '');
export const kib = (/** @type {number} */ b) => `${(b / 1024).toFixed(1)} KiB`;

/** Runs that replay, in the listing's order. */
export const goodRuns = () => state.listing.map((r) => state.runs.get(r.id)).filter((r) => r && !r.error);
export const chosenRuns = () => goodRuns().filter((r) => state.chosen.has(/** @type {Run} */ (r).id));

/** The metrics of the chosen runs, objectives first (the first run's description of each). */
export function metricsOf(/** @type {(Run|undefined)[]} */ runs) {
  /** @type {Map<string, Metric>} */
  const out = new Map();
  for (const r of runs) for (const m of r?.metrics ?? []) if (!out.has(m.name) || (m.objective && !out.get(m.name)?.objective)) out.set(m.name, m);
  return [...out.values()].sort((a, b) => Number(b.objective) - Number(a.objective));
}
