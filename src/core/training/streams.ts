// Randomness of the trainable models, from the project's counter-based streams (threefry.ts),
// so that everything a model sees is a function of (seed, model index, step) only:
//
//   initial parameters   stream (model, step 0) under TAG_TRAIN_INIT: parameter k of the flat
//                        layout = initScale[k] * (2 uniformGrid(word k) - 1), words in order
//                        (RngStream.next: x then y of each pair)
//   minibatch of step s  stream (model, step s) under TAG_TRAIN_BATCH: B words w_0..w_(B-1),
//                        row b = floor(w_b * n / 2^32) of the n training rows (uniform, with
//                        replacement; exact in f64 since w_b * n < 2^53; a kernel gets the same
//                        integer as the high word of the 32x32 -> 64 product)
//   regression input i   stream (set, step i) under TAG_TRAIN_DATA: x_i = 2 uniformGrid(word 0) - 1
//                        (in (-1, 1), exact in f32 too)
//
// Training is plain SGD with a constant learning rate: the state of a model is its parameter
// array and nothing else, so any split of steps [0, S) into chunks gives bit-identical parameters.
// "An epoch" is n / B steps (the number of rows seen, not a pass over a permutation).

import { TAG_TRAIN_BATCH, TAG_TRAIN_DATA, TAG_TRAIN_INIT } from '../constants.js';
import { RngStream, seedKey, uniformGrid } from '../threefry.js';
import type { RegressionData } from './types.js';

/** A stream reader for one seed; reuse it across models and steps (no allocation per call). */
export function trainingStream(seed: number): RngStream {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be a safe integer >= 0 (got ${seed})`);
  const [k0, k1] = seedKey(seed);
  return new RngStream(k0, k1);
}

/** Writes model `model`'s initial parameters: params[k] = scale[k] * (2 u_k - 1). */
export function initParams(rng: RngStream, model: number, scale: Float64Array, params: Float64Array): void {
  if (params.length !== scale.length) throw new RangeError(`params has ${params.length} entries, the layout ${scale.length}`);
  rng.open(model, 0, TAG_TRAIN_INIT);
  for (let k = 0; k < scale.length; k++) params[k] = scale[k] * (2 * uniformGrid(rng.next()) - 1);
}

/** Writes step `step`'s minibatch of model `model` (out.length rows of n) into out. */
export function batchRows(rng: RngStream, model: number, step: number, n: number, out: Uint32Array): Uint32Array {
  if (!Number.isInteger(n) || n < 1 || n > 0x100000) throw new RangeError(`row count must be in 1..2^20 (got ${n})`);
  rng.open(model, step, TAG_TRAIN_BATCH);
  for (let b = 0; b < out.length; b++) out[b] = Math.floor((rng.next() * n) / 0x100000000);
  return out;
}

/**
 * The two-regime target of sec. 8.1: y = -1 - 0.7 x + 0.05 sin(8 pi x) for x < 0 and
 * 1 + 0.7 x + 0.05 sin(8 pi x) for x >= 0.
 */
export function regressionTarget(x: number): number {
  const wiggle = 0.05 * Math.sin(8 * Math.PI * x);
  return x < 0 ? -1 - 0.7 * x + wiggle : 1 + 0.7 * x + wiggle;
}

/** `count` points x uniform on (-1, 1) from stream (set, i) under TAG_TRAIN_DATA, y = regressionTarget(x). */
export function regressionData(seed: number, count: number, set = 0): RegressionData {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a positive integer (got ${count})`);
  const rng = trainingStream(seed);
  const x = new Float64Array(count);
  const y = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    x[i] = 2 * uniformGrid(rng.open(set, i, TAG_TRAIN_DATA).next()) - 1;
    y[i] = regressionTarget(x[i]);
  }
  return { count, x, y };
}
