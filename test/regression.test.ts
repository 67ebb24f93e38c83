// Tests for src/analytics/regression/ (weighted least squares, straight-line fit, matrix
// inverse, weights from standard errors) on hand-solved cases; each tolerance is stated
// beside its check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { invertSymmetric } from '../src/analytics/regression/invert-symmetric.js';
import { linearFit } from '../src/analytics/regression/linear-fit.js';
import { weightedLeastSquares } from '../src/analytics/regression/weighted-least-squares.js';
import { weightsFromStandardErrors } from '../src/analytics/regression/weights.js';
import { close } from './helpers/close.js';

test('weighted least squares: hand-solved straight line', () => {
  // x = [0,1,2], y = [1,3,2], w = [1,2,1]: S=4, Sx=4, Sxx=6, Sy=9, Sxy=10, det = 8,
  // slope = (4*10 - 4*9)/8 = 0.5, intercept = (9 - 0.5*4)/4 = 1.75,
  // residuals (-0.75, 0.75, -0.75), weighted RSS = 2.25, dof = 1,
  // (X'WX)^-1 = [[6, -4], [-4, 4]] / 8.
  const f = linearFit([0, 1, 2], [1, 3, 2], [1, 2, 1]);
  close(f.intercept, 1.75, 1e-14);
  close(f.slope, 0.5, 1e-14);
  f.residuals.forEach((r, i) => close(r, [-0.75, 0.75, -0.75][i], 1e-13));
  close(f.rss, 2.25, 1e-13);
  assert.equal(f.dof, 1);
  close(f.sigma2, 2.25, 1e-13);
  close(f.covUnscaled[0][0], 0.75, 1e-14);
  close(f.covUnscaled[0][1], -0.5, 1e-14);
  close(f.covUnscaled[1][1], 0.5, 1e-14);
  // Default (relative weights): cov scaled by sigma2 = 2.25.
  close(f.cov[0][0], 0.75 * 2.25, 1e-13);
  const abs = linearFit([0, 1, 2], [1, 3, 2], [1, 2, 1], { absoluteWeights: true });
  close(abs.cov[1][1], 0.5, 1e-14);
});

test('weighted least squares: exact recovery of a 3-parameter polynomial, zero weight ignored', () => {
  const xs = [-2, -1, 0, 0.5, 1, 3];
  const ys = xs.map((x) => 1.5 - 2 * x + 0.25 * x * x);
  ys[3] += 100; // poisoned point with zero weight
  const w = [1, 2, 1, 0, 3, 1];
  const r = weightedLeastSquares(
    xs.map((x) => [1, x, x * x]),
    ys,
    w,
  );
  // Noiseless data: coefficients to rounding (1e-12).
  close(r.coef[0], 1.5, 1e-12);
  close(r.coef[1], -2, 1e-12);
  close(r.coef[2], 0.25, 1e-12);
  assert.equal(r.n, 5);
  assert.equal(r.dof, 2);
  assert.throws(() => linearFit([1, 1, 1], [1, 2, 3]), /singular/);
  const inv = invertSymmetric([
    [4, 1],
    [1, 3],
  ]);
  close(inv[0][0], 3 / 11, 1e-15);
  close(inv[0][1], -1 / 11, 1e-14);
});

test('regression: impossible arguments are RangeErrors naming the function', () => {
  assert.throws(() => weightedLeastSquares([[1], [1]], [1]), { name: 'RangeError', message: /weightedLeastSquares/ });
  assert.throws(() => weightedLeastSquares([[1], [1]], [1, 2], [1, -1]), { name: 'RangeError', message: /weights\[1\]/ });
  assert.throws(() => weightedLeastSquares([[1, 0]], [1]), { name: 'RangeError', message: /1 weighted points for 2/ });
  assert.throws(() => linearFit([1, 2], [1]), { name: 'RangeError', message: /linearFit/ });
  assert.throws(() => invertSymmetric([[1, 2]]), { name: 'RangeError', message: /invertSymmetric/ });
  assert.deepEqual(weightsFromStandardErrors([0.5, 2]), [4, 0.25]);
  assert.throws(() => weightsFromStandardErrors([1, 0]), { name: 'RangeError', message: /se\[1\]/ });
});
