import { describe, expect, it } from 'vitest';
import { type CampaignRecordOf, campaignCodec } from '../../lib/campaign/record-types.js';
import { thrownInputError } from '../helpers.js';
import type { RecordCodec, Store } from '../../lib/store/types.js';
import { UnwritableRecord } from '../../lib/store/types.js';

/** A store under test, with a way to write text behind its back (a crash mid-write, an editor). */
export interface StoreHarness {
  store: Store<CampaignRecordOf>;
  /** Appends raw text to what the store holds. */
  writeRaw(text: string): void;
  /** The JSONL text the store holds. */
  contents(): string;
}

/** A whole campaign configuration as search writes it (cost evaluator, Table I limits). */
export const CONFIG = {
  space: 'tinyml-cifar100',
  proposer: 'random',
  evaluator: 'cost',
  budget: 10,
  seed: 0,
  objectives: [{ name: 'macs', direction: 'min' as const }, { name: 'params', direction: 'min' as const }],
  limits: [],
  macs: { min: 70e6, max: 350e6 },
  sramMaxBytes: 327_680,
  sramModel: 'mcunet' as const,
};
const raw = (seq: number, r: Record<string, unknown>) => `${JSON.stringify({ time: '2026-11-30T00:00:00.000Z', seq, ...r })}\n`;

/** What every Store must do; each implementation runs this suite (with the campaign records' codec). */
export function storeContract(name: string, make: (codec: RecordCodec<CampaignRecordOf>) => StoreHarness): void {
  describe(`Store contract: ${name}`, () => {
    /** A store holding the start, proposal 0 and its evaluation (seq 0, 1, 2). */
    function started(): StoreHarness {
      const h = make(campaignCodec);
      h.store.append('campaign-start', { config: CONFIG });
      h.store.append('proposal', { index: 0, candidate: { blocks: [] }, note: null, key: 'k0' });
      h.store.append('evaluation', { index: 0, key: 'k0', metrics: { macs: 8e7, params: 5e5 }, seconds: 0.5, details: null });
      return h;
    }

    it('append then read returns the records in order, seq 0..n-1', () => {
      const { store } = started();
      const read = store.read();
      expect(read.records.map((r) => [r.type, r.seq])).toEqual([['campaign-start', 0], ['proposal', 1], ['evaluation', 2]]);
      expect(read.lines).toEqual([1, 2, 3]);
      expect(read.torn).toBeUndefined();
      expect(read.records[2]).toMatchObject({ index: 0, key: 'k0', metrics: { macs: 8e7, params: 5e5 }, seconds: 0.5, details: null });
      for (const r of read.records) expect(Date.parse(r.time)).not.toBeNaN();
      // append returns the record as stored: the next seq, and the fields given
      const p = store.append('proposal', { index: 1, candidate: null, note: 'no reply', key: null });
      expect(p).toMatchObject({ type: 'proposal', seq: 3, index: 1, candidate: null, key: null });
      expect(store.read().records.at(-1)).toEqual(p);
      store.close();
    });

    it('a torn last line is reported, and dropping it lets appending go on', () => {
      const h = started();
      const whole = h.contents();
      const cut = '{"type":"proposal","time":"2026-11-30T00:00:00.000Z","seq":3,"index":1,"cand';
      h.writeRaw(cut);
      const read = h.store.read();
      expect(read.records).toHaveLength(3);
      expect(read.torn).toEqual({ line: 4, text: cut, byteOffset: Buffer.byteLength(whole) });
      h.store.dropTornTail(read.torn!);
      expect(h.contents()).toBe(whole);
      h.store.append('proposal', { index: 1, candidate: { blocks: [] }, note: null, key: 'k1' });
      const after = h.store.read();
      expect(after.torn).toBeUndefined();
      expect(after.records.map((r) => r.seq)).toEqual([0, 1, 2, 3]);
      expect(after.lines).toEqual([1, 2, 3, 4]);
      h.store.close();
    });

    it('a whole record without its newline is torn too; a record type the codec does not know, last, is torn', () => {
      const h = started();
      h.writeRaw(raw(3, { type: 'proposal', index: 1, candidate: null, key: null }).trimEnd());
      expect(h.store.read().torn?.line).toBe(4);
      const g = started();
      g.writeRaw(raw(3, { type: 'lamda-start', base: 'resnet18' }));
      expect(g.store.read().torn).toMatchObject({ line: 4, text: expect.stringContaining('"lamda-start"') });
    });

    it('a bad line that is not last is an error naming its line', () => {
      const h = started();
      h.writeRaw('not json\n');
      h.store.append('proposal', { index: 1, candidate: null, note: null, key: null });
      expect(thrownInputError(() => h.store.read()).message).toMatch(new RegExp(`^${h.store.source.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} line 4: got "not json"; allowed: one JSON record per line \\(`));
    });

    it('±Infinity and NaN round-trip', () => {
      const h = make(campaignCodec);
      h.store.append('campaign-start', { config: { ...CONFIG, macs: { min: 0, max: Infinity }, sramMaxBytes: Infinity, limits: [{ name: 'params', min: -Infinity, max: Infinity }] } });
      h.store.append('proposal', { index: 0, candidate: { blocks: [] }, note: null, key: 'k0' });
      h.store.append('evaluation', { index: 0, key: 'k0', metrics: { macs: 1, params: 2, accuracy: NaN, margin: -Infinity } });
      // written as strings JSON can hold, never as null
      expect(h.contents()).toContain('"macs":{"min":0,"max":"Infinity"},"sramMaxBytes":"Infinity"');
      expect(h.contents()).toContain('"accuracy":"NaN","margin":"-Infinity"');
      expect(h.contents()).not.toMatch(/"(min|max|sramMaxBytes|accuracy|margin)":null/);
      const [start, , evaluation] = h.store.read().records;
      expect(start?.type === 'campaign-start' && start.config).toMatchObject({ macs: { min: 0, max: Infinity }, sramMaxBytes: Infinity, limits: [{ name: 'params', min: -Infinity, max: Infinity }] });
      expect(evaluation?.type === 'evaluation' && evaluation.metrics).toEqual({ macs: 1, params: 2, accuracy: NaN, margin: -Infinity });
    });

    it("a record breaking its type's schema is refused on read, naming the line and field", () => {
      const source = (h: StoreHarness) => h.store.source;
      // by a hand-written check (its message is relied on elsewhere)
      const a = started();
      a.writeRaw(raw(3, { type: 'evaluation', index: 0, key: 'k0', seconds: 1 }));
      expect(thrownInputError(() => a.store.read()).message).toBe(`${source(a)} line 4: an evaluation record without metrics; allowed: metrics: an object of numbers (macs, params, ... and the objectives)`);
      // by its JSON Schema: a resume whose budget is text, even as the last line (a whole record is never torn)
      const b = started();
      b.writeRaw(raw(3, { type: 'resume', fromProposal: 1, pending: null, tornRecord: null, replayMismatches: [], budget: '7' }));
      expect(thrownInputError(() => b.store.read()).message).toBe(`${source(b)} line 4: a resume record whose budget is "7"; allowed: budget: an integer from 1 to 100000000`);
      // a dispatch with a field it does not have
      const c = started();
      c.writeRaw(raw(3, { type: 'dispatch', index: 0, key: 'k0', jobId: 'run-1-abc', attempt: 1, worker: 'w1' }));
      expect(thrownInputError(() => c.store.read()).message).toBe(`${source(c)} line 4: a dispatch record whose worker is not a known field; allowed: worker: only the fields type, time, seq, index, key, jobId, attempt`);
      // a campaign-end that does not say why it stopped
      const d = started();
      d.writeRaw(raw(3, { type: 'campaign-end', stopped: 'tired', summary: { seconds: 1 } }));
      expect(thrownInputError(() => d.store.read()).message).toBe(`${source(d)} line 4: a campaign-end record whose stopped is "tired"; allowed: stopped: "budget", "valid", "time", "signal"`);
    });

    it('an unwritable record throws UnwritableRecord and writes nothing', () => {
      const h = started();
      const before = h.contents();
      const cyclic: Record<string, unknown> = { blocks: [] };
      cyclic.self = cyclic;
      expect(() => h.store.append('proposal', { index: 1, candidate: cyclic, note: null, key: null })).toThrow(UnwritableRecord);
      expect(() => h.store.append('proposal', { index: 1, candidate: cyclic, note: null, key: null })).toThrow(/^a proposal record could not be written as JSON \(Converting circular structure to JSON --> starting at object with constructor 'Object' --- property 'self' closes the circle\); nothing was written$/);
      expect(h.contents()).toBe(before);
      // the seq it would have had is the next record's
      expect(h.store.append('proposal', { index: 1, candidate: null, note: null, key: null }).seq).toBe(3);
      expect(h.store.read().records.map((r) => r.seq)).toEqual([0, 1, 2, 3]);
    });

    it('close is idempotent, and appending after it throws', () => {
      const h = started();
      h.store.close();
      h.store.close();
      expect(() => h.store.append('proposal', { index: 1, candidate: null, note: null, key: null })).toThrow(/append after close/);
      expect(h.store.read().records).toHaveLength(3); // what was written stays readable
    });
  });
}
