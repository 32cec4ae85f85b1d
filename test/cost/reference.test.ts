import { describe, expect, it } from 'vitest';
import { estimateCosts } from '../../lib/cost/estimate.js';
import { lowerBlockNet } from '../../lib/space/lower-blocks.js';
import { lowerMcunet, type McunetConfig } from '../../lib/space/lower-mcunet.js';
import type { Candidate } from '../../lib/space/candidate.js';
import { FIXTURES, readJson, REFERENCE } from '../helpers.js';

const lmanet = (name: string) => lowerBlockNet((readJson(`${REFERENCE}${name}.json`) as { candidate_config: Candidate }).candidate_config);
const mcunet = (file: string, resolution?: number) => lowerMcunet(readJson(`${REFERENCE}${file}`) as McunetConfig, { resolution });
const KiB = 1024;
const roundTo = (x: number, step: number) => Math.round(x / step) * step;

// Figures built with the LMaNet authors' model.py (trainable parameters of the released weights).
describe('LMaNet / QwNet released configs at 160x160, 100 classes', () => {
  it('LMaNet-Core: 453,220 params and 76,432,000 MACs', () => {
    const r = estimateCosts(lmanet('LMaNet-Core'));
    expect(r.params).toBe(453_220);
    expect(r.macs).toBe(76_432_000);
  });
  it('LMaNet-Elite: 497,997 params', () => {
    expect(estimateCosts(lmanet('LMaNet-Elite')).params).toBe(497_997);
  });
  it('QwNet-Core: 154,749 params', () => {
    expect(estimateCosts(lmanet('QwNet-Core')).params).toBe(154_749);
  });
});

// mcunet README: MACs, params, and the theoretical peak activation "Act" (kB = KiB).
describe('MCUNet / ProxylessNAS configs against the mcunet README', () => {
  it('mcunet-in2 (256kb-1mb): 67.3 M MACs, 0.73 M params, mcunet peak exactly 325 KiB', () => {
    const r = estimateCosts(mcunet('mcunet-256kb-1mb_imagenet.json'), { model: 'mcunet' });
    expect(roundTo(r.macs, 0.1e6) / 1e6).toBeCloseTo(67.3, 6);
    expect(roundTo(r.params, 0.01e6) / 1e6).toBeCloseTo(0.73, 6);
    expect(r.peakSramBytes).toBe(332_800);
    expect(r.peakSramBytes).toBe(325 * KiB);
  });
  it('proxyless-w0.3 at 176: 38.3 M MACs, 0.75 M params, mcunet peak exactly 242 KiB', () => {
    const r = estimateCosts(mcunet('proxyless-w0.3-r176_imagenet.json'), { model: 'mcunet' });
    expect(roundTo(r.macs, 0.1e6) / 1e6).toBeCloseTo(38.3, 6);
    expect(roundTo(r.params, 0.01e6) / 1e6).toBeCloseTo(0.75, 6);
    expect(r.peakSramBytes).toBe(242 * KiB);
  });
  it('mbv2-w0.35 at 144 and mcunet-in0 at 48: published MACs and params', () => {
    const mbv2 = estimateCosts(mcunet('mbv2-w0.35-r144_imagenet.json'));
    expect(roundTo(mbv2.macs, 0.1e6) / 1e6).toBeCloseTo(23.5, 6);
    expect(roundTo(mbv2.params, 0.01e6) / 1e6).toBeCloseTo(0.75, 6);
    const in0 = estimateCosts(mcunet('mcunet-10fps_imagenet.json'));
    expect(roundTo(in0.macs, 0.1e6) / 1e6).toBeCloseTo(6.4, 6);
    expect(roundTo(in0.params, 0.01e6) / 1e6).toBeCloseTo(0.75, 6);
  });
  it('the peak follows the resolution: mcunet-in2 at 176 is larger than at 160', () => {
    const at160 = estimateCosts(mcunet('mcunet-256kb-1mb_imagenet.json', 160)).peakSramBytes;
    const at176 = estimateCosts(mcunet('mcunet-256kb-1mb_imagenet.json', 176)).peakSramBytes;
    expect(at176).toBeGreaterThan(at160);
  });
});

// torchvision's model table: mobilenet_v2 has 3,504,872 parameters and 0.301 GFLOPS (multiply-adds).
describe('torchvision mobilenet_v2 written as an MCUNet config', () => {
  it('3,504,872 params and 0.301 G MACs at 224x224', () => {
    const r = estimateCosts(lowerMcunet(readJson(`${FIXTURES}mobilenet_v2-torchvision.json`) as McunetConfig));
    expect(r.params).toBe(3_504_872);
    expect(Math.round(r.macs / 1e6)).toBe(301);
  });
});
