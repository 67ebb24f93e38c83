// The hand-written backward passes of the trainable models (src/core/training/) against
// central finite differences of their losses, in f64.
//
// What is compared: for `smooth`, the analytic gradient of the minibatch objective (MSE + router
// L2) against (L(theta + eps e_k) - L(theta - eps e_k)) / (2 eps) for every parameter k. For
// `hard` and `digits`, the straight-through gradient against the finite differences of the
// surrogate loss in which the forward routing g and the stop-gradient copy of p_1 are held at
// their values at theta (Frozen: c_1 = [g = 1] + p_1(theta') - p_1(theta), c_2 = 1 - ... ), whose
// exact gradient at theta is the STE gradient by construction; the balancing penalty enters
// with p_1(theta') as in training. The test also checks that the surrogate equals the true
// loss at theta and that the frozen and unfrozen gradients at theta are identical.
//
// Tolerance: max_k |fd_k - grad_k| <= 1e-6 * max(1, max_k |grad_k|), eps = 1e-5. Central
// differences err by eps^2 |L'''| / 6 (~1e-10 here for O(1) third derivatives; up to ~1e-8 at
// T = 0.25, where p's derivatives grow as T^-3) plus rounding ~ 1e-16 |L| / eps ~ 1e-11, so
// 1e-6 has two orders of margin and still catches any wrong term (a missing factor or a
// dropped path is O(|grad|)).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  batchRows,
  digitsModel,
  HARD,
  digitsSplit,
  hardModel,
  initialParams,
  regressionData,
  selectRows,
  smoothModel,
  trainingStream,
  type TrainingModel,
} from '../src/core/training/index.js';
import { loadDigits } from '../src/node/digits.js';

const EPS = 1e-5;
const TOL = 1e-6;

/** The largest |FD - analytic| over the parameters (those in `fixed` must have gradient 0: not trained) and the gradient's scale. */
function fdError<D>(
  model: TrainingModel<D>,
  params: Float64Array,
  data: D,
  rows: Uint32Array,
  frozen: boolean,
  fixedParams: readonly number[] = [],
): { err: number; scale: number } {
  const grad = new Float64Array(model.size);
  const loss = model.lossGrad(params, data, rows, grad);
  const fixed = frozen ? model.route!(params, data, rows) : undefined;
  const f = (p: Float64Array) => (fixed ? model.lossGrad(p, data, rows, null, fixed) : model.lossGrad(p, data, rows, null));
  if (fixed) {
    assert.equal(f(params), loss, 'surrogate = loss at theta');
    const grad2 = new Float64Array(model.size);
    model.lossGrad(params, data, rows, grad2, fixed);
    assert.deepEqual(grad2, grad, 'frozen and unfrozen gradients at theta');
  }
  let err = 0;
  let scale = 1;
  const p = Float64Array.from(params);
  for (let k = 0; k < model.size; k++) {
    if (fixedParams.includes(k)) {
      assert.equal(grad[k], 0, `parameter ${k} is not trained`);
      continue;
    }
    p[k] = params[k] + EPS;
    const up = f(p);
    p[k] = params[k] - EPS;
    const down = f(p);
    p[k] = params[k];
    err = Math.max(err, Math.abs((up - down) / (2 * EPS) - grad[k]));
    scale = Math.max(scale, Math.abs(grad[k]));
  }
  return { err, scale };
}

/** Random parameters: the model's initialisation, widened by `widen`, plus `extra` on every entry. */
function randomParams<D>(model: TrainingModel<D>, seed: number, index: number, widen: number): Float64Array {
  const p = initialParams(model, seed, index);
  const q = initialParams({ ...model, initScale: new Float64Array(model.size).fill(0.3) }, seed + 1, index);
  for (let k = 0; k < p.length; k++) p[k] = widen * p[k] + q[k];
  return p;
}

const data = regressionData(11, 256);
const rng = trainingStream(5);

test('training: smooth backward pass = finite differences', () => {
  let worst = 0;
  for (const [h, T, routerL2] of [
    [0, 1, 1e-4],
    [1.5, 0.5, 1e-2],
    [-2, 2, 0],
    [0.3, 0.25, 0.1],
  ]) {
    const model = smoothModel({ h, T, routerL2 });
    for (let i = 0; i < 3; i++) {
      const rows = batchRows(rng, i, 17 * i + 1, data.count, new Uint32Array(16));
      const { err, scale } = fdError(model, randomParams(model, 3, i, 3), data, rows, false);
      worst = Math.max(worst, err / scale);
      assert.ok(err <= TOL * scale, `h=${h} T=${T} L2=${routerL2}: max error ${err} (scale ${scale})`);
    }
  }
  console.log(`smooth: worst relative gradient error ${worst.toExponential(2)}`);
});

test('training: hard STE gradient = finite differences of the frozen surrogate', () => {
  let worst = 0;
  for (const [h, T, lambdaLb, bias] of [
    [0, 1, 0, 0],
    [1, 0.5, 1, 1],
    [-2, 2, 0.3, 1],
    [0.5, 0.25, 5, 0],
  ] as const) {
    const model = hardModel({ h, T, lambdaLb, routerBias: bias === 1 });
    for (let i = 0; i < 3; i++) {
      const rows = batchRows(rng, 10 + i, 3 * i, data.count, new Uint32Array(16));
      // without a router bias c_1, c_2 are no parameters: their gradient is 0 and they stay 0
      const { err, scale } = fdError(model, randomParams(model, 4, i, 3), data, rows, true, bias ? [] : [HARD.c1, HARD.c2]);
      worst = Math.max(worst, err / scale);
      assert.ok(err <= TOL * scale, `h=${h} T=${T} lambda=${lambdaLb}: max error ${err} (scale ${scale})`);
    }
  }
  console.log(`hard: worst relative gradient error ${worst.toExponential(2)}`);
});

test('training: digits STE gradient = finite differences of the frozen surrogate (two experts and one)', () => {
  const all = loadDigits();
  const train = selectRows(all, digitsSplit(all).train);
  let worst = 0;
  for (const [h, T, lambdaLb, hidden, experts] of [
    [0, 1, 0, 4, 2],
    [1, 0.5, 1, 3, 2],
    [-2, 2, 0.5, 5, 2],
    [0, 1, 0, 4, 1],
  ] as const) {
    const model = digitsModel({ h, T, lambdaLb, hidden, experts });
    const rows = batchRows(rng, 20, hidden, train.count, new Uint32Array(12));
    const params = randomParams(model, 6, hidden, 4);
    if (experts === 2) {
      // centre the router on the batch (c_1 = -median of z_1 - z_2), so that both experts get rows
      params[128] = params[129] = 0;
      const gaps = Array.from(model.route!(params, train, rows).p1, (p) => T * Math.log(p / (1 - p))).sort((a, b) => a - b);
      params[128] = -(gaps[5] + gaps[6]) / 2;
    }
    const { err, scale } = fdError(model, params, train, rows, experts === 2);
    worst = Math.max(worst, err / scale);
    assert.ok(err <= TOL * scale, `h=${h} T=${T} lambda=${lambdaLb} H=${hidden} E=${experts}: max error ${err} (scale ${scale})`);
    if (experts === 2) {
      const g = model.route!(params, train, rows).g;
      assert.ok(g.includes(0) && g.includes(1), 'the batch uses both experts (both STE paths are exercised)');
    }
  }
  console.log(`digits: worst relative gradient error ${worst.toExponential(2)}`);
});
