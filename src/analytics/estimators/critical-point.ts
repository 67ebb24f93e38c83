// Critical temperature T_c from the linear-noise 1/Var(y) extrapolation (MODEL.md sec. 4),
// with a Fieller (default) or delta-method confidence interval.
//
// Method: on the balanced side the linear-noise approximation gives
//   1/Var(y) = B (-2 lambda - eta lambda^2) / (eta a_eff^2),  lambda = a_eff/(2T) - gamma,
// linear in x = 1/T up to the O(eta lambda^2) term and zero at lambda = 0, i.e. at
// T_c = a_eff/(2 gamma). Fit 1/Var = alpha + beta x by weighted least squares; the line is
// zero at x0 = -alpha/beta, so T_c = -beta/alpha (expect alpha > 0, beta < 0). Fieller's
// interval for the ratio theta = -beta/alpha is the set
//   (beta + theta alpha)^2 <= q^2 Var(beta + theta alpha),
// a quadratic inequality in theta, bounded iff alpha^2 > q^2 Var(alpha); the same set is
// obtained in x = 1/T, so (unlike the delta method) it is invariant under T <-> 1/T. The
// delta-method se uses dTc/dalpha = beta/alpha^2, dTc/dbeta = -1/alpha. Goodness of fit:
// P(chi^2_dof > weighted RSS), meaningful with absolute weights.
// criticalPointFromVariances fits the sample variances themselves: 1/s^2 of n normal
// replicates is a scaled inverse chi-square (relative s.d. sqrt(2/(n-5))), weighted by the
// fitted line (iteratively reweighted), optionally divided by the exact AR(1) factor
// (1 + eta lambda/2) so that no finite-eta curvature biases the zero.
// Reference: E. C. Fieller, "Some problems in interval estimation", J. R. Stat. Soc. B 16
// (1954) 175-185; MODEL.md sec. 4 for the linear-noise variance; Casella & Berger,
// Statistical Inference, 2nd ed. (2002) sec. 5.5.4 for the delta method.
//
// Mismatched lengths, non-finite values or a temperature <= 0 throw a RangeError (and
// whatever weightedLeastSquares rejects); a fit that only warns (wrong slope sign,
// unbounded interval) returns its warnings instead.
// Plain TypeScript on f64, no Node-only imports: runs in a browser too.

import { chiSquareSf } from '../distributions/chi-square.js';
import { twoSidedQuantile } from '../distributions/two-sided-quantile.js';
import { linearFit } from '../regression/linear-fit.js';
import { checkPairs, checkPositive } from './checks.js';
import type { Interval } from './types.js';

export interface CriticalPointOptions {
  /** Confidence level (default 0.95). */
  level?: number;
  /** 'fieller' (default): exact for a ratio of normal estimates; 'delta': first order. */
  ciMethod?: 'fieller' | 'delta';
  /**
   * true: weights are exactly 1/se^2 (covariance not rescaled, normal quantile; then
   * `goodnessOfFitP` tests the linear model). false (default): covariance rescaled by
   * the reduced chi-square and Student-t quantile with n - 2 dof, which stays honest if
   * the se are themselves estimated or the line is slightly curved.
   */
  absoluteWeights?: boolean;
}

export interface CriticalPointFit {
  /** Extrapolated critical temperature T_c = -beta/alpha. */
  tc: number;
  /** x0 = 1/T_c = -alpha/beta, where the fitted line hits 1/Var = 0. */
  x0: number;
  /** Fit 1/Var = alpha + beta * (1/T). */
  alpha: number;
  beta: number;
  /** Covariance of (alpha, beta). */
  cov: [[number, number], [number, number]];
  /** Interval for T_c by `ciMethod`. */
  ci: Interval;
  ciMethod: 'fieller' | 'delta';
  /** Delta-method standard error of T_c (always reported). */
  se: number;
  /** 1/Var - fitted, per input point. */
  residuals: number[];
  /** sqrt(w) * residual. */
  weightedResiduals: number[];
  fitted: number[];
  /** Weighted residual sum of squares (chi-square if weights are absolute). */
  chi2: number;
  dof: number;
  /** P(chi2_dof > chi2); meaningful only with absolute weights. */
  goodnessOfFitP: number;
  /** Problems noticed (wrong slope sign, unbounded interval, ...). */
  warnings: string[];
}

/**
 * Critical temperature by extrapolating the inverse stationary variance (MODEL.md sec. 4).
 * On the balanced side the linear-noise approximation gives
 *   1/Var(y) = B (-2 lambda - eta lambda^2) / (eta a_eff^2),  lambda = a_eff/(2T) - gamma,
 * which is linear in x = 1/T up to the O(eta lambda^2) term and vanishes at lambda = 0,
 * i.e. T_c = a_eff/(2 gamma). We fit 1/Var = alpha + beta x by weighted least squares
 * (weights 1/se^2 when the se of each 1/Var are known, see `inverseVarianceWithError`);
 * the line is zero at x0 = -alpha/beta, so T_c = 1/x0 = -beta/alpha (expect alpha > 0,
 * beta < 0). Assumptions: all temperatures on the balanced side, close enough to T_c that
 * nonlinear (non-Gaussian) corrections are negligible but far enough that the runs have
 * equilibrated (relaxation time ~ 1/(eta |lambda|) steps).
 *
 * CI (Fieller's theorem): the set of theta with
 *   (beta + theta alpha)^2 <= q^2 Var(beta + theta alpha)
 * a quadratic inequality in theta; bounded iff alpha is significantly nonzero
 * (alpha^2 > q^2 Var(alpha)). The same set is obtained working in x = 1/T, so the
 * interval is invariant under T <-> 1/T, unlike the delta method.
 */
export function extrapolateCriticalPoint(
  temps: ArrayLike<number>,
  inverseVariances: ArrayLike<number>,
  weights?: ArrayLike<number>,
  options: CriticalPointOptions = {},
): CriticalPointFit {
  checkPairs(temps, inverseVariances, 'extrapolateCriticalPoint');
  checkPositive(temps, 'extrapolateCriticalPoint', 'temperature');
  const level = options.level ?? 0.95;
  const ciMethod = options.ciMethod ?? 'fieller';
  const absoluteWeights = options.absoluteWeights ?? false;
  const x = Array.from(temps, (t) => 1 / t);
  const fit = linearFit(x, inverseVariances, weights, { absoluteWeights });
  const alpha = fit.intercept;
  const beta = fit.slope;
  const vaa = fit.cov[0][0];
  const vab = fit.cov[0][1];
  const vbb = fit.cov[1][1];
  const tc = -beta / alpha;
  const warnings: string[] = [];
  if (!(alpha > 0 && beta < 0)) {
    warnings.push(`expected alpha > 0 and beta < 0 (1/Var falling towards T_c), got alpha=${alpha}, beta=${beta}`);
  }
  // Delta method: dTc/dalpha = beta/alpha^2, dTc/dbeta = -1/alpha.
  const ga = beta / (alpha * alpha);
  const gb = -1 / alpha;
  const se = Math.sqrt(ga * ga * vaa + 2 * ga * gb * vab + gb * gb * vbb);
  const q = absoluteWeights ? twoSidedQuantile(level) : twoSidedQuantile(level, fit.dof);

  let ci: Interval;
  if (!Number.isFinite(q) || !Number.isFinite(se)) {
    ci = { lower: -Infinity, upper: Infinity, level, bounded: false };
    warnings.push('no residual degrees of freedom: interval unbounded (pass absolute weights or more temperatures)');
  } else if (ciMethod === 'delta') {
    ci = { lower: tc - q * se, upper: tc + q * se, level, bounded: true };
  } else {
    const q2 = q * q;
    const A = alpha * alpha - q2 * vaa;
    const Bh = alpha * beta - q2 * vab; // half of the linear coefficient
    const C = beta * beta - q2 * vbb;
    const disc = Bh * Bh - A * C;
    if (A > 0 && disc >= 0) {
      const r = Math.sqrt(disc);
      ci = { lower: (-Bh - r) / A, upper: (-Bh + r) / A, level, bounded: true };
    } else {
      ci = { lower: -Infinity, upper: Infinity, level, bounded: false };
      warnings.push('Fieller interval unbounded: intercept not significantly nonzero at this level');
    }
  }
  const gofP = fit.dof > 0 ? chiSquareSf(fit.rss, fit.dof) : NaN;
  return {
    tc,
    x0: -alpha / beta,
    alpha,
    beta,
    cov: [
      [vaa, vab],
      [vab, vbb],
    ],
    ci,
    ciMethod,
    se,
    residuals: fit.residuals,
    weightedResiduals: fit.weightedResiduals,
    fitted: fit.fitted,
    chi2: fit.rss,
    dof: fit.dof,
    goodnessOfFitP: gofP,
    warnings,
  };
}

export interface VarianceSample {
  /** Temperature of the cell. */
  T: number;
  /** Unbiased sample variance of y across n independent replicates. */
  variance: number;
  /** Replicates behind it (> 5). */
  n: number;
}

export interface VarianceFitOptions extends Pick<CriticalPointOptions, 'level' | 'ciMethod'> {
  /**
   * The AR(1) step: with eta and a_eff given, 1/Var is divided by the exact form's factor
   * (1 + eta lambda / 2), lambda = (a_eff/2)(1/T - 1/T_c) at the current T_c estimate, so
   * the fitted line is exact for the linear-noise model at any eta (no finite-eta bias).
   */
  step?: { eta: number; aEff: number };
  /** Reweighting passes (default 8; the fit converges in 3-4 at the relative errors here). */
  iterations?: number;
}

export interface VarianceCriticalPointFit extends CriticalPointFit {
  /** The data the final line was fitted to: 1/Var over the step factor. */
  corrected: number[];
  /** The s.e. of each corrected point (from the fitted value, see below). */
  pointSe: number[];
  /** The step factor (1 + eta lambda/2) per point (1 without `step`). */
  stepFactor: number[];
}

/**
 * T_c from the sample variances of y at several temperatures on the balanced side (MODEL.md
 * sec. 4), for y normal and independent across replicates. (n-1) s^2 / sigma^2 is then
 * chi-square with n - 1 dof, so 1/s^2 is a scaled inverse chi-square: mean
 * (n-1)/(n-3) / sigma^2 (a common factor when n is equal across points, and close to 1
 * otherwise) and relative s.d. sqrt(2/(n-5)) exactly. The s.e. of each point is taken from
 * the FITTED line (iteratively reweighted least squares, i.e. quasi-likelihood with a
 * known variance function), not from the point's own value: weights from the noisy values
 * correlate with the noise and bias the line. Weights are absolute, so the Fieller interval
 * uses normal quantiles and `goodnessOfFitP` tests the linear-noise model.
 */
export function criticalPointFromVariances(samples: readonly VarianceSample[], options: VarianceFitOptions = {}): VarianceCriticalPointFit {
  const temps = samples.map((s) => s.T);
  const inv = samples.map((s) => 1 / s.variance);
  checkPairs(temps, inv, 'criticalPointFromVariances');
  for (const s of samples) {
    if (!(s.n > 5)) throw new RangeError(`criticalPointFromVariances: need more than 5 replicates per point (got ${s.n})`);
  }
  const rel = samples.map((s) => Math.sqrt(2 / (s.n - 5)));
  const fitOptions: CriticalPointOptions = {
    absoluteWeights: true,
    ...(options.level !== undefined && { level: options.level }),
    ...(options.ciMethod && { ciMethod: options.ciMethod }),
  };
  let factor = samples.map(() => 1);
  let se = inv.map((v, i) => v * rel[i]);
  let fit = extrapolateCriticalPoint(
    temps,
    inv,
    se.map((s) => 1 / (s * s)),
    fitOptions,
  );
  const passes = options.iterations ?? 8;
  for (let k = 0; k < passes; k++) {
    const tc = fit.tc;
    if (options.step && tc > 0 && Number.isFinite(tc)) {
      const { eta, aEff } = options.step;
      factor = temps.map((T) => 1 + (eta * (aEff / 2) * (1 / T - 1 / tc)) / 2);
    }
    const y = inv.map((v, i) => v / factor[i]);
    // s.e. from the fitted value; a fitted value <= 0 (a wild early fit) falls back on the point's own.
    se = y.map((v, i) => (fit.fitted[i] > 0 ? fit.fitted[i] : v) * rel[i]);
    fit = extrapolateCriticalPoint(
      temps,
      y,
      se.map((s) => 1 / (s * s)),
      fitOptions,
    );
  }
  return { ...fit, corrected: inv.map((v, i) => v / factor[i]), pointSe: se, stepFactor: factor };
}
