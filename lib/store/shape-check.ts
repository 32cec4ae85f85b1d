/**
 * A record codec's JSON Schema stage: one ajv schema per record type, compiled once (on first
 * use), and the first field a record breaks turned into one InputError line naming the file,
 * line and field: `PATH line 7: a resume record whose budget is "7"; allowed: budget: an integer from 1 to 100000000`.
 */
import type { ValidateFunction } from 'ajv';
import { formatValue, InputError } from '../errors.js';
import { compileSchema, renderPath, translateErrors } from '../space/schema-messages.js';

/** A check of one record against its type's schema; a type without a schema passes. */
export type ShapeCheck = (where: string, record: { type: string }) => void;

/** @param shapes one JSON Schema per record type (fields a schema does not name are left alone unless it says otherwise). */
export function shapeChecker(shapes: Readonly<Record<string, object>>): ShapeCheck {
  let compiled: Map<string, ValidateFunction> | undefined;
  return (where, record) => {
    const type = record.type;
    compiled ??= new Map(Object.entries(shapes).map(([t, schema]) => [t, compileSchema(schema)]));
    const validate = compiled.get(type);
    if (!validate || validate(record)) return;
    const issue = translateErrors(validate.errors ?? [], record)[0];
    if (!issue) return;
    const field = renderPath(issue.path);
    throw new InputError(where, issue.value, `${field}: ${issue.allowed}`, `${/^([aeiou]|llm)/.test(type) ? 'an' : 'a'} ${type} record whose ${field} ${issue.detail ?? `is ${formatValue(issue.value)}`}`);
  };
}
