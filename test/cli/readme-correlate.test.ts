import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { correlateCommand } from '../../lib/cli/correlate.js';
import { ROOT } from '../helpers.js';

/** The block printed under a `$ npx paretonas correlate ...` line of the README, and that line's arguments. */
function readmeExamples(): { args: string[]; printed: string }[] {
  const readme = readFileSync(`${ROOT}README.md`, 'utf8');
  const found: { args: string[]; printed: string }[] = [];
  for (const m of readme.matchAll(/^\$ npx paretonas correlate (.*)\n([\s\S]*?)\n```/gm)) found.push({ args: (m[1] as string).trim().split(/\s+/), printed: m[2] as string });
  return found;
}

describe("the README's correlate examples", () => {
  it('print what the command prints on the shipped fixtures (run from the checkout)', async () => {
    const examples = readmeExamples();
    expect(examples.length).toBe(2);
    const cwd = process.cwd();
    process.chdir(ROOT);
    try {
      for (const e of examples) expect(await correlateCommand(['correlate', ...e.args].slice(1)), e.args.join(' ')).toBe(e.printed);
    } finally {
      process.chdir(cwd);
    }
  });
});
