/**
 * The one rule for numbers typed by a user (every numeric flag, `--ref`, `--constraint`, CSV fields):
 * decimal notation (optional sign, digits with an optional point and fraction, optional exponent; no
 * hex, binary, `_`, Infinity or NaN), and the value after parsing must be finite and, when the text
 * has a nonzero digit, nonzero: `1e400` is out of range, `1e-400` (which a double rounds to 0) is
 * refused too rather than silently read as 0. Integers follow the same notation; an exponent or a
 * point is accepted when the value is whole (`1e3` is 1000, `2.0` is 2, `1.5` and `1e-1` are not).
 */

/** Decimal notation: optional sign, digits with an optional fraction, optional exponent. */
export const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Why a decimal text overflows a double. */
export const OUT_OF_RANGE = 'out of range (must be finite, below 1.8e308)';
/** Why a nonzero decimal text underflows a double. */
export const UNDERFLOW = 'too close to 0 (a nonzero value must be at least 5e-324 in size; write 0 for zero)';
export const NOT_DECIMAL = 'not a decimal number';

/** A decimal text's value, or why it is not a usable number (NOT_DECIMAL, OUT_OF_RANGE or UNDERFLOW). */
export function readDecimal(text: string): { value: number } | { reason: string } {
  if (!DECIMAL.test(text)) return { reason: NOT_DECIMAL };
  const value = Number(text);
  if (!Number.isFinite(value)) return { reason: OUT_OF_RANGE };
  if (value === 0 && /[1-9]/.test(text.split(/[eE]/)[0] as string)) return { reason: UNDERFLOW };
  return { value };
}
