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
}

export function onnxruntimeVersion(): string {
  return (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;
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
  };
}
