/** An input problem the user can fix: names the field, the value and what is allowed. */
export class InputError extends Error {
  readonly field: string;
  readonly value: unknown;
  readonly allowed: string;

  constructor(field: string, value: unknown, allowed: string, detail?: string) {
    super(printableLine(`${field}: ${detail ?? `got ${formatValue(value)}`}; allowed: ${allowed}`));
    this.name = 'InputError';
    this.field = field;
    this.value = value;
    this.allowed = allowed;
  }
}

/** Characters an error line never shows raw: controls (newline, tab, NUL, ...), format, surrogate, private-use and unassigned code points, line/paragraph separators and U+FFFD (what invalid UTF-8 decodes to). */
const UNSHOWABLE = /[\p{C}\p{Zl}\p{Zp}\uFFFD]/u;
const UNSHOWABLE_ALL = new RegExp(UNSHOWABLE.source, 'gu');

/**
 * An error line with every unshowable character escaped as \uXXXX (as JSON and showName write it),
 * so a name read from a binary file (a CSV header, say) cannot put control bytes into the terminal or
 * break the line; a line without any is returned as it is.
 */
export function printableLine(text: string): string {
  return UNSHOWABLE.test(text) ? text.replace(UNSHOWABLE_ALL, (ch) => escapeUnit(ch)) : text;
}

/** Several input problems found at once (e.g. every schema violation of a candidate). */
export class ValidationError extends Error {
  readonly issues: readonly InputError[];

  constructor(subject: string, issues: readonly InputError[]) {
    super(`${subject}: ${listIssues(issues)}`);
    this.name = 'ValidationError';
    this.issues = issues;
  }
}

/** Longest list of issues in one error line; the rest are counted ("and 3 more problems"). */
export const MAX_ISSUES_SHOWN = 240;

/** The issues' messages joined by "; ", as many as fit MAX_ISSUES_SHOWN (at least one, cut if long). */
function listIssues(issues: readonly InputError[]): string {
  const shown: string[] = [];
  let length = 0;
  for (const issue of issues) {
    if (shown.length > 0 && length + issue.message.length > MAX_ISSUES_SHOWN) break;
    shown.push(shown.length === 0 ? capText(issue.message, MAX_ISSUES_SHOWN + 40) : issue.message);
    length += issue.message.length + 2;
  }
  const rest = issues.length - shown.length;
  return rest > 0 ? `${shown.join('; ')}; and ${rest} more problem${rest === 1 ? '' : 's'}` : shown.join('; ');
}

/** Non-finite numbers inside arrays and objects as Infinity / NaN (JSON would say null): marked by the replacer, unquoted after. */
const shownNumber = (_key: string, v: unknown): unknown => (typeof v === 'number' && !Number.isFinite(v) ? `\u0000${v}\u0000` : v);
const NON_FINITE = /"\\u0000(-?Infinity|NaN)\\u0000"/g;

export function formatValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value); // NaN, ±Infinity (JSON would say null)
  if (typeof value === 'bigint') return `${value}n`; // JSON.stringify throws on a BigInt
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value, shownNumber)?.replace(NON_FINITE, '$1') ?? String(value));
  } catch {
    text = Array.isArray(value) ? `an array of ${value.length}` : typeof value === 'object' ? 'an object too deep or cyclic to show' : String(value);
  }
  return capText(text);
}

/** Longest value shown in an error line; a longer one is cut and its length given. */
export const MAX_SHOWN = 80;

/** A text cut to MAX_SHOWN characters with its full length, so an error line stays one short line. */
export function capText(text: string, max = MAX_SHOWN): string {
  return text.length > max ? `${text.slice(0, max - 3)}... (${text.length} characters)` : text;
}

/** Characters a shown name escapes beyond JSON's own: other controls, format and separator characters, unassigned and private-use code points, U+FFFD. */
const UNPRINTABLE = /[\p{C}\p{Z}\uFFFD]/gu;
/** Printable ASCII without a quote or backslash: JSON.stringify and the escapes leave it as it is. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const escapeUnit = (ch: string): string => [...Array(ch.length).keys()].map((i) => `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`).join('');

/**
 * A name, op type or other string read from a file (ONNX, LAMDA text) as every error shows it:
 * quoted JSON-style, with control and non-printable characters escaped (U+FFFD as \ufffd, a lone
 * surrogate as \udxxx, a space stays a space), cut to `max` characters with the name's length.
 */
export function showName(name: string, max = MAX_SHOWN): string {
  // Fast path: the graph builder names every node this way, so plain short names skip the escaping.
  if (name.length <= max - 2 && PLAIN.test(name)) return `"${name}"`;
  const text = JSON.stringify(name).replace(UNPRINTABLE, (ch) => (ch === ' ' ? ch : escapeUnit(ch)));
  if (text.length <= max) return text;
  // never cut an escape or a surrogate pair in half
  const cut = text.slice(0, max - 3).replace(/\\(u[0-9a-f]{0,3})?$|[\ud800-\udbff]$/, '');
  return `${cut}... (${name.length} characters)`;
}

/**
 * A command that stopped cleanly before finishing, for a reason outside the input (e.g. Redis
 * unreachable past the patience): it printed what it did (`output`), nothing recorded is lost, and
 * the command exits with `code` (3) so scripts can tell it from success and from bad input (2).
 */
export class StoppedEarly extends Error {
  constructor(
    readonly output: string,
    message: string,
    readonly code = 3,
  ) {
    super(message);
    this.name = 'StoppedEarly';
  }
}
