import { join } from 'node:path';
import { RECORDS_FILE } from '../campaign/campaign.js';
import { readRecords, RecordWriter } from '../campaign/records.js';
import { replayRecords } from '../campaign/state.js';
import { runLimits } from '../limits.js';
import { InputError } from '../errors.js';
import { ollamaClient } from '../llm/ollama.js';
import { explanationPrompt, initialPrompt, PROMPT_VERSION } from '../propose/llm/prompts.js';
import { acquireRunLock } from '../campaign/run-lock.js';
import { recordedAnswer } from '../llm/types.js';
import { resolveRecordedSpace } from '../campaign/run-dir.js';
import { checkPositionals, intFlag, parseFlags } from './args.js';
import { defineCommand, usageLine } from './command-spec.js';
import { LLM_PREFIX } from '../campaign/llm-proposer.js';
import { LLM_REPLY_BOUNDS } from '../propose/llm/proposer.js';

export const EXPLAIN_COMMAND = defineCommand({
  name: 'explain',
  args: 'RUN_DIR PROPOSAL',
  summary: 'ask the LLM why it chose an evaluated candidate (Fig. 6); the answer is appended to the run\'s records',
  example: 'paretonas explain runs/qwen 12 --model qwen2.5:3b',
  flags: {
    model: { type: 'string', value: 'NAME', default: 'the run\'s own ollama:MODEL', help: 'the Ollama model to ask' },
    'ollama-host': { type: 'string', value: 'URL', default: 'OLLAMA_HOST, else http://127.0.0.1:11434', help: 'where the Ollama server listens' },
  },
});
export const EXPLAIN_USAGE = usageLine(EXPLAIN_COMMAND);

/** Asks the LLM why it chose one evaluated candidate (Fig. 6) and appends the answer to the run. */
export async function explainCommand(args: string[]): Promise<string> {
  const { values, positionals } = parseFlags(args, EXPLAIN_COMMAND.flags);
  const [runDir, which] = checkPositionals('RUN_DIR PROPOSAL', positionals, 'a run directory and a proposal number of an evaluated candidate', 2, 2) as [string, string];
  const index = intFlag('PROPOSAL', which, 0, 10_000_000) as number;
  const path = join(runDir, RECORDS_FILE);
  const records = readRecords(path).records;
  const state = replayRecords(records);
  const evaluation = state.evaluations.find((e) => e.index === index);
  if (!evaluation) throw new InputError('PROPOSAL', index, `an evaluated proposal of ${runDir} (${state.evaluations.slice(0, 8).map((e) => e.index).join(', ')}${state.evaluations.length > 8 ? ', ...' : ''})`);
  const model = values.model ?? (state.config.proposer.startsWith(LLM_PREFIX) ? state.config.proposer.slice(LLM_PREFIX.length) : undefined);
  if (!model) throw new InputError('--model', undefined, 'an Ollama model name (the run was not an LLM run)', 'is missing');
  const client = ollamaClient({ host: values['ollama-host'] });
  await client.check(model);
  const space = resolveRecordedSpace(runDir, state.config.space);
  const messages = [...initialPrompt({ space, objectives: state.config.objectives, limits: runLimits(state.config), latencyModel: state.config.latencyModel }), explanationPrompt(JSON.stringify(evaluation.candidate), evaluation.metrics)];
  const reply = await client.chat({ model, messages, options: { seed: state.config.seed } });
  // One writer per run: a campaign still running (or another explain) holds the lock, and records
  // written while the LLM answered are read again so sequence numbers stay in order.
  const lock = acquireRunLock(runDir);
  let writer: RecordWriter | undefined;
  try {
    const read = readRecords(path);
    if (read.torn) throw new InputError(runDir, `line ${read.torn.line}`, 'a run whose last record is whole (resume it with search --resume first)', `ends in a torn record (line ${read.torn.line})`);
    const now = read.records;
    writer = new RecordWriter(path, ((now.at(-1)?.seq as number | undefined) ?? -1) + 1);
    const answer = recordedAnswer(reply, LLM_REPLY_BOUNDS.maxChars);
    const cut = answer.replyChars !== undefined ? { replyChars: answer.replyChars } : {};
    writer.append('llm-call', { index, promptVersion: PROMPT_VERSION, model, options: { seed: state.config.seed }, messages, format: false, ...answer, purpose: 'explanation' });
    writer.append('explanation', { index, key: evaluation.key, model, text: answer.reply, ...cut, onDemand: true });
  } finally {
    writer?.close();
    lock.release();
  }
  return `proposal #${index} (${model}):\n${reply.content}`;
}
