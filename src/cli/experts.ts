// `moe-cusp run <nexp-preset | experts spec>`, the N-expert part of `reproduce` and of `merge`:
// N-expert scans (MODEL.md sec. 5) run on the same engine and write the same outputs
// (result.json, CSVs, PNGs, report.html) as the two-expert experiments, with the same run
// controls: --shard i/n (or --shards n and the scheduler's index) writes a part for `merge`,
// --checkpoint-every writes checkpoints, SIGTERM/SIGINT/SIGHUP write one and exit
// 143/130/129, and --resume (or --resume-if-present) continues from it with the numbers an
// uninterrupted run gives. A checkpoint of another spec, seed, scale, shard or version is
// refused (exit 2).

import type { Engine } from '../core/engine.js';
import { InputError } from '../core/model.js';
import {
  checkExpertResume,
  completeExpertExperiment,
  ExpertExperimentInterrupted,
  mergeExpertParts,
  prepareExpertExperiment,
  runExpertExperimentPart,
  type ExpertExperimentCheckpoint,
  type ExpertExperimentPart,
  type PreparedExpertExperiment,
} from '../experiments/experts/experiment.js';
import { checkExpertCheckpoint } from '../experiments/experts/part-schema.js';
import { isExpertPresetId, type ExpertPresetId } from '../experiments/experts/presets/index.js';
import { parseExpertSpecText, type ExpertScanSpec } from '../experiments/experts/spec.js';
import type { Scale } from '../experiments/presets/index.js';
import { completeExperiment, mergeParts, type ExperimentPart, type Shard } from '../experiments/run.js';
import type { ExperimentResult } from '../experiments/types.js';
import { completeTrainingExperiment, mergeTrainingParts, type TrainingExperimentPart } from '../experiments/training/experiment.js';
import { expertEngineFor } from '../node/engines.js';
import { readAnyPart, readExpertCheckpoint, writeExpertCheckpoint, encodeExpertPart } from '../node/expert-parts.js';
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

export type ExpertTarget = { kind: 'expert-preset'; id: ExpertPresetId } | { kind: 'expert-spec'; spec: ExpertScanSpec };

/** An N-expert preset id, or a spec file whose JSON says "model": "experts"; null for anything else. */
export function resolveExpertTarget(raw: string): ExpertTarget | null {
  if (isExpertPresetId(raw)) return { kind: 'expert-preset', id: raw };
  const text = specFileOf(raw, 'experts');
  return text === null ? null : { kind: 'expert-spec', spec: parseExpertSpecText(text) };
}

/** The experiment a target names at a scale and seed, parsed once for the whole command. */
export function expertExperiment(target: ExpertTarget, scale: Scale, seed: number | undefined): PreparedExpertExperiment {
  return target.kind === 'expert-preset'
    ? prepareExpertExperiment({ kind: 'expert-preset', id: target.id, scale, seed: seed ?? 1 })
    : prepareExpertExperiment({ kind: 'expert-spec', spec: seed === undefined ? target.spec : { ...target.spec, seed } });
}

export function expertTargetId(target: ExpertTarget): string {
  return target.kind === 'expert-preset' ? target.id : (target.spec.name ?? 'experts');
}

/** Reads and checks an N-expert checkpoint for `experiment` (refused with exit 2 if it belongs elsewhere). */
export function loadExpertResume(experiment: PreparedExpertExperiment, shard: Shard, path: string): ExpertExperimentCheckpoint {
  const resume = readExpertCheckpoint(path);
  checkExpertResume(experiment, shard, resume);
  // The hashes match: now the results and the snapshot can be checked against the specs.
  return checkExpertCheckpoint(resume, path, experiment.specs);
}

/** Runs one N-expert experiment (or its shard) with progress, checkpoints and graceful stop. */
export function runExpertPart(
  engine: Engine,
  experiment: PreparedExpertExperiment,
  session: OutputSession,
  control: RunControl,
  resume?: ExpertExperimentCheckpoint,
): Promise<ExpertExperimentPart> {
  const experts = expertEngineFor(engine);
  if (resume) noteEngineChange(resume, experts);
  return runWithControls(
    experiment.id,
    session,
    control,
    writeExpertCheckpoint,
    (err) => err instanceof ExpertExperimentInterrupted,
    (options) => runExpertExperimentPart(experts, experiment, { ...options, resume }),
  );
}

/** `moe-cusp run` for an N-expert preset or spec: whole, or one shard's part. */
export async function runExpertCommand(
  target: ExpertTarget,
  scale: Scale,
  seed: number | undefined,
  engineFlags: EngineFlags,
  flags: OutputFlags,
  control: RunControl,
): Promise<void> {
  const experiment = expertExperiment(target, scale, seed);
  await runPartCommand(experiment.id, engineFlags, flags, control, {
    loadResume: (shard, path) => loadExpertResume(experiment, shard, path),
    run: (engine, session, resume) => runExpertPart(engine, experiment, session, control, resume),
    encode: encodeExpertPart,
    complete: completeExpertExperiment,
  });
}

/** Merged experiments of `merge`, in the order their first part was found; complete() gives the result. */
export interface MergedExperiment {
  id: string;
  complete(): ExperimentResult;
}

/**
 * Reads every part file (all verified before anything is written), groups them by experiment
 * and checks each group covers its experiment exactly once: two-expert, N-expert and training parts alike.
 */
export function mergePartFiles(files: string[]): MergedExperiment[] {
  type Group =
    | { kind: 'two-expert'; parts: { label: string; part: ExperimentPart }[] }
    | { kind: 'experts'; parts: { label: string; part: ExpertExperimentPart }[] }
    | { kind: 'training'; parts: { label: string; part: TrainingExperimentPart }[] };
  const words = { 'two-expert': 'two-expert', experts: 'N-expert', training: 'training' } as const;
  const byId = new Map<string, Group>();
  for (const file of files) {
    const any = readAnyPart(file);
    const group: Group = byId.get(any.part.id) ?? ({ kind: any.kind, parts: [] } as Group);
    if (group.kind !== any.kind) {
      throw new InputError(
        file,
        `foreign part (${group.parts[0].label} sets the experiment): a ${words[any.kind]} part of ${any.part.id}, the other a ${words[group.kind]} one`,
      );
    }
    (group.parts as { label: string; part: unknown }[]).push({ label: file, part: any.part });
    byId.set(any.part.id, group);
  }
  return [...byId.entries()].map(([id, group]) => {
    if (group.kind === 'experts') {
      const part = mergeExpertParts(group.parts);
      return { id, complete: () => completeExpertExperiment(part) };
    }
    if (group.kind === 'training') {
      const part = mergeTrainingParts(group.parts);
      return { id, complete: () => completeTrainingExperiment(part) };
    }
    const part = mergeParts(group.parts);
    return { id, complete: () => completeExperiment(part) };
  });
}
