/**
 * Failing inputs built by walking a JSON Schema object: for every node with a rule (type, const,
 * enum, not, anyOf/oneOf, if/then, bounds, required, additionalProperties: false, propertyNames ...)
 * one document that breaks exactly that rule, starting from a valid document. A rule added to a
 * schema later gets its own failing input without touching the test.
 *
 * The value for a rule is chosen by an independent ajv: a value the node rejects with that rule and
 * accepts without it, with the fewest errors in the whole document.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

type Node = Record<string, unknown>;
export type Part = string | number;

export interface Site {
  /** ajv-style schema pointer of the rule, e.g. `#/properties/blocks/items/properties/kernel_size/not`. */
  rule: string;
  keyword: string;
  node: Node;
  /** Where the broken value sits (for required/additionalProperties/propertyNames: the field). */
  path: Part[];
  doc: unknown;
}

/** Keywords that get a failing input of their own. */
export const RULES = ['type', 'const', 'enum', 'not', 'anyOf', 'oneOf', 'if', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'uniqueItems', 'required', 'additionalProperties', 'propertyNames'] as const;

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T>(v: T): T => structuredClone(v);
const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new Map<string, ValidateFunction>();
const check = (schema: unknown, v: unknown): boolean => {
  const key = JSON.stringify(schema);
  let f = compiled.get(key);
  if (!f) {
    const { $id: _, ...rest } = schema as Node;
    compiled.set(key, (f = ajv.compile(rest)));
  }
  return f(v) === true;
};

/** Every pointer in a schema object at which one of RULES applies (a rule to be covered). */
export function ruleSites(schema: unknown, pointer = '#'): string[] {
  if (!isNode(schema)) return [];
  const out: string[] = [];
  for (const k of RULES) {
    if (!(k in schema)) continue;
    if (k === 'additionalProperties' && schema[k] !== false) continue;
    if (k === 'required' && (schema[k] as unknown[]).length === 0) continue;
    out.push(`${pointer}/${k}`);
  }
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'properties' && isNode(v)) for (const [p, sub] of Object.entries(v)) out.push(...ruleSites(sub, `${pointer}/properties/${p}`));
    else if ((k === 'anyOf' || k === 'oneOf' || k === 'items') && Array.isArray(v)) v.forEach((sub, i) => out.push(...ruleSites(sub, `${pointer}/${k}/${i}`)));
    // (inside not and propertyNames: covered by the not / propertyNames rule itself)
    else if (['items', 'additionalProperties', 'then', 'else'].includes(k) && isNode(v)) out.push(...ruleSites(v, `${pointer}/${k}`));
  }
  return out;
}

/** A small value the node accepts. */
export function validExample(node: unknown): unknown {
  if (!isNode(node)) return null;
  if ('const' in node) return node.const;
  if (Array.isArray(node.enum)) return node.enum[0];
  const branches = (node.anyOf ?? node.oneOf) as unknown[] | undefined;
  if (branches) return validExample(branches.find((b) => isNode(b) && b.type !== 'null') ?? branches[0]);
  const type = Array.isArray(node.type) ? node.type[0] : node.type;
  if (type === 'integer' || type === 'number') {
    let v = typeof node.minimum === 'number' ? node.minimum : typeof node.exclusiveMinimum === 'number' ? node.exclusiveMinimum + 1 : 1;
    if (typeof node.maximum === 'number' && v > node.maximum) v = node.maximum;
    if (isNode(node.not) && node.not.multipleOf === 2 && v % 2 === 0) v += 1;
    return v;
  }
  if (type === 'string') return 'a'.repeat(typeof node.minLength === 'number' ? node.minLength : 1);
  if (type === 'boolean') return true;
  if (type === 'null') return null;
  if (type === 'array') {
    if (Array.isArray(node.items)) return node.items.map(validExample);
    return Array.from({ length: typeof node.minItems === 'number' ? node.minItems : 0 }, () => validExample(node.items));
  }
  const obj: Record<string, unknown> = {};
  const props = isNode(node.properties) ? node.properties : {};
  for (const r of (node.required ?? []) as string[]) obj[r] = validExample(props[r]);
  return obj;
}

export function getAt(doc: unknown, path: readonly Part[]): unknown {
  let v = doc;
  for (const p of path) v = (v as Record<Part, unknown> | undefined)?.[p];
  return v;
}

export function setAt(doc: unknown, path: readonly Part[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = clone(doc) as Record<Part, unknown>;
  const parent = getAt(copy, path.slice(0, -1)) as Record<Part, unknown>;
  const last = path.at(-1) as Part;
  if (value === undefined) delete parent[last];
  else parent[last] = value;
  return copy;
}

/** Candidate values for a rule: the usual suspects plus every const/enum value of the schema. */
function pool(node: Node, current: unknown, harvested: unknown[], keyword: string): unknown[] {
  const nums = [-1, 0, 0.5, 1, 2, 3, 4, 6, 16, 17, 100, 5000];
  for (const k of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const) {
    const b = node[k];
    if (typeof b === 'number') nums.push(b - 1, b, b + 1, b + 0.5);
  }
  const arrays: unknown[] = [[]];
  if (Array.isArray(current)) {
    arrays.push([...current, ...current], [...current, ...current, ...current, ...current]);
    if (current.length > 0) arrays.push(current.slice(1), current.slice(0, 1));
    if (typeof node.maxItems === 'number' && current.length > 0) arrays.push(Array.from({ length: node.maxItems + 1 }, (_, i) => current[i % current.length]));
  }
  // A const of a sibling branch would make the value another kind of thing, not a broken one.
  const values = keyword === 'const' || keyword === 'enum' ? harvested.filter((v) => typeof v !== 'string') : harvested;
  return [...values, ...nums, '', 'zzz', '01', true, false, null, {}, ...arrays];
}

function harvest(schema: unknown, out: unknown[] = []): unknown[] {
  if (Array.isArray(schema)) for (const s of schema) harvest(s, out);
  else if (isNode(schema)) {
    if ('const' in schema) out.push(schema.const);
    if (Array.isArray(schema.enum)) out.push(...schema.enum);
    for (const v of Object.values(schema)) if (typeof v === 'object') harvest(v, out);
  }
  return out;
}

/**
 * Every failing input of a schema, from a valid `doc`. Returns the sites and the rules reached
 * (anyOf branches walked and if/then conditions met count as reached through their inner rules).
 */
export function failingInputs(schema: Node, doc: unknown): { sites: Site[]; reached: Set<string> } {
  const root = new Ajv({ allErrors: true, strict: false, strictTuples: false }).compile(schema);
  if (!root(doc)) throw new Error(`the starting document is not valid: ${JSON.stringify(root.errors)}`);
  const errorsOf = (d: unknown): ErrorObject[] => (root(d) ? [] : (root.errors ?? []));
  const harvested = harvest(schema);
  const sites: Site[] = [];
  const reached = new Set<string>();
  const add = (site: Site) => {
    if (errorsOf(site.doc).length === 0) return;
    sites.push(site);
    reached.add(site.rule);
  };

  const walk = (node: unknown, ptr: string, path: Part[], d: unknown): void => {
    if (!isNode(node)) return;
    const value = getAt(d, path);
    for (const k of RULES) {
      if (!(k in node)) continue;
      const rule = `${ptr}/${k}`;
      if (k === 'required') {
        for (const r of node.required as string[]) add({ rule, keyword: k, node, path: [...path, r], doc: setAt(d, [...path, r], undefined) });
      } else if (k === 'additionalProperties') {
        if (node.additionalProperties === false) add({ rule, keyword: k, node, path: [...path, 'bogus_field'], doc: setAt(d, [...path, 'bogus_field'], 1) });
      } else if (k === 'propertyNames') {
        const bad = ['01', 'zzz', ''].find((name) => !check(node.propertyNames, name));
        if (bad !== undefined) add({ rule, keyword: k, node, path: [...path, bad], doc: setAt(d, [...path, bad], validExample(node.additionalProperties)) });
      } else if (k === 'if') {
        // Meet the condition, satisfy then, and walk then's rules.
        let met = d;
        for (const [p, sub] of Object.entries(((node.if as Node).properties ?? {}) as Node)) met = setAt(met, [...path, p], validExample(sub));
        for (const [p, sub] of Object.entries(((node.then as Node | undefined)?.properties ?? {}) as Node)) met = setAt(met, [...path, p], validExample(sub));
        if (errorsOf(met).length === 0) {
          reached.add(rule);
          walk(node.then, `${ptr}/then`, path, met);
        }
      } else {
        if (k === 'anyOf' || k === 'oneOf') {
          (node[k] as unknown[]).forEach((branch, i) => {
            const start = check(branch, value) ? d : setAt(d, path, validExample(branch));
            if (errorsOf(start).length === 0) walk(branch, `${ptr}/${k}/${i}`, path, start);
          });
        }
        const without = { ...node };
        delete without[k];
        let best: { doc: unknown; n: number } | undefined;
        for (const v of pool(node, value, harvested, k)) {
          if (check(node, v) || !check(without, v)) continue;
          const candidate = setAt(d, path, v);
          const errors = errorsOf(candidate);
          if (!errors.some((e) => decodeURIComponent(e.schemaPath) === rule)) continue;
          if (!best || errors.length < best.n) best = { doc: candidate, n: errors.length };
        }
        if (best) add({ rule, keyword: k, node, path, doc: best.doc });
      }
    }
    if (isNode(node.properties)) {
      for (const [p, sub] of Object.entries(node.properties)) {
        const start = isNode(value) && p in value ? d : setAt(d, [...path, p], validExample(sub));
        if (errorsOf(start).length === 0) walk(sub, `${ptr}/properties/${p}`, [...path, p], start);
      }
    }
    if (Array.isArray(node.items)) node.items.forEach((sub, i) => walk(sub, `${ptr}/items/${i}`, [...path, i], d));
    else if (isNode(node.items)) {
      const start = Array.isArray(value) && value.length > 0 ? d : setAt(d, path, [validExample(node.items)]);
      if (errorsOf(start).length === 0) walk(node.items, `${ptr}/items`, [...path, 0], start);
    }
    if (isNode(node.additionalProperties)) {
      // A key the additionalProperties schema governs: one not listed in properties, and a name propertyNames accepts.
      const listed = isNode(node.properties) ? Object.keys(node.properties) : [];
      const keys = isNode(value) ? Object.keys(value).filter((k) => !listed.includes(k)) : [];
      const key = keys[0] ?? ['0', 'extra'].find((k) => !listed.includes(k) && (node.propertyNames === undefined || check(node.propertyNames, k))) ?? '0';
      const start = keys.length > 0 ? d : setAt(d, [...path, key], validExample(node.additionalProperties));
      if (errorsOf(start).length === 0) walk(node.additionalProperties, `${ptr}/additionalProperties`, [...path, key], start);
    }
  };
  walk(schema, '#', [], doc);
  return { sites, reached };
}
