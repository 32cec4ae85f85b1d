/**
 * What `paretonas` loads before it runs any command: the static imports reachable from
 * lib/cli/main.ts. danfojs (with mathjs and xlsx), puppeteer-core and plotly take seconds to load
 * and serve only reports and notebooks, so commands import them when they need them
 * (`await import(...)`). `paretonas --version` took 6-9 s on a busy machine when paper-tables.ts
 * re-exported a helper of render-table.ts, which imported danfojs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

/** Static `import ... from` / `export ... from` specifiers of one file (dynamic import() is not one). */
function staticImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const out: string[] = [];
  for (const node of source.statements) {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly = ts.isImportDeclaration(node) ? node.importClause?.isTypeOnly === true : node.isTypeOnly;
      if (!typeOnly) out.push(node.moduleSpecifier.text);
    }
  }
  return out;
}

/** Every package reached by static imports from `entry`, with the chain of files that reaches it. */
function packagesReached(entry: string): Map<string, string[]> {
  const parent = new Map<string, string | null>([[entry, null]]);
  const queue = [entry];
  const reached = new Map<string, string[]>();
  const chain = (f: string): string[] => {
    const out: string[] = [];
    for (let c: string | null | undefined = f; c; c = parent.get(c)) out.unshift(relative(ROOT, c));
    return out;
  };
  while (queue.length > 0) {
    const file = queue.shift() as string;
    for (const spec of staticImports(file)) {
      if (!spec.startsWith('.')) {
        if (!reached.has(spec)) reached.set(spec, chain(file));
        continue;
      }
      const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
      if (existsSync(target) && !parent.has(target)) {
        parent.set(target, file);
        queue.push(target);
      }
    }
  }
  return reached;
}

describe('the CLI at start-up', () => {
  it('loads no report-only package (danfojs, puppeteer-core, plotly) before a command asks for it', () => {
    const reached = packagesReached(resolve(ROOT, 'lib/cli/main.ts'));
    expect(reached.has('ajv')).toBe(true); // the walk does reach packages
    for (const heavy of ['danfojs-node', 'puppeteer-core', 'plotly.js-dist-min']) {
      expect(reached.get(heavy), `${heavy} is imported at start-up through ${reached.get(heavy)?.join(' -> ')}`).toBeUndefined();
    }
  });
});
