import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { InputError, ValidationError } from '../../lib/errors.js';
import { createRng } from '../../lib/rng.js';
import { resolveSpace } from '../../lib/space/builtin.js';
import { LMANET_SCHEMA, lmanetProblems, MCUNET_SCHEMA, mcunetProblems } from '../../lib/space/model-schemas.js';
import { sampleCandidate } from '../../lib/space/sample.js';
import { parseSpace, SPACE_FILE_SCHEMA } from '../../lib/space/space.js';
import { candidateIssues, candidateSchema } from '../../lib/space/validate.js';
import { FIXTURES, REFERENCE, ROOT, readJson } from '../helpers.js';
import { failingInputs, ruleSites, setAt, type Part, type Site } from './schema-walk.js';

const space = resolveSpace('tinyml-cifar100');
const IDENT = /^[A-Za-z_$][\w$]*$/;
/** The field names the messages promise, written out independently of the translator. */
const plain = (path: Part[]) => path.map((p, i) => (typeof p === 'number' ? `[${p}]` : IDENT.test(p) ? `${i ? '.' : ''}${p}` : `[${JSON.stringify(p)}]`)).join('') || '(top level)';
const blockField = (path: Part[]) =>
  path[0] === 'blocks' && typeof path[1] === 'number' ? `block ${path[1] + 1} (blocks[${path[1]}])${path.length > 2 ? ` field ${plain(path.slice(2))}` : ''}` : path.length > 0 ? plain(path) : 'candidate';

const spaceIssues = (doc: unknown): readonly InputError[] => {
  try {
    parseSpace(doc, 'x.json');
  } catch (err) {
    if (err instanceof ValidationError) return err.issues;
    throw err;
  }
  return [];
};

const SCHEMAS = [
  { name: 'LMaNet config', schema: LMANET_SCHEMA, doc: (readJson(`${REFERENCE}LMaNet-Core.json`) as { candidate_config: unknown }).candidate_config, issues: (d: unknown) => lmanetProblems(d), field: plain },
  { name: 'MCUNet config', schema: MCUNET_SCHEMA, doc: readJson(`${REFERENCE}mcunet-256kb-1mb_imagenet.json`), issues: mcunetProblems, field: plain },
  { name: 'search-space file', schema: SPACE_FILE_SCHEMA, doc: readJson(`${ROOT}search-spaces/tinyml-cifar100.json`), issues: spaceIssues, field: plain },
  { name: 'candidate of tinyml-cifar100', schema: candidateSchema(space), doc: sampleCandidate(space, createRng(3)), issues: (d: unknown) => candidateIssues(space, d), field: blockField },
] as const;

const TYPE_WORDS: Record<string, string> = { integer: 'integer', number: 'number', string: 'text', boolean: 'true or false', null: 'null', object: 'object', array: 'list' };
const json = (v: unknown) => JSON.stringify(v);

/** What the allowed words of a site must contain, from the schema node alone. */
function expectedWords(site: Site): string[] {
  const n = site.node;
  const words: string[] = [];
  if (site.rule.includes('/then/')) words.push('(when ');
  switch (site.keyword) {
    case 'type':
      return [...words, ...(Array.isArray(n.type) ? n.type : [n.type]).map((t) => TYPE_WORDS[t as string] as string)];
    case 'const':
      return [...words, json(n.const)];
    case 'enum':
      return [...words, ...(n.enum as unknown[]).map(json)];
    case 'not':
      return [...words, (n.not as { multipleOf?: number }).multipleOf === 2 ? 'odd' : 'not '];
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'multipleOf':
    case 'maxItems':
      return [...words, String(n[site.keyword])];
    case 'minItems':
      return [...words, n.minItems === 1 ? 'non-empty' : String(n.minItems)];
    case 'uniqueItems':
      return [...words, 'distinct'];
    case 'minLength':
      return [...words, n.minLength === 1 ? 'non-empty' : String(n.minLength)];
    case 'pattern':
      return [...words, typeof n.description === 'string' ? n.description : String(n.pattern)];
    case 'propertyNames':
      return [...words, String((n.propertyNames as { description?: string }).description ?? (n.propertyNames as { pattern: string }).pattern)];
    case 'additionalProperties':
      return [...words, ...Object.keys(n.properties as object)];
    case 'anyOf':
    case 'oneOf':
      return [
        ...words,
        ...(n[site.keyword] as Record<string, unknown>[]).map((b) => {
          const named = Object.entries((b.properties ?? {}) as Record<string, { const?: unknown }>).find(([, s]) => s.const !== undefined);
          return named ? json(named[1].const) : (TYPE_WORDS[b.type as string] as string);
        }),
      ];
    default:
      return words;
  }
}

describe('every rule of every schema fails in words that name the field and what is allowed', () => {
  for (const s of SCHEMAS) {
    it(`${s.name}: each oneOf/anyOf/not/const/enum/if and bound gets a failing input, and its line reads`, () => {
      expect(s.issues(s.doc)).toEqual([]);
      const { sites, reached } = failingInputs(s.schema as Record<string, unknown>, s.doc);
      // every rule in the schema object was reached by the walk (a rule added later is covered or this fails)
      expect(ruleSites(s.schema).filter((r) => !reached.has(r))).toEqual([]);
      for (const kw of ['const', 'enum']) expect(sites.some((x) => x.keyword === kw), kw).toBe(true);
      for (const site of sites) {
        const issues = s.issues(site.doc);
        const context = `${site.rule} at ${plain(site.path)}`;
        expect(issues.length, context).toBeGreaterThan(0);
        for (const i of issues) {
          expect(i.message, context).not.toMatch(/\bmust\b|#\/|\n|schema in anyOf|equal to constant|additional properties/);
          expect(i.allowed, context).not.toMatch(/^\{.*\}$/); // no raw ajv params
        }
        const field = s.field(site.path);
        const issue = issues.find((i) => i.field === field);
        expect(issue, `${context}: no line for ${field} in ${issues.map((i) => i.message).join(' | ')}`).toBeDefined();
        for (const word of expectedWords(site)) expect(issue?.allowed, context).toContain(word);
        if (site.keyword === 'required') expect(issue?.message, context).toContain('is missing');
        if (site.keyword === 'additionalProperties') expect(issue?.message, context).toMatch(/bogus_field: is not a known field; allowed: only the fields /);
      }
      expect(sites.length).toBeGreaterThan(20);
    });
  }
});

describe('the field cases and hand-written lines', () => {
  it('even kernels in the two field configs: exit 2, one line, the path, the value and "odd" (CLI)', () => {
    const cases = [
      ['lmanet_even_kernel.json', 'paretonas estimate: lmanet_even_kernel (LMaNet config): candidate_config.blocks[1].kernel_size: got 4; allowed: an odd integer from 1 to 15\n'],
      ['mcunet_even_kernel.json', 'paretonas estimate: mcunet_even_kernel (mcunet config): first_conv.kernel_size: got 2; allowed: an odd integer from 1 to 15\n'],
    ] as const;
    for (const [file, line] of cases) {
      const r = spawnSync(process.execPath, [`${ROOT}dist/cli/main.js`, 'estimate', `${FIXTURES}cases/${file}`], { cwd: ROOT, encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(line);
    }
  });

  it('an MCUNet block is read as the layer its name says; an unknown name lists the names', () => {
    const mc = readJson(`${REFERENCE}mcunet-256kb-1mb_imagenet.json`) as { blocks: Record<string, unknown>[] };
    const at = ['blocks', 1, 'mobile_inverted_conv'];
    const messages = (path: Part[], value: unknown) => mcunetProblems(setAt(mc, path, value)).map((i) => i.message);
    expect(messages([...at, 'kernel_size'], 4)).toEqual(['blocks[1].mobile_inverted_conv.kernel_size: got 4; allowed: an odd integer from 1 to 15']);
    expect(messages([...at, 'name'], 'Conv')).toEqual(['blocks[1].mobile_inverted_conv.name: got "Conv"; allowed: "ZeroLayer", "MBInvertedConvLayer"']);
    expect(messages([...at, 'expand_ratio'], 0)).toEqual(['blocks[1].mobile_inverted_conv.expand_ratio: got 0; allowed: a number greater than 0 and at most 16']);
    expect(messages([...at, 'mid_channels'], 'x')).toEqual(['blocks[1].mobile_inverted_conv.mid_channels: got "x"; allowed: null or an integer from 1 to 4096']);
    expect(messages(at, 7)).toEqual(['blocks[1].mobile_inverted_conv: got 7; allowed: null, an object with name "ZeroLayer" or an object with name "MBInvertedConvLayer"']);
    expect(messages(['feature_mix_layer'], 'x')).toEqual(['feature_mix_layer: got "x"; allowed: null or an object with the fields in_channels, out_channels, kernel_size']);
  });

  it('a candidate: SE ratio names its condition, an unknown field names itself and the known ones', () => {
    const c = sampleCandidate(space, createRng(5));
    const blocks = c.blocks.map((b) => ({ ...b })) as Record<string, unknown>[];
    Object.assign(blocks[1]!, { use_se: true, se_ratio: 0, width: 3 });
    expect(candidateIssues(space, { ...c, blocks }).map((i) => i.message)).toEqual([
      'block 2 (blocks[1]) field se_ratio: value 0 is not allowed; allowed: 0.25, 0.5 (when use_se is true)',
      'block 2 (blocks[1]) field width: is not a known field; allowed: only the fields output_channels, kernel_size, stride, expansion_factor, use_se, conv_type, skip_op, activation, num_layers, se_ratio',
    ]);
  });

  it('a space file: a repeated kernel, a leading-zero stage and an unknown key, each in words', () => {
    const base = readJson(`${ROOT}search-spaces/tinyml-cifar100.json`) as Record<string, Record<string, unknown>>;
    const bad = { ...base, choices: { ...base.choices, kernel_size: [3, 5, 3] }, stageOverrides: { '01': {} }, colour: 'red' };
    expect(spaceIssues(bad).map((i) => i.message)).toEqual([
      'colour: is not a known field; allowed: only the fields $schema, name, description, task, input, classes, stages, head, choices, seRatios, stageOverrides, constraints',
      'choices.kernel_size: items 0 and 2 are both 3; allowed: a non-empty list of distinct items, each an odd integer from 1 to 15',
      'stageOverrides["01"]: is not an allowed field name; allowed: a field name that is a stage index written 0, 1, 2 ... (no sign, no leading zero)',
    ]);
    expect(() => parseSpace(bad, 'x.json')).toThrow(/^x\.json: colour: is not a known field; /);
  });

  it('a hostile field name is quoted and cut with its length, never printed whole', () => {
    const c = sampleCandidate(space, createRng(2));
    const key = 'k'.repeat(5000); // shown: the quote and 36 characters (37 = 40 less the dots), then the quoted length
    expect(candidateIssues(space, { ...c, [key]: 1, 'a.b': 2 }).map((i) => i.field)).toEqual([`["${'k'.repeat(36)}... (5002 characters)]`, '["a.b"]']);
  });

  it('1,024 broken MCUNet blocks: one issue per field, all of them, in linear time; 1,025 refused before the schema', () => {
    const mc = readJson(`${REFERENCE}mcunet-256kb-1mb_imagenet.json`) as Record<string, unknown>;
    // each block: an even kernel and 5 missing fields (in_channels, out_channels, stride, expand_ratio, act_func)
    const broken = (n: number) => Array.from({ length: n }, () => ({ mobile_inverted_conv: { name: 'MBInvertedConvLayer', kernel_size: 4 }, shortcut: null }));
    const started = performance.now();
    const issues = mcunetProblems({ ...mc, blocks: broken(1024) });
    expect(performance.now() - started).toBeLessThan(2000); // quadratic wrapper matching took 16 s for 1,000 blocks
    expect(issues).toHaveLength(1024 * 6);
    expect(issues[0]?.message).toBe('blocks[0].mobile_inverted_conv.in_channels: is missing; allowed: an integer from 1 to 4096');
    expect(issues.at(-1)?.message).toBe('blocks[1023].mobile_inverted_conv.kernel_size: got 4; allowed: an odd integer from 1 to 15');
    expect(issues.filter((i) => i.field.endsWith('kernel_size')).map((i) => i.allowed)).toEqual(Array(1024).fill('an odd integer from 1 to 15'));
    expect(mcunetProblems({ ...mc, blocks: broken(100_000) }).map((i) => i.message)).toEqual(['blocks: got 100000 blocks; allowed: at most 1024 blocks']);
    const lmanet = (readJson(`${REFERENCE}LMaNet-Core.json`) as { candidate_config: { blocks: object[] } }).candidate_config;
    expect(lmanetProblems({ blocks: Array(1025).fill(lmanet.blocks[0]) }, ['candidate_config']).map((i) => i.message)).toEqual([
      'candidate_config.blocks: got 1025 blocks; allowed: at most 1024 blocks',
    ]);
  });
});
