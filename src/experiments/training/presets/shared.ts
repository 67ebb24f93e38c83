// What the training presets share: their definition type and the scans' JSON without seeds
// (scan i of a preset runs with seed + i, as for the router presets).

import type { Scale } from '../../presets/index.js';
import type { Analysis } from '../../types.js';
import { analyzeTrainingScan, type TrainingAnalysisOptions } from '../analysis.js';
import type { TrainingScanOutcome } from '../run.js';
import type { TrainingScanSpec } from '../spec.js';

/** A scan of a preset: the spec's JSON without model and seed (parsed with parseTrainingSpec). */
export type TrainingPresetScan = Omit<TrainingScanSpec, 'seed' | 'model' | 'params' | 'arch' | 'data' | 'axes'> & {
  params?: Partial<TrainingScanSpec['params']>;
  arch?: Partial<TrainingScanSpec['arch']>;
  data?: TrainingScanSpec['data'];
  axes?: TrainingScanSpec['axes'];
};

export interface TrainingPresetDefinition<Id extends string = string> {
  id: Id;
  title: string;
  description: string;
  /** the scans in run order (scan i gets seed + i) */
  scans(scale: Scale): TrainingPresetScan[];
  /** the analysis of the outcomes, in the order of scans(scale) */
  analyze(outcomes: TrainingScanOutcome[], scale: Scale): Analysis;
}

export function defineTrainingPreset<Id extends string>(p: TrainingPresetDefinition<Id>): TrainingPresetDefinition<Id> {
  return p;
}

/** Initialisations per cell at each scale: quick runs in seconds on the CPU twin; paper has hundreds (the paper: 5). */
export function initialisations(scale: Scale, paper: number, quick = 16): number {
  return scale === 'quick' ? quick : scale === 'paper' ? paper : 8 * paper;
}

/** The analysis of a preset's one scan, with the figures of the paper's panels (fields, in order). */
export function paperPanels(
  outcome: TrainingScanOutcome,
  id: string,
  title: string,
  fields: readonly string[],
  options: TrainingAnalysisOptions = {},
): Analysis {
  const a = analyzeTrainingScan(outcome, id, title, options);
  const figures = fields.flatMap((f) => a.figures.filter((fig) => fig.id === `${id}-${f}`));
  return { ...a, figures };
}

/**
 * A sweep path that starts where the router is balanced: 0 up to max, down to -max and up to
 * max again, in steps of `step` (listed: the initial branch 0 -> max, then a full loop).
 */
export function loopPath(max: number, step: number): number[] {
  const n = Math.round(max / step);
  const at = (k: number) => Math.round(k * step * 1e9) / 1e9;
  const out: number[] = [];
  for (let k = 0; k <= n; k++) out.push(at(k));
  for (let k = n - 1; k >= -n; k--) out.push(at(k));
  for (let k = -n + 1; k <= n; k++) out.push(at(k));
  return out;
}
