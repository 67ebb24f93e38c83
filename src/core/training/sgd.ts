// Plain minibatch SGD for the trainable models, with the streams of streams.ts: a model's
// parameters after steps [from, to) depend only on (seed, model index, the parameters at
// `from`, the configuration); running [0, S) in any chunks gives bit-identical arrays.
// Learning rate and batch size are the caller's (the presets document theirs); the tests use
// smooth/hard: lr 0.1-0.5, B = 32; digits: lr 0.5, B = 32 (see test/training-*.test.ts).

import type { RngStream } from '../threefry.js';
import { batchRows, initParams, trainingStream } from './streams.js';
import type { TrainingModel } from './types.js';

export interface SgdOptions {
  readonly seed: number;
  /** the model's global index (its random streams) */
  readonly model: number;
  /** first step (inclusive) */
  readonly from: number;
  /** last step (exclusive) */
  readonly to: number;
  readonly lr: number;
  readonly batch: number;
}

/** The initial parameters of model `model` under `seed`. */
export function initialParams<D>(kind: TrainingModel<D>, seed: number, model: number): Float64Array {
  const params = new Float64Array(kind.size);
  initParams(trainingStream(seed), model, kind.initScale, params);
  return params;
}

/** One SGD step on the rows `rows`: params -= lr * grad. Returns the minibatch objective before the step. */
export function sgdStep<D>(kind: TrainingModel<D>, params: Float64Array, data: D, rows: ArrayLike<number>, lr: number, grad: Float64Array): number {
  const loss = kind.lossGrad(params, data, rows, grad);
  for (let k = 0; k < params.length; k++) params[k] -= lr * grad[k];
  return loss;
}

/**
 * Steps [from, to) of model `model` on `data` (rows 0..count-1 are the training set), in place.
 * Returns the mean minibatch objective over these steps (NaN for none). `rng` may be passed in
 * to reuse a stream reader of the same seed.
 */
export function trainSteps<D extends { readonly count: number }>(
  kind: TrainingModel<D>,
  params: Float64Array,
  data: D,
  opts: SgdOptions,
  rng?: RngStream,
): number {
  const { seed, model, from, to, lr, batch } = opts;
  if (!(lr > 0) || !Number.isFinite(lr)) throw new RangeError(`lr must be finite and > 0 (got ${lr})`);
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`batch must be a positive integer (got ${batch})`);
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < from || to > 0xffffffff) {
    throw new RangeError(`steps must satisfy 0 <= from <= to < 2^32 (got ${from}, ${to})`);
  }
  if (params.length !== kind.size) throw new RangeError(`params has ${params.length} entries, the model ${kind.size}`);
  const stream = rng ?? trainingStream(seed);
  const rows = new Uint32Array(batch);
  const grad = new Float64Array(kind.size);
  let sum = 0;
  for (let step = from; step < to; step++) {
    batchRows(stream, model, step, data.count, rows);
    sum += sgdStep(kind, params, data, rows, lr, grad);
  }
  return to > from ? sum / (to - from) : Number.NaN;
}
