// The trainable-MoE presets on the page (MODEL.md sec. 6; the paper's Figs. 1-5): the same preset
// modules and analysis as the CLI (src/experiments/training/presets), run on the page's WebGPU
// device (WebGpuTrainingEngine) or, without one, on the f64 twin in the page's thread
// (CpuTrainingEngine). The digits presets (fig4, fig5) load the digits data first (digits.ts).
// A train call is cut into slices of steps (any split of the steps gives the same parameters,
// core/training/engine.ts): the CPU twin's slices last ~40 ms with a yield between them, so the
// page paints its progress. Stop keeps an exact checkpoint; Resume continues from it
// (extra-run.ts).

import type { Engine } from '../../src/core/engine.js';
import { CpuTrainingEngine } from '../../src/core/training/cpu-engine.js';
import type { TrainingEngine, TrainingPlan, TrainingSession } from '../../src/core/training/engine.js';
import { WebGpuTrainingEngine } from '../../src/core/training/webgpu-engine.js';
import { WebGpuEngine } from '../../src/core/webgpu-engine.js';
import type { WebScale } from '../../src/experiments/browser.js';
import { analyzeTrainingScan } from '../../src/experiments/training/analysis.js';
import {
  completeTrainingExperiment,
  prepareTrainingExperiment,
  runTrainingExperimentPart,
  TrainingExperimentInterrupted,
  type TrainingExperimentCheckpoint,
  type TrainingExperimentTarget,
} from '../../src/experiments/training/experiment.js';
import {
  isTrainingPresetId,
  TRAINING_PRESET_IDS,
  TRAINING_PRESETS,
  trainingPresetSpecs,
  type TrainingPresetId,
} from '../../src/experiments/training/presets/index.js';
import { joinTrainingPieces, type TrainingDataSource, type TrainingScanPiece } from '../../src/experiments/training/run.js';
import { trainingCellCost, trainingGrid, type TrainingScanSpec } from '../../src/experiments/training/spec.js';
import { formatSI } from '../../src/report/format.js';
import { loadPageDigits } from './digits.js';
import { expertScale } from './experts.js';
import type { PageExperiment } from './extra-run.js';

export { isTrainingPresetId, TRAINING_PRESET_IDS, TRAINING_PRESETS, type TrainingPresetId };

/** The CLI scale behind a web scale, as for the N-expert presets: `browser` runs the quick scans. */
export const trainingScale = expertScale;

const cells = (s: TrainingScanSpec) => trainingGrid(s).cells.length;

/** A preset's cost (a sentence for the run bar) and its first scan (for the JSON box). */
export function trainingPresetCost(id: TrainingPresetId, scale: WebScale, seed: number): { summary: string; steps: number; first: unknown } {
  const specs = trainingPresetSpecs(id, trainingScale(scale), seed);
  const steps = specs.reduce((n, s) => n + cells(s) * trainingCellCost(s), 0);
  const models = specs.reduce((n, s) => n + cells(s) * s.initialisations, 0);
  const digits = specs.some((s) => s.kind === 'digits') ? ' (loads the 8×8 digits data, 57 kB)' : '';
  return {
    summary: `${specs.length} training scan${specs.length > 1 ? 's' : ''}, ${formatSI(steps)} model-steps, ${formatSI(models)} models${digits}`,
    steps,
    first: specs[0],
  };
}

/** The note under the select: the preset's description and what Stop does. */
export function trainingPresetNote(id: TrainingPresetId): string {
  return `${TRAINING_PRESETS[id].description} (Stop keeps the work so far: Resume continues from there.)`;
}

/** The training presets as an option group of the experiment select. */
export function appendTrainingOptions(select: HTMLSelectElement): void {
  const group = document.createElement('optgroup');
  group.label = "Trainable MoE (the paper's Figs. 1-5)";
  for (const id of TRAINING_PRESET_IDS) group.append(new Option(TRAINING_PRESETS[id].title, id));
  select.append(group);
}

const gpuEngines = new WeakMap<WebGpuEngine, WebGpuTrainingEngine>();

/** The training engine on the page's engine: on its WebGPU device (pipelines kept per device), else the f64 twin. */
function trainingEngineOn(engine: Engine): TrainingEngine {
  if (!(engine instanceof WebGpuEngine)) return new CpuTrainingEngine();
  let t = gpuEngines.get(engine);
  if (!t) {
    const info = { engine: 'webgpu' as const, adapter: engine.info.adapter, backend: engine.info.backend };
    t = new WebGpuTrainingEngine(
      engine.device,
      info,
      engine.options.targetDispatchMs === undefined ? {} : { targetDispatchMs: engine.options.targetDispatchMs },
    );
    gpuEngines.set(engine, t);
  }
  return t;
}

/** An engine whose sessions train in slices of about `sliceMs`, yielding to the page between them (when `yieldBetween`). */
class SlicedTrainingEngine implements TrainingEngine {
  constructor(
    private readonly inner: TrainingEngine,
    private readonly sliceMs: number,
    private readonly yieldBetween: boolean,
  ) {}

  get info() {
    return this.inner.info;
  }

  async open(plan: TrainingPlan): Promise<TrainingSession> {
    const session = await this.inner.open(plan);
    const { sliceMs, yieldBetween } = this;
    let msPerStep = 0;
    const train = async (from: number, to: number, onModelSteps?: (done: number) => void): Promise<void> => {
      for (let s = from; s < to; ) {
        const steps = Math.min(to - s, msPerStep > 0 ? Math.max(1, Math.floor(sliceMs / msPerStep)) : 4);
        const t0 = performance.now();
        const before = (s - from) * session.models;
        await session.train(s, s + steps, onModelSteps && ((n) => onModelSteps(before + n)));
        const ms = (performance.now() - t0) / steps;
        msPerStep = msPerStep > 0 ? 0.5 * (msPerStep + ms) : Math.max(ms, 1e-3);
        s += steps;
        if (yieldBetween) await new Promise((r) => setTimeout(r, 0));
      }
    };
    // An object over the session (not a spread: its methods live on the class's prototype).
    return {
      models: session.models,
      size: session.size,
      initialize: () => session.initialize(),
      setCells: (c) => session.setCells(c),
      train,
      evaluate: (set) => session.evaluate(set),
      readParams: () => session.readParams(),
      restore: (p) => session.restore(p),
      close: () => session.close(),
    };
  }
}

/** The data sets of a preset's scans: the digits (fetched once) when a digits scan is among them. */
async function pageTrainingData(specs: readonly TrainingScanSpec[], onStatus: (m: string) => void): Promise<TrainingDataSource> {
  if (!specs.some((s) => s.kind === 'digits')) return {};
  onStatus('Loading the 8×8 digits data…');
  const { train, test } = await loadPageDigits();
  return { digits: { train, test } };
}

/**
 * A training experiment (a preset at a web scale) as the page runs it: the CLI's experiment
 * runner, whose stop is heard within about a quarter of a second of training and leaves an
 * exact checkpoint (kept in memory by the page).
 */
export function trainingPageExperiment(
  engine: Engine,
  target: TrainingExperimentTarget,
  options: { onStatus: (m: string) => void },
): PageExperiment<TrainingScanPiece, TrainingExperimentCheckpoint> {
  const experiment = prepareTrainingExperiment(target);
  const { specs } = experiment;
  const gpu = engine instanceof WebGpuEngine;
  return {
    ...experiment,
    unit: 'model-steps',
    noun: 'training',
    run: async (o) => {
      const source = await pageTrainingData(specs, options.onStatus);
      options.onStatus('Preparing the training engine…');
      // The CPU twin trains in slices of ~40 ms with a yield between them, so the page paints.
      const sliced = new SlicedTrainingEngine(trainingEngineOn(engine), gpu ? 250 : 40, !gpu);
      // Stop heard within a quarter of a second of training (the CLI's runs: a second).
      return completeTrainingExperiment(await runTrainingExperimentPart(sliced, experiment, source, { ...o, sliceMs: 250 }));
    },
    interrupted: (err) => (err instanceof TrainingExperimentInterrupted ? err.checkpoint : undefined),
    analyzeScan: (i, piece) => {
      const id = specs.length > 1 ? `scan${i + 1}` : experiment.id;
      return analyzeTrainingScan(joinTrainingPieces(specs[i], [piece]), id, specs[i].description ?? experiment.title);
    },
  };
}
