import { describe, expect, it } from 'vitest';
import { constrainedCompare } from '../../lib/pareto/dominance.js';
import { ParetoFront } from '../../lib/pareto/front.js';
import { parseLimits, parseObjectives } from '../../lib/pareto/objectives.js';
import { bestUnderBudget, kneePoint } from '../../lib/pareto/select.js';
import { createRng } from '../../lib/rng.js';

const objectives = parseObjectives('acc:max,macs:min,params:min');

describe('ParetoFront (incremental)', () => {
  it('by hand: add, push off, reject, tie', () => {
    const f = new ParetoFront(objectives);
    expect(f.insert({ id: 'a', values: { acc: 0.6, macs: 100, params: 10 } })).toEqual({ added: true, removed: [] });
    expect(f.insert({ id: 'b', values: { acc: 0.7, macs: 100, params: 10 } })).toEqual({ added: true, removed: ['a'] });
    expect(f.insert({ id: 'c', values: { acc: 0.5, macs: 200, params: 20 } })).toEqual({ added: false, removed: [] });
    expect(f.insert({ id: 'd', values: { acc: 0.5, macs: 50, params: 10 } })).toEqual({ added: true, removed: [] });
    expect(f.insert({ id: 'e', values: { acc: 0.7, macs: 100, params: 10 } })).toEqual({ added: true, removed: [] }); // duplicate of b
    expect(f.front().map((e) => e.id)).toEqual(['b', 'd', 'e']);
    expect(f.best('acc')?.id).toBe('b');
    expect(f.best('macs')?.id).toBe('d');
  });

  it('a hard SRAM limit: feasible points first; best per objective also among infeasible ones', () => {
    const f = new ParetoFront(objectives, parseLimits('sram<=327680'));
    f.insert({ id: 'big', values: { acc: 0.9, macs: 300, params: 50, sram: 400_000 } });
    expect(f.front().map((e) => e.id)).toEqual(['big']); // nothing feasible yet: least violation
    f.insert({ id: 'worse', values: { acc: 0.95, macs: 300, params: 50, sram: 500_000 } });
    expect(f.front().map((e) => e.id)).toEqual(['big']);
    expect(f.insert({ id: 'fits', values: { acc: 0.5, macs: 300, params: 50, sram: 300_000 } })).toEqual({ added: true, removed: ['big'] });
    expect(f.best('acc')?.id).toBe('worse');
    expect(f.best('acc', { feasibleOnly: true })?.id).toBe('fits');
    expect(f.violation('big')).toBe(400_000 - 327_680);
  });

  it('matches brute force after every insert and remove on 300 seeded streams', () => {
    const rng = createRng(9);
    for (let t = 0; t < 300; t++) {
      const f = new ParetoFront(objectives, parseLimits('sram<=5'));
      const live: { id: string; values: Record<string, number> }[] = [];
      for (let i = 0; i < 40; i++) {
        if (live.length > 0 && rng.next() < 0.2) {
          const [gone] = live.splice(rng.int(live.length), 1);
          f.remove(gone!.id);
        } else {
          const e = { id: `p${i}`, values: { acc: rng.int(4) / 4, macs: rng.int(4), params: rng.int(3), sram: rng.int(8) } };
          live.push(e);
          f.insert(e);
        }
        const point = (e: (typeof live)[number]) => [-e.values.acc!, e.values.macs!, e.values.params!];
        const v = (e: (typeof live)[number]) => Math.max(0, e.values.sram! - 5);
        const want = live.filter((a) => !live.some((b) => b !== a && constrainedCompare(point(b), v(b), point(a), v(a)) === -1)).map((e) => e.id);
        expect(f.front().map((e) => e.id)).toEqual(want);
      }
    }
  });

  it('serialises for records and comes back equal', () => {
    const f = new ParetoFront(objectives, parseLimits('sram<=10'));
    f.insert({ id: 'x', values: { acc: 0.5, macs: 1, params: 1, sram: 3 }, data: { note: 'kept' } });
    f.insert({ id: 'y', values: { acc: 0.4, macs: 2, params: 1, sram: 3 } });
    const back = ParetoFront.fromJSON(JSON.parse(JSON.stringify(f)));
    expect(back.front()).toEqual(f.front());
    expect(back.entries()).toEqual(f.entries());
  });

  it('bad input names the field: NaN, a missing objective, a duplicate id, an unknown objective', () => {
    const f = new ParetoFront(objectives);
    expect(() => f.insert({ id: 'n', values: { acc: NaN, macs: 1, params: 1 } })).toThrow(/n\.acc: got NaN; allowed: a number/);
    expect(() => f.insert({ id: 'm', values: { acc: 1, macs: 1 } })).toThrow(/m\.params: got nothing/);
    f.insert({ id: 'ok', values: { acc: 1, macs: 1, params: 1 } });
    expect(() => f.insert({ id: 'ok', values: { acc: 1, macs: 1, params: 1 } })).toThrow(/id: got "ok"/);
    expect(() => f.best('latency')).toThrow(/objective: got "latency"; allowed: acc, macs, params/);
    expect(() => parseObjectives('acc:maximize')).toThrow(/--objectives acc: got "maximize"; allowed: min, max/);
    expect(() => parseLimits('sram<327680')).toThrow(/--constraint: got "sram<327680"/);
  });
});

describe('selection', () => {
  it('knee of a 2-D front, by hand: the corner of an L-shaped front', () => {
    // ends (0,10) and (10,0); (1,1) sits far below the line x + y = 10
    expect(kneePoint([[0, 10], [2, 5], [1, 1], [5, 2], [10, 0], [6, 6]])).toBe(2);
  });
  it('knee in 3-D: the point nearest the origin side of the plane through the extremes', () => {
    expect(kneePoint([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0.2, 0.2, 0.2], [0.5, 0.5, 0.1]])).toBe(3);
  });
  it('best under a budget: highest accuracy with SRAM <= 320 KiB and MACs <= 100 M', () => {
    const rows = [
      { acc: 0.8, sram: 400_000, macs: 80e6 },
      { acc: 0.7, sram: 300_000, macs: 120e6 },
      { acc: 0.65, sram: 300_000, macs: 90e6 },
      { acc: 0.6, sram: 200_000, macs: 50e6 },
    ];
    expect(bestUnderBudget(rows, { name: 'acc', direction: 'max' }, parseLimits('sram<=327680,macs<=100e6'))).toBe(2);
    expect(bestUnderBudget(rows, { name: 'acc', direction: 'max' }, parseLimits('sram<=1'))).toBe(-1);
  });
});
