// The runs the page does whole-experiment, beside the chunked two-expert scans of main.ts: the
// N-expert presets and a user's N-expert scan (experts.ts), and the trainable-MoE presets
// (training.ts). Each gives the page the same few things (a cost sentence and the first spec
// for the JSON box, a note, and a run with progress, live figures, Stop and Resume that ends
// in a PageOutcome, extra-run.ts), so the page dispatches on one small interface instead of
// knowing the families.

import type { Engine } from '../../src/core/engine.js';
import type { WebScale } from '../../src/experiments/browser.js';
import type { ExpertScanSpec } from '../../src/experiments/experts/spec.js';
import type { RateFamily } from './estimate.js';
import * as experts from './experts.js';
import { runOnPage, type PageOutcome, type PageRunOptions } from './extra-run.js';
import * as training from './training.js';

export type { ExtraResume, PageOutcome, PageRunOptions } from './extra-run.js';

/** An N-expert or training run of the page. */
export interface ExtraPreset {
  /** what the progress counts: 'router-steps' or 'model-steps' */
  readonly unit: string;
  /** the kind of steps, for the rates behind the time estimates (estimate.ts) */
  readonly family: RateFamily;
  /** the note under the experiment select */
  readonly note: string;
  /** the run bar's cost sentence, the steps it counts, and the first scan (for the JSON box) */
  cost(): { summary: string; steps: number; first: unknown };
  run(engine: Engine, options: PageRunOptions): Promise<PageOutcome>;
}

export type ExtraPresetId = experts.ExpertPresetId | training.TrainingPresetId;

const RESUME_NOTE = ' Stop keeps the work so far: Resume continues from there.';

/** The runner of an N-expert or training preset id at a scale and seed, or null for any other value of the select. */
export function extraPreset(id: string, scale: WebScale, seed: number): ExtraPreset | null {
  if (experts.isExpertPresetId(id)) {
    const s = experts.expertScale(scale);
    return {
      unit: 'router-steps',
      family: 'experts',
      note: `${experts.EXPERT_PRESETS[id].description}${RESUME_NOTE}`,
      cost: () => experts.expertCost(experts.expertPresetSpecs(id, s, seed)),
      run: (engine, options) => runOnPage(experts.expertPageExperiment(engine, { kind: 'expert-preset', id, scale: s, seed }), options),
    };
  }
  if (training.isTrainingPresetId(id)) {
    const s = training.trainingScale(scale);
    return {
      unit: 'model-steps',
      family: 'training',
      note: training.trainingPresetNote(id),
      cost: () => training.trainingPresetCost(id, scale, seed),
      run: (engine, options) => runOnPage(training.trainingPageExperiment(engine, { kind: 'training-preset', id, scale: s, seed }, options), options),
    };
  }
  return null;
}

/** The runner of a user's N-expert scan (a parsed spec: parseExpertSpec). */
export function expertSpecRun(spec: ExpertScanSpec): ExtraPreset {
  return {
    unit: 'router-steps',
    family: 'experts',
    note: `An N-expert scan of your own: N, the balancing, and any parameter fixed or as an axis.${RESUME_NOTE}`,
    cost: () => experts.expertCost([spec]),
    run: (engine, options) => runOnPage(experts.expertPageExperiment(engine, { kind: 'expert-spec', spec }), options),
  };
}

/** The option groups of the N-expert and training presets, after the paper's router figures. */
export function appendExtraOptions(select: HTMLSelectElement): void {
  training.appendTrainingOptions(select);
  experts.appendExpertOptions(select);
}

/** Whether a value of the experiment select is an N-expert or training preset. */
export const isExtraPresetId = (id: string): id is ExtraPresetId => experts.isExpertPresetId(id) || training.isTrainingPresetId(id);
