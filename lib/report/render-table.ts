/**
 * Renderers of a {@link Table}: Markdown, HTML, CSV and LaTeX text (danfojs data frames: data-frame.ts,
 * apart so that the CLI does not load danfojs, seconds of start-up, for text).
 * Builders compute (and round) the numbers; these only format them, deterministically. The display
 * renderers (Markdown, HTML, LaTeX) round every number as printed tables do (4 decimals, or 4
 * significant digits below 1) and apply the table's `shorten` rules; CSV keeps every cell whole.
 */
import { fnv1a32 } from '../rng.js';
import type { Cell, CellShortening, Table } from './table.js';

/**
 * How a number is written: `display` for people in Markdown and HTML (rounded, thousands
 * grouped), `rounded` for LaTeX (rounded as `display`, no grouping), `plain` for machines (CSV).
 */
export type CellStyle = 'display' | 'rounded' | 'plain';

/** Digits of an integer string grouped by thousands with commas ("1234567" → "1,234,567"). */
function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+$)/g, ',');
}

/**
 * One cell as text. null is the empty string (each renderer writes its own placeholder).
 * `plain`: the number as JavaScript writes it (`String(v)`, shortest round trip, no grouping).
 * `display`: integers with thousands separators; fractions with 4 decimals, or more when needed
 * to keep 4 significant digits of a number below 1 (0.000123456 → 0.0001235), trailing zeros
 * dropped; magnitudes below 1e-6 or from 1e21 up as 4 significant digits in exponent form.
 * `rounded`: as `display` without thousands separators (215.27810348074536 → 215.2781).
 */
export function formatCell(v: Cell, style: CellStyle = 'display'): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0'; // also -0
  if (style === 'plain') return String(v);
  const abs = Math.abs(v);
  const sign = v < 0 ? '-' : '';
  if (abs >= 1e21 || abs < 1e-6) return v.toPrecision(4).replace(/\.?0+e/, 'e');
  const group = style === 'display' ? groupThousands : (d: string) => d;
  if (Number.isInteger(v)) return sign + group(String(abs));
  const decimals = Math.max(4, 3 - Math.floor(Math.log10(abs)));
  const fixed = abs.toFixed(decimals).replace(/\.?0+$/, '');
  const [whole = '0', fraction] = fixed.split('.');
  return sign + group(whole) + (fraction === undefined ? '' : `.${fraction}`);
}

/** The hash a shortened key ends with: FNV-1a 32 (lib/rng.ts fnv1a32, seed 0) of the whole key, 8 lowercase hex digits (shortKey prints the first 6). */
export function keyHash(key: string): string {
  return fnv1a32(key).toString(16).padStart(8, '0');
}

/**
 * A canonical key short enough for a table cell: kept when at most `max` characters, else its
 * first 12 characters, an ellipsis and a 6-hex-digit hash of the whole key (`keyHash`, so keys
 * sharing a prefix stay distinct).
 */
export function shortKey(key: string, max = 24): string {
  if (key.length <= max) return key;
  return `${key.slice(0, 12)}…${keyHash(key).slice(0, 6)}`;
}

/**
 * `text` kept when at most `max` characters; else cut at the last whitespace within its first
 * `max - 1` characters (inside the word when the first word alone is that long), trailing
 * punctuation and spaces dropped, and an ellipsis (…) appended: at most `max` characters.
 */
export function cutAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = text.slice(0, Math.max(1, max - 1) + 1); // one more character: is the cut on a boundary?
  const space = head.search(/\s\S*$/);
  const cut = space > 0 ? text.slice(0, space) : text.slice(0, Math.max(1, max - 1));
  return `${cut.replace(/[\s,;:]+$/, '')}…`;
}

/** A text cell as a display renderer shows it under a column's shortening rule. */
export function shortenText(text: string, rule: CellShortening | undefined): string {
  if (!rule) return text;
  return rule.kind === 'key' ? shortKey(text, rule.max) : cutAtWord(text, rule.max);
}

/** The display text of cell `j` of a row (numbers with `style`, strings under the column's rule); null stays null. */
function displayCell(table: Table, row: readonly Cell[], j: number, style: CellStyle): string | null {
  const c = cellAt(row, j);
  if (c === null) return null;
  if (typeof c === 'number') return formatCell(c, style);
  return shortenText(c, table.shorten?.[table.columns[j] as string]);
}

/** Whether a column holds numbers: at least one, and nothing but numbers and nulls. */
function numericColumns(table: Table): boolean[] {
  return table.columns.map((_, j) => {
    let numbers = 0;
    for (const row of table.rows) {
      const c = row[j] ?? null;
      if (typeof c === 'number') numbers++;
      else if (c !== null) return false;
    }
    return numbers > 0;
  });
}

function cellAt(row: readonly Cell[], j: number): Cell {
  return row[j] ?? null;
}

// Markdown ---------------------------------------------------------------------------------------

/** Null in Markdown and HTML. */
const DASH = '—';

/**
 * Text safe in a Markdown table cell, caption or note: `&`, `<` and `>` as the HTML entities
 * `&amp;` `&lt;` `&gt;` (Markdown viewers render inline HTML, and a run directory name or a
 * trainer's message is untrusted: `<img onerror=...>` must show as text; GitHub shows the entities
 * as the characters), backslashes and pipes escaped, line breaks as `<br>` (the only markup added).
 */
function markdownText(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n|\r/g, '<br>');
}

/**
 * A GitHub pipe table: the caption as a bold line above, a header row, `---:` under number
 * columns (right-aligned), pipes in cells escaped, null as an em dash, then the notes below, one
 * paragraph each. A table without rows that says why (`empty`) prints that line instead of a header.
 */
export function toMarkdown(table: Table): string {
  const numeric = numericColumns(table);
  const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const caption = `**${markdownText(table.caption).replace(/\*/g, '\\*')}**`;
  const lines =
    table.rows.length === 0 && table.empty !== undefined
      ? [caption, '', markdownText(table.empty)]
      : [
          caption,
          '',
          row(table.columns.map(markdownText)),
          row(numeric.map((n) => (n ? '---:' : '---'))),
          ...table.rows.map((r) =>
            row(table.columns.map((_, j) => {
              const c = displayCell(table, r, j, 'display');
              return c === null ? DASH : markdownText(c);
            })),
          ),
        ];
  for (const note of table.notes ?? []) lines.push('', markdownText(note));
  return `${lines.join('\n')}\n`;
}

// HTML -------------------------------------------------------------------------------------------

/** Text for HTML element content and attribute values; non-ASCII as numeric references. */
export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/[^\x00-\x7f]/gu, (c) => `&#${c.codePointAt(0) as number};`);
}

/**
 * A `<table>` with the id, a `<caption>`, a `<thead>` and a `<tbody>`; number cells (and their
 * headers) carry class "num", null cells class "null" with an em dash; a shortened text cell keeps
 * its whole text in a `title` attribute; notes go in a `<tfoot>`. A table without rows that says
 * why (`empty`) has no header, one body cell (class "empty") with that line. All text is escaped
 * and the markup is ASCII.
 */
export function toHtml(table: Table): string {
  const numeric = numericColumns(table);
  const cls = (j: number) => (numeric[j] ? ' class="num"' : '');
  const span = Math.max(1, table.columns.length);
  const head = [`<table id="${escapeHtml(table.id)}">`, `<caption>${escapeHtml(table.caption)}</caption>`];
  const foot = (table.notes ?? []).length > 0 ? ['<tfoot>', ...(table.notes ?? []).map((n) => `<tr><td colspan="${span}">${escapeHtml(n)}</td></tr>`), '</tfoot>'] : [];
  if (table.rows.length === 0 && table.empty !== undefined) {
    return `${[...head, '<tbody>', `<tr><td class="empty" colspan="${span}">${escapeHtml(table.empty)}</td></tr>`, '</tbody>', ...foot, '</table>'].join('\n')}\n`;
  }
  const out = [
    ...head,
    '<thead>',
    `<tr>${table.columns.map((c, j) => `<th${cls(j)}>${escapeHtml(c)}</th>`).join('')}</tr>`,
    '</thead>',
    '<tbody>',
    ...table.rows.map(
      (r) =>
        `<tr>${table.columns
          .map((_, j) => {
            const c = cellAt(r, j);
            if (c === null) return `<td class="${numeric[j] ? 'num null' : 'null'}">${escapeHtml(DASH)}</td>`;
            const text = displayCell(table, r, j, 'display') as string;
            const title = typeof c === 'string' && text !== c ? ` title="${escapeHtml(c)}"` : '';
            return `<td${typeof c === 'number' ? ' class="num"' : ''}${title}>${escapeHtml(text)}</td>`;
          })
          .join('')}</tr>`,
    ),
    '</tbody>',
    ...foot,
  ];
  out.push('</table>');
  return `${out.join('\n')}\n`;
}

// CSV --------------------------------------------------------------------------------------------

function csvField(s: string): string {
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** First characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A text cell defused for spreadsheets: one that starts with = + - @ TAB or CR gets a leading
 * single quote (`=1+1` → `'=1+1`), so Excel, LibreOffice and Google Sheets show it as text instead
 * of evaluating it (OWASP's CSV-injection guidance). Other text is unchanged.
 */
function csvText(s: string): string {
  return FORMULA_START.test(s) ? `'${s}` : s;
}

/** Cell `v` as a CSV field's text: numbers plain (never prefixed: -5 stays -5), text defused by {@link csvText}. */
function csvCell(v: Cell): string {
  return typeof v === 'string' ? csvText(v) : formatCell(v, 'plain');
}

/**
 * RFC 4180 CSV: a header row, then the rows, CRLF after each record; fields with a comma, a double
 * quote, a line break or edge whitespace are quoted (quotes doubled); numbers plain
 * (`String(v)`), text whole (never shortened), null an empty field. Caption, notes and the
 * `empty` line are not part of CSV (a table without rows is its header alone).
 * The one change to text: a text cell or header starting with = + - @ TAB or CR (which a
 * spreadsheet would evaluate as a formula, e.g. a trainer's message `=HYPERLINK(...)`) gets a
 * leading single quote `'` before quoting (OWASP's CSV-injection guidance); number cells never do.
 */
export function toCsv(table: Table): string {
  const record = (cells: readonly string[]) => `${cells.map(csvField).join(',')}\r\n`;
  return record(table.columns.map(csvText)) + table.rows.map((r) => record(table.columns.map((_, j) => csvCell(cellAt(r, j))))).join('');
}

// LaTeX ------------------------------------------------------------------------------------------

const LATEX_SPECIALS: Record<string, string> = {
  '&': '\\&',
  '%': '\\%',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '{': '\\{',
  '}': '\\}',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
  '\\': '\\textbackslash{}',
  // Characters that the default OT1 font encoding prints as other glyphs.
  '|': '\\textbar{}',
  '<': '\\textless{}',
  '>': '\\textgreater{}',
  // Symbols the builders use that LaTeX's default UTF-8 input does not set up.
  '↑': '$\\uparrow$',
  '↓': '$\\downarrow$',
  '≤': '$\\leq$',
  '≥': '$\\geq$',
  '×': '$\\times$',
  '±': '$\\pm$',
  '…': '\\ldots{}',
  '−': '$-$',
  'µ': '$\\mu$',
  'μ': '$\\mu$',
};

/** Text safe in LaTeX: & % $ # _ { } ~ ^ \ (and | < >) escaped, line breaks as spaces, a few symbols as math. */
export function escapeLatex(s: string): string {
  return s.replace(/[&%$#_{}~^\\|<>↑↓≤≥×±…−µμ]/g, (c) => LATEX_SPECIALS[c] ?? c).replace(/\r?\n|\r/g, ' ');
}

/** A label key LaTeX accepts (letters, digits and : . - _ kept, anything else as -). */
function latexLabel(id: string): string {
  return id.replace(/[^A-Za-z0-9:._-]/g, '-');
}

/**
 * A booktabs table float: `\caption`, `\label{tab:ID}`, column spec `r` for number columns and
 * `l` otherwise, `\toprule`, header, `\midrule`, rows, `\bottomrule`; text escaped (and shortened
 * by the table's rules), numbers rounded as Markdown shows them without thousands separators
 * (`rounded`), null as `--`; notes in footnote size under the tabular. A table without rows that
 * says why (`empty`) prints that line instead of the tabular. Needs `\usepackage{booktabs}`.
 */
export function toLatex(table: Table): string {
  const numeric = numericColumns(table);
  const row = (cells: readonly string[]) => `${cells.join(' & ')} \\\\`;
  const head = ['\\begin{table}', '\\centering', `\\caption{${escapeLatex(table.caption)}}`, `\\label{tab:${latexLabel(table.id)}}`];
  const notes = table.notes ?? [];
  const noteLines = notes.length > 0 ? ['\\par\\smallskip', `{\\footnotesize ${notes.map(escapeLatex).join('\\par ')}\\par}`] : [];
  if (table.rows.length === 0 && table.empty !== undefined) {
    return `${[...head, escapeLatex(table.empty), ...noteLines, '\\end{table}'].join('\n')}\n`;
  }
  const lines = [
    ...head,
    `\\begin{tabular}{${numeric.map((n) => (n ? 'r' : 'l')).join(' ')}}`,
    '\\toprule',
    row(table.columns.map(escapeLatex)),
    '\\midrule',
    ...table.rows.map((r) =>
      row(table.columns.map((_, j) => {
        const c = displayCell(table, r, j, 'rounded');
        return c === null ? '--' : escapeLatex(c);
      })),
    ),
    '\\bottomrule',
    '\\end{tabular}',
    ...noteLines,
  ];
  lines.push('\\end{table}');
  return `${lines.join('\n')}\n`;
}
