// Straight-line fit y = intercept + slope * x by weighted least squares.
//
// Method: weightedLeastSquares on the design [1, x_i] (normal equations; see
// regression/weighted-least-squares.ts for the covariance conventions).
// Reference: Numerical Recipes 3rd ed. (Press et al. 2007) sec. 15.2 (fitting data to a
// straight line) for the model; sec. 15.4 for the solution used.
//
// x and y of different lengths throw a RangeError (and whatever weightedLeastSquares rejects).
// Plain TypeScript on f64, no Node-only imports: runs in a browser too.

import { weightedLeastSquares, type WlsOptions, type WlsResult } from './weighted-least-squares.js';

export interface LineFit extends WlsResult {
  intercept: number;
  slope: number;
}

/** Straight line y = intercept + slope * x by weighted least squares. */
export function linearFit(x: ArrayLike<number>, y: ArrayLike<number>, weights?: ArrayLike<number>, options: WlsOptions = {}): LineFit {
  if (x.length !== y.length) throw new RangeError(`linearFit: x has ${x.length} entries, y ${y.length}`);
  const design = Array.from({ length: x.length }, (_, i) => [1, x[i]]);
  const r = weightedLeastSquares(design, y, weights, options);
  return { ...r, intercept: r.coef[0], slope: r.coef[1] };
}
