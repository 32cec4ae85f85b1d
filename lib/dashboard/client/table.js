// @ts-check
/**
 * The page's tables: the runs (ticked ones are overlaid) and every trial of one run, sortable by
 * any column (missing values last) and filtered by text, status and front membership.
 */
import { $, arrow, el, fmt, header, state } from './common.js';
import { openTrial } from './trial.js';

/** @typedef {import('./common.js').Metric} Metric */
/** @typedef {import('./common.js').Trial} Trial */
/** @typedef {import('./common.js').Run} Run */

export function drawRunList() {
  const body = /** @type {HTMLTableSectionElement} */ ($('runs').querySelector('tbody'));
  body.replaceChildren(
    ...state.listing.flatMap((l) => {
      const r = state.runs.get(l.id);
      const tick = el('input', { type: 'checkbox', checked: state.chosen.has(l.id) });
      tick.addEventListener('change', () => {
        if (/** @type {HTMLInputElement} */ (tick).checked) (state.chosen.add(l.id), state.unticked.delete(l.id));
        else (state.chosen.delete(l.id), state.unticked.add(l.id));
        $('runs').dispatchEvent(new Event('tick')); // app.js fetches the run and redraws
      });
      // Why reading its records stopped (a bad line, a line too long, the file gone): a red line under the run, naming the file and line.
      const readError = (r && !r.error ? r.readError : undefined) ?? l.error;
      const errorRow = readError ? [el('tr', { className: 'read-error', 'data-error-of': l.id }, [el('td'), el('td', { colspan: 11, className: 'text', text: readError })])] : [];
      if (!r || r.error) return [el('tr', { 'data-run': l.id }, [el('td', {}, [tick]), el('td', { className: 'text', text: l.id }), el('td', { className: 'text', colspan: 10, text: r?.error ?? (state.chosen.has(l.id) ? 'reading…' : `${l.records} records (tick to show)`) })]), ...(r?.error && r.error === readError ? [] : errorRow)];
      const s = r.settings;
      const rejected = Object.values(r.counters.rejected).reduce((a, b) => a + b, 0);
      const hv = r.hypervolume.hypervolume.at(-1);
      return [el('tr', { 'data-run': l.id }, [
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
        el('td', { className: 'text', text: readError ? 'records unreadable past the line below' : r.finished ? 'finished' : 'running or stopped' }),
      ]), ...errorRow];
    }),
  );
  const select = /** @type {HTMLSelectElement} */ ($('table-run'));
  select.replaceChildren(...state.listing.map((l) => el('option', { value: l.id, text: l.id, selected: l.id === state.tableRun })));
}

/** @returns {{ id: string, title: string, text?: boolean, value: (t: Trial) => string|number|undefined, show: (t: Trial) => string, estimated?: (t: Trial) => boolean }[]} */
export function tableColumns(/** @type {Run} */ run) {
  return [
    { id: 'index', title: '#', value: (t) => t.index, show: (t) => String(t.index) },
    { id: 'status', title: 'status', text: true, value: (t) => t.status, show: (t) => t.status },
    { id: 'front', title: 'front', text: true, value: (t) => (t.onFront ? 1 : 0), show: (t) => (t.onFront ? '★' : '') },
    // A rejected proposal shows what its rejection estimated (in italics), e.g. the MACs over the limit.
    ...run.metrics.map((m) => ({ id: `m:${m.name}`, title: header(m) + arrow(m), value: (/** @type {Trial} */ t) => t.metrics?.[m.name] ?? t.estimated?.[m.name], show: (/** @type {Trial} */ t) => fmt(m, t.metrics?.[m.name] ?? t.estimated?.[m.name], false), estimated: (/** @type {Trial} */ t) => t.metrics?.[m.name] === undefined && t.estimated?.[m.name] !== undefined })),
    { id: 'reason', title: 'reason', text: true, value: (t) => t.reason, show: (t) => t.reason ?? '' },
    { id: 'message', title: 'message', text: true, value: (t) => t.message, show: (t) => t.message ?? '' },
    { id: 'note', title: 'note', text: true, value: (t) => t.note, show: (t) => t.note ?? '' },
    { id: 'llm', title: 'LLM calls', value: (t) => t.llmCalls, show: (t) => (t.llmCalls ? String(t.llmCalls) : '') },
  ];
}

export function drawTable() {
  const run = state.runs.get(state.tableRun);
  const head = /** @type {HTMLTableSectionElement} */ ($('trials').querySelector('thead'));
  const body = /** @type {HTMLTableSectionElement} */ ($('trials').querySelector('tbody'));
  if (!run || run.error) {
    head.replaceChildren();
    body.replaceChildren();
    $('trial-count').textContent = run?.error ?? (state.tableRun ? 'reading…' : 'no run yet');
    $('table-error').textContent = run?.error ?? '';
    $('table-error').hidden = !run?.error;
    return;
  }
  $('table-error').textContent = run.readError ?? '';
  $('table-error').hidden = !run.readError;
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
