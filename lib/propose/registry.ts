import { InputError } from '../errors.js';
import { evolutionProposer } from './evolution.js';
import { randomProposer } from './random.js';
import { stratifiedProposer } from './stratified.js';
import type { Proposer, ProposerFactory, ProposerOptions } from './types.js';

/** The built-in proposers by name. */
export const PROPOSERS = { random: randomProposer, stratified: stratifiedProposer, evolution: evolutionProposer } as const satisfies Record<string, ProposerFactory>;
export type ProposerName = keyof typeof PROPOSERS;
export const PROPOSER_NAMES = Object.keys(PROPOSERS) as ProposerName[];

export function isProposerName(name: string): name is ProposerName {
  return Object.hasOwn(PROPOSERS, name);
}

/** A built-in proposer; settings are checked by the proposer (evolution: population, sample). */
export function createProposer(name: string, options: ProposerOptions): Proposer {
  if (!isProposerName(name)) throw new InputError('proposer', name, PROPOSER_NAMES.join(', '));
  return PROPOSERS[name](options);
}
