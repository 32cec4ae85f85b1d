/** Renders rows as an aligned plain-text table (numbers right-aligned). */
export function textTable(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = rows.map((r) => r.map((c) => String(c)));
  const widths = headers.map((h, i) => cells.reduce((w, r) => Math.max(w, (r[i] ?? '').length), h.length));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || /^[-\d.,]+[ A-Za-z%]*$/.test(String(r[i]))));
  const line = (r: readonly string[]) =>
    r.map((c, i) => (numeric[i] ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

export const formatMillions = (n: number, digits = 2): string => `${(n / 1e6).toFixed(digits)} M`;
export const formatKiB = (bytes: number, digits = 1): string => `${(bytes / 1024).toFixed(digits)} KiB`;
export const formatInt = (n: number): string => n.toLocaleString('en-US');
