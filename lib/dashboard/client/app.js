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
import { $, getJson, state } from './common.js';
import { drawAxisChoices, drawFronts, drawGroups, drawProgress } from './plots.js';
import { drawRunList, drawTable } from './table.js';
import { openTrial } from './trial.js';

/** @typedef {import('./common.js').Run} Run */

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
