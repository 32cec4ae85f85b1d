/**
 * Device profiles: a shipped one by name (search-spaces/devices/NAME.json) or any file by path.
 * A profile gives a run its memory limits (`deviceLimits`) and its latency model (kind `mcu`:
 * the analytic Cortex-M estimate, lib/latency/cortex-m.ts).
 */
import { readdirSync } from 'node:fs';
import { readTextBounded } from '../read-bounded.js';
import { capText, InputError, ValidationError } from '../errors.js';
import { parseJsonBounded } from '../json-bounded.js';
import { mergeLimits } from '../limits.js';
import type { Limit } from '../pareto/objectives.js';
import { SEARCH_SPACES_DIR } from '../space/builtin.js';
import { compileSchema, schemaProblems } from '../space/schema-messages.js';
import type { DeviceProfile } from './types.js';

/** The shipped device profiles' folder. */
export const DEVICES_DIR = `${SEARCH_SPACES_DIR}devices/`;

/** Bounds of a device file: read before parsing (size, depth) and by the schema (values). */
export const DEVICE_FILE_BOUNDS = { maxChars: 256 * 1024, maxDepth: 8, maxBytes: 2 ** 40, maxClockMHz: 10_000, maxCoefficient: 1e6 } as const;

const size = { type: 'integer', minimum: 1, maximum: DEVICE_FILE_BOUNDS.maxBytes };
const coefficient = { type: 'number', minimum: 0, maximum: DEVICE_FILE_BOUNDS.maxCoefficient };
/** Cycles a MAC: at least 0.01 (no microcontroller does 100 int8 MACs a cycle; a near-free MAC makes every model take no time). */
const perMac = { type: 'number', minimum: 0.01, maximum: DEVICE_FILE_BOUNDS.maxCoefficient };

/** JSON Schema of a device file. */
export const DEVICE_FILE_SCHEMA = {
  type: 'object',
  required: ['name', 'kind', 'latencyModel'],
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    $comment: { type: 'string' },
    name: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9 ._()+-]*$', description: 'letters, digits, space and . _ ( ) + -' },
    description: { type: 'string', maxLength: 4096 },
    kind: { enum: ['mcu', 'cpu'] },
    sramBytes: size,
    flashBytes: size,
    clockMHz: { type: 'number', minimum: 1, maximum: DEVICE_FILE_BOUNDS.maxClockMHz },
    latencyModel: {
      type: 'string',
      maxLength: 4096,
      pattern: '^(cortex-m|measured|predictor|predictor:.+)$',
      description: 'cortex-m, predictor, predictor:PATH or measured',
    },
    cortexM: {
      type: 'object',
      additionalProperties: false,
      required: ['convCyclesPerMac', 'depthwiseCyclesPerMac', 'linearCyclesPerMac', 'cyclesPerActivationByte', 'cyclesPerLayer'],
      properties: {
        convCyclesPerMac: perMac,
        depthwiseCyclesPerMac: perMac,
        linearCyclesPerMac: perMac,
        cyclesPerActivationByte: coefficient,
        cyclesPerLayer: coefficient,
      },
    },
    limits: {
      type: 'object',
      propertyNames: { pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$', description: 'a metric name (letters, digits, _; up to 64)' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        minProperties: 1,
        properties: { min: { type: 'number' }, max: { type: 'number' } },
      },
    },
    sources: { type: 'array', maxItems: 64, items: { type: 'string', minLength: 1, maxLength: 4096 } },
  },
} as const;

const validateDeviceFile = compileSchema(DEVICE_FILE_SCHEMA);

/**
 * Checks a parsed device object: the schema, then what the schema cannot say (a `mcu` has a
 * clock, Cortex-M coefficients and latencyModel `cortex-m`; a limit's min is at most its max).
 *
 * @param source names the file in errors (`device file PATH`).
 * @throws ValidationError (schema problems: `device file X: clockMHz: got -1; allowed: ...`, as many
 *   as fit one line) or InputError (one rule), naming the field, the value and what is allowed.
 */
export function parseDevice(data: unknown, source = 'device file'): DeviceProfile {
  const problems = schemaProblems(validateDeviceFile, data);
  if (problems.length > 0) throw new ValidationError(source, problems);
  const d = data as DeviceProfile;
  if (d.kind === 'mcu') {
    if (d.clockMHz === undefined) throw new InputError(`${source}: clockMHz`, d.clockMHz, `a clock in MHz above 0 and at most ${DEVICE_FILE_BOUNDS.maxClockMHz}`, 'is missing (a kind mcu device needs its clock)');
    if (d.cortexM === undefined) throw new InputError(`${source}: cortexM`, d.cortexM, 'the five Cortex-M coefficients (convCyclesPerMac, depthwiseCyclesPerMac, linearCyclesPerMac, cyclesPerActivationByte, cyclesPerLayer)', 'is missing (a kind mcu device needs them)');
    if (d.latencyModel !== 'cortex-m') throw new InputError(`${source}: latencyModel`, d.latencyModel, 'cortex-m (for kind mcu)');
  } else if (d.latencyModel === 'cortex-m') {
    throw new InputError(`${source}: latencyModel`, d.latencyModel, 'predictor, predictor:PATH or measured (for kind cpu; cortex-m is for kind mcu)');
  }
  for (const [name, b] of Object.entries(d.limits ?? {})) {
    if (b.min !== undefined && b.max !== undefined && b.min > b.max) throw new InputError(`${source}: limits.${name}`, b, 'a min no larger than the max');
  }
  return d;
}

/** The names of the shipped device profiles, sorted. */
export function listDevices(): string[] {
  return readdirSync(DEVICES_DIR, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => e.name.slice(0, -'.json'.length))
    .sort();
}

/**
 * A device profile by shipped name (`stm32f746`) or by file path (anything with a `/` or ending
 * in `.json`). Files are at most 256 KiB and nested at most 8 deep, checked before parsing.
 *
 * @throws InputError for an unknown name (listing the shipped ones), an unreadable file, or a
 *   file that is not a valid profile (one line naming the field).
 */
export function loadDevice(nameOrPath: string, field = '--device'): DeviceProfile {
  const looksLikePath = nameOrPath.includes('/') || nameOrPath.endsWith('.json');
  if (!looksLikePath && !listDevices().includes(nameOrPath)) {
    throw new InputError(field, nameOrPath, `a shipped device (${listDevices().join(', ')}) or the path of a device file (.json)`);
  }
  const path = looksLikePath ? nameOrPath : `${DEVICES_DIR}${nameOrPath}.json`;
  const source = `device file ${capText(looksLikePath ? path : `${nameOrPath}.json`)}`;
  // At most 4 bytes a character: a file over that cannot be within maxChars.
  const text = readTextBounded(path, `${field} file`, DEVICE_FILE_BOUNDS.maxChars * 4);
  return parseDevice(parseJsonBounded(text, source, { maxChars: DEVICE_FILE_BOUNDS.maxChars, maxDepth: DEVICE_FILE_BOUNDS.maxDepth }), source);
}

/**
 * The limits a device sets: peakSramBytes <= sramBytes, flashBytes <= flashBytes, then its own
 * `limits` (merged: the tighter bound of a metric named twice wins).
 */
export function deviceLimits(profile: DeviceProfile): Limit[] {
  const memory: Limit[] = [];
  if (profile.sramBytes !== undefined) memory.push({ name: 'peakSramBytes', max: profile.sramBytes });
  if (profile.flashBytes !== undefined) memory.push({ name: 'flashBytes', max: profile.flashBytes });
  const own = Object.entries(profile.limits ?? {}).map(([name, b]): Limit => ({ name, ...(b.min !== undefined ? { min: b.min } : {}), ...(b.max !== undefined ? { max: b.max } : {}) }));
  return mergeLimits(memory, own);
}
