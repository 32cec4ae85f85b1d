/**
 * The user's cache of latency calibrations: one JSON file per (device, predictor), so a predictor
 * calibrated once on a machine is calibrated on every later run there. Reading never throws: a
 * missing entry is no entry, a corrupt one is ignored with a note (and measured again when asked).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readTextBounded } from '../read-bounded.js';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { parseJsonBounded } from '../json-bounded.js';
import type { DeviceDescriptor } from '../runtime/device.js';
import { InputError } from '../errors.js';
import type { Calibration } from './calibrate.js';

/** The `format` of a calibration entry. */
export const CALIBRATION_FORMAT = 'paretonas-latency-calibration/1';

/** Largest calibration entry read (characters); the real ones are about 5 kB. */
export const MAX_CALIBRATION_CHARS = 1024 * 1024;

/**
 * The cache folder: `PARETONAS_CACHE_DIR`, else `$XDG_CACHE_HOME/paretonas` (an absolute
 * XDG_CACHE_HOME only, as the XDG spec says), else `~/.cache/paretonas`.
 */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PARETONAS_CACHE_DIR) return env.PARETONAS_CACHE_DIR;
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'paretonas');
  return join(homedir(), '.cache', 'paretonas');
}

/** What makes two machines the same for latency: CPU model, cores, threads, onnxruntime, NCHWc block. */
export type DeviceIdentity = Pick<DeviceDescriptor, 'cpu' | 'cores' | 'threads' | 'onnxruntime' | 'nchwcBlock'>;

/** The NCHWc block a descriptor stands for (absent: 16, the reference CPU's, as predictor files assume). */
export function blockOf(device: Pick<DeviceDescriptor, 'nchwcBlock'>): number {
  return device.nchwcBlock ?? 16;
}

function slug(text: string, max = 40): string {
  const s = text.toLowerCase().replace(/\(r\)|\(tm\)/g, '').replace(/[^a-z0-9.]+/g, '-').replace(/^-+|-+$/g, '');
  return (s || 'unknown').slice(0, max).replace(/-+$/, '');
}

/**
 * A readable, file-name-safe key of a device, e.g. `amd-epyc-2c-1t-ort1.30.0-nchwc8-3f9a1c02`: the
 * slugged CPU model, cores, threads, onnxruntime version and NCHWc block, then 8 hex digits of a
 * sha256 over the exact values (so two CPUs whose names slug alike still differ). The NCHWc block
 * is in it because a CPU model string need not tell AVX-512 from AVX2 (both say `AMD EPYC` here).
 */
export function deviceKey(device: DeviceIdentity): string {
  const exact = JSON.stringify([device.cpu, device.cores, device.threads, device.onnxruntime, blockOf(device)]);
  const hash = createHash('sha256').update(exact).digest('hex').slice(0, 8);
  return `${slug(device.cpu)}-${device.cores}c-${device.threads}t-ort${slug(device.onnxruntime, 20)}-nchwc${blockOf(device)}-${hash}`;
}

/** Whether two descriptors are the same device for latency (every field of the key equal). */
export function sameDevice(a: DeviceIdentity, b: DeviceIdentity): boolean {
  return deviceKey(a) === deviceKey(b);
}

/** Where the calibration of predictor `predictorName` (content hash `predictorSha`) on device `key` lives. */
export function calibrationPath(dir: string, key: string, predictorName: string, predictorSha: string): string {
  return join(dir, 'latency-calibration', key, `${slug(predictorName, 60)}-${predictorSha.slice(0, 12)}.json`);
}

/**
 * Reads a calibration entry. Missing: undefined, silently. Unreadable, not JSON, too large, of
 * another format, or for another device or predictor: undefined and one note naming the file and
 * the problem (the caller then treats the predictor as uncalibrated). Never throws.
 */
export function readCalibration(path: string, expect: { deviceKey: string; predictorSha: string }, onNote?: (line: string) => void): Calibration | undefined {
  let text: string;
  try {
    if (!existsSync(path)) return undefined;
    text = readTextBounded(path, 'cached calibration', MAX_CALIBRATION_CHARS * 4);
  } catch (err) {
    onNote?.(`note: ignoring the cached calibration: ${(err as Error).message}`);
    return undefined;
  }
  try {
    const value = parseJsonBounded(text, path, { maxChars: MAX_CALIBRATION_CHARS, maxDepth: 16 });
    const calibration = validateCalibration(value, path);
    if (calibration.deviceKey !== expect.deviceKey) throw new Error(`it is for device ${calibration.deviceKey}, not ${expect.deviceKey}`);
    if (calibration.predictor.sha256 !== expect.predictorSha) throw new Error(`it is for another predictor (sha256 ${calibration.predictor.sha256.slice(0, 12)}, not ${expect.predictorSha.slice(0, 12)})`);
    return calibration;
  } catch (err) {
    onNote?.(`note: ignoring the cached calibration ${path}: ${(err as Error).message.replace(/\s+/g, ' ').slice(0, 300)}`);
    return undefined;
  }
}

/**
 * Writes a calibration entry atomically: a temporary file in the same folder, then a rename, so a
 * reader sees the old entry or the new one, never half of one.
 *
 * @returns undefined when written; the error message when it could not be (read-only cache, full
 *   disk): the calibration still applies to this run, it is only not kept.
 */
export function writeCalibration(path: string, calibration: Calibration): string | undefined {
  const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
  try {
    makeDirs(dirname(path));
    writeFileSync(temp, `${JSON.stringify(calibration, null, 2)}\n`);
    renameSync(temp, path);
    return undefined;
  } catch (err) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // nothing more to tidy
    }
    return (err as Error).message;
  }
}

const positiveNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

/**
 * Checks a parsed calibration entry (format, key, predictor, factor, samples).
 *
 * @throws InputError naming `where` and the first bad field.
 */
export function validateCalibration(value: unknown, where: string): Calibration {
  const fail = (field: string, v: unknown, allowed: string): never => {
    throw new InputError(`${where}: ${field}`, v, allowed);
  };
  if (!value || typeof value !== 'object' || Array.isArray(value)) fail('entry', value, 'a JSON object');
  const c = value as Record<string, unknown>;
  if (c.format !== CALIBRATION_FORMAT) fail('format', c.format, CALIBRATION_FORMAT);
  if (typeof c.deviceKey !== 'string' || c.deviceKey === '') fail('deviceKey', c.deviceKey, 'a device key');
  if (!c.device || typeof c.device !== 'object') fail('device', c.device, 'a device descriptor');
  const p = c.predictor as Record<string, unknown> | undefined;
  if (!p || typeof p !== 'object' || typeof p.name !== 'string' || typeof p.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(p.sha256)) fail('predictor', p, '{ name, sha256 (64 hex digits), trainedOn }');
  if (c.method !== 'scale') fail('method', c.method, '"scale"');
  if (!positiveNumber(c.factor)) fail('factor', c.factor, 'a positive finite number');
  if (!Array.isArray(c.samples) || c.samples.length === 0) fail('samples', c.samples, 'a non-empty array of measured variants');
  (c.samples as unknown[]).forEach((s, i) => {
    const r = s as Record<string, unknown> | null;
    if (!r || typeof r !== 'object' || typeof r.family !== 'string' || !positiveNumber(r.measuredMs) || !positiveNumber(r.predictedMs)) fail(`samples[${i}]`, s, '{ family, recipe, measuredMs > 0, predictedMs > 0 }');
  });
  for (const f of ['errorBefore', 'errorAfter', 'errorAfterLeaveOneOut', 'seconds'] as const) if (typeof c[f] !== 'number' || !Number.isFinite(c[f]) || (c[f] as number) < 0) fail(f, c[f], 'a number >= 0');
  if (typeof c.createdAt !== 'string') fail('createdAt', c.createdAt, 'an ISO time');
  return value as Calibration;
}

/**
 * mkdir -p, one level at a time: Node's recursive mkdir spins forever on a parent that refuses
 * mkdir with ENOENT (/proc), so a bad PARETONAS_CACHE_DIR would hang the run instead of failing.
 */
function makeDirs(dir: string): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new Error(`ENOTDIR: ${dir} is not a directory`);
    return;
  }
  const parent = dirname(dir);
  if (parent === dir) throw new Error(`ENOENT: ${dir} does not exist`);
  makeDirs(parent);
  mkdirSync(dir);
}
