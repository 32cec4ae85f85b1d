import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { usageLine } from '../../lib/cli/command-spec.js';
import { COMMAND_SPECS } from '../../lib/cli/run.js';
import { ROOT } from '../helpers.js';

/** The README's command block is the parser's own usage, so the two cannot drift apart. */
function readmeUsageBlock(): string {
  return COMMAND_SPECS.map((s) => usageLine(s)).join('\n');
}

describe("the README's command block", () => {
  it('equals the usage generated from the flag tables the parser uses', () => {
    const readme = readFileSync(`${ROOT}README.md`, 'utf8');
    const section = readme.slice(readme.indexOf('## The command'));
    const block = /```\n([\s\S]*?)\n```/.exec(section)?.[1];
    expect(block, "README.md's command block differs from the flag tables: paste readmeUsageBlock() (the usage lines of paretonas help) into it").toBe(readmeUsageBlock());
  });
});
