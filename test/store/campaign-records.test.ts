import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { type CampaignRecordOf, campaignCodec } from '../../lib/campaign/record-types.js';
import { campaignStore, readRecords } from '../../lib/campaign/records.js';
import { InputError } from '../../lib/errors.js';
import { MemoryStore } from '../../lib/store/memory-store.js';
import { CONFIG } from '../contracts/store.js';

const dir = () => mkdtempSync(`${tmpdir()}/campaign-records-`);

/** A memory store holding a start and proposals 0..2 (seq 0..3). */
function started(): MemoryStore<CampaignRecordOf> {
  const store = new MemoryStore(campaignCodec, 'runs/x/records.jsonl');
  store.append('campaign-start', { config: { ...CONFIG, workers: 4 } });
  for (let index = 0; index < 3; index++) store.append('proposal', { index, candidate: { blocks: [] }, note: null, key: `k${index}` });
  return store;
}
const line = (seq: number, r: Record<string, unknown>) => `${JSON.stringify({ time: '2026-11-30T00:00:00.000Z', seq, ...r })}\n`;
function refusal(store: MemoryStore<CampaignRecordOf>, r: Record<string, unknown>): string {
  store.writeRaw(line(4, r));
  try {
    store.read();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error('no error');
}

describe('campaign records: a typed union checked on read', () => {
  it('dispatch, resume with several pending, explanation and campaign-end read back as written', () => {
    const store = started();
    store.append('dispatch', { index: 1, key: 'k1', jobId: 'run7-0f3a', attempt: 1 });
    store.append('resume', { fromProposal: 3, pending: [1, 2], tornRecord: { line: 9, text: '{"ty' }, replayMismatches: [], budget: 10, notes: ['n'] });
    store.append('explanation', { index: 0, key: 'k0', model: 'llama3.2:3b', text: 'wide early stages' });
    store.append('campaign-end', { stopped: 'signal', summary: { seconds: 2.5, proposed: 3, valid: 0 } });
    const read = store.read();
    expect(read.records.slice(4).map((r) => r.type)).toEqual(['dispatch', 'resume', 'explanation', 'campaign-end']);
    const resume = read.records[5];
    expect(resume?.type === 'resume' && resume.pending).toEqual([1, 2]);
    const start = read.records[0];
    expect(start?.type === 'campaign-start' && start.config.workers).toBe(4);
  });

  it('each type breaking its schema is one line naming the file, line and field', () => {
    expect(refusal(started(), { type: 'resume', fromProposal: 3, pending: 'all', budget: 10 })).toBe('runs/x/records.jsonl line 5: a resume record whose pending is "all"; allowed: pending: null, a proposal index, or a list of them');
    expect(refusal(started(), { type: 'resume', budget: 10 })).toBe('runs/x/records.jsonl line 5: a resume record whose fromProposal is missing; allowed: fromProposal: an integer from 0 to 100000000');
    expect(refusal(started(), { type: 'explanation', index: 0, key: 'k0' })).toBe('runs/x/records.jsonl line 5: an explanation record whose text is missing; allowed: text: a text');
    expect(refusal(started(), { type: 'failure', index: 0, key: 'k0', kind: 'gone', message: 'm' })).toBe('runs/x/records.jsonl line 5: a failure record whose kind is "gone"; allowed: kind: "crash", "timeout", "malformed", "error", "worker-lost"');
    expect(refusal(started(), { type: 'llm-call', model: 'm', messages: [], reply: null, purpose: 'chat' })).toBe('runs/x/records.jsonl line 5: an llm-call record whose purpose is "chat"; allowed: purpose: "proposal", "explanation", "generation"');
    expect(refusal(started(), { type: 'campaign-end', stopped: 'budget', summary: { seconds: -1 } })).toBe('runs/x/records.jsonl line 5: a campaign-end record whose summary.seconds is -1; allowed: summary.seconds: a number >= 0');
  });

  it('the recorded config: a field the hand checks leave open is typed too', () => {
    const store = new MemoryStore(campaignCodec, 'r.jsonl');
    store.writeRaw(line(0, { type: 'campaign-start', config: { ...CONFIG, latencyModel: 7 } }));
    expect(() => store.read()).toThrow(/^r\.jsonl line 1: a campaign-start record whose config\.latencyModel is 7; allowed: config\.latencyModel: a text$/);
  });

  it('the hand checks come first, with their own words (workers out of range, a dispatch jobId with a colon)', () => {
    const store = new MemoryStore(campaignCodec, 'r.jsonl');
    store.writeRaw(line(0, { type: 'campaign-start', config: { ...CONFIG, workers: 0 } }));
    expect(() => store.read()).toThrow('r.jsonl line 1: config.workers 0; allowed: an integer from 1 to 256');
    expect(refusal(started(), { type: 'dispatch', index: 1, key: 'k1', jobId: 'a:b', attempt: 1 })).toBe('runs/x/records.jsonl line 5: a dispatch whose jobId is "a:b"; allowed: jobId: 1 to 128 letters, digits, _ or -, not all digits');
  });

  it('a typed file store and the loose readRecords read one file alike; reopening it appends after its last seq', () => {
    const path = `${dir()}/records.jsonl`;
    const store = campaignStore(path);
    store.append('campaign-start', { config: CONFIG });
    store.append('proposal', { index: 0, candidate: { blocks: [] }, note: null, key: 'k0' });
    store.close();
    appendFileSync(path, '{"type":"evalu');
    const again = campaignStore(path);
    const read = again.read();
    expect(read.torn?.line).toBe(3);
    again.dropTornTail(read.torn!);
    expect(again.append('evaluation', { index: 0, key: 'k0', metrics: { macs: 1, params: 2 } }).seq).toBe(2);
    again.close();
    expect(readRecords(path).records).toEqual(campaignStore(path).read().records);
  });

  it('append takes only the fields of its type (checked by tsc)', () => {
    const store = started();
    // @ts-expect-error a dispatch record needs its jobId and attempt
    expect(() => store.append('dispatch', { index: 1, key: 'k1' })).not.toThrow(); // written as given: the reader refuses it
    expect(refusal(store, { type: 'proposal', index: 3, candidate: null, note: null, key: null })).toMatch(/line 5: a dispatch whose jobId is missing;/);
  });
});
