// Slow-sweep extrapolation of hysteresis widths: fit w(r) = w0 + c r^p to widths measured
// at sweep rates r (change of h per unit time) and report the quasi-static width w0
// (compare with 2 H(a), eq. 18).
//
// Method: a slowly swept saddle-node is passed with a delay ~ r^(2/3), so each switch
// overshoots its fold by ~ r^(2/3) and the width grows as w0 + c r^(2/3); noise (finite B)
// competes with this, hence the option of a free exponent as a check. Fixed p: weighted
// linear least squares in (1, r^p), CI for w0 from its se with a normal (absolute weights)
// or Student-t (n - 2 dof) quantile. Free p (>= 4 rates): profile the weighted RSS over 97
// log-spaced values of p in exponentRange, refine by golden-section search on the bracket
// around the best one, refit at the optimum, and take the covariance of (w0, c, p) from the
// Gauss-Newton matrix J'WJ with J = [1, r^p, c r^p ln r] (scaled by RSS/(n - 3) unless the
// weights are absolute).
// Reference: R. Haberman, "Slowly varying jump and transition phenomena associated with
// algebraic bifurcation problems", SIAM J. Appl. Math. 37 (1979) 69-106 (the r^(2/3) delay);
// Numerical Recipes 3rd ed. (Press et al. 2007) sec. 10.2 (golden-section search) and
// sec. 15.5 (covariance of a nonlinear fit from the curvature matrix).
//
// Mismatched lengths, non-finite values, a rate <= 0, a fixed exponent <= 0, a free exponent
// with fewer than 4 rates (or 3 of positive weight), or a bad exponentRange throw a RangeError.
// Plain TypeScript on f64, no Node-only imports: runs in a browser too.

import { twoSidedQuantile } from '../distributions/two-sided-quantile.js';
import { invertSymmetric } from '../regression/invert-symmetric.js';
import { weightedLeastSquares } from '../regression/weighted-least-squares.js';
import { checkPairs, checkPositive } from './checks.js';
import type { Interval } from './types.js';

export interface SlowSweepOptions {
  level?: number;
  /** See CriticalPointOptions.absoluteWeights. */
  absoluteWeights?: boolean;
  /** Search range for a free exponent (default [0.1, 2]). */
  exponentRange?: [number, number];
}

export interface SlowSweepFit {
  /** Extrapolated zero-rate width w0 (compare with 2 H(a)). */
  w0: number;
  /** Coefficient c of r^exponent. */
  c: number;
  exponent: number;
  exponentFitted: boolean;
  /** Standard errors; `exponent` is NaN when the exponent was fixed. */
  se: { w0: number; c: number; exponent: number };
  /** CI for w0 (normal with absolute weights, else Student-t with n - p dof). */
  ci: Interval;
  /** Covariance of (w0, c[, exponent]). */
  cov: number[][];
  residuals: number[];
  fitted: number[];
  /** Weighted residual sum of squares. */
  rss: number;
  dof: number;
}

/**
 * Extrapolate hysteresis widths measured at sweep rates r (change of h per unit time)
 * to the quasi-static limit with w(r) = w0 + c r^p. A slowly swept saddle-node is passed
 * with a delay ~ r^{2/3} (Haberman 1979), so each switch overshoots the fold by ~ r^{2/3}
 * and the width grows as w0 + c r^{2/3}; noise (finite B) competes with this, which is
 * why a free exponent is offered as a check. Fixed p: linear WLS in (1, r^p).
 * exponent = 'free' (>= 4 rates): profile the weighted RSS over a grid of p in
 * exponentRange, refine by golden section, then take the covariance of (w0, c, p) from
 * the Jacobian [1, r^p, c r^p ln r] (Gauss-Newton at the optimum).
 */
export function extrapolateSlowSweep(
  rates: ArrayLike<number>,
  widths: ArrayLike<number>,
  exponent: number | 'free' = 2 / 3,
  weights?: ArrayLike<number>,
  options: SlowSweepOptions = {},
): SlowSweepFit {
  checkPairs(rates, widths, 'extrapolateSlowSweep');
  checkPositive(rates, 'extrapolateSlowSweep', 'rates');
  const level = options.level ?? 0.95;
  const absoluteWeights = options.absoluteWeights ?? false;
  const n = rates.length;
  const fitAt = (p: number) =>
    weightedLeastSquares(
      Array.from(rates, (r) => [1, r ** p]),
      widths,
      weights,
      { absoluteWeights },
    );

  if (exponent !== 'free') {
    if (!(exponent > 0)) throw new RangeError(`extrapolateSlowSweep: exponent must be > 0 (${exponent})`);
    const fit = fitAt(exponent);
    const q = absoluteWeights ? twoSidedQuantile(level) : twoSidedQuantile(level, fit.dof);
    const seW0 = Math.sqrt(fit.cov[0][0]);
    return {
      w0: fit.coef[0],
      c: fit.coef[1],
      exponent,
      exponentFitted: false,
      se: { w0: seW0, c: Math.sqrt(fit.cov[1][1]), exponent: NaN },
      ci: ciAround(fit.coef[0], seW0, q, level),
      cov: fit.cov,
      residuals: fit.residuals,
      fitted: fit.fitted,
      rss: fit.rss,
      dof: fit.dof,
    };
  }

  if (n < 4) throw new RangeError(`extrapolateSlowSweep: a free exponent needs at least 4 rates (got ${n})`);
  const [pLo, pHi] = options.exponentRange ?? [0.1, 2];
  if (!(pLo > 0 && pHi > pLo)) throw new RangeError(`extrapolateSlowSweep: bad exponentRange [${pLo}, ${pHi}] (need 0 < lo < hi)`);
  const rssAt = (p: number) => fitAt(p).rss;
  const nGrid = 96;
  let best = 0;
  const grid = Array.from({ length: nGrid + 1 }, (_, i) => pLo * (pHi / pLo) ** (i / nGrid));
  const rssGrid = grid.map(rssAt);
  for (let i = 1; i <= nGrid; i++) if (rssGrid[i] < rssGrid[best]) best = i;
  // Golden section on the bracket around the best grid point.
  let a = grid[Math.max(0, best - 1)];
  let b = grid[Math.min(nGrid, best + 1)];
  const g = (Math.sqrt(5) - 1) / 2;
  let c1 = b - g * (b - a);
  let c2 = a + g * (b - a);
  let f1 = rssAt(c1);
  let f2 = rssAt(c2);
  for (let it = 0; it < 100 && b - a > 1e-12 * b; it++) {
    if (f1 < f2) {
      b = c2;
      c2 = c1;
      f2 = f1;
      c1 = b - g * (b - a);
      f1 = rssAt(c1);
    } else {
      a = c1;
      c1 = c2;
      f1 = f2;
      c2 = a + g * (b - a);
      f2 = rssAt(c2);
    }
  }
  const pHat = 0.5 * (a + b);
  const fit = fitAt(pHat);
  const [w0, c] = fit.coef;
  if (fit.n < 3) throw new RangeError(`extrapolateSlowSweep: a free exponent needs at least 3 rates of positive weight (got ${fit.n})`);
  // Gauss-Newton covariance for the 3-parameter model.
  const jtj = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1;
    const rp = rates[i] ** pHat;
    const row = [1, rp, c * rp * Math.log(rates[i])];
    for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) jtj[j][k] += w * row[j] * row[k];
  }
  const dof = fit.n - 3;
  const sigma2 = dof > 0 ? fit.rss / dof : NaN;
  let cov: number[][];
  try {
    const inv = invertSymmetric(jtj);
    cov = absoluteWeights ? inv : inv.map((r) => r.map((v) => v * sigma2));
  } catch {
    cov = [
      [NaN, NaN, NaN],
      [NaN, NaN, NaN],
      [NaN, NaN, NaN],
    ];
  }
  const q = absoluteWeights ? twoSidedQuantile(level) : twoSidedQuantile(level, dof);
  const seW0 = Math.sqrt(cov[0][0]);
  return {
    w0,
    c,
    exponent: pHat,
    exponentFitted: true,
    se: { w0: seW0, c: Math.sqrt(cov[1][1]), exponent: Math.sqrt(cov[2][2]) },
    ci: ciAround(w0, seW0, q, level),
    cov,
    residuals: fit.residuals,
    fitted: fit.fitted,
    rss: fit.rss,
    dof,
  };
}

function ciAround(est: number, se: number, q: number, level: number): Interval {
  if (!Number.isFinite(q) || !Number.isFinite(se)) return { lower: -Infinity, upper: Infinity, level, bounded: false };
  return { lower: est - q * se, upper: est + q * se, level, bounded: true };
}
