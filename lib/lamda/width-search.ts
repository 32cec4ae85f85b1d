/** The width-search generator: a uniform width multiplier searched against the predictor. */
import { InputError } from '../errors.js';
import { serializeGraph } from './dsl.js';
import type { Graph } from '../graph/types.js';
import type { Generator } from './generator.js';
import { scaleWidth } from './transform.js';

export interface WidthSearchOptions {
  /** Channel counts are rounded to multiples of this (default 8, as width multipliers usually are). */
  divisor?: number;
  /** Narrowest and widest multiplier tried (default 0.05 and 1). */
  minWidth?: number;
  maxWidth?: number;
}

/** The narrowest multiplier width search tries by default. */
export const MIN_WIDTH = 0.05;

/**
 * The smallest model width search can reach from `base`: every layer but the head at the narrowest
 * multiplier (channels rounded to the divisor, at least one divisor). A latency target below this
 * model's cannot be met by narrowing; the CLI says so instead of running the loop.
 */
export function narrowestModel(base: Graph, options: WidthSearchOptions = {}): { graph: Graph; width: number } {
  const divisor = options.divisor ?? 8;
  const width = options.minWidth ?? MIN_WIDTH;
  return { graph: scaleWidth(base, width, { divisor, minChannels: divisor }), width };
}

/**
 * The pruning-ratio baseline of LAMDA section 5.3: one uniform width multiplier for every layer
 * but the head. Round 1 guesses from the quadratic MAC rule (latency ~ width²); every later round
 * halves the bracket the predicted latencies of earlier rounds give (binary search).
 */
export function widthSearchGenerator(options: WidthSearchOptions = {}): Generator {
  const divisor = options.divisor ?? 8;
  const minWidth = options.minWidth ?? MIN_WIDTH;
  const maxWidth = options.maxWidth ?? 1;
  if (!Number.isInteger(divisor) || divisor < 1) throw new InputError('divisor', divisor, 'a positive integer');
  if (!(minWidth > 0 && minWidth < maxWidth && maxWidth <= 4)) throw new InputError('width range', [minWidth, maxWidth], '0 < minWidth < maxWidth <= 4');
  return {
    name: 'width-search',
    async generate(task, history) {
      const target = task.requirements.targetMs;
      let lo = minWidth;
      let hi = maxWidth;
      let tried = 0;
      for (const h of history) {
        const w = h.meta?.width;
        if (typeof w !== 'number' || h.predictedMs === undefined) continue;
        tried++;
        // Too slow, or over a hard MAC / SRAM limit: the width must shrink.
        const tooBig = h.predictedMs > target || h.defects.some((d) => d.kind === 'requirement' && d.requirement !== 'latency' && d.direction === 'over');
        if (tooBig) hi = Math.min(hi, w);
        else lo = Math.max(lo, w);
      }
      const width = tried === 0 ? Math.min(maxWidth, Math.max(minWidth, Math.sqrt(target / task.basePredictedMs))) : (lo + hi) / 2;
      const graph = scaleWidth(task.base, width, { divisor, minChannels: divisor });
      const text = serializeGraph(graph);
      // Nothing left to try: the bracket has closed (e.g. a target above the base model's latency).
      const final = tried > 0 && hi - lo < 1e-3;
      return { text, meta: { width, bracket: [lo, hi] }, ...(final ? { final } : {}) };
    },
  };
}

