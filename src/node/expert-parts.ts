// Files of split and interrupted N-expert runs, in the framings of the two-expert ones
// (parts.ts), verified the same way when read: the SHA-256 checksum first, then the structure
// (src/experiments/experts/part-schema.ts). Every problem is an InputError naming the file.
//
// Part file: {"sha256":"<64 hex>","part":<body>}\n, body = an ExpertExperimentPart as JSON
// ("format": "moe-cusp-expert-part"; non-finite numbers as {"$num": "NaN"}), named
// part-<id>-<i>-of-<n>.json like a two-expert part, so `merge` finds both kinds and tells
// them apart by the body's format.
// Checkpoint file: the checkpoint framing of parts.ts (magic MOECUSP-CHECKPOINT-2, u32 LE
// header length, JSON header {"sizes", "body"}, the Float64Arrays (the routers' readout, the
// sweep's previous shares) as raw float64, SHA-256), body an ExpertExperimentCheckpoint
// ("format": "moe-cusp-expert-checkpoint"), named checkpoint-<id>[-<i>-of-<n>].bin.

import { InputError } from '../core/model.js';
import type { ExpertExperimentCheckpoint, ExpertExperimentPart } from '../experiments/experts/experiment.js';
import { checkExpertCheckpoint, checkExpertPart } from '../experiments/experts/part-schema.js';
import type { ExpertScanSpec } from '../experiments/experts/spec.js';
import { checkPart } from '../experiments/part-schema.js';
import type { ExperimentPart } from '../experiments/run.js';
import type { TrainingExperimentPart } from '../experiments/training/experiment.js';
import { checkTrainingPart } from '../experiments/training/part-schema.js';
import { writeFileAtomic } from './outputs.js';
import { decodeCheckpointBody, decodePartBody, encodeCheckpointBody, encodePartBody, readCheckpointBytes, readPartText } from './parts.js';

export type AnyPart =
  | { kind: 'two-expert'; part: ExperimentPart }
  | { kind: 'experts'; part: ExpertExperimentPart }
  | { kind: 'training'; part: TrainingExperimentPart };

function formatOf(body: unknown): unknown {
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as { format?: unknown }).format : undefined;
}

export function encodeExpertPart(part: ExpertExperimentPart): string {
  return encodePartBody(part);
}

/** A part of any kind (two-expert, N-expert, training) from a part file's text, verified (checksum, then structure). */
export function decodeAnyPart(text: string, label: string): AnyPart {
  const body = decodePartBody(text, label);
  if (formatOf(body) === 'moe-cusp-expert-part') return { kind: 'experts', part: checkExpertPart(body, label) };
  if (formatOf(body) === 'moe-cusp-training-part') return { kind: 'training', part: checkTrainingPart(body, label) };
  return { kind: 'two-expert', part: checkPart(body, label) };
}

export function readAnyPart(path: string): AnyPart {
  return decodeAnyPart(readPartText(path), path);
}

export function encodeExpertCheckpoint(c: ExpertExperimentCheckpoint): Buffer {
  return encodeCheckpointBody(c);
}

/**
 * An N-expert checkpoint from a checkpoint file's bytes, verified (magic, lengths, checksum,
 * header, structure; against `specs` when given). `path` names the file in errors.
 */
export function decodeExpertCheckpoint(bytes: Buffer, path = 'checkpoint', specs?: readonly ExpertScanSpec[]): ExpertExperimentCheckpoint {
  const body = decodeCheckpointBody(bytes, path);
  if (formatOf(body) === 'moe-cusp-checkpoint')
    throw new InputError(path, 'is a checkpoint of a two-expert run, not of this N-expert experiment: delete it or use another --out');
  return checkExpertCheckpoint(body, path, specs);
}

export function writeExpertCheckpoint(path: string, c: ExpertExperimentCheckpoint): void {
  writeFileAtomic(path, encodeExpertCheckpoint(c));
}

export function readExpertCheckpoint(path: string, specs?: readonly ExpertScanSpec[]): ExpertExperimentCheckpoint {
  return decodeExpertCheckpoint(readCheckpointBytes(path), path, specs);
}
