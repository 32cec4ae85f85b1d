import type { Objective } from '../pareto/objectives.js';
import type { SearchSpace } from '../space/space.js';
import { TABLE_I_FIELDS } from '../space/space.js';
import type { ChatMessage } from './types.js';

/** Bumped whenever a template's wording changes; recorded with every run. */
export const PROMPT_VERSION = 'lmanet-fig4/1';

export interface PromptSettings {
  space: SearchSpace;
  objectives: readonly Objective[];
  macs: { min: number; max: number };
  sramMaxBytes: number;
}

const M = (n: number) => `${Math.round(n / 1e6)}M`;

/** The search space as the LLM sees it: the choices of each field, and the reply's shape. */
export function spaceForPrompt(space: SearchSpace): Record<string, unknown> {
  const choices: Record<string, unknown> = {};
  for (const f of TABLE_I_FIELDS) choices[f] = space.choices[f];
  choices.se_ratio = `${space.seRatios.join(' or ')} when use_se is true, else 0`;
  return { stages: space.stages, per_stage_choices: choices, stage_overrides: space.stageOverrides ?? {} };
}

/** The initial prompt of Fig. 4 (role, task, objective, constraints, the search space). */
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
    `- Ensure total MACs are between ${M(s.macs.min)} and ${M(s.macs.max)}.`,
    `- Peak SRAM (int8 activations) must not exceed ${Math.round(s.sramMaxBytes / 1024)} KB.`,
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
