/** An input problem the user can fix: names the field, the value and what is allowed. */
export class InputError extends Error {
  readonly field: string;
  readonly value: unknown;
  readonly allowed: string;

  constructor(field: string, value: unknown, allowed: string, detail?: string) {
    super(`${field}: ${detail ?? `got ${formatValue(value)}`}; allowed: ${allowed}`);
    this.name = 'InputError';
    this.field = field;
    this.value = value;
    this.allowed = allowed;
  }
}

/** Several input problems found at once (e.g. every schema violation of a candidate). */
export class ValidationError extends Error {
  readonly issues: readonly InputError[];

  constructor(subject: string, issues: readonly InputError[]) {
    super(`${subject}: ${issues.map((i) => i.message).join('; ')}`);
    this.name = 'ValidationError';
    this.issues = issues;
  }
}

export function formatValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value); // NaN, ±Infinity (JSON would say null)
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
