import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, platform, arch, totalmem } from 'node:os';

/** What a latency was measured on, recorded beside every number. */
export interface DeviceDescriptor {
  cpu: string;
  cores: number;
  threads: number;
  onnxruntime: string;
  node: string;
  platform: string;
  arch: string;
  memoryGiB: number;
  /** onnxruntime's NCHWc block on this CPU (mlasNchwcBlockSize); absent in records made before it was kept. */
  nchwcBlock?: number;
}

export function onnxruntimeVersion(): string {
  return (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;
}

let nchwcBlock: number | undefined;

/**
 * The NCHWc block size of onnxruntime's MLAS on this CPU (MlasNchwcGetBlockSize): the channel
 * block of its blocked conv layout. x86-64: 16 when the CPU has AVX-512F (per the Linux
 * /proc/cpuinfo flags, which list it only when the kernel enables its state), else 8 (AVX2,
 * and older x86-64 CPUs alike); x86-64 without /proc/cpuinfo (macOS, Windows): 8, a guess.
 * Other architectures: 1, MLAS's "no NCHWc kernels", under which every conv runs plain.
 * test/lamda/features.test.ts checks it against the kernels onnxruntime really runs.
 */
export function mlasNchwcBlockSize(): number {
  if (nchwcBlock !== undefined) return nchwcBlock;
  if (arch() !== 'x64') return (nchwcBlock = 1);
  let flags: string[] = [];
  try {
    flags = (/^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '').trim().split(/\s+/);
  } catch {
    // No /proc/cpuinfo: not Linux.
  }
  return (nchwcBlock = flags.includes('avx512f') ? 16 : 8);
}

export function describeDevice(threads: number): DeviceDescriptor {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    threads,
    onnxruntime: onnxruntimeVersion(),
    node: process.version,
    platform: platform(),
    arch: arch(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    nchwcBlock: mlasNchwcBlockSize(),
  };
}
