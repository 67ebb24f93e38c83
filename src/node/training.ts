// The Node side of training runs (MODEL.md section 6): the training engine on the same device or
// threads as a router engine, the digits data from data/digits/, and the part and checkpoint
// files of split and interrupted training runs, in the framings of the router ones (parts.ts),
// verified the same way when read: the SHA-256 checksum first, then the structure
// (src/experiments/training/part-schema.ts). Every problem is an InputError naming the file.
// Part file: {"sha256": ..., "part": <TrainingExperimentPart>} named part-<id>-<i>-of-<n>.json;
// checkpoint: the binary checkpoint framing with the snapshot's parameters as a float64 blob.

import type { Engine } from '../core/engine.js';
import { InputError } from '../core/model.js';
import { digitsSplit, selectRows } from '../core/training/digits-data.js';
import type { TrainingEngine } from '../core/training/engine.js';
import { WebGpuTrainingEngine } from '../core/training/webgpu-engine.js';
import { WebGpuEngine } from '../core/webgpu-engine.js';
import type { TrainingExperimentCheckpoint } from '../experiments/training/experiment.js';
import { checkTrainingCheckpoint } from '../experiments/training/part-schema.js';
import type { TrainingDataSource } from '../experiments/training/run.js';
import type { TrainingScanSpec } from '../experiments/training/spec.js';
import { CpuEngine } from './cpu-engine.js';
import { loadDigits } from './digits.js';
import { WorkerTrainingEngine } from './training-workers.js';
import { NODE_DISPATCH_MS } from './engines.js';
import { writeFileAtomic } from './outputs.js';
import { decodeCheckpointBody, encodeCheckpointBody, readCheckpointBytes } from './parts.js';

/**
 * The training engine for a run: the WebGPU kernels on the device of a WebGPU router engine,
 * except for digits models on a software adapter (llvmpipe, SwiftShader: the digits kernel ran
 * at 0.8x the one-thread f64 twin there, measured 2026-12-02), which go to the twin on worker
 * threads; with the CPU router engine, the twin on as many threads. MOE_CUSP_TRAINING_ENGINE
 * = webgpu forces the kernels for every kind (tests, benchmarks).
 */
export function trainingEngineFor(engine: Engine): TrainingEngine {
  if (!(engine instanceof WebGpuEngine)) return new WorkerTrainingEngine(engine instanceof CpuEngine ? engine.threads : undefined);
  const gpu = new WebGpuTrainingEngine(
    engine.device,
    { engine: 'webgpu', adapter: engine.info.adapter, backend: engine.info.backend },
    { targetDispatchMs: engine.options.targetDispatchMs ?? NODE_DISPATCH_MS },
  );
  if (process.env.MOE_CUSP_TRAINING_ENGINE === 'webgpu' || !isSoftwareAdapter(engine.info.adapter)) return gpu;
  const cpu = new WorkerTrainingEngine();
  return {
    info: gpu.info,
    open: (plan) => (plan.arch.kind === 'digits' ? cpu : gpu).open(plan),
  };
}

/** Whether an adapter's description names a software rasteriser (the CPU runs its shaders). */
export function isSoftwareAdapter(adapter: string): boolean {
  return /llvmpipe|lavapipe|swiftshader|softpipe|software/i.test(adapter);
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
