/**
 * A JSON Schema node described in words a person reads as "what is allowed": `an odd integer from
 * 1 to 15`, `"relu6", "swish"`, `null or an object with name "ZeroLayer"`. The error translator
 * (schema-messages.ts) puts these words after "allowed:".
 *
 * A node's `description`, when present, is taken as those words verbatim: write it as such
 * ("a stage index: 0, 1, 2 ... without leading zeros"), not as documentation prose.
 */
import { formatValue } from '../errors.js';

export type SchemaNode = Record<string, unknown>;

const TYPE_WORDS: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a text',
  boolean: 'true or false',
  null: 'null',
  object: 'an object',
  array: 'a list',
};

const isNode = (v: unknown): v is SchemaNode => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** `a, b or c` (one item alone; none gives an empty text). */
export function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

const described = new WeakMap<object, string>();

/** Words for the allowed values of a schema node (memoised per node; `depth` stops runaway recursion). */
export function describeSchema(node: unknown, depth = 0): string {
  if (!isNode(node) || depth > 0) return describeNode(node, depth);
  let words = described.get(node);
  if (words === undefined) described.set(node, (words = describeNode(node, depth)));
  return words;
}

function describeNode(node: unknown, depth: number): string {
  if (node === true) return 'any value';
  if (node === false) return 'nothing (no value is allowed here)';
  if (!isNode(node) || depth > 6) return 'a valid value';
  if (typeof node.description === 'string') return node.description;
  if ('const' in node) return formatValue(node.const);
  if (Array.isArray(node.enum)) return node.enum.map((v) => formatValue(v)).join(', ');
  const branches = (node.anyOf ?? node.oneOf) as unknown;
  if (Array.isArray(branches)) return orList(branches.map((b) => describeSchema(b, depth + 1)));
  const types = Array.isArray(node.type) ? (node.type as string[]) : typeof node.type === 'string' ? [node.type] : [];
  if (types.length > 1) return orList(types.map((t) => describeSchema({ ...node, type: t }, depth + 1)));
  const type = types[0];
  let words: string;
  if (type === 'integer' || type === 'number') words = describeNumber(node, type);
  else if (type === 'string') words = describeString(node);
  else if (type === 'array') words = describeArray(node, depth);
  else if (type === 'object') words = describeObject(node);
  else words = type ? (TYPE_WORDS[type] ?? `a ${type}`) : 'a value';
  if (isNode(node.not) && !isOddRule(node.not)) words += `, not ${describeSchema(node.not, depth + 1)}`;
  return words;
}

/** `{multipleOf: 2}` under `not`: the schema's way of saying "odd". */
function isOddRule(not: SchemaNode): boolean {
  return Object.keys(not).length === 1 && not.multipleOf === 2;
}

function describeNumber(node: SchemaNode, type: 'integer' | 'number'): string {
  const odd = isNode(node.not) && isOddRule(node.not);
  const multiple = num(node.multipleOf);
  let noun = type === 'integer' ? 'integer' : 'number';
  if (odd) noun = `odd ${noun}`;
  let words = /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
  if (multiple !== undefined) words += ` that is a multiple of ${multiple}`;
  const min = num(node.minimum);
  const max = num(node.maximum);
  const xmin = num(node.exclusiveMinimum);
  const xmax = num(node.exclusiveMaximum);
  if (min !== undefined && max !== undefined) return `${words} from ${min} to ${max}`;
  const bounds: string[] = [];
  if (min !== undefined) bounds.push(`>= ${min}`);
  if (xmin !== undefined) bounds.push(`greater than ${xmin}`);
  if (max !== undefined) bounds.push(bounds.length > 0 ? `at most ${max}` : `<= ${max}`);
  if (xmax !== undefined) bounds.push(`less than ${xmax}`);
  return bounds.length > 0 ? `${words} ${bounds.join(' and ')}` : words;
}

function describeString(node: SchemaNode): string {
  const min = num(node.minLength);
  const max = num(node.maxLength);
  let words = min !== undefined && min > 0 ? (min === 1 ? 'a non-empty text' : `a text of at least ${min} characters`) : 'a text';
  if (max !== undefined) words += ` of at most ${max} characters`;
  if (typeof node.pattern === 'string') words += ` matching the pattern ${node.pattern}`;
  return words;
}

function describeArray(node: SchemaNode, depth: number): string {
  const min = num(node.minItems);
  const max = num(node.maxItems);
  const distinct = node.uniqueItems === true ? 'distinct ' : '';
  let count: string;
  if (min !== undefined && min === max) count = `a list of exactly ${min} ${distinct}items`;
  else if (min === 1) count = `a non-empty list of ${max === undefined ? '' : `at most ${max} `}${distinct}items`;
  else if (min !== undefined && min > 0 && max !== undefined) count = `a list of ${min} to ${max} ${distinct}items`;
  else {
    count = `a list of ${distinct}items`;
    if (min !== undefined && min > 0) count = `a list of at least ${min} ${distinct}items`;
    if (max !== undefined) count = `a list of at most ${max} ${distinct}items`;
  }
  if (isNode(node.items)) return `${count}, each ${describeSchema(node.items, depth + 1)}`;
  return count;
}

function describeObject(node: SchemaNode): string {
  const properties = isNode(node.properties) ? node.properties : {};
  // A property fixed by const names the kind of object (e.g. name "ZeroLayer").
  for (const [key, sub] of Object.entries(properties)) {
    if (isNode(sub) && 'const' in sub && Array.isArray(node.required) && node.required.includes(key)) return `an object with ${key} ${formatValue(sub.const)}`;
  }
  const required = Array.isArray(node.required) ? (node.required as string[]) : [];
  return required.length > 0 ? `an object with the fields ${required.join(', ')}` : 'an object';
}

/** The condition of an `if` in words, e.g. `use_se is true` (negated for an `else` branch). */
export function describeCondition(ifNode: unknown, negate = false): string {
  if (!isNode(ifNode)) return negate ? 'the condition does not hold' : 'the condition holds';
  const properties = isNode(ifNode.properties) ? ifNode.properties : {};
  const parts = Object.entries(properties).map(([key, sub]) => `${key} is ${negate ? 'not ' : ''}${describeSchema(sub)}`);
  return parts.length > 0 ? parts.join(negate ? ' or ' : ' and ') : describeSchema(ifNode);
}
