/**
 * Model config fuzzing: the shipped LMaNet/QwNet and MCUNet configs and seeded candidates with a
 * field replaced (every JSON type, big and negative numbers, deep nesting), deleted or added,
 * the text truncated or nested thousands deep, through `estimate FILE --json`. Accepted configs
 * must serialize to text that parses back to the same graph.
 */
import { describe, expect, it } from 'vitest';
import { loadGraph } from '../../lib/models.js';
import type { Rng } from '../../lib/rng.js';
import { createRng } from '../../lib/rng.js';
import { FUZZ_TIMEOUT, FuzzLog, fuzzCount, fuzzDir, hostileJsonValue, pick, put } from './harness.js';
import { jsonSeeds } from './seeds.js';

/** Every container and key path inside a value. */
function paths(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

function mutate(seed: unknown, rng: Rng): { text: string; what: string } {
  const data = structuredClone(seed) as Record<string | number, unknown>;
  const kind = rng.int(10);
  if (kind === 0) {
    const text = JSON.stringify(data);
    const keep = rng.int(text.length);
    return { text: text.slice(0, keep), what: `truncated at ${keep}` };
  }
  if (kind === 1) {
    const depth = pick(rng, [63, 64, 65, 100, 3000, 5000, 100000]);
    return { text: `${'['.repeat(depth)}1${']'.repeat(depth)}`, what: `array nested ${depth} deep` };
  }
  const all = paths(data).filter((p) => p.length > 0);
  const path = pick(rng, all) ?? [];
  let parent: Record<string | number, unknown> = data;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const key = path[path.length - 1] as string | number;
  const where = path.join('.');
  if (kind === 2) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
    return { text: JSON.stringify(data), what: `${where} deleted` };
  }
  if (kind === 3) {
    // written as text: JSON.stringify itself overflows the stack thousands of levels deep
    const depth = rng.int(6000);
    parent[key] = '__DEEP__';
    return { text: JSON.stringify(data).replace('"__DEEP__"', `${'['.repeat(depth)}1${']'.repeat(depth)}`), what: `${where} nested ${depth} deep` };
  }
  if (kind === 4) {
    const text = JSON.stringify(data).replace(/\d+/, () => pick(rng, ['1e400', '99999999999999999999', '-0', '0x10', '1.0000000000000002']));
    return { text, what: 'first number replaced as text' };
  }
  const value = hostileJsonValue(rng);
  parent[key] = value;
  return { text: JSON.stringify(data), what: `${where} = ${JSON.stringify(value)?.slice(0, 40)}` };
}

describe('fuzz: model configs (JSON)', () => {
  it('every mutated config is accepted (and round-trips) or refused in one line with exit 2', async () => {
    const count = fuzzCount(1000);
    const dir = fuzzDir();
    const seeds = jsonSeeds();
    const rng = createRng(64);
    const log = new FuzzLog();
    for (let k = 0; k < count; k++) {
      const seed = pick(rng, seeds);
      const { text, what } = mutate(seed?.data, rng);
      const label = `#${k} ${seed?.name}: ${what}`;
      const file = put(`${dir}/${seed?.name}.json`, text);
      if (!(await log.estimate(file, label))) continue;
      log.roundTrip(label, () => loadGraph({ file }).graph);
    }
    console.log(log.summary(`JSON configs (${count} inputs)`));
    expect(log.failures).toEqual([]);
    expect(log.accepted).toBeGreaterThan(count / 50);
    expect(log.rejected).toBeGreaterThan(count / 4);
  }, FUZZ_TIMEOUT);
});
