// The presets the page runs whole, beside the chunked two-expert scans of main.ts: the N-expert
// presets (experts.ts) and the trainable-MoE presets (training.ts). Each family gives main.ts
// the same few things (an option group, a cost sentence and the first spec for the JSON box, a
// note, and a run with progress and Stop that ends in a PageOutcome), so main.ts dispatches on
// one small interface instead of knowing the families.

import type { Engine } from '../../src/core/engine.js';
import type { ProgressReport } from '../../src/core/scan.js';
import type { WebScale } from '../../src/experiments/browser.js';
import type { ExperimentResult } from '../../src/experiments/types.js';
import type { RateFamily } from './estimate.js';
import * as experts from './experts.js';
import * as training from './training.js';

/** What a page run ends with: the result (done), or the page state and a sentence (stopped, failed). */
export type PageOutcome =
  | { state: 'done'; result: ExperimentResult; engineNote: string; message: string }
  | { state: 'stopped' | 'failed'; message: string };

export interface PageRunOptions {
  signal: AbortSignal;
  onProgress: (p: ProgressReport) => void;
  /** a sentence for the progress line while the run prepares (e.g. loads its data) */
  onStatus: (message: string) => void;
}

/** A preset run whole on the page. */
export interface ExtraPreset {
  /** what the progress counts: 'router-steps' or 'model-steps' */
  readonly unit: string;
  /** the kind of steps, for the rates behind the time estimates (estimate.ts) */
  readonly family: RateFamily;
  /** the note under the experiment select */
  readonly note: string;
  /** the run bar's cost sentence, the steps it counts, and the first scan (for the JSON box) */
  cost(scale: WebScale, seed: number): { summary: string; steps: number; first: unknown };
  run(engine: Engine, scale: WebScale, seed: number, options: PageRunOptions): Promise<PageOutcome>;
}

export type ExtraPresetId = experts.ExpertPresetId | training.TrainingPresetId;

/** The runner of an N-expert or training preset id, or null for any other value of the select. */
export function extraPreset(id: string): ExtraPreset | null {
  if (experts.isExpertPresetId(id)) {
    return {
      unit: 'router-steps',
      family: 'experts',
      note: `${experts.EXPERT_PRESETS[id].description} (Stop ends an N-expert run; a rerun starts afresh.)`,
      cost: (scale, seed) => experts.expertPresetCost(id, scale, seed),
      run: (engine, scale, seed, options) => experts.runExpertPresetOnPage(engine, id, scale, seed, options),
    };
  }
  if (training.isTrainingPresetId(id)) {
    return {
      unit: 'model-steps',
      family: 'training',
      note: training.trainingPresetNote(id),
      cost: (scale, seed) => training.trainingPresetCost(id, scale, seed),
      run: (engine, scale, seed, options) => training.runTrainingPresetOnPage(engine, id, scale, seed, options),
    };
  }
  return null;
}

/** The option groups of the N-expert and training presets, after the paper's router figures. */
export function appendExtraOptions(select: HTMLSelectElement): void {
  training.appendTrainingOptions(select);
  experts.appendExpertOptions(select);
}
