import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../lib/errors.js';
import { deviceLimits, listDevices, loadDevice, parseDevice } from '../../lib/device/profile.js';
import { thrownInputError } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'paretonas-device-'));
const F746 = loadDevice('stm32f746');

/** Writes a device file and returns the message loading it throws. */
function loadError(name: string, content: unknown): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  try {
    loadDevice(path);
  } catch (e) {
    return (e as Error).message.replace(path, 'X');
  }
  throw new Error(`${name}: loaded`);
}

describe('shipped device profiles', () => {
  it('lists the shipped profiles', () => {
    expect(listDevices()).toEqual(['host-cpu', 'stm32f412', 'stm32f746', 'stm32h743']);
  });

  it('gives each board its datasheet memory and clock, in bytes (KiB = 1024)', () => {
    const rows = listDevices().map((n) => {
      const d = loadDevice(n);
      return [d.name, d.kind, d.sramBytes, d.flashBytes, d.clockMHz, d.latencyModel];
    });
    expect(rows).toEqual([
      ['host-cpu', 'cpu', undefined, undefined, undefined, 'predictor'],
      ['stm32f412', 'mcu', 256 * 1024, 1024 * 1024, 100, 'cortex-m'],
      ['stm32f746', 'mcu', 320 * 1024, 1024 * 1024, 216, 'cortex-m'],
      ['stm32h743', 'mcu', 512 * 1024, 2 * 1024 * 1024, 480, 'cortex-m'],
    ]);
    for (const n of listDevices()) expect(loadDevice(n).sources?.length, n).toBeGreaterThan(0);
  });

  it('loads a file by path the same as by name', () => {
    const path = join(dir, 'copy.json');
    writeFileSync(path, JSON.stringify(F746));
    expect(loadDevice(path)).toEqual(F746);
  });
});

describe('deviceLimits', () => {
  it('turns SRAM and flash into peakSramBytes and flashBytes limits', () => {
    expect(deviceLimits(F746)).toEqual([
      { name: 'peakSramBytes', max: 327680 },
      { name: 'flashBytes', max: 1048576 },
    ]);
    expect(deviceLimits(loadDevice('host-cpu'))).toEqual([]);
  });

  it('adds the profile limits, the tighter bound winning', () => {
    const d = parseDevice({ ...F746, limits: { latencyMs: { max: 200 }, peakSramBytes: { max: 200000 }, accuracy: { min: 0.5 } } });
    expect(deviceLimits(d)).toEqual([
      { name: 'peakSramBytes', max: 200000 },
      { name: 'flashBytes', max: 1048576 },
      { name: 'latencyMs', max: 200 },
      { name: 'accuracy', min: 0.5 },
    ]);
    // a looser profile limit leaves the memory limit as it is
    expect(deviceLimits(parseDevice({ ...F746, limits: { peakSramBytes: { max: 1e9 } } }))[0]).toEqual({ name: 'peakSramBytes', max: 327680 });
  });
});

describe('bad device input: one line naming the field, the value and what is allowed', () => {
  const { cortexM: _c, ...noCoefficients } = F746;
  const { clockMHz: _k, ...noClock } = F746;
  const cases: [string, unknown, RegExp][] = [
    ['negative-clock', { ...F746, clockMHz: -1 }, /^device file X: clockMHz: got -1; allowed: a number from 1 to 10000$/],
    ['no-clock', noClock, /^device file X: clockMHz: is missing \(a kind mcu device needs its clock\); allowed: a clock in MHz above 0 and at most 10000$/],
    ['no-coefficients', noCoefficients, /^device file X: cortexM: is missing \(a kind mcu device needs them\); allowed: the five Cortex-M coefficients/],
    ['mcu-predictor', { ...F746, latencyModel: 'predictor' }, /^device file X: latencyModel: got "predictor"; allowed: cortex-m \(for kind mcu\)$/],
    ['cpu-cortex-m', { name: 'pc', kind: 'cpu', latencyModel: 'cortex-m' }, /^device file X: latencyModel: got "cortex-m"; allowed: predictor, predictor:PATH or measured \(for kind cpu; cortex-m is for kind mcu\)$/],
    ['bad-model', { ...F746, latencyModel: 'gpu' }, /^device file X: latencyModel: got "gpu"; allowed: cortex-m, predictor, predictor:PATH or measured$/],
    ['bad-kind', { ...F746, kind: 'fpga' }, /^device file X: kind: got "fpga"; allowed: "mcu", "cpu"$/],
    ['fractional-sram', { ...F746, sramBytes: 1.5 }, /^device file X: sramBytes: got 1.5; allowed: an integer from 1 to 1099511627776$/],
    ['negative-coefficient', { ...F746, cortexM: { ...F746.cortexM, depthwiseCyclesPerMac: -2 } }, /^device file X: cortexM.depthwiseCyclesPerMac: got -2; allowed: a number from 0.01 to 1000000$/],
    ['unknown-field', { ...F746, sram: 1 }, /^device file X: sram: .*allowed: .*sramBytes/],
    ['min-over-max', { ...F746, limits: { latencyMs: { min: 5, max: 2 } } }, /^device file X: limits.latencyMs: got \{"min":5,"max":2\}; allowed: a min no larger than the max$/],
    ['not-json', '{"name": ', /^device file X: is not valid JSON/],
    ['too-big', `{"name": "${'a'.repeat(300_000)}"}`, /^device file X: is 300012 characters long; allowed: JSON of at most 262144 characters$/],
  ];
  for (const [name, content, expected] of cases) {
    it(name, () => {
      const message = loadError(name, content);
      expect(message).toMatch(expected);
      expect(message).not.toContain('\n');
    });
  }

  it('an unknown name lists the shipped devices', () => {
    expect(thrownInputError(() => loadDevice('stm32f999')).message).toBe('--device: got "stm32f999"; allowed: a shipped device (host-cpu, stm32f412, stm32f746, stm32h743) or the path of a device file (.json)');
  });

  it('a missing file is named', () => {
    expect(thrownInputError(() => loadDevice(join(dir, 'none.json'))).message).toMatch(/^--device file: .*none\.json cannot be read \(ENOENT\); allowed: a readable JSON file$/);
  });

  it('schema problems are a ValidationError, listing several on one line', () => {
    let err: unknown;
    try {
      parseDevice({ ...F746, clockMHz: 0, sramBytes: -5 }, 'device file d.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(/^device file d\.json: (sramBytes|clockMHz): got .*; (sramBytes|clockMHz): got /);
  });
});
