/**
 * Keeps the runs under a dashboard's directory current: every `pollMs` it stats each known run's
 * records.jsonl and reads what it gained (record-tail.ts: one stat call for an unchanged file), and
 * looks for new runs (runs.ts: a run started after the dashboard appears) every pollMs with up to
 * 1000 runs, less often with more (1 ms per run, at most every 30 s), since walking a tree of
 * 10,000 runs every second costs more than reading them. Listeners hear which runs changed.
 * A run's dashboard data (run-data.ts) is computed on request and kept until its records change;
 * seed groups are computed on request for the runs asked about, and kept until one of their runs changes.
 */
import { findRuns, type RunRef } from './runs.js';
import { LiveReplay } from './live-replay.js';
import { RecordTail } from './record-tail.js';
import { configKey, runData, type RunData } from './run-data.js';
import { seedGroups, type SeedGroup } from './seed-groups.js';

export interface WatchedRun {
  ref: RunRef;
  tail: RecordTail;
  replay: LiveReplay;
  cached?: { version: number; data: RunView };
}

/** A run's data for the page, with `readError` when reading its records stopped (the data is what was read before). */
/** A seed group as sent to the page: `perRun[i]` is null for a run not asked about. */
export type GroupView = Omit<SeedGroup, 'perRun'> & { perRun: (SeedGroup['perRun'][number] | null)[] };

export type RunView = (RunData & { readError?: string }) | { id: string; error: string };

/** What the page's run list shows of a run without its trials. */
export interface RunListing {
  id: string;
  records: number;
  /** Bumped when its records change. */
  version: number;
  /** Its records.jsonl's modification time, ms since the epoch (the page picks the most recently changed runs). */
  mtimeMs: number;
  /** Why reading its records stopped (a bad line, the file gone), naming the file and line. */
  error?: string;
}

export class RunWatcher {
  readonly runs = new Map<string, WatchedRun>();
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<(changed: string[]) => void>();
  private lastScan = -Infinity;
  private groupCache: { key: string; groups: GroupView[] } | undefined;

  constructor(
    readonly dir: string,
    readonly pollMs = 1000,
  ) {}

  /** Looks for runs and reads new records now; returns the ids of runs that appeared or changed. */
  poll(): string[] {
    const changed: string[] = [];
    const now = Date.now();
    if (now - this.lastScan >= this.scanEveryMs()) {
      this.lastScan = now;
      for (const ref of findRuns(this.dir)) {
        if (!this.runs.has(ref.id)) this.runs.set(ref.id, { ref, tail: new RecordTail(ref.records), replay: new LiveReplay() });
      }
    }
    for (const [id, run] of this.runs) if (run.tail.poll()) changed.push(id);
    if (changed.length > 0) for (const l of this.listeners) l(changed);
    return changed;
  }

  /** How often the directory tree is walked for new runs, ms: pollMs up to 1000 runs, then 1 ms per run (at most 30 s). */
  scanEveryMs(): number {
    return this.runs.size <= 1000 ? this.pollMs : Math.max(this.pollMs, Math.min(30_000, this.runs.size));
  }

  start(): void {
    this.poll();
    this.timer = setInterval(() => {
      try {
        this.poll();
      } catch (err) {
        process.stderr.write(`paretonas dashboard: ${(err as Error).message}\n`);
      }
    }, this.pollMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  onChange(listener: (changed: string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The runs with records or an error, sorted by id (`ids`: only those). */
  listing(ids?: readonly string[]): RunListing[] {
    const runs = ids ? ids.map((id) => this.runs.get(id)).filter((r): r is WatchedRun => r !== undefined) : [...this.runs.values()].sort((a, b) => (a.ref.id < b.ref.id ? -1 : 1));
    return runs
      .filter((r) => r.tail.records.length > 0 || r.tail.error)
      .map((r) => ({ id: r.ref.id, records: r.tail.records.length, version: r.tail.version, mtimeMs: r.tail.mtimeMs, ...(r.tail.error ? { error: r.tail.error } : {}) }));
  }

  /** A run's dashboard data now (computed once per records version); an error object when its records cannot be replayed. */
  data(id: string): RunView | undefined {
    const run = this.runs.get(id);
    if (!run) return undefined;
    if (run.tail.records.length === 0) return run.tail.error ? { id, error: run.tail.error } : undefined;
    if (run.cached?.version !== run.tail.version) {
      let data: RunView;
      try {
        data = runData(id, run.tail.records, run.replay.update(run.tail.records, run.tail.generation, run.ref.records));
        if (run.tail.error) data.readError = run.tail.error;
      } catch (err) {
        data = { id, error: (err as Error).message };
      }
      run.cached = { version: run.tail.version, data };
    }
    return run.cached.data;
  }

  /** Every run's data that replays. */
  allData(): RunData[] {
    return [...this.runs.keys()].map((id) => this.data(id)).filter((d): d is RunData => d !== undefined && !('error' in d));
  }

  /**
   * The seed groups holding any of `ids` (every group when `ids` is undefined): only runs whose
   * campaign-start configuration matches one of theirs are replayed; the answer is kept until one
   * of those runs changes.
   */
  groups(ids?: readonly string[]): GroupView[] {
    const startKey = (r: WatchedRun): string | undefined => {
      const first = r.tail.records[0];
      return first?.type === 'campaign-start' ? configKey(first.config as Parameters<typeof configKey>[0]) : undefined;
    };
    let members = [...this.runs.values()];
    if (ids) {
      const keys = new Set(ids.map((id) => this.runs.get(id)).filter((r): r is WatchedRun => r !== undefined).map(startKey));
      members = members.filter((r) => keys.has(startKey(r)));
    }
    const cacheKey = JSON.stringify([ids ?? null, members.map((r) => [r.ref.id, r.tail.version])]);
    if (this.groupCache?.key !== cacheKey) {
      const data = members.map((r) => this.data(r.ref.id)).filter((d): d is RunData => d !== undefined && !('error' in d));
      const groups = seedGroups(data);
      // Asked about some runs: their groups, with the per-run curves of those runs only (a group of 10,000 seeds sends its mean and spread, not 10,000 curves).
      const asked = new Set(ids);
      this.groupCache = { key: cacheKey, groups: ids ? groups.filter((g) => g.runs.some((r) => asked.has(r.id)) || g.leftOut.some((r) => asked.has(r.id))).map((g) => ({ ...g, perRun: g.perRun.map((ys, i) => (asked.has(g.runs[i]?.id ?? '') ? ys : null)) })) : groups };
    }
    return this.groupCache.groups;
  }
}
