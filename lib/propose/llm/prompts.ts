import { metricInfo } from '../../metrics.js';
import type { Limit, Objective } from '../../pareto/objectives.js';
import type { SearchSpace } from '../../space/space.js';
import { TABLE_I_FIELDS } from '../../space/space.js';
import type { ChatMessage } from '../../llm/types.js';

/**
 * Bumped whenever a template's wording changes for a run that could have been recorded before;
 * recorded with every run. Runs limited by the paper's MAC range and SRAM alone get the same text
 * as ever; lines for further limits (flash, latency, ...) are new text for new kinds of run.
 */
export const PROMPT_VERSION = 'lmanet-fig4/1';

export interface PromptSettings {
  space: SearchSpace;
  objectives: readonly Objective[];
  /** Every limit of the run: `runLimits(config)` (lib/limits.ts). */
  limits: readonly Limit[];
  /** How latencyMs is told (`config.latencyModel`: predictor, cortex-m, measured, ...), named in the latency line. */
  latencyModel?: string;
}

const M = (n: number) => `${Math.round(n / 1e6)}M`;

/** What the prompt calls a limited metric (the paper's wording for MACs and SRAM); others use the metrics table's label. */
function limitSubject(name: string, latencyModel: string | undefined): string {
  switch (name) {
    case 'macs':
      return 'Total MACs';
    case 'peakSramBytes':
      return 'Peak SRAM (int8 activations)';
    case 'flashBytes':
      return 'Flash (int8 weights)';
    case 'params':
      return 'Total parameters';
    case 'latencyMs':
      return latencyModel ? `Latency (${latencyModel.replace(/^(predictor:).*[\\/]/, '$1')})` : 'Latency';
    default:
      return metricInfo(name).label;
  }
}

/**
 * A limit's value as the prompt shows it, in the metrics table's display unit with its digits,
 * trailing zeros dropped: `1024 KB` (KiB written KB, as the paper's SRAM line), `5 ms`, `1.5M`, `0.7`.
 */
export function promptValue(name: string, value: number): string {
  const m = metricInfo(name);
  const number = (value / m.scale).toFixed(m.digits).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  if (m.unit === '') return number;
  if (m.unit === 'M') return `${number}M`;
  return `${number} ${m.unit === 'KiB' ? 'KB' : m.unit}`;
}

/**
 * The constraint lines for the run's limits: the paper's two lines (MAC range, peak SRAM) exactly
 * as Fig. 4 words them, then one line per further limit or limit side, in the run's order.
 */
export function limitLines(limits: readonly Limit[], latencyModel?: string): string[] {
  const lines: string[] = [];
  const rest: Limit[] = [];
  const macs = limits.find((l) => l.name === 'macs');
  const sram = limits.find((l) => l.name === 'peakSramBytes');
  if (macs?.max !== undefined) lines.push(`- Ensure total MACs are between ${M(macs.min ?? 0)} and ${M(macs.max)}.`);
  else if (macs) rest.push(macs);
  if (sram?.max !== undefined) lines.push(`- Peak SRAM (int8 activations) must not exceed ${Math.round(sram.max / 1024)} KB.`);
  if (sram?.min !== undefined) rest.push({ name: sram.name, min: sram.min });
  for (const l of limits) if (l !== macs && l !== sram) rest.push(l);
  for (const l of rest) {
    const subject = limitSubject(l.name, latencyModel);
    if (l.min !== undefined && l.max !== undefined) lines.push(`- ${subject} must be between ${promptValue(l.name, l.min)} and ${promptValue(l.name, l.max)}.`);
    else if (l.max !== undefined) lines.push(`- ${subject} must not exceed ${promptValue(l.name, l.max)}.`);
    else if (l.min !== undefined) lines.push(`- ${subject} must be at least ${promptValue(l.name, l.min)}.`);
  }
  return lines;
}

/** The search space as the LLM sees it: the choices of each field, and the reply's shape. */
export function spaceForPrompt(space: SearchSpace): Record<string, unknown> {
  const choices: Record<string, unknown> = {};
  for (const f of TABLE_I_FIELDS) choices[f] = space.choices[f];
  choices.se_ratio = `${space.seRatios.join(' or ')} when use_se is true, else 0`;
  return { stages: space.stages, per_stage_choices: choices, stage_overrides: space.stageOverrides ?? {} };
}

/** The initial prompt of Fig. 4 (role, task, objective, constraints with every limit of the run, the search space). */
export function initialPrompt(s: PromptSettings): ChatMessage[] {
  const { space } = s;
  const task = space.task ?? `${space.classes}-class image classification`;
  const system = 'You are a neural architecture design algorithm that exclusively outputs configurations in JSON format.';
  const user = [
    `Task: Generate a lightweight neural network architecture tailored for ${task}.`,
    `Objective: ${objectiveText(s.objectives)} while minimizing computational cost and memory usage.`,
    'Constraints:',
    '- Minimize RAM usage by reducing intermediate activation size.',
    '- Prioritize stride=2 in early blocks for downsampling.',
    '- Use smaller expansion_factor and output_channels in early blocks.',
    '- Limit SE blocks and their ratios to reduce activation memory.',
    ...limitLines(s.limits, s.latencyModel),
    `- Image size: ${space.input.resolution}x${space.input.resolution}.`,
    `Search Space: Use only values from the hierarchical search space: ${JSON.stringify(spaceForPrompt(space))}.`,
    `Reply with one JSON object {"blocks": [...]} holding exactly ${space.stages} blocks (one per stage, in order), each with the fields ${[...TABLE_I_FIELDS, 'se_ratio'].join(', ')}.`,
  ].join('\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}

function objectiveText(objectives: readonly Objective[]): string {
  const primary = objectives.find((o) => o.direction === 'max');
  if (!primary) return 'Find efficient architectures';
  return primary.name === 'accuracy' ? 'Achieve high accuracy' : `Maximize ${primary.name}`;
}

/** The question of Fig. 6, asked about one candidate (free text, no structured format). */
export function explanationPrompt(candidateJson: string, metrics: Readonly<Record<string, number>>): ChatMessage {
  const shown = Object.entries(metrics).map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(4)}`).join(', ');
  return {
    role: 'user',
    content: `This design was chosen for the current iteration:\n${candidateJson}\nIts measured results: ${shown}.\nExplain why this design was chosen for the current iteration. Highlight the reasoning behind these choices.`,
  };
}
