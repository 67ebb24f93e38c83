// The trainable-MoE presets (MODEL.md section 6; the paper's Figs. 1-5), one module each, and
// how one runs into an ExperimentResult like the router presets' (the same outputs, report and
// page code). Scan i of a preset runs with seed + i. Estimate ids follow presets/index.ts's scheme.

import type { Scale } from '../../presets/index.js';
import type { ExperimentResult } from '../../types.js';
import { analyzeTrainingScan } from '../analysis.js';
import { parseTrainingSpec, type TrainingScanSpec } from '../spec.js';
import type { TrainingScanOutcome } from '../run.js';
import { fig1 } from './fig1.js';
import { fig2 } from './fig2.js';
import { fig3 } from './fig3.js';
import { fig4 } from './fig4.js';
import { fig5 } from './fig5.js';
import type { TrainingPresetDefinition } from './shared.js';

const MODULES = [fig1, fig2, fig3, fig4, fig5] as const;

export type TrainingPresetId = (typeof MODULES)[number]['id'];
export const TRAINING_PRESET_IDS: readonly TrainingPresetId[] = MODULES.map((p) => p.id);
export const TRAINING_PRESETS = Object.fromEntries(MODULES.map((p) => [p.id, p])) as Record<TrainingPresetId, TrainingPresetDefinition>;

export function isTrainingPresetId(name: string): name is TrainingPresetId {
  return (TRAINING_PRESET_IDS as readonly string[]).includes(name);
}

/** The parsed scans of a preset at a scale, scan i with seed + i. */
export function trainingPresetSpecs(id: TrainingPresetId, scale: Scale, seed: number): TrainingScanSpec[] {
  return TRAINING_PRESETS[id].scans(scale).map((s, i) => parseTrainingSpec({ model: 'training', ...s, seed: seed + i }));
}

/**
 * The result of a training experiment from its scans' outcomes: a preset's analysis (scale one
 * of SCALES), or the generic one of a user's spec (scale 'custom', one spec).
 */
export function trainingExperimentResult(
  id: string,
  scale: string,
  specs: readonly TrainingScanSpec[],
  outcomes: TrainingScanOutcome[],
): ExperimentResult {
  const provenance = outcomes.map((o) => o.provenance);
  if (scale !== 'custom') {
    if (!isTrainingPresetId(id)) throw new Error(`${id} is not a training preset`);
    const preset = TRAINING_PRESETS[id];
    return { id, title: preset.title, scale, specs: [...specs], provenance, ...preset.analyze(outcomes, scale as Scale) };
  }
  const [spec] = specs;
  const title = spec.description ?? `Training scan ${id} (${spec.kind} model)`;
  return { id, title, scale: 'custom', specs: [spec], provenance, ...analyzeTrainingScan(outcomes[0], id, id) };
}
