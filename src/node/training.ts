// The Node side of training runs (MODEL.md section 6): the training engine on the same device or
// threads as a router engine, the digits data from data/digits/, and the part and checkpoint
// files of split and interrupted training runs, in the framings of the router ones (parts.ts),
// verified the same way when read: the SHA-256 checksum first, then the structure
// (src/experiments/training/part-schema.ts). Every problem is an InputError naming the file.
// Part file: {"sha256": ..., "part": <TrainingExperimentPart>} named part-<id>-<i>-of-<n>.json;
// checkpoint: the binary checkpoint framing with the snapshot's parameters as a float64 blob.

import type { Engine } from '../core/engine.js';
import { InputError } from '../core/model.js';
import { CpuTrainingEngine } from '../core/training/cpu-engine.js';
import { digitsSplit, selectRows } from '../core/training/digits-data.js';
import type { TrainingEngine } from '../core/training/engine.js';
import { WebGpuTrainingEngine } from '../core/training/webgpu-engine.js';
import { WebGpuEngine } from '../core/webgpu-engine.js';
import type { TrainingExperimentCheckpoint } from '../experiments/training/experiment.js';
import { checkTrainingCheckpoint } from '../experiments/training/part-schema.js';
import type { TrainingDataSource } from '../experiments/training/run.js';
import type { TrainingScanSpec } from '../experiments/training/spec.js';
import { loadDigits } from './digits.js';
import { NODE_DISPATCH_MS } from './engines.js';
import { writeFileAtomic } from './outputs.js';
import { decodeCheckpointBody, encodeCheckpointBody, readCheckpointBytes } from './parts.js';

/** The training engine on the device of a WebGPU router engine, else the f64 CPU twin. */
export function trainingEngineFor(engine: Engine): TrainingEngine {
  if (engine instanceof WebGpuEngine)
    return new WebGpuTrainingEngine(
      engine.device,
      { engine: 'webgpu', adapter: engine.info.adapter, backend: engine.info.backend },
      { targetDispatchMs: engine.options.targetDispatchMs ?? NODE_DISPATCH_MS },
    );
  return new CpuTrainingEngine();
}

/** The data sets of training runs under Node: the digits of the fixed split (loaded once, when a digits scan needs them). */
export function nodeTrainingData(specs: readonly TrainingScanSpec[]): TrainingDataSource {
  if (!specs.some((s) => s.kind === 'digits')) return {};
  const all = loadDigits();
  const split = digitsSplit(all);
  return { digits: { train: selectRows(all, split.train), test: selectRows(all, split.test) } };
}

function formatOf(body: unknown): unknown {
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as { format?: unknown }).format : undefined;
}

export function writeTrainingCheckpoint(path: string, c: TrainingExperimentCheckpoint): void {
  writeFileAtomic(path, encodeCheckpointBody(c));
}

export function readTrainingCheckpoint(path: string, specs?: readonly TrainingScanSpec[]): TrainingExperimentCheckpoint {
  const body = decodeCheckpointBody(readCheckpointBytes(path), path);
  if (formatOf(body) !== 'moe-cusp-training-checkpoint')
    throw new InputError(path, 'is a checkpoint of a router run, not of this training experiment: delete it or use another --out');
  return checkTrainingCheckpoint(body, path, specs);
}
