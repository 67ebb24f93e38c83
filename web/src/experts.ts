// The N-expert presets and a user's N-expert scan on the page (MODEL.md sec. 5): the same
// preset modules, experiment runner and analysis as the CLI, run on the page's WebGPU device
// (WebGpuExpertEngine) or, without one, on the f64 twin in the CPU engine's Web Workers
// (WorkerExpertEngine, bit-identical to CpuExpertEngine). Stop keeps a checkpoint; Resume
// continues from it (extra-run.ts).

import type { Engine } from '../../src/core/engine.js';
import { CpuExpertEngine } from '../../src/core/experts-cpu.js';
import { WebGpuExpertEngine } from '../../src/core/experts-engine.js';
import type { ExpertEngine } from '../../src/core/experts.js';
import { WebGpuEngine } from '../../src/core/webgpu-engine.js';
import type { WebScale } from '../../src/experiments/browser.js';
import {
  EXPERT_PRESET_IDS,
  EXPERT_PRESETS,
  expertPresetSpecs,
  isExpertPresetId,
  type ExpertPresetId,
} from '../../src/experiments/experts/presets/index.js';
import { analyzeExpertSpec } from '../../src/experiments/experts/analysis.js';
import {
  completeExpertExperiment,
  ExpertExperimentInterrupted,
  prepareExpertExperiment,
  runExpertExperimentPart,
  type ExpertExperimentCheckpoint,
  type ExpertExperimentTarget,
} from '../../src/experiments/experts/experiment.js';
import { expertScanCost, joinExpertPieces, type ExpertScanPiece } from '../../src/experiments/experts/run.js';
import type { ExpertScanSpec } from '../../src/experiments/experts/spec.js';
import { formatSI } from '../../src/report/format.js';
import type { Scale } from '../../src/experiments/presets/index.js';
import { WorkerExpertEngine } from './expert-worker-engine.js';
import type { PageExperiment } from './extra-run.js';
import { WorkerCpuEngine } from './worker-engine.js';

export { EXPERT_PRESET_IDS, EXPERT_PRESETS, expertPresetSpecs, isExpertPresetId, type ExpertPresetId };

/** The CLI scale behind a web scale: `browser` runs the quick scans. */
export const expertScale = (scale: WebScale): Scale => (scale === 'browser' ? 'quick' : scale);

/** The cost of N-expert scans (a sentence for the run bar, the router-steps) and the first scan (for the JSON box). */
export function expertCost(specs: readonly ExpertScanSpec[]): { summary: string; steps: number; first: unknown } {
  const steps = specs.reduce((n, s) => n + expertScanCost(s), 0);
  return { summary: `${specs.length} N-expert scan${specs.length > 1 ? 's' : ''}, ${formatSI(steps)} router-steps`, steps, first: specs[0] };
}

/** The N-expert presets as an option group of the experiment select. */
export function appendExpertOptions(select: HTMLSelectElement): void {
  const group = document.createElement('optgroup');
  group.label = 'N experts (beyond the paper)';
  for (const id of EXPERT_PRESET_IDS) group.append(new Option(EXPERT_PRESETS[id].title, id));
  select.append(group);
}

function expertEngineOn(engine: Engine): ExpertEngine {
  if (engine instanceof WebGpuEngine)
    return new WebGpuExpertEngine(engine.device, { engine: 'webgpu', adapter: engine.info.adapter, backend: engine.info.backend });
  if (engine instanceof WorkerCpuEngine) return new WorkerExpertEngine(engine);
  return new CpuExpertEngine();
}

/**
 * An N-expert experiment (a preset at a web scale, or a user's spec) as the page runs it: the
 * CLI's experiment runner (runOnPage gives its options: Stop, the checkpoint hook) and the
 * generic analysis of each finished scan.
 */
export function expertPageExperiment(engine: Engine, target: ExpertExperimentTarget): PageExperiment<ExpertScanPiece, ExpertExperimentCheckpoint> {
  const experiment = prepareExpertExperiment(target);
  const { specs } = experiment;
  return {
    ...experiment,
    unit: 'router-steps',
    noun: 'N-expert',
    run: async (o) => completeExpertExperiment(await runExpertExperimentPart(expertEngineOn(engine), experiment, o)),
    interrupted: (err) => (err instanceof ExpertExperimentInterrupted ? err.checkpoint : undefined),
    analyzeScan: (i, piece) => analyzeExpertSpec(joinExpertPieces(specs[i], [piece]), specs.length > 1 ? `scan${i + 1}` : experiment.id),
  };
}
