// @ts-check
/**
 * One trial's view: key, metrics, the blocks one stage a row, per-layer costs (the report's figure,
 * with the run's SRAM limit), a layered SVG of the lowered network, the explanation, the LLM calls
 * and every record. Record text is set as text, never as HTML.
 */
import { $, arrow, el, fmt, getJson, header, kib, Plotly, state } from './common.js';
import { drawTable } from './table.js';

export async function openTrial(/** @type {string} */ run, /** @type {number} */ index, /** @type {boolean} */ scroll) {
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
      el('tr', {}, known.map((m) => el('td', { text: fmt(m, t.metrics[m.name], false) }))),
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

export const BLOCK_FIELDS = ['output_channels', 'num_layers', 'kernel_size', 'stride', 'expansion_factor', 'conv_type', 'use_se', 'se_ratio', 'skip_op', 'activation'];

export function drawBlocks(/** @type {any} */ t) {
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

export const SVG = 'http://www.w3.org/2000/svg';
export const OP_COLORS = /** @type {Record<string, string>} */ ({ Conv: '#bbdefb', Gemm: '#ffe0b2', Add: '#c8e6c9', Mul: '#f8bbd0', GlobalAveragePool: '#d1c4e9' });

/** The lowered network as a layered SVG: one row per level (longest path from the input), nodes boxes, edges lines. */
export function drawGraph(/** @type {any} */ g) {
  const box = $('trial-graph');
  if (!g) return box.replaceChildren(el('p', { className: 'hint', text: 'no graph (the candidate could not be lowered)' }));
  // Boxes as wide as the longest label (10px text, .graph text in style.css), at least 150 px.
  const label = (/** @type {any} */ n) => `${n.op} · ${n.block}`;
  const ctx = document.createElement('canvas').getContext('2d');
  if (ctx) ctx.font = `10px ${getComputedStyle(document.body).fontFamily}`;
  const textWidth = (/** @type {string} */ s) => (ctx ? ctx.measureText(s).width : s.length * 6.5);
  const W = Math.ceil(Math.max(150, ...g.nodes.map((/** @type {any} */ n) => textWidth(label(n)) + 12))), H = 34, GX = 20, GY = 18;
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
    title.textContent = `${n.op} ${n.name} (${n.block}) → ${n.shape.join('×')}`;
    const t1 = document.createElementNS(SVG, 'text');
    t1.setAttribute('x', String(pos[i].x + 4));
    t1.setAttribute('y', String(pos[i].y + 13));
    t1.textContent = label(n);
    const t2 = document.createElementNS(SVG, 'text');
    t2.setAttribute('x', String(pos[i].x + 4));
    t2.setAttribute('y', String(pos[i].y + 27));
    t2.textContent = n.shape.slice(1).join('×');
    grp.append(title, rect, t1, t2);
    svg.append(grp);
  });
  box.replaceChildren(svg);
}
