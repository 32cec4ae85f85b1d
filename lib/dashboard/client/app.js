// @ts-check
/**
 * The dashboard page's entry (plain ES modules, served as is: no build step, so `paretonas dashboard` from
 * the sources and from dist/ serve the same file). It only draws: every number comes from the
 * server's JSON API (lib/dashboard/server.ts), computed from the records by the report's
 * functions. Record text (keys, messages, LLM replies) is put in the page as text, never as HTML.
 *
 * State: the runs ticked for the overlays, the run the trials table shows, the table's sort and
 * filter, the open trial. The server's event stream says which runs changed; those are fetched
 * again and everything drawn from them is redrawn.
 */
import { $, DEFAULT_TICKED, getJson, state } from './common.js';
import { drawAxisChoices, drawFronts, drawGroups, drawProgress } from './plots.js';
import { drawRunList, drawTable } from './table.js';
import { openTrial } from './trial.js';

/** @typedef {import('./common.js').Run} Run */

/** Ticks the most recently changed runs (DEFAULT_TICKED) the first time the runs are listed; later a new run is ticked while fewer are. */
function tickDefaults() {
  const fresh = state.listing.filter((l) => !state.chosen.has(l.id) && !state.unticked.has(l.id) && !state.seen.has(l.id));
  if (!state.defaulted) fresh.sort((a, b) => b.mtimeMs - a.mtimeMs || (a.id < b.id ? -1 : 1));
  for (const l of fresh) if (state.chosen.size < DEFAULT_TICKED) state.chosen.add(l.id);
  for (const l of state.listing) state.seen.add(l.id);
  state.defaulted = true;
}

/** Fetches the runs the page draws (the ticked ones and the table's) that are new or changed; the rest stay unfetched. */
async function refreshRuns(/** @type {string[]} */ changed) {
  const ids = state.listing.map((r) => r.id);
  const known = new Set(ids);
  tickDefaults();
  for (const id of [...state.chosen]) if (!known.has(id)) state.chosen.delete(id);
  for (const id of [...state.runs.keys()]) if (!known.has(id)) state.runs.delete(id);
  if (!state.tableRun || !known.has(state.tableRun)) state.tableRun = [...state.chosen][0] ?? ids[0] ?? '';
  const wanted = new Set([...state.chosen, state.tableRun].filter(Boolean));
  for (const id of state.runs.keys()) if (!wanted.has(id)) state.runs.delete(id); // unticked runs are not kept
  await Promise.all([...wanted].filter((id) => !state.runs.has(id) || changed.includes(id)).map(async (id) => {
    try {
      state.runs.set(id, await getJson(`/api/run?id=${encodeURIComponent(id)}`));
    } catch (err) {
      state.runs.set(id, /** @type {Run} */ ({ id, error: String(/** @type {Error} */ (err).message) }));
    }
  }));
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

let queue = Promise.resolve();

function wire() {
  for (const id of ['axis-x', 'axis-y', 'axis-z', 'show-all']) $(id).addEventListener('change', drawFronts);
  for (const id of ['filter', 'status-filter', 'front-only']) $(id).addEventListener('input', drawTable);
  $('table-run').addEventListener('change', () => {
    state.tableRun = /** @type {HTMLSelectElement} */ ($('table-run')).value;
    drawTable();
    queue = queue.then(() => refreshRuns([])).catch((err) => console.error(err));
  });
  $('runs').addEventListener('tick', () => {
    queue = queue.then(() => refreshRuns([])).catch((err) => console.error(err));
  });
  $('trial-close').addEventListener('click', () => {
    state.open = null;
    $('trial-view').hidden = true;
    $('trials-row').classList.remove('open');
    drawTable();
  });
  const events = new EventSource('/api/events');
  events.addEventListener('runs', (e) => {
    const msg = JSON.parse(/** @type {MessageEvent} */ (e).data);
    // The first event lists every run; later ones only the runs that changed (merged in, kept sorted by id).
    if (msg.full) state.listing = msg.runs;
    else {
      const byId = new Map(state.listing.map((l) => [l.id, l]));
      for (const l of msg.runs) byId.set(l.id, l);
      state.listing = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    }
    queue = queue.then(() => refreshRuns(msg.changed)).catch((err) => console.error(err));
  });
  events.addEventListener('open', () => { $('live').textContent = 'live'; $('live').className = 'on'; });
  events.addEventListener('error', () => { $('live').textContent = 'disconnected (retrying)'; $('live').className = 'off'; });
  getJson('/api/runs').then((r) => { $('dir').textContent = r.dir; }).catch(() => {});
}

wire();
