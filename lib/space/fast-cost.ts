import type { BlockConfig, Candidate, LayerSpec } from './candidate.js';
import { blockLayers } from './candidate.js';
import type { SearchSpace } from './space.js';
import { stageChoices } from './space.js';
import type { Totals } from '../cost/estimate.js';
import type { SramOptions } from '../cost/sram.js';

/**
 * Closed-form costs of block-list candidates, memoised per stage: a second implementation of
 * lowering + estimateCosts for this one family, equal to the graph path on every candidate
 * (the property test in test/space/fast-cost.test.ts holds them together).
 */
export interface FastOptions extends SramOptions {
  resolution?: number;
  classes?: number;
}

interface StageCost {
  macs: number;
  params: number;
  flashBytes: number;
  peak: number;
  channels: number;
  size: number;
}

/** Costs of one layer whose input is cin x h x h; mirrors lowerLayer's op order. */
function layerCost(l: LayerSpec, h: number, o: SramOptions): StageCost {
  const k = l.kernel;
  const pad = Math.floor(k / 2);
  const ho = Math.floor((h + 2 * pad - k) / l.stride) + 1;
  const mbconv = l.type === 'mbconv';
  const X = l.cin * h * h;
  const M1 = mbconv ? l.mid * h * h : X;
  const M2 = l.mid * ho * ho;
  const O = l.cout * ho * ho;
  const plane = ho * ho;
  const se = l.seMid;
  let macs = ho * ho * l.mid * k * k + ho * ho * l.cout * l.mid + 2 * l.mid * se;
  let params = l.mid * k * k + 2 * l.mid + l.cout * l.mid + 2 * l.cout + (se > 0 ? 2 * l.mid * se + se + l.mid : 0);
  let flashBytes = l.mid * k * k + 8 * l.mid + l.cout * l.mid + 8 * l.cout + (se > 0 ? 2 * l.mid * se + 8 * se + 8 * l.mid : 0);
  if (mbconv) {
    macs += h * h * l.mid * l.cin;
    params += l.mid * l.cin + 2 * l.mid;
    flashBytes += l.mid * l.cin + 8 * l.mid;
  }
  if (l.shortcut === 'projection') {
    macs += ho * ho * l.cout * l.cin;
    params += l.cout * l.cin + 2 * l.cout;
    flashBytes += l.cout * l.cin + 8 * l.cout;
  }
  const keepsInput = l.shortcut !== 'none';
  const dwInputDies = mbconv || !keepsInput;
  const dwOwn = o.inplaceDepthwise && dwInputDies ? Math.max(M1, M2) + plane : M1 + M2;
  let peak: number;
  if (o.model === 'mcunet') {
    peak = Math.max(dwOwn + (mbconv && keepsInput ? X : 0), M2 + O);
    if (mbconv) peak = Math.max(peak, X + M1);
    if (se > 0) peak = Math.max(peak, l.mid + se);
    if (l.shortcut === 'projection') peak = Math.max(peak, X + O);
  } else {
    const R = keepsInput ? X : 0;
    peak = Math.max(dwOwn + (mbconv ? R : 0), M2 + O + R);
    if (mbconv) peak = Math.max(peak, X + M1);
    if (se > 0) peak = Math.max(peak, M2 + l.mid + se + R, 2 * M2 + l.mid + R);
    if (l.shortcut === 'identity') peak = Math.max(peak, 2 * O + X);
    if (l.shortcut === 'projection') peak = Math.max(peak, X + 2 * O, 3 * O);
  }
  return { macs, params, flashBytes, peak, channels: l.cout, size: ho };
}

function stageCost(block: BlockConfig, cin: number, h: number, o: SramOptions): StageCost {
  const total: StageCost = { macs: 0, params: 0, flashBytes: 0, peak: 0, channels: cin, size: h };
  for (const layer of blockLayers(block, cin)) {
    const c = layerCost(layer, total.size, o);
    total.macs += c.macs;
    total.params += c.params;
    total.flashBytes += c.flashBytes;
    total.peak = Math.max(total.peak, c.peak);
    total.channels = c.channels;
    total.size = c.size;
  }
  return total;
}

const FIELD_ORDER = ['output_channels', 'kernel_size', 'stride', 'expansion_factor', 'use_se', 'se_ratio', 'conv_type', 'skip_op', 'activation', 'num_layers'] as const;

/** Returns a function from candidate to totals, with per-stage results memoised. */
export function createFastEvaluator(space: SearchSpace, options: FastOptions): (candidate: Candidate) => Totals {
  const resolution = options.resolution ?? space.input.resolution;
  const classes = options.classes ?? space.classes;
  // Index of each allowed value, per field (union over stages); a value outside gets no memo.
  const indices = FIELD_ORDER.map((field) => {
    const values = new Set<unknown>(field === 'se_ratio' ? [0, ...space.seRatios] : []);
    for (let s = 0; s < space.stages; s++) if (field !== 'se_ratio') for (const v of stageChoices(space, s)[field]) values.add(v);
    return new Map<unknown, number>([...values].map((v, i) => [v, i]));
  });
  // Integer fields index through arrays (no hashing); the others through their small maps.
  const byValue = (map: Map<unknown, number>): Int32Array => {
    const ints = [...map.keys()] as number[];
    const table = new Int32Array(Math.max(...ints) + 1).fill(-1);
    for (const v of ints) table[v] = map.get(v) as number;
    return table;
  };
  const at = (table: Int32Array, v: number): number => (Number.isInteger(v) && v >= 0 && v < table.length ? (table[v] as number) : -1);
  const [ocMap, ksMap, stMap, efMap, seMap, srMap, ctMap, skMap, acMap, nlMap] = indices as Map<unknown, number>[] as [Map<unknown, number>, Map<unknown, number>, Map<unknown, number>, Map<unknown, number>, Map<unknown, number>, Map<unknown, number>, Map<unknown, number>, Map<unknown, number>, Map<unknown, number>, Map<unknown, number>];
  const [oc, ks, st, ef, nl] = [ocMap, ksMap, stMap, efMap, nlMap].map(byValue) as [Int32Array, Int32Array, Int32Array, Int32Array, Int32Array];
  // Memo: stage configuration index -> (input channels, input size) -> cost.
  const memo: (Map<number, StageCost> | undefined)[] = [];

  const [, rKs, rSt, rEf, rSe, rSr, rCt, rSk, rAc, rNl] = indices.map((m) => m.size) as number[] as [number, number, number, number, number, number, number, number, number, number];
  const digit = (d: number, radix: number, key: number): number => (d < 0 || key < 0 ? -1 : key * radix + d);

  /** Mixed-radix index of a block's ten fields, or -1 when a value is outside the space. */
  const configIndex = (b: BlockConfig): number => {
    let key = at(oc, b.output_channels);
    key = digit(at(ks, b.kernel_size), rKs, key);
    key = digit(at(st, b.stride), rSt, key);
    key = digit(at(ef, b.expansion_factor), rEf, key);
    key = digit(seMap.get(b.use_se) ?? -1, rSe, key);
    key = digit(srMap.get(b.se_ratio) ?? -1, rSr, key);
    key = digit(ctMap.get(b.conv_type) ?? -1, rCt, key);
    key = digit(skMap.get(b.skip_op) ?? -1, rSk, key);
    key = digit(acMap.get(b.activation) ?? -1, rAc, key);
    return digit(at(nl, b.num_layers), rNl, key);
  };

  return (candidate) => {
    let cin = candidate.input_channels ?? space.input.channels;
    let h = resolution;
    let macs = 0;
    let params = 0;
    let flashBytes = 0;
    let peak = 0;
    for (const block of candidate.blocks) {
      // (cin, h) pack into one small integer; sizes past the packing are computed, not memoised.
      const config = cin < 65536 && h < 65536 ? configIndex(block) : -1;
      const shapeKey = cin * 65536 + h;
      let c: StageCost | undefined;
      if (config >= 0) {
        let inner = memo[config];
        if (!inner) memo[config] = inner = new Map();
        c = inner.get(shapeKey);
        if (!c) inner.set(shapeKey, (c = stageCost(block, cin, h, options)));
      } else {
        c = stageCost(block, cin, h, options);
      }
      macs += c.macs;
      params += c.params;
      flashBytes += c.flashBytes;
      if (c.peak > peak) peak = c.peak;
      cin = c.channels;
      h = c.size;
    }
    // Head: global average pool, flatten, dropout, linear with bias.
    macs += cin * classes;
    params += cin * classes + classes;
    flashBytes += cin * classes + 8 * classes;
    const headPeak = options.model === 'mcunet' ? cin + classes : Math.max(cin * h * h + cin, cin + classes);
    return { macs, params, flashBytes, peakSramBytes: Math.max(peak, headPeak) };
  };
}
