// `moe-cusp run <fig1..fig5 | training spec>`, the training part of `reproduce` and of `merge`:
// trainable MoE experiments (MODEL.md section 6) run on the same engine (the WebGPU device of the
// router engine, or the f64 CPU twin) and write the same outputs (result.json, CSVs, PNGs,
// report.html) as the router experiments, with the same run controls: --shard i/n writes a part
// for `merge`, --checkpoint-every writes checkpoints (at evaluation points), SIGTERM/SIGINT/SIGHUP
// write one and exit 143/130/129, and --resume continues from it with the numbers an
// uninterrupted run gives. A checkpoint of another spec, seed, scale, shard or version is refused (exit 2).

import type { Engine } from '../core/engine.js';
import type { Scale } from '../experiments/presets/index.js';
import type { Shard } from '../experiments/run.js';
import {
  checkTrainingResume,
  completeTrainingExperiment,
  prepareTrainingExperiment,
  runTrainingExperimentPart,
  TrainingExperimentInterrupted,
  type PreparedTrainingExperiment,
  type TrainingExperimentCheckpoint,
  type TrainingExperimentPart,
} from '../experiments/training/experiment.js';
import { isTrainingPresetId, type TrainingPresetId } from '../experiments/training/presets/index.js';
import { parseTrainingSpecText, type TrainingScanSpec } from '../experiments/training/spec.js';
import { encodePartBody } from '../node/parts.js';
import { nodeTrainingData, readTrainingCheckpoint, trainingEngineFor, writeTrainingCheckpoint } from '../node/training.js';
import {
  noteEngineChange,
  runPartCommand,
  runWithControls,
  type EngineFlags,
  type OutputSession,
  type OutputFlags,
  type RunControl,
} from './experiments.js';
import { specFileOf } from './spec-file.js';

export type TrainingTarget = { kind: 'training-preset'; id: TrainingPresetId } | { kind: 'training-spec'; spec: TrainingScanSpec };

/** A training preset id, or a spec file whose JSON says "model": "training"; null for anything else. */
export function resolveTrainingTarget(raw: string): TrainingTarget | null {
  if (isTrainingPresetId(raw)) return { kind: 'training-preset', id: raw };
  const text = specFileOf(raw, 'training');
  return text === null ? null : { kind: 'training-spec', spec: parseTrainingSpecText(text) };
}

/** The experiment a target names at a scale and seed, parsed once for the whole command. */
export function trainingExperiment(target: TrainingTarget, scale: Scale, seed: number | undefined): PreparedTrainingExperiment {
  return target.kind === 'training-preset'
    ? prepareTrainingExperiment({ kind: 'training-preset', id: target.id, scale, seed: seed ?? 1 })
    : prepareTrainingExperiment({ kind: 'training-spec', spec: seed === undefined ? target.spec : { ...target.spec, seed } });
}

/** Reads and checks a training checkpoint for `experiment` (refused with exit 2 if it belongs elsewhere). */
export function loadTrainingResume(experiment: PreparedTrainingExperiment, shard: Shard, path: string): TrainingExperimentCheckpoint {
  const shape = readTrainingCheckpoint(path);
  checkTrainingResume(experiment, shard, shape);
  return readTrainingCheckpoint(path, experiment.specs);
}

/** Runs one training experiment (or its shard) with progress, checkpoints and graceful stop. */
export function runTrainingPart(
  engine: Engine,
  experiment: PreparedTrainingExperiment,
  session: OutputSession,
  control: RunControl,
  resume?: TrainingExperimentCheckpoint,
): Promise<TrainingExperimentPart> {
  const training = trainingEngineFor(engine);
  if (resume) noteEngineChange({ scans: resume.scans, current: resume.current && { segments: resume.current.segments } }, training);
  const data = nodeTrainingData(experiment.specs);
  return runWithControls(
    experiment.id,
    session,
    control,
    writeTrainingCheckpoint,
    (err) => err instanceof TrainingExperimentInterrupted,
    (options) => runTrainingExperimentPart(training, experiment, data, { ...options, resume }),
  );
}

/** `moe-cusp run` for a training preset or spec: whole, or one shard's part. */
export async function runTrainingCommand(
  target: TrainingTarget,
  scale: Scale,
  seed: number | undefined,
  engineFlags: EngineFlags,
  flags: OutputFlags,
  control: RunControl,
): Promise<void> {
  const experiment = trainingExperiment(target, scale, seed);
  await runPartCommand(experiment.id, engineFlags, flags, control, {
    loadResume: (shard, path) => loadTrainingResume(experiment, shard, path),
    run: (engine, session, resume) => runTrainingPart(engine, experiment, session, control, resume),
    encode: encodePartBody,
    complete: completeTrainingExperiment,
  });
}
