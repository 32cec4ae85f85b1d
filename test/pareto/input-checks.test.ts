/**
 * What the Pareto sorts and the crowding distance refuse (lib/pareto/check.ts): one InputError line naming
 * points, points[i] or points[i][j] (violations, violations[i]), the value and what is allowed, the same
 * rules as hypervolume's checkPointSet; inputs that used to slip through (holes, strings, typed arrays,
 * [] points) and gave wrong answers; and error lines that escape control bytes read from a file.
 */
import { describe, expect, it } from 'vitest';
import { numericColumn, parseCsv } from '../../lib/csv.js';
import { InputError, printableLine } from '../../lib/errors.js';
import { checkPointSet, checkViolations } from '../../lib/pareto/check.js';
import { checkPoints } from '../../lib/pareto/objectives.js';
import { crowdingDistance, nondominatedRanks, nondominatedSort, paretoFront } from '../../lib/pareto/sort.js';

const NUMBER = 'allowed: a number (±Infinity allowed, NaN not)';
const PUBLIC: [string, (p: never) => unknown][] = [
  ['paretoFront', paretoFront],
  ['nondominatedRanks', (p) => nondominatedRanks(p)],
  ['nondominatedSort', (p) => nondominatedSort(p)],
  ['crowdingDistance', crowdingDistance],
  ['checkPoints', (p) => checkPoints(p)],
];

/** The InputError a call throws (fails the test when it throws anything else or nothing). */
function refusal(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).not.toContain('\n');
    return e as InputError;
  }
  throw new Error('expected an InputError, got a result');
}

describe('point sets the sorts refuse: one line naming the element, the value and what is allowed', () => {
  const cases: [string, unknown, string][] = [
    ['null', null, 'points: got null; allowed: an array of points (arrays of numbers)'],
    ['undefined', undefined, 'points: got nothing (undefined); allowed: an array of points (arrays of numbers)'],
    ['a string', '[[1,2]]', 'points: got "[[1,2]]" (a string); allowed: an array of points (arrays of numbers)'],
    ['an array-like object', { length: 2, 0: [1, 2], 1: [2, 1] }, 'points: got {"0":[1,2],"1":[2,1],"length":2} (an object, not an array); allowed: an array of points (arrays of numbers)'],
    ['a hole in the outer array', [[1, 2], , [0, 3]], 'points[1]: got nothing (a hole or undefined); allowed: an array of numbers'],
    ['a null point', [[1, 2], null], 'points[1]: got null; allowed: an array of numbers'],
    ['a typed-array point', [[1, 2], new Float64Array([2, 1])], 'points[1]: got {"0":2,"1":1} (a Float64Array, not a plain array); allowed: an array of numbers'],
    ['a number as a point', [[1, 2], 3], 'points[1]: got 3; allowed: an array of numbers'],
    ['an empty point', [[]], 'points[0]: got [] (no objectives); allowed: a point with at least one objective'],
    ['a ragged point', [[1, 2], [3]], 'points[1]: point 1 has 1 objectives, expected 2; allowed: 2 objectives, like points[0]'],
    ['a longer point', [[1, 2], [3, 4, 5]], 'points[1]: point 1 has 3 objectives, expected 2; allowed: 2 objectives, like points[0]'],
    ['a BigInt', [[1n, 2]], `points[0][0]: got 1n (a bigint); ${NUMBER}`],
    ['a numeric string', [[1, 2], ['1', 2]], `points[1][0]: got "1" (a string); ${NUMBER}`],
    ['null', [[1, 2], [1, null]], `points[1][1]: got null; ${NUMBER}`],
    ['a hole in a point', [[0, , 0], [1, 1, 1], [0.5, 0.5, 0.5]], `points[0][1]: got nothing (a hole or undefined); ${NUMBER}`],
    ['undefined', [[1, undefined]], `points[0][1]: got nothing (a hole or undefined); ${NUMBER}`],
    ['NaN', [[1, 2], [3, NaN]], `points[1][1]: got NaN; ${NUMBER}`],
    ['a boolean', [[true, 2]], `points[0][0]: got true (a boolean); ${NUMBER}`],
    ['a Number object', [[Object(1), 2]], `points[0][0]: got 1 (an object, not an array); ${NUMBER}`],
  ];
  for (const [name, fn] of PUBLIC) {
    it(`${name}: ${cases.length} malformed sets, each its exact line`, () => {
      for (const [, points, line] of cases) expect(refusal(() => fn(points as never)).message).toBe(line);
    });
  }

  it('the first problem in row-major order is the one named; the field name is the caller’s', () => {
    expect(refusal(() => paretoFront([[1, NaN], ['x', 2]] as never)).message).toBe(`points[0][1]: got NaN; ${NUMBER}`);
    expect(refusal(() => checkPointSet([[1, 2], [3, 4, 5]], 'front')).message).toBe('front[1]: point 1 has 3 objectives, expected 2; allowed: 2 objectives, like front[0]');
    expect(refusal(() => checkPointSet([[1, 2]], 'front', 3)).message).toBe('front[0]: point 0 has 2 objectives, expected 3; allowed: 3 objectives');
    expect(refusal(() => checkPointSet([[]], 'front', 0)).message).toBe('front[0]: got [] (no objectives); allowed: a point with at least one objective');
  });

  it('accepts what it should: ±Infinity, -0, one objective, no points, frozen rows', () => {
    expect(checkPointSet([])).toBe(0);
    expect(checkPointSet([[Infinity, -Infinity, -0]])).toBe(3);
    expect(checkPointSet(Object.freeze([Object.freeze([1]), Object.freeze([2])]))).toBe(1);
    expect(paretoFront([[Infinity, 0], [-Infinity, 1], [0, 0]])).toEqual([1, 2]);
    expect(paretoFront([[2], [1], [1]])).toEqual([1, 2]);
    expect(crowdingDistance([])).toEqual([]);
  });

  it('the set whose hole gave [0] as its front is refused; filled in, its front is worked by hand', () => {
    expect(() => paretoFront([[0, , 0], [1, 1, 1], [0.5, 0.5, 0.5]] as never)).toThrow(InputError);
    // with 0 in the hole, (0,0,0) dominates both others; with 2 it dominates neither and (0.5,0.5,0.5) dominates (1,1,1)
    expect(paretoFront([[0, 0, 0], [1, 1, 1], [0.5, 0.5, 0.5]])).toEqual([0]);
    expect(paretoFront([[0, 2, 0], [1, 1, 1], [0.5, 0.5, 0.5]])).toEqual([0, 2]);
  });
});

describe('constraint violations: one number per point', () => {
  const pts = [[0], [1], [2]];
  const V = 'allowed: a number (<= 0 feasible, > 0 infeasible; ±Infinity allowed, NaN not)';
  const cases: [string, unknown, string][] = [
    ['NaN', [0, NaN, 1], `violations[1]: got NaN; ${V}`],
    ['strings', ['0', '1', 'x'], `violations[0]: got "0" (a string); ${V}`],
    ['a hole', [0, , 1], `violations[1]: got nothing (a hole or undefined); ${V}`],
    ['null', [0, null, 1], `violations[1]: got null; ${V}`],
    ['a number', 5, 'violations: got 5 (a number, not an array); allowed: an array of 3 numbers, one per point (<= 0 feasible, > 0 infeasible; ±Infinity allowed, NaN not)'],
    ['a typed array', new Float64Array(3), 'violations: got {"0":0,"1":0,"2":0} (a Float64Array, not a plain array); allowed: an array of 3 numbers, one per point (<= 0 feasible, > 0 infeasible; ±Infinity allowed, NaN not)'],
    ['too few', [0, 1], 'violations: got 2 values for 3 points; allowed: one number per point (3)'],
    ['too many', [0, 1, 2, 3], 'violations: got 4 values for 3 points; allowed: one number per point (3)'],
  ];
  it(`nondominatedRanks and nondominatedSort: ${cases.length} malformed violations, each its exact line`, () => {
    for (const [, v, line] of cases) {
      expect(refusal(() => nondominatedRanks(pts, v as never)).message).toBe(line);
      expect(refusal(() => nondominatedSort(pts, v as never)).message).toBe(line);
      expect(refusal(() => checkViolations(v, 3)).message).toBe(line);
    }
  });

  it('the points are checked before the violations', () => {
    expect(refusal(() => nondominatedRanks([[0], [NaN]], [NaN, 0])).message).toBe(`points[1][0]: got NaN; ${NUMBER}`);
  });

  it('±Infinity: -Infinity is feasible, +Infinity ranks after every finite violation (worked by hand)', () => {
    // feasible: point 1 (-Infinity) and 4 (0), both dominated by nothing feasible except 1 <= 4 on f: point 1 has f=1, 4 has f=4
    // so feasible ranks: 1 -> 0, 4 -> 1; infeasible levels: 2 (point 2) < Infinity (points 0, 3)
    const five = [[0], [1], [2], [3], [4]];
    expect(nondominatedRanks(five, [Infinity, -Infinity, 2, Infinity, 0])).toEqual([3, 0, 2, 3, 1]);
    expect(nondominatedSort(five, [Infinity, -Infinity, 2, Infinity, 0])).toEqual([[1], [4], [2], [0, 3]]);
    // no feasible point: the infeasible ones are ranked from 0 by violation
    expect(nondominatedRanks([[0], [1]], [Infinity, 1])).toEqual([1, 0]);
  });
});

describe('error lines escape what a file can smuggle in', () => {
  it('printableLine escapes controls, separators, lone surrogates and U+FFFD, and leaves other lines alone', () => {
    expect(printableLine('plain: got "a"; allowed: b, c ±∞ é')).toBe('plain: got "a"; allowed: b, c ±∞ é');
    expect(printableLine('a\u0000b\tc\nd\u001be\u2028f\ufffdg\ud800h\u200bi')).toBe('a\\u0000b\\u0009c\\u000ad\\u001be\\u2028f\\ufffdg\\ud800h\\u200bi');
    expect(printableLine('emoji 😀 stays')).toBe('emoji 😀 stays');
  });

  it('a CSV whose header is binary: the column error shows the names escaped, on one line', () => {
    const table = parseCsv('bin\u0000ary\u001b[2J,\ufffd\ufffdx\n1,2\n', 'bin.csv');
    const e = refusal(() => numericColumn(table, 'a', 'bin.csv'));
    expect(e.message).toBe('bin.csv column: got "a"; allowed: bin\\u0000ary\\u001b[2J, \\ufffd\\ufffdx');
    expect(e.allowed).toBe('bin\u0000ary\u001b[2J, \ufffd\ufffdx'); // the fields keep the raw text
  });

  it('an InputError built from raw parts is one printable line', () => {
    const e = new InputError('col\nname', 'v', 'x\ry');
    expect(e.message).toBe('col\\u000aname: got "v"; allowed: x\\u000dy');
  });
});
