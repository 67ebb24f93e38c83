// What the N-expert presets share: their definition type, the per-scale pick and a parsed
// scan with its seed (presets list their scans without seeds: scan i runs with seed + i).

import type { Analysis } from '../../types.js';
import type { Scale } from '../../presets/index.js';
import type { ExpertScanOutcome } from '../run.js';
import type { ExpertScanSpec } from '../spec.js';

/** A scan of a preset: the spec's JSON without its seed (parsed with parseExpertSpec). */
export type ExpertPresetScan = Omit<ExpertScanSpec, 'seed' | 'model' | 'params' | 'bias' | 'window' | 'initial' | 'axes'> & {
  params: Partial<ExpertScanSpec['params']>;
  bias?: ExpertScanSpec['bias'];
  window?: number;
  axes?: ExpertScanSpec['axes'];
  initial?: Partial<ExpertScanSpec['initial']>;
};

export interface ExpertPresetDefinition<Id extends string = string> {
  id: Id;
  title: string;
  description: string;
  /** the scans in run order (scan i gets seed + i) */
  scans(scale: Scale): ExpertPresetScan[];
  /** the analysis of the outcomes, in the order of scans(scale) */
  analyze(outcomes: ExpertScanOutcome[], scale: Scale): Analysis;
}

export function defineExpertPreset<Id extends string>(p: ExpertPresetDefinition<Id>): ExpertPresetDefinition<Id> {
  return p;
}

/** Mean, its standard error and the count of the finite values of xs. */
export function finiteMean(xs: readonly number[]): { mean: number; se: number; n: number } {
  const v = xs.filter(Number.isFinite);
  const n = v.length;
  const mean = v.reduce((s, x) => s + x, 0) / n;
  const ss = v.reduce((s, x) => s + (x - mean) ** 2, 0);
  return { mean, se: n > 1 ? Math.sqrt(ss / (n - 1) / n) : NaN, n };
}
