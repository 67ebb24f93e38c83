// Weighted linear least squares y ~ X coef, minimising sum_i w_i (y_i - X_i coef)^2, with
// the coefficient covariance, residuals and the weighted residual sum of squares.
//
// Method: the normal equations (X'WX) coef = X'Wy, with X'WX scaled to unit diagonal
// (D M D, D = diag(1/sqrt(M_aa))) before inversion by Gauss-Jordan and unscaled after
// (adequate for the few-parameter, well-scaled fits here; not a QR solver). Cov(coef) is
// (X'WX)^-1 when the weights are exact 1/sigma_i^2 (absoluteWeights), else
// s^2 (X'WX)^-1 with s^2 = weighted RSS / (n_eff - p), n_eff counting points of
// positive weight: the convention of scipy.optimize.curve_fit(absolute_sigma=False).
// Reference: Numerical Recipes 3rd ed. (Press et al. 2007) sec. 15.4 (general linear least
// squares by the normal equations, covariance (X'WX)^-1); Golub & Van Loan, Matrix
// Computations, 4th ed. (2013) sec. 3.5.2 (scaling) for the diagonal equilibration.
//
// Mismatched lengths, no data, a ragged design, non-finite data, negative or non-finite
// weights, fewer weighted points than parameters, or a singular design throw a RangeError.
// Plain TypeScript on f64, no Node-only imports: runs in a browser too.

import { invertSymmetric } from './invert-symmetric.js';

export interface WlsOptions {
  /**
   * true: weights are exact 1/sigma_i^2, so Cov(coef) = (X'WX)^-1 and confidence
   * intervals use normal quantiles. false (default): weights are relative, and
   * Cov(coef) = s^2 (X'WX)^-1 with s^2 = weighted RSS / (n_eff - p) and Student-t
   * quantiles with n_eff - p degrees of freedom (scipy's absolute_sigma=False).
   */
  absoluteWeights?: boolean;
}

export interface WlsResult {
  /** Fitted coefficients, one per column of the design matrix. */
  coef: number[];
  /** Covariance of coef: (X'WX)^-1, scaled by sigma2 unless absoluteWeights. */
  cov: number[][];
  /** (X'WX)^-1 without scaling. */
  covUnscaled: number[][];
  fitted: number[];
  /** y - fitted (unweighted). */
  residuals: number[];
  /** sqrt(w) * residual; ~ N(0, 1) when weights are 1/sigma^2 and the model holds. */
  weightedResiduals: number[];
  /** Weighted residual sum of squares sum(w r^2) (a chi-square when weights are absolute). */
  rss: number;
  /** Number of points with positive weight. */
  n: number;
  /** Residual degrees of freedom n - p. */
  dof: number;
  /** rss / dof (NaN when dof = 0). */
  sigma2: number;
  absoluteWeights: boolean;
}

function requireFinite(xs: ArrayLike<number>, what: string): void {
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(xs[i])) throw new RangeError(`weightedLeastSquares: ${what}[${i}] is not finite (${xs[i]})`);
  }
}

/**
 * Weighted linear least squares y ~ X coef, minimising sum_i w_i (y_i - X_i coef)^2.
 * Solved through the normal equations after scaling the columns to unit diagonal
 * (adequate for the few-parameter, well-scaled fits here). Points with weight 0 are
 * ignored for the degrees of freedom. Throws on a singular design.
 */
export function weightedLeastSquares(
  design: ArrayLike<ArrayLike<number>>,
  y: ArrayLike<number>,
  weights?: ArrayLike<number>,
  options: WlsOptions = {},
): WlsResult {
  const n = y.length;
  if (design.length !== n) throw new RangeError(`weightedLeastSquares: ${design.length} design rows for ${n} values of y`);
  if (weights && weights.length !== n) throw new RangeError(`weightedLeastSquares: ${weights.length} weights for ${n} values of y`);
  if (n === 0) throw new RangeError('weightedLeastSquares: no data');
  const p = design[0].length;
  if (p === 0) throw new RangeError('weightedLeastSquares: the design has no columns');
  requireFinite(y, 'y');
  let nEff = 0;
  for (let i = 0; i < n; i++) {
    if (design[i].length !== p)
      throw new RangeError(`weightedLeastSquares: ragged design (row ${i} has ${design[i].length} columns, row 0 has ${p})`);
    requireFinite(design[i], `design[${i}]`);
    const w = weights ? weights[i] : 1;
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`weightedLeastSquares: weights[${i}] must be finite and >= 0 (${w})`);
    if (w > 0) nEff++;
  }
  if (nEff < p) throw new RangeError(`weightedLeastSquares: ${nEff} weighted points for ${p} parameters`);

  const m: number[][] = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const v = new Array<number>(p).fill(0);
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1;
    if (w === 0) continue;
    const row = design[i];
    for (let a = 0; a < p; a++) {
      v[a] += w * row[a] * y[i];
      for (let b = 0; b <= a; b++) m[a][b] += w * row[a] * row[b];
    }
  }
  for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) m[a][b] = m[b][a];

  // Jacobi scaling D M D with D = diag(1/sqrt(M_aa)) before inverting.
  const d = m.map((row, a) => (row[a] > 0 ? 1 / Math.sqrt(row[a]) : 1));
  const scaled = m.map((row, a) => row.map((val, b) => val * d[a] * d[b]));
  const inv = invertSymmetric(scaled);
  const covUnscaled = inv.map((row, a) => row.map((val, b) => val * d[a] * d[b]));
  const coef = new Array<number>(p).fill(0);
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) coef[a] += covUnscaled[a][b] * v[b];

  const fitted = new Array<number>(n);
  const residuals = new Array<number>(n);
  const weightedResiduals = new Array<number>(n);
  let rss = 0;
  for (let i = 0; i < n; i++) {
    let f = 0;
    for (let a = 0; a < p; a++) f += design[i][a] * coef[a];
    fitted[i] = f;
    residuals[i] = y[i] - f;
    const w = weights ? weights[i] : 1;
    weightedResiduals[i] = Math.sqrt(w) * residuals[i];
    rss += w * residuals[i] * residuals[i];
  }
  const dof = nEff - p;
  const sigma2 = dof > 0 ? rss / dof : NaN;
  const absoluteWeights = options.absoluteWeights ?? false;
  const cov = absoluteWeights ? covUnscaled.map((r) => r.slice()) : covUnscaled.map((r) => r.map((c) => c * sigma2));
  return { coef, cov, covUnscaled, fitted, residuals, weightedResiduals, rss, n: nEff, dof, sigma2, absoluteWeights };
}
