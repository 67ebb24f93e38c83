// A training experiment (a preset fig1..fig5 at a scale, or a user's training spec) as the CLI
// runs it: whole or one shard's share, with checkpoints, a graceful stop and resume, as for the
// routers (src/experiments/run.ts). Its work units are (scan, grid cell) pairs cut into shards
// of equal model-steps by the same shardCells; a model's numbers depend only on (seed, global
// model index, settings), so parts merge exactly (per-cell results join by concatenation).
// No Node-only imports.

import { InputError } from '../../core/model.js';
import type { ProgressListener } from '../../core/scan.js';
import { partOf, runPartScans, type CheckpointOf, type PartOf, type PreparedExperimentOf } from '../part-runner.js';
import type { TrainingEngine } from '../../core/training/engine.js';
import { PACKAGE_VERSION } from '../../core/version.generated.js';
import type { Scale } from '../presets/index.js';
import { orderedShardSet, shardCells, type Shard } from '../run.js';
import type { StopToken } from '../scan-run.js';
import type { ExperimentResult } from '../types.js';
import { TRAINING_PRESETS, trainingExperimentResult, trainingPresetSpecs, type TrainingPresetId } from './presets/index.js';
import {
  joinTrainingPieces,
  runTrainingScanPart,
  TrainingScanInterrupted,
  type TrainingDataSource,
  type TrainingScanPiece,
  type TrainingScanSnapshot,
} from './run.js';
import { trainingCellCost, trainingGrid, trainingSpecHash, type TrainingScanSpec } from './spec.js';

export type TrainingExperimentTarget =
  | { kind: 'training-preset'; id: TrainingPresetId; scale: Scale; seed: number }
  | { kind: 'training-spec'; spec: TrainingScanSpec };

export type PreparedTrainingExperiment = PreparedExperimentOf<TrainingScanSpec>;

export type TrainingExperimentPart = PartOf<'moe-cusp-training-part', TrainingScanSpec, TrainingScanPiece>;

export type TrainingExperimentCheckpoint = CheckpointOf<'moe-cusp-training-checkpoint', TrainingScanPiece, TrainingScanSnapshot>;

export interface TrainingExperimentOptions {
  onProgress?: ProgressListener | undefined;
  shard?: Shard | undefined;
  resume?: TrainingExperimentCheckpoint | undefined;
  checkpoint?: { intervalMs: number; save(c: TrainingExperimentCheckpoint): Promise<void> | void } | undefined;
  stop?: StopToken | undefined;
  /** cells per session (tests: groups of cells inside one shard) */
  maxSessionParams?: number | undefined;
  /** training between two chances to stop (ms; default 1000: runTrainingScanPart) */
  sliceMs?: number | undefined;
}

export class TrainingExperimentInterrupted extends Error {
  constructor(readonly checkpoint: TrainingExperimentCheckpoint) {
    super('the training run was stopped before it finished');
    this.name = 'TrainingExperimentInterrupted';
  }
}

const WHOLE: Shard = { index: 0, count: 1 };

export function prepareTrainingExperiment(target: TrainingExperimentTarget): PreparedTrainingExperiment {
  if (target.kind === 'training-preset') {
    const specs = trainingPresetSpecs(target.id, target.scale, target.seed);
    return { id: target.id, title: TRAINING_PRESETS[target.id].title, scale: target.scale, specs, hashes: specs.map(trainingSpecHash) };
  }
  const { spec } = target;
  const id = spec.name ?? 'training';
  return { id, title: spec.description ?? `Training scan ${id}`, scale: 'custom', specs: [spec], hashes: [trainingSpecHash(spec)] };
}

/** The grid cells of each scan that shard i of n trains: (scan, cell) units cut into runs of about equal model-steps. */
export function trainingShardCells(specs: readonly TrainingScanSpec[], shard: Shard): [number, number][] {
  return shardCells(
    specs.map((s) => ({ cells: trainingGrid(s).cells.length, cellCost: trainingCellCost(s) })),
    shard,
  );
}

/** Refuses (InputError on --resume) a checkpoint of another experiment, spec, seed, scale, shard or version. */
export function checkTrainingResume(experiment: PreparedTrainingExperiment, shard: Shard, resume: TrainingExperimentCheckpoint): void {
  const hashes = experiment.hashes;
  const problems = [
    resume.format !== 'moe-cusp-training-checkpoint' && 'it is not a training checkpoint',
    resume.id !== experiment.id && `it is a checkpoint of ${resume.id}, not ${experiment.id}`,
    resume.version !== PACKAGE_VERSION && `it was written by moe-cusp ${resume.version}, this is ${PACKAGE_VERSION}`,
    (resume.shard?.index !== shard.index || resume.shard?.count !== shard.count) &&
      `it is shard ${resume.shard?.index}/${resume.shard?.count}, this run ${shard.index}/${shard.count}`,
    String(resume.specHashes) !== hashes.join() && `its specs differ from this run's (${hashes.join(', ')}): another scale, seed or spec`,
  ].filter(Boolean);
  if (problems.length) throw new InputError('--resume', `the checkpoint cannot be resumed here: ${problems.join('; ')}`);
  const ranges = trainingShardCells(experiment.specs, shard);
  if (!Array.isArray(resume.scans) || resume.scans.length > ranges.length)
    throw new InputError('--resume', 'the checkpoint has more scans than the experiment');
  resume.scans.forEach((s, i) => {
    if (s.cells?.[0] !== ranges[i][0] || s.cells?.[1] !== ranges[i][1])
      throw new InputError('--resume', `the checkpoint cannot be resumed here: its scan ${i} covers cells [${s.cells}), this shard [${ranges[i]})`);
  });
}

/** Runs a shard of a training experiment (all of it by default) and returns its part. */
export async function runTrainingExperimentPart(
  engine: TrainingEngine,
  experiment: PreparedTrainingExperiment,
  source: TrainingDataSource,
  options: TrainingExperimentOptions = {},
): Promise<TrainingExperimentPart> {
  const { specs } = experiment;
  const shard = options.shard ?? WHOLE;
  const ranges = trainingShardCells(specs, shard);
  const resume = options.resume;
  if (resume) checkTrainingResume(experiment, shard, resume);
  const scans = await runPartScans({
    format: 'moe-cusp-training-checkpoint',
    experiment,
    shard,
    ranges,
    cost: (i, cells) => trainingCellCost(specs[i]) * (cells[1] - cells[0]),
    resume,
    checkpoint: options.checkpoint,
    stop: options.stop,
    onProgress: options.onProgress,
    snapshotOf: (err) => (err instanceof TrainingScanInterrupted ? err.snapshot : undefined),
    interrupted: (c) => new TrainingExperimentInterrupted(c),
    runScan: (i, o) =>
      runTrainingScanPart(engine, specs[i], source, {
        ...o,
        ...(options.maxSessionParams !== undefined && { maxSessionParams: options.maxSessionParams }),
        sliceMs: options.sliceMs,
      }),
  });
  return partOf('moe-cusp-training-part', experiment, shard, scans);
}

/** Checks that parts belong to one training experiment and cover it exactly once, and merges them. */
export function mergeTrainingParts(parts: { label: string; part: TrainingExperimentPart }[]): TrainingExperimentPart {
  const ordered = orderedShardSet(parts, { name: 'moe-cusp-training-part', problem: 'not a training part' }, (part, first) => [
    part.scale !== first.scale && `scale ${part.scale}, not ${first.scale}`,
  ]);
  const [first] = parts;
  const scans = first.part.specs.map((spec, i): TrainingScanPiece => {
    try {
      const o = joinTrainingPieces(
        spec,
        ordered.map((p) => p.scans[i]),
      );
      return { cells: [0, o.grid.cells.length], results: o.cells, provenance: o.provenance };
    } catch (err) {
      if (err instanceof InputError) throw new InputError('parts', `scan ${i}: ${err.problem}`);
      throw err;
    }
  });
  return { ...first.part, shard: WHOLE, scans };
}

/** The experiment's result from a complete part (one run, or merged shards). */
export function completeTrainingExperiment(part: TrainingExperimentPart): ExperimentResult {
  if (part.shard.count !== 1) throw new Error(`part ${part.shard.index}/${part.shard.count}: merge the shards first`);
  const outcomes = part.specs.map((spec, i) => joinTrainingPieces(spec, [part.scans[i]]));
  return trainingExperimentResult(part.id, part.scale, part.specs, outcomes);
}
