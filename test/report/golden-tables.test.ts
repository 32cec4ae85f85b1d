/**
 * Golden files of rendered tables (test/golden/tables/): the Pareto table and the rejections table
 * of two fixed runs, as Markdown, CSV and LaTeX, byte for byte.
 * - evolution-16: the first 16 proposals of `paretonas search --proposer evolution --evaluator
 *   proxy --budget 150 --seed 1` (issue 19's run; nothing rejected: the table says so in one line);
 * - qwen2.5-3b: the recorded LLM run of notebooks/data (schema, MAC and duplicate rejections with
 *   long feedback messages).
 * Markdown writes < > & as HTML entities (the Pareto table's limits note reads `&lt;=`), which
 * GitHub shows as the characters; CSV prefixes a text cell starting with = + - @ TAB or CR with '.
 * Regenerate (after checking the change is intended) with PARETONAS_WRITE_GOLDEN=1.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readRecords } from '../../lib/campaign/records.js';
import { replayRecords } from '../../lib/campaign/state.js';
import { rejectionsTable } from '../../lib/report/campaign-report.js';
import { paretoTable } from '../../lib/report/paper-tables.js';
import { toCsv, toLatex, toMarkdown } from '../../lib/report/render-table.js';
import { ROOT } from '../helpers.js';

const GOLDEN = `${ROOT}test/golden/tables/`;
const WRITE = process.env.PARETONAS_WRITE_GOLDEN === '1';

const runs = {
  'evolution-16': `${GOLDEN}evolution-16.records.jsonl`,
  'qwen2.5-3b': `${ROOT}notebooks/data/llm-runs/qwen2.5-3b/records.jsonl`,
};

function check(name: string, text: string): void {
  const path = `${GOLDEN}${name}`;
  if (WRITE) writeFileSync(path, text);
  expect(text, `${name} (PARETONAS_WRITE_GOLDEN=1 rewrites it)`).toBe(readFileSync(path, 'utf8'));
}

describe('golden rendered tables', () => {
  for (const [run, file] of Object.entries(runs)) {
    const state = replayRecords(readRecords(file).records);
    for (const table of [paretoTable(state), rejectionsTable(state)]) {
      it(`${run}: ${table.id} as Markdown, CSV and LaTeX`, () => {
        check(`${run}.${table.id}.md`, toMarkdown(table));
        check(`${run}.${table.id}.csv`, toCsv(table));
        check(`${run}.${table.id}.tex`, toLatex(table));
      });
    }
  }
});
