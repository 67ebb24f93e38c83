// The N-expert editor's (expert-editor.ts) field data: the parameters' hints, which rows go in
// which fieldset, what a sweep may step, the stand-ins of its repeated checks, the scan it
// starts with, and parseExpertSpec's problems of a grid value moved onto the control that
// holds the value (a list item, a spacing's end, or its points).

import { InputError } from '../../src/core/model.js';
import { EXPERT_PARAM_RANGES, parseExpertSpec, type ExpertParam, type ExpertScanSpec } from '../../src/experiments/experts/spec.js';
import { describe, outOfRange } from '../../src/experiments/spec-schema.js';
import { getAt, pathKeys, STAND_INS } from './editor-controls.js';

export const HINTS: Record<ExpertParam, string> = {
  N: 'experts',
  a: 'reinforcement',
  T: 'temperature',
  gamma: 'forgetting',
  B: 'tokens per step',
  eta: 'step size',
  rho: 'negative feedback',
  u: 'loss-free bias rate',
  cf: 'capacity factor (0: none)',
};

/** The rows of the model's fieldset and of the balancing one. */
export const MODEL_ROWS = ['N', 'a', 'T', 'gamma', 'B', 'eta'] as const;
export const BALANCING_ROWS = ['rho', 'u', 'cf'] as const;
/** What a sweep may step (not N, not B), in the order a switch to a sweep picks from. */
export const SWEPT = ['T', 'a', 'gamma', 'rho', 'eta', 'u', 'cf'] as const;

/** Stand-ins of the leaves the last valid spec lacks (the form's other checks go on). */
export const EXPERT_STAND_INS: Record<string, unknown> = { ...STAND_INS, N: 4, u: 0, cf: 0, stepsPerPoint: 100, winnerGap: 1 };

/** A small N-expert scan the editor starts with: N = 4 over T around T_c = a/(Nγ) = 1, from both starts. */
export function defaultExpertSpec(): ExpertScanSpec {
  return parseExpertSpec({
    model: 'experts',
    params: { N: 4, a: 4, gamma: 1, B: 1024, eta: 0.05 },
    axes: [{ param: 'T', values: { linspace: { from: 0.6, to: 1.4, count: 5 } } }],
    replicates: 32,
    steps: 400,
    window: 40,
    initial: { family: 'both', asym: 0.01 },
  });
}

/**
 * A problem of parseExpertSpec as the form shows it: a grid's "value k (v) is outside the
 * range of T" on the control that holds the value (gridProblem), a vector's length in words.
 */
export function rephrase(err: InputError, raw: unknown): InputError {
  const length = /^must have N = (\d+) values, got (\d+)$/.exec(err.problem);
  if (length) return new InputError(err.field, `holds ${length[2]} values; it needs N = ${length[1]}, one per expert`);
  return gridProblem(err, raw);
}

/**
 * parseExpertSpec's "value k (v) is outside the range of T" of a grid, as the problem of the
 * control that holds it: a list's item, a spacing's end (from or to), or its points when the
 * ends are whole but a value between them is not (an N axis).
 */
function gridProblem(err: InputError, raw: unknown): InputError {
  const m = /^value (\d+) \((.*)\) is outside the range of (\w+)$/.exec(err.problem);
  const keys = pathKeys(err.field);
  const grid = keys && getAt(raw, keys);
  if (!m || !grid || typeof grid !== 'object' || !(m[3] in EXPERT_PARAM_RANGES)) return err;
  const range = EXPERT_PARAM_RANGES[m[3] as ExpertParam];
  const k = Number(m[1]);
  if ('list' in grid) return new InputError(`${err.field}.list[${k}]`, `${describe(range)}, got ${m[2]}`);
  const kind = 'linspace' in grid ? 'linspace' : 'logspace';
  const s = (grid as Record<string, { from: number; to: number }>)[kind];
  if (!s) return err;
  if (outOfRange(range, s.from)) return new InputError(`${err.field}.${kind}.from`, `${describe(range)}, got ${s.from}`);
  if (outOfRange(range, s.to)) return new InputError(`${err.field}.${kind}.to`, `${describe(range)}, got ${s.to}`);
  return new InputError(
    `${err.field}.${kind}.count`,
    `gives ${m[3]} = ${m[2]} between the ends, not a whole number: pick points so that every value is whole`,
  );
}
