/**
 * CSV fuzzing for `pareto`: a table of points with fields replaced by non-decimal numbers (hex,
 * binary, `1e`, empty, NaN, spaces, overflow), quotes broken, fields and lines added or deleted,
 * CRLF and blank lines. Accepted tables must hold only decimal numbers (or inf) in the columns
 * read, checked by an independent split of the text.
 */
import { describe, expect, it } from 'vitest';
import type { Rng } from '../../lib/rng.js';
import { createRng } from '../../lib/rng.js';
import { FUZZ_TIMEOUT, FuzzLog, fuzzCount, fuzzDir, HOSTILE_NUMBERS, nullPath, pick, put } from './harness.js';
import { CSV_SEED } from './seeds.js';

const FIELDS = [...HOSTILE_NUMBERS, ' 1 ', '1e', '.', '-', '+inf', '-Infinity', 'INF', '"0.5"', '"1,2"', '"', '0.5"', '1e-400', '0012', '٣'];
/** The numbers the docs promise: decimal with sign, point and exponent, or inf (written here apart from lib/csv.ts). */
const DECIMAL_OR_INF = /^[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|inf|infinity)$/i;
const READ = ['acc', 'macs', 'sram'];

function mutate(text: string, rng: Rng): { text: string; what: string } {
  const lines = text.split('\n');
  const i = rng.int(lines.length);
  switch (rng.int(6)) {
    case 0:
    case 1:
    case 2: {
      const fields = (lines[i] ?? '').split(',');
      const j = rng.int(fields.length);
      fields[j] = pick(rng, FIELDS);
      lines[i] = fields.join(',');
      return { text: lines.join('\n'), what: `line ${i + 1} field ${j + 1} = ${JSON.stringify(fields[j]).slice(0, 30)}` };
    }
    case 3:
      lines.splice(i, 0, pick(rng, ['', '   ', 'x', ',,,,', 'a,b,c,d,e,f']));
      return { text: lines.join('\n'), what: `line inserted at ${i + 1}` };
    case 4:
      lines.splice(i, 1);
      return { text: lines.join('\n'), what: `line ${i + 1} deleted` };
    default:
      return { text: rng.next() < 0.5 ? text.replace(/\n/g, '\r\n') : text.slice(0, rng.int(text.length)), what: 'CRLF or truncated' };
  }
}

describe('fuzz: CSV for pareto', () => {
  it('every mutated table is read with decimal numbers only or refused in one line naming the line', async () => {
    const count = fuzzCount(3000);
    const dir = fuzzDir();
    const rng = createRng(99);
    const log = new FuzzLog();
    for (let k = 0; k < count; k++) {
      let text = CSV_SEED;
      const whats: string[] = [];
      for (let n = 1 + rng.int(2); n > 0; n--) {
        const m = mutate(text, rng);
        text = m.text;
        whats.push(m.what);
      }
      const label = `#${k}: ${whats.join('; ')}`;
      const file = put(`${dir}/points.csv`, text);
      const r = await log.run(['pareto', file, '--objectives', 'acc:max,macs:min', '--constraint', 'sram<=327680', '--json'], label);
      if (r?.code === 2 && /line \d+/.test(r.stderr) === false && !/column: got|is empty/.test(r.stderr)) log.fail(label, `a refusal that names no line: ${r.stderr.trim()}`);
      if (r?.code !== 0) continue;
      const nulls = nullPath(JSON.parse(r.stdout));
      if (nulls) log.fail(label, `pareto --json printed null at ${nulls}`);
      if (text.includes('"')) continue; // the independent split below does not do quotes
      const rows = text.split(/\r?\n/).filter((l) => l.trim() !== '').map((l) => l.split(',').map((f) => f.trim()));
      const header = rows[0] ?? [];
      for (const name of READ) {
        const c = header.indexOf(name);
        const bad = rows.slice(1).find((row) => !DECIMAL_OR_INF.test(row[c] ?? '') || !Number.isFinite(Number(row[c])) !== /inf/i.test(row[c] ?? ''));
        if (bad) log.fail(label, `accepted ${JSON.stringify(bad[c])} in column ${name}`);
        // a nonzero text that a double rounds to 0 (1e-400) is refused, like one that overflows (1e309)
        const underflow = rows.slice(1).find((row) => Number(row[c]) === 0 && /[1-9]/.test((row[c] ?? '').split(/e/i)[0] ?? ''));
        if (underflow) log.fail(label, `accepted ${JSON.stringify(underflow[c])}, which underflows to 0, in column ${name}`);
      }
    }
    console.log(log.summary(`CSV (${count} inputs)`));
    expect(log.failures).toEqual([]);
    expect(log.accepted).toBeGreaterThan(count / 20);
    expect(log.rejected).toBeGreaterThan(count / 4);
  }, FUZZ_TIMEOUT);
});
