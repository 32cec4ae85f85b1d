/**
 * One translator from ajv's errors to lines a person reads: every rejection names the field
 * (`blocks[2].kernel_size`), the value, and what is allowed in words (`an odd integer from 1 to 15`),
 * never ajv's "must NOT be valid", "must match a schema in anyOf" or a `#/...` schema path.
 *
 * - anyOf/oneOf: the branch the value was meant to be (its type, and a const field such as
 *   `name: "ZeroLayer"`) reports its own errors; a value that fits no branch gets all branches in words;
 *   an unknown `name` is reported on that field with the names the branches allow.
 * - if/then: the `then` errors say when they apply ("(when use_se is true)").
 * - additionalProperties: names the unknown field and the known ones.
 * - One issue per field (the first). Linear in the number of ajv errors (descriptions are memoised
 *   per schema node), so a file with 100,000 bad fields is listed in well under a second.
 */
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import { capText, formatValue, InputError } from '../errors.js';
import { describeCondition, describeSchema, type SchemaNode } from './schema-words.js';

export type PathPart = string | number;

export interface SchemaIssue {
  path: PathPart[];
  value: unknown;
  /** What is allowed, in words. */
  allowed: string;
  /** Replaces "got VALUE" when set (e.g. "is missing"). */
  detail?: string;
  keyword: string;
}

export interface MessageOptions {
  /** Path parts put before every field (e.g. `candidate_config` for an unwrapped file). */
  prefix?: PathPart[];
  /** How a path is named; default `a.b[2].c`. */
  field?: (path: PathPart[]) => string;
  /** Words for a value that breaks a rule; default "got VALUE". */
  rejected?: (value: unknown) => string;
  /** Last say on an issue (e.g. a schema-specific wording of a list length). */
  adjust?: (issue: SchemaIssue) => SchemaIssue;
}

/** An ajv validator set up for the translator (all errors, with the failing data and schemas). */
export function compileSchema(schema: object, options: Options = {}): ValidateFunction {
  return new Ajv({ allErrors: true, verbose: true, ...options }).compile(schema);
}

/**
 * Validates `data`; [] when it passes, else one InputError per field with a problem, in words.
 * All of them: ValidationError decides how many fit its one line and counts the rest.
 */
export function schemaProblems(validate: ValidateFunction, data: unknown, options: MessageOptions = {}): InputError[] {
  if (validate(data)) return [];
  const name = options.field ?? renderPath;
  return translateErrors(validate.errors ?? [], data).map((raw) => {
    const issue = options.adjust ? options.adjust(raw) : raw;
    const detail = issue.detail ?? (options.rejected ? options.rejected(issue.value) : undefined);
    return new InputError(name([...(options.prefix ?? []), ...issue.path]), issue.value, issue.allowed, detail);
  });
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** Longest field name shown as is; a longer (or odd) one is quoted and cut, with its length. */
const MAX_KEY_SHOWN = 40;

/** `blocks[2].kernel_size`; an odd key in brackets and quotes, cut when long. */
export function renderPath(path: readonly PathPart[]): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : IDENTIFIER.test(p) && p.length <= MAX_KEY_SHOWN ? `${i === 0 ? '' : '.'}${p}` : `[${capText(JSON.stringify(p), MAX_KEY_SHOWN)}]`))
    .join('');
}

/** The path parts of an ajv instancePath, array positions as numbers. */
function pathOf(pointer: string, root: unknown): PathPart[] {
  if (pointer === '') return [];
  const parts: PathPart[] = [];
  let node: unknown = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    const part: PathPart = Array.isArray(node) && /^\d+$/.test(key) ? Number(key) : key;
    parts.push(part);
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  }
  return parts;
}

const isNode = (v: unknown): v is SchemaNode => typeof v === 'object' && v !== null && !Array.isArray(v);
const under = (e: ErrorObject, prefix: string) => e.schemaPath.startsWith(prefix);

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v === 'string' ? 'string' : typeof v === 'boolean' ? 'boolean' : 'object';
}

function typeFits(branch: unknown, v: unknown): boolean {
  if (!isNode(branch)) return branch !== false;
  const t = jsonType(v);
  if (branch.type !== undefined) {
    const types = Array.isArray(branch.type) ? (branch.type as string[]) : [branch.type as string];
    return types.includes(t) || (t === 'integer' && types.includes('number'));
  }
  if ('const' in branch) return jsonType(branch.const) === t;
  return true;
}

/** A field every object branch fixes with a const (e.g. `name`), if there is one. */
function discriminator(branches: unknown[]): string | undefined {
  const objects = branches.filter((b): b is SchemaNode => isNode(b) && b.type === 'object');
  if (objects.length < 2) return undefined;
  const keys = Object.keys((objects[0]?.properties ?? {}) as object);
  return keys.find((k) => objects.every((b) => isNode(b.properties) && isNode(b.properties[k]) && 'const' in (b.properties[k] as SchemaNode)));
}

/**
 * The errors ajv reported inside a wrapper error (anyOf, oneOf, if, propertyNames): with allErrors,
 * ajv appends them just before the wrapper, so this is a backward scan, linear in their number.
 */
function insideOf(errors: readonly ErrorObject[], at: number, prefix: string): ErrorObject[] {
  const inside: ErrorObject[] = [];
  for (let i = at - 1; i >= 0 && under(errors[i] as ErrorObject, prefix); i--) inside.push(errors[i] as ErrorObject);
  return inside.reverse();
}

/** Turns ajv errors into issues: union branches resolved, conditions attached, wrappers dropped, one issue per field. */
export function translateErrors(errors: readonly ErrorObject[], root: unknown): SchemaIssue[] {
  const dropped = new Set<ErrorObject>();
  const extra = new Map<ErrorObject, SchemaIssue>();
  const condition = new Map<ErrorObject, string>();
  // Outer wrappers come after inner ones, so walking backwards meets them first.
  for (let at = errors.length - 1; at >= 0; at--) {
    const u = errors[at] as ErrorObject;
    if (dropped.has(u)) continue;
    if (u.keyword === 'if') {
      dropped.add(u);
      const branch = String(u.params.failingKeyword ?? 'then');
      const words = describeCondition((u.parentSchema as SchemaNode | undefined)?.if, branch === 'else');
      for (const e of insideOf(errors, at, u.schemaPath.replace(/\/if$/, `/${branch}/`))) if (!condition.has(e)) condition.set(e, words);
      continue;
    }
    if (u.keyword === 'propertyNames') {
      if (at > 0 && errors[at - 1]?.propertyName !== undefined) dropped.add(u);
      continue;
    }
    if (u.keyword !== 'anyOf' && u.keyword !== 'oneOf') continue;
    const inside = insideOf(errors, at, `${u.schemaPath}/`);
    const branches = Array.isArray(u.schema) ? (u.schema as unknown[]) : [];
    if (u.keyword === 'oneOf' && Array.isArray(u.params.passingSchemas)) {
      for (const e of inside) dropped.add(e);
      continue;
    }
    const fits = branches.map((_, i) => i).filter((i) => typeFits(branches[i], u.data));
    const key = discriminator(branches.filter((_, i) => fits.includes(i)));
    const data = u.data as Record<string, unknown>;
    let pool = fits;
    if (key !== undefined && isNode(u.data)) {
      pool = fits.filter((i) => ((branches[i] as SchemaNode).properties as Record<string, SchemaNode>)[key]?.const === data[key]);
      if (pool.length === 0) {
        // An unknown kind: say which kinds there are, on the field that names the kind.
        const kinds = fits.map((i) => formatValue(((branches[i] as SchemaNode).properties as Record<string, SchemaNode>)[key]?.const)).join(', ');
        for (const e of inside) dropped.add(e);
        dropped.add(u);
        const issue: SchemaIssue = { path: [...pathOf(u.instancePath, root), key], value: data[key], allowed: kinds, keyword: 'const' };
        extra.set(u, data[key] === undefined ? { ...issue, detail: 'is missing' } : issue);
        continue;
      }
    }
    const count = (i: number) => inside.filter((e) => under(e, `${u.schemaPath}/${i}/`)).length;
    const best = pool.length === 0 ? -1 : pool.reduce((a, b) => (count(b) < count(a) ? b : a));
    if (best >= 0 && count(best) > 0) {
      dropped.add(u);
      for (const e of inside) if (!under(e, `${u.schemaPath}/${best}/`)) dropped.add(e);
    } else {
      for (const e of inside) dropped.add(e);
    }
  }
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  const take = (path: PathPart[], make: () => SchemaIssue) => {
    const key = JSON.stringify(path);
    if (seen.has(key)) return;
    seen.add(key);
    issues.push(make());
  };
  for (const e of errors) {
    const replaced = extra.get(e);
    if (replaced) take(replaced.path, () => replaced);
    if (dropped.has(e)) continue;
    take(issuePath(e, root), () => {
      const issue = toIssue(e, root);
      const when = condition.get(e);
      if (when !== undefined) issue.allowed += ` (when ${when})`;
      return issue;
    });
  }
  return issues;
}

/** Where an error's issue is reported: the value, or the missing / unknown / badly named field. */
function issuePath(e: ErrorObject, root: unknown): PathPart[] {
  const path = pathOf(e.instancePath, root);
  if (e.propertyName !== undefined || e.keyword === 'propertyNames') return [...path, e.propertyName ?? String(e.params.propertyName)];
  if (e.keyword === 'required') return [...path, String(e.params.missingProperty)];
  if (e.keyword === 'additionalProperties') return [...path, String(e.params.additionalProperty)];
  return path;
}

function toIssue(e: ErrorObject, root: unknown): SchemaIssue {
  const path = pathOf(e.instancePath, root);
  const parent = (e.parentSchema ?? {}) as SchemaNode;
  const data = e.data as unknown;
  if (e.propertyName !== undefined || e.keyword === 'propertyNames') {
    const name = e.propertyName ?? String(e.params.propertyName);
    return { path: [...path, name], value: name, allowed: `a field name that is ${describeSchema(parent)}`, detail: `is not an allowed field name`, keyword: e.keyword };
  }
  switch (e.keyword) {
    case 'required': {
      const field = String(e.params.missingProperty);
      const sub = isNode(parent.properties) ? parent.properties[field] : undefined;
      return { path: [...path, field], value: undefined, allowed: sub === undefined ? 'any value' : describeSchema(sub), detail: 'is missing', keyword: e.keyword };
    }
    case 'additionalProperties': {
      const field = String(e.params.additionalProperty);
      const known = Object.keys(isNode(parent.properties) ? parent.properties : {});
      const allowed = known.length === 0 ? 'no fields here' : `only the fields ${known.join(', ')}`;
      return { path: [...path, field], value: (data as Record<string, unknown>)[field], allowed, detail: 'is not a known field', keyword: e.keyword };
    }
    case 'minItems':
    case 'maxItems': {
      const n = Array.isArray(data) ? data.length : 0;
      return { path, value: data, allowed: describeSchema(parent), detail: `got ${n} item${n === 1 ? '' : 's'}`, keyword: e.keyword };
    }
    case 'uniqueItems': {
      const { i, j } = e.params as { i: number; j: number };
      return { path, value: data, allowed: describeSchema(parent), detail: `items ${Math.min(i, j)} and ${Math.max(i, j)} are both ${formatValue((data as unknown[])[i])}`, keyword: e.keyword };
    }
    case 'oneOf':
      if (Array.isArray(e.params.passingSchemas)) return { path, value: data, allowed: `exactly one of: ${describeSchema(parent)}`, detail: `${formatValue(data)} fits more than one`, keyword: e.keyword };
      return { path, value: data, allowed: describeSchema(parent), keyword: e.keyword };
    default:
      // type, const, enum, not, minimum, maximum, multipleOf, pattern, anyOf with no branch fitting ...
      return { path, value: data, allowed: describeSchema(parent), keyword: e.keyword };
  }
}
