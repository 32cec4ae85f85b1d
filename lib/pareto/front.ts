import { InputError } from '../errors.js';
import { constrainedCompare } from './dominance.js';
import type { Limit, Objective } from './objectives.js';
import { limitViolations, toMinimization, totalViolation } from './objectives.js';
import { nondominatedRanks } from './sort.js';

/** One point offered to a front: named values (objectives and anything limited), optional raw constraints. */
export interface FrontEntry<T = unknown> {
  id: string;
  values: Readonly<Record<string, number>>;
  /** Optuna's convention: each value <= 0 is satisfied. */
  constraints?: readonly number[];
  data?: T;
}

export interface InsertResult {
  added: boolean;
  /** Ids of members this entry pushed off the front. */
  removed: string[];
}

interface Stored<T> {
  entry: FrontEntry<T>;
  point: number[];
  violation: number;
}

export interface FrontSnapshot<T = unknown> {
  objectives: Objective[];
  limits: Limit[];
  entries: FrontEntry<T>[];
}

/**
 * A Pareto front kept up to date as points arrive (constrained domination: feasible first, the
 * smaller total violation between infeasible points). It remembers every point, so removing a
 * member brings back the points only it dominated, and so the best point per objective is known
 * whether or not it is feasible.
 */
export class ParetoFront<T = unknown> {
  private readonly all = new Map<string, Stored<T>>();
  private readonly members = new Map<string, Stored<T>>();

  constructor(
    readonly objectives: readonly Objective[],
    readonly limits: readonly Limit[] = [],
  ) {
    if (objectives.length === 0) throw new InputError('objectives', objectives, 'at least one objective');
  }

  private store(entry: FrontEntry<T>): Stored<T> {
    const value = (name: string): number => {
      const v = entry.values[name];
      if (typeof v !== 'number' || Number.isNaN(v)) throw new InputError(`${entry.id}.${name}`, v, 'a number (±Infinity allowed)');
      return v;
    };
    const point = toMinimization(this.objectives.map((o) => value(o.name)), this.objectives);
    const violation = totalViolation(limitViolations(this.limits, value)) + totalViolation(entry.constraints);
    return { entry, point, violation };
  }

  insert(entry: FrontEntry<T>): InsertResult {
    if (this.all.has(entry.id)) throw new InputError('id', entry.id, 'an id not yet in the front');
    const s = this.store(entry);
    this.all.set(entry.id, s);
    for (const m of this.members.values()) {
      if (constrainedCompare(m.point, m.violation, s.point, s.violation) === -1) return { added: false, removed: [] };
    }
    const removed: string[] = [];
    for (const [id, m] of this.members) {
      if (constrainedCompare(s.point, s.violation, m.point, m.violation) === -1) {
        this.members.delete(id);
        removed.push(id);
      }
    }
    this.members.set(entry.id, s);
    return { added: true, removed };
  }

  /** Forgets a point; if it was on the front, the front is rebuilt from the points that remain. */
  remove(id: string): boolean {
    if (!this.all.delete(id)) return false;
    if (this.members.delete(id)) {
      this.members.clear();
      const rest = [...this.all.values()];
      const ranks = nondominatedRanks(rest.map((s) => s.point), rest.map((s) => s.violation));
      rest.forEach((s, i) => ranks[i] === 0 && this.members.set(s.entry.id, s));
    }
    return true;
  }

  /** The current front, in insertion order. */
  front(): FrontEntry<T>[] {
    return [...this.all.values()].filter((s) => this.members.has(s.entry.id)).map((s) => s.entry);
  }

  has(id: string): boolean {
    return this.members.has(id);
  }

  get size(): number {
    return this.members.size;
  }

  /** Every point seen (and not removed), in insertion order. */
  entries(): FrontEntry<T>[] {
    return [...this.all.values()].map((s) => s.entry);
  }

  /** The best point seen for one objective, feasible or not (the first one on ties). */
  best(objective: string, options: { feasibleOnly?: boolean } = {}): FrontEntry<T> | undefined {
    const k = this.objectives.findIndex((o) => o.name === objective);
    if (k < 0) throw new InputError('objective', objective, this.objectives.map((o) => o.name).join(', '));
    let best: Stored<T> | undefined;
    for (const s of this.all.values()) {
      if (options.feasibleOnly && s.violation > 0) continue;
      if (!best || (s.point[k] as number) < (best.point[k] as number)) best = s;
    }
    return best?.entry;
  }

  violation(id: string): number {
    const s = this.all.get(id);
    if (!s) throw new InputError('id', id, 'an id in the front');
    return s.violation;
  }

  toJSON(): FrontSnapshot<T> {
    return { objectives: [...this.objectives], limits: [...this.limits], entries: this.entries() };
  }

  static fromJSON<T>(snapshot: FrontSnapshot<T>): ParetoFront<T> {
    const front = new ParetoFront<T>(snapshot.objectives, snapshot.limits);
    for (const e of snapshot.entries) front.insert(e);
    return front;
  }
}
