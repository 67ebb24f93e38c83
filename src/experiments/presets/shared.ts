// Building blocks the preset modules share: definePreset, the per-scale pick, value grids,
// and the choices several presets make together (the finite-time onset runs of figs. 8
// and 9, the h sweep of fig. 7), each with its reason.

import type { ValueGrid } from '../types.js';
import type { PresetDefinition, Scale, ScanTree } from './index.js';

/** A preset module's object, typed so that its analysis gets its own tree of outcomes. */
export function definePreset<Id extends string, T extends ScanTree>(preset: PresetDefinition<Id, T>): PresetDefinition<Id, T> {
  return preset;
}

/** Per-scale values. */
export function pick<T>(scale: Scale, values: Record<Scale, T>): T {
  return values[scale];
}

export const linspace = (from: number, to: number, count: number): ValueGrid => ({ linspace: { from, to, count } });
export const list = (values: number[]): ValueGrid => ({ list: values });

/** Tokens per step in every preset. */
export const TOKENS = 512;

// Fig. 9 and fig. 8 use the same finite-time observable: final |u_hat| after `steps` steps at
// eta = 0.02 (t = 40 / 100 / 400), from y0 = 0 with jitter +-0.05. In units of gamma t the
// dynamics depend on T / T_c only, and the onset sits near T_c / (1 + c / (gamma t)) with
// c ~ 2.5 (growth from 0.05 to |u| = 0.1): long runs are what pull the boundary onto
// a = 2 gamma T at small gamma.
export const ONSET = { eta: 0.02, asym: 0.05, steps: { quick: 2000, paper: 5000, large: 20000 } as Record<Scale, number> };

// The stepped sweep of fig. 7 (and the cusp's relax runs) at eta = 0.01: a point of
// `stepsPerPoint` steps lasts stepsPerPoint * 0.01 time units; the stable branches relax at
// rate ~1. Figs. 10 and 11 ramp h instead (hysteresis-width.ts).
export const SWEEP_ETA = 0.01;

/** The h grid -half..half of a sweep. */
export function hGrid(scale: Scale, half: number): ValueGrid {
  // Steps of 0.1 / 0.05 / 0.025 in h.
  const per = pick(scale, { quick: 10, paper: 20, large: 40 });
  return linspace(-half, half, Math.round(2 * half * per) + 1);
}
