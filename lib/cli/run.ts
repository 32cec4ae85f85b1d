import { InputError, ValidationError } from '../errors.js';
import { ESTIMATE_USAGE, estimateCommand } from './estimate.js';
import { referenceCommand } from './reference.js';
import { spaceCommand, SPACE_USAGE } from './space.js';

const USAGE = `paretonas — LLM-guided, hardware-aware NAS for TinyML

Commands:
  ${ESTIMATE_USAGE}
      MACs, params, flash and peak SRAM of one model file, with a per-layer breakdown
  paretonas reference [--json]
      the shipped reference models (MCUNet, LMaNet, QwNet): computed beside published figures
  ${SPACE_USAGE}
      size of a search space and cost statistics of seeded samples
`;

const COMMANDS: Record<string, (args: string[]) => string> = {
  estimate: estimateCommand,
  reference: referenceCommand,
  space: spaceCommand,
};

export function runCli(argv: string[]): { code: number; stdout: string; stderr: string } {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') return { code: 0, stdout: USAGE, stderr: '' };
  const run = COMMANDS[command];
  if (!run) return { code: 2, stdout: '', stderr: `paretonas: command: got ${JSON.stringify(command)}; allowed: ${Object.keys(COMMANDS).join(', ')}\n` };
  try {
    return { code: 0, stdout: `${run(rest)}\n`, stderr: '' };
  } catch (err) {
    if (err instanceof InputError || err instanceof ValidationError) {
      return { code: 2, stdout: '', stderr: `paretonas ${command}: ${err.message}\n` };
    }
    throw err;
  }
}

