/**
 * Keeps the runs under a dashboard's directory current: every `pollMs` it looks for runs again
 * (runs.ts: a run started after the dashboard appears at the next poll) and reads what each run's
 * records.jsonl gained since the last poll (record-tail.ts). Listeners hear which runs changed.
 * A run's dashboard data (run-data.ts) is computed on request and kept until its records change.
 */
import { findRuns, type RunRef } from './runs.js';
import { LiveReplay } from './live-replay.js';
import { RecordTail } from './record-tail.js';
import { runData, type RunData } from './run-data.js';

export interface WatchedRun {
  ref: RunRef;
  tail: RecordTail;
  replay: LiveReplay;
  cached?: { version: number; data: RunData | { id: string; error: string } };
}

/** What the page's run list shows of a run without its trials. */
export interface RunListing {
  id: string;
  records: number;
  /** Bumped when its records change. */
  version: number;
  error?: string;
}

export class RunWatcher {
  readonly runs = new Map<string, WatchedRun>();
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<(changed: string[]) => void>();

  constructor(
    readonly dir: string,
    readonly pollMs = 1000,
  ) {}

  /** Looks for runs and reads new records now; returns the ids of runs that appeared or changed. */
  poll(): string[] {
    const changed: string[] = [];
    for (const ref of findRuns(this.dir)) {
      let run = this.runs.get(ref.id);
      if (!run) {
        run = { ref, tail: new RecordTail(ref.records), replay: new LiveReplay() };
        this.runs.set(ref.id, run);
      }
      const before = run.tail.version;
      run.tail.poll();
      if (run.tail.version !== before) changed.push(ref.id);
    }
    if (changed.length > 0) for (const l of this.listeners) l(changed);
    return changed;
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

  listing(): RunListing[] {
    return [...this.runs.values()]
      .filter((r) => r.tail.records.length > 0 || r.tail.error)
      .map((r) => ({ id: r.ref.id, records: r.tail.records.length, version: r.tail.version, ...(r.tail.error ? { error: r.tail.error } : {}) }));
  }

  /** A run's dashboard data now (computed once per records version); an error object when its records cannot be replayed. */
  data(id: string): RunData | { id: string; error: string } | undefined {
    const run = this.runs.get(id);
    if (!run || run.tail.records.length === 0) return undefined;
    if (run.cached?.version !== run.tail.version) {
      let data: RunData | { id: string; error: string };
      try {
        data = runData(id, run.tail.records, run.replay.update(run.tail.records, run.tail.generation, run.ref.records));
      } catch (err) {
        data = { id, error: (err as Error).message };
      }
      run.cached = { version: run.tail.version, data };
    }
    return run.cached.data;
  }

  /** Every run's data that replays (for seed groups). */
  allData(): RunData[] {
    return [...this.runs.keys()].map((id) => this.data(id)).filter((d): d is RunData => d !== undefined && !('error' in d));
  }
}
