/**
 * The corrective side of LAMDA's loop (section 4.2): each defect as a Table 1 "correctness
 * feedback" line, and the Table 2 refinement prompt. The paper asks an LLM to pick and fill the
 * fine-tuning template; here the defect is already structured (kind, position, values), so the
 * template is chosen and filled in code: the same text, one call fewer, and it cannot misfile.
 */
import type { Defect, RequirementDefect } from './verify.js';

const ORDINAL_SUFFIX = (n: number): string => {
  const t = n % 100;
  if (t >= 11 && t <= 13) return 'th';
  return ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
};

export function ordinal(n: number): string {
  return `${n}${ORDINAL_SUFFIX(n)}`;
}

function formatAmount(value: number, unit: RequirementDefect['unit']): string {
  if (unit === 'ms') return `${value.toFixed(2)} ms`;
  if (unit === 'MACs') return `${(value / 1e6).toFixed(2)} M MACs`;
  return `${(value / 1024).toFixed(1)} KiB`;
}

/** Table 1: the standardized correctness feedback of one defect. */
export function correctnessFeedback(defect: Defect): string {
  switch (defect.kind) {
    case 'syntax':
      return `Syntax Error: operation ${defect.ordinal} (line ${defect.line}): "${defect.description}"`;
    case 'task':
      return `Task Error: The model's ${defect.parameter} is "${defect.current}", which does not match the required ${defect.expected}.`;
    case 'requirement': {
      const bound = defect.requirement === 'latency' ? (defect.direction === 'over' ? 'latency target (at most)' : 'latency target') : `${defect.requirement} limit`;
      return `Requirement Error: The ${bound} is "${formatAmount(defect.required, defect.unit)}", but the ${defect.metric} is "${formatAmount(defect.actual, defect.unit)}".`;
    }
  }
}

export interface RefinementContext {
  /** "recognizing 1000 different object classes": what the task involves (Table 2, template 2). */
  taskDescription: string;
}

/** Table 2: the fine-tuning template of a defect, filled in. */
export function fineTuningInstruction(defect: Defect, context: RefinementContext): string {
  switch (defect.kind) {
    case 'syntax':
      // The "from old to new" template needs a concrete new value (cin=16); otherwise say what is expected.
      return !/^[\w.,-]+$/.test(defect.expected)
        ? `Locate the "${ordinal(defect.ordinal)}" operation in the "history" and fix its ${defect.parameter}: it has "${defect.found}", where ${defect.expected} is expected.`
        : `Locate the "${ordinal(defect.ordinal)}" operation in the "history" and modify its ${defect.parameter} from "${defect.found}" to "${defect.expected}".`;
    case 'task':
      return `Since the task involves ${context.taskDescription}, update the ${defect.headAttribute} of the final operation in the "history" to "${defect.expected}".`;
    case 'requirement': {
      const gap = formatAmount(Math.abs(defect.actual - defect.required), defect.unit);
      const target = formatAmount(defect.required, defect.unit);
      if (defect.direction === 'over') {
        return `The current ${defect.metric} exceeds the requirement by ${gap}. Ensure that the model's ${defect.requirement} is reduced to meet the required ${target}.`;
      }
      return `The current ${defect.metric} is below the requirement by ${gap}, which gives away accuracy. Ensure that the model's ${defect.requirement} is raised to close to the required ${target} without exceeding it.`;
    }
  }
}

/** The refinement prompt of Table 2: the history to work from, then one filled template per defect. */
export function refinementPrompt(defects: readonly Defect[], context: RefinementContext): string {
  return [
    'Extract F_g from the chat log as "history" (your previous reply).',
    'Correctness feedback:',
    ...defects.map((d) => `- ${correctnessFeedback(d)}`),
    'Corrections:',
    ...defects.map((d, i) => `${i + 1}. ${fineTuningInstruction(d, context)}`),
    'Reply with the full corrected model in the same text format, nothing else.',
  ].join('\n');
}

export function classificationTask(classes: number): RefinementContext {
  return { taskDescription: `recognizing ${classes} different object classes` };
}
