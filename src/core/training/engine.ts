// The batched training engine of the trainable MoE models (MODEL.md section 6): a session holds
// `models` independent models of one architecture, model m of the plan being replicate
// m mod replicates of cell floor(m / replicates), with the global index firstModel + m that
// names its random streams (streams.ts). Everything a model does is a function of (seed, global
// index, its cell's settings, the steps run), so any split of the models (dispatches, shards)
// or of the steps (chunks, checkpoints) gives the same numbers on one engine.
//
// Two engines implement it: CpuTrainingEngine (cpu-engine.ts, the f64 twins of smooth.ts,
// hard.ts, digits.ts) and WebGpuTrainingEngine (webgpu-engine.ts, shaders/train_*.wgsl, f32).

import { InputError } from '../model.js';
import type { ClassData, RegressionData } from './types.js';

export const TRAINING_KINDS = ['smooth', 'hard', 'digits'] as const;
export type TrainingKind = (typeof TRAINING_KINDS)[number];

/** What is fixed for a session (compile-time constants of the kernels). */
export interface TrainingArch {
  readonly kind: TrainingKind;
  /** digits: hidden width H of each expert (ignored otherwise) */
  readonly hidden: number;
  /** digits: 2 (router and two experts) or 1 (one expert, no router); 2 otherwise */
  readonly experts: 1 | 2;
  /** hard: trainable router biases c_1, c_2 (ignored otherwise) */
  readonly routerBias: boolean;
  /** smooth and hard: half-width of the uniform initialisation (digits: its fan-in scheme) */
  readonly initScale: number;
  /** minibatch size B */
  readonly batch: number;
}

/** The settings of one parameter cell; they may change between train calls (a sweep moves h). */
export interface TrainingCell {
  readonly h: number;
  readonly T: number;
  /** hard and digits: weight of the balancing penalty L_lb */
  readonly lambdaLb: number;
  /** smooth: L2 weight on the router's (alpha, beta) */
  readonly routerL2: number;
  /** SGD learning rate */
  readonly lr: number;
}

export type TrainingData = RegressionData | ClassData;

export interface TrainingPlan {
  readonly arch: TrainingArch;
  readonly cells: readonly TrainingCell[];
  /** initialisations per cell */
  readonly replicates: number;
  readonly seed: number;
  /** global index of the plan's model 0 (streams of firstModel + m); 0 when omitted */
  readonly firstModel?: number;
  /** the training rows: minibatch row b of step s is row floor(w_b n / 2^32) of these n rows */
  readonly train: TrainingData;
  /** the data sets evaluate(k) reports on (e.g. the test set) */
  readonly evaluation: readonly TrainingData[];
}

/** Per-model observables of an evaluation (Observables of types.ts, one entry per model). */
export interface TrainingEvaluation {
  readonly loss: Float64Array;
  readonly mse: Float64Array;
  readonly accuracy: Float64Array;
  readonly load: Float64Array;
  readonly importance: Float64Array;
  readonly boundary: Float64Array;
}

export const EVALUATION_FIELDS = ['loss', 'mse', 'accuracy', 'load', 'importance', 'boundary'] as const;

export function newEvaluation(models: number): TrainingEvaluation {
  return Object.fromEntries(EVALUATION_FIELDS.map((k) => [k, new Float64Array(models)])) as unknown as TrainingEvaluation;
}

export interface TrainingSession {
  readonly models: number;
  /** the engine that runs this session, where it differs from the engine's own info (an engine that picks one per model kind) */
  readonly info?: TrainingEngine['info'];
  /** parameters per model */
  readonly size: number;
  /** Sets every model's parameters to its initialisation (stream (model, 0) under TAG_TRAIN_INIT). */
  initialize(): Promise<void>;
  /** Replaces the cells' settings (same count); parameters are kept. */
  setCells(cells: readonly TrainingCell[]): Promise<void>;
  /** SGD steps [from, to) of every model; onModelSteps(done) reports model-steps done in this call. */
  train(from: number, to: number, onModelSteps?: (done: number) => void): Promise<void>;
  /** Observables of every model on plan.evaluation[set]. */
  evaluate(set: number): Promise<TrainingEvaluation>;
  /** Every model's parameters, model-major (model m's parameter k at m size + k). */
  readParams(): Promise<Float64Array>;
  /** Puts parameters back (as readParams gave them), e.g. from a checkpoint. */
  restore(params: Float64Array): Promise<void>;
  close(): void;
}

export interface TrainingEngine {
  readonly info: { engine: 'webgpu' | 'cpu'; adapter: string; backend: string };
  open(plan: TrainingPlan): Promise<TrainingSession>;
}

/** The largest step index a training may reach (streams are indexed by u32 steps). */
export const MAX_TRAINING_STEP = 0xffffffff;

/** Checks a plan's shape (a program's mistake is a RangeError; a user's values are checked by the spec). */
export function checkTrainingPlan(plan: TrainingPlan): void {
  const { arch } = plan;
  if (!(TRAINING_KINDS as readonly string[]).includes(arch.kind)) throw new InputError('kind', `must be one of ${TRAINING_KINDS.join(', ')}`);
  if (!Number.isInteger(arch.batch) || arch.batch < 1 || arch.batch > 4096) throw new RangeError(`batch must be in 1..4096 (got ${arch.batch})`);
  if (plan.cells.length === 0) throw new RangeError('a training plan needs at least one cell');
  if (!Number.isInteger(plan.replicates) || plan.replicates < 1)
    throw new RangeError(`replicates must be a positive integer (got ${plan.replicates})`);
  const first = plan.firstModel ?? 0;
  if (!Number.isInteger(first) || first < 0 || first + plan.cells.length * plan.replicates > 0xffffffff) {
    throw new RangeError(`model indices must stay below 2^32 (first ${first})`);
  }
  const isClass = 'labels' in plan.train;
  if (isClass !== (arch.kind === 'digits')) throw new RangeError(`${arch.kind} models need ${arch.kind === 'digits' ? 'class' : 'regression'} data`);
  for (const set of plan.evaluation) if ('labels' in set !== isClass) throw new RangeError('evaluation sets must be of the training data kind');
}

/** Checks a train call's step range. */
export function checkStepRange(from: number, to: number): void {
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < from || to > MAX_TRAINING_STEP) {
    throw new RangeError(`steps must satisfy 0 <= from <= to <= 2^32 - 1 (got ${from}, ${to})`);
  }
}
