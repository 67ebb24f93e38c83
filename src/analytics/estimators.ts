// Estimators that turn simulated router observables into the paper's numbers and sharper
// ones (MODEL.md sections 3-4): finite-time onset, switching points and hysteresis widths,
// critical temperature from the linear-noise 1/Var(y) extrapolation, and slow-sweep
// extrapolation of hysteresis widths. Plain TypeScript f64, no Node-only imports.

import { linearNoiseVariance as theoryLinearNoiseVariance } from './theory.js';
import {
  linearFit,
  mean,
  twoSidedQuantile,
  variance,
  weightedLeastSquares,
  invertSymmetric,
  chiSquareSf,
} from './stats.js';

export type Direction = 'up' | 'down' | 'any';

/** A confidence interval; bounded = false when it extends to +-Infinity. */
export interface Interval {
  lower: number;
  upper: number;
  level: number;
  bounded: boolean;
}

/** Every x > 0, else a RangeError naming the function, the quantity and the value. */
function checkPositive(xs: ArrayLike<number>, what: string, quantity: string): void {
  for (let i = 0; i < xs.length; i++) {
    if (!(xs[i] > 0)) throw new RangeError(`${what}: ${quantity} must be > 0 (${xs[i]})`);
  }
}

function checkPairs(xs: ArrayLike<number>, ys: ArrayLike<number>, what: string): void {
  if (xs.length !== ys.length) throw new RangeError(`${what}: xs has ${xs.length} entries, ys ${ys.length}`);
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(xs[i]) || !Number.isFinite(ys[i])) {
      throw new RangeError(`${what}: non-finite value at index ${i} (x=${xs[i]}, y=${ys[i]})`);
    }
  }
}

// ---------------------------------------------------------------------------
// 1. Level crossings and the finite-time onset (paper fig. 9)
// ---------------------------------------------------------------------------

export interface Crossing {
  /** Linearly interpolated abscissa of the crossing. */
  x: number;
  /** Index i of the left point of the bracketing pair (i, i+1). */
  index: number;
  /** 'up': ys goes from below the level to at-or-above it; 'down': the reverse. */
  direction: 'up' | 'down';
}

/**
 * All crossings of `level` by the piecewise-linear curve through (xs[i], ys[i]), in array
 * order. A point exactly at the level counts as "at or above", so a curve touching the
 * level from below yields one up crossing there (and a down crossing if it then falls
 * back). xs need not be increasing (a down sweep visits decreasing h). Linear
 * interpolation is second-order accurate in the grid step where the curve is smooth.
 */
export function crossings(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  level: number,
  direction: Direction = 'any',
): Crossing[] {
  checkPairs(xs, ys, 'crossings');
  const out: Crossing[] = [];
  for (let i = 0; i + 1 < xs.length; i++) {
    const below0 = ys[i] < level;
    const below1 = ys[i + 1] < level;
    if (below0 === below1) continue;
    const dir: 'up' | 'down' = below0 ? 'up' : 'down';
    if (direction !== 'any' && direction !== dir) continue;
    const frac = (level - ys[i]) / (ys[i + 1] - ys[i]);
    out.push({ x: xs[i] + frac * (xs[i + 1] - xs[i]), index: i, direction: dir });
  }
  return out;
}

export interface OnsetOptions {
  /**
   * Which crossing counts: 'up' (default; first x where ys rises to the level), 'down'
   * (the paper's fig. 9 with T increasing: final mean |u_hat| falls through 0.1), 'any'.
   */
  direction?: Direction;
}

/**
 * Finite-time onset: the first x (xs strictly increasing) where ys crosses `level`,
 * linearly interpolated; null if it never does. The paper's onset is the T where the
 * final mean |u_hat| reaches 0.1; being a finite-time, finite-B quantity it lies below
 * T_c = a/(2 gamma) (MODEL.md sec. 3), which `extrapolateCriticalPoint` estimates instead.
 */
export function finiteTimeOnset(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  level: number,
  options: OnsetOptions = {},
): number | null {
  checkPairs(xs, ys, 'finiteTimeOnset');
  for (let i = 0; i + 1 < xs.length; i++) {
    if (!(xs[i + 1] > xs[i])) throw new RangeError('finiteTimeOnset: xs must be strictly increasing');
  }
  const c = crossings(xs, ys, level, options.direction ?? 'up');
  return c.length > 0 ? c[0].x : null;
}

// ---------------------------------------------------------------------------
// 2. Switching points and hysteresis widths (paper figs. 7, 10, 11)
// ---------------------------------------------------------------------------

export interface SwitchOptions {
  /**
   * Sign change to look for: 'up' = u from negative to positive (up sweep in h),
   * 'down' = positive to negative (down sweep), 'any' (default) = the first either way.
   */
  direction?: Direction;
}

/**
 * Switching point of one sweep: the first x (in visiting order) where u changes sign,
 * by linear interpolation between the last point of the old sign and the first of the
 * new one. Exact zeros carry no sign: if u is exactly 0 on a run of points between
 * opposite signs, the midpoint of that run is returned. null if no (matching) sign
 * change occurs. The paper's switching threshold is the h where u_hat changes sign.
 */
export function switchingPoint(xs: ArrayLike<number>, us: ArrayLike<number>, options: SwitchOptions = {}): number | null {
  checkPairs(xs, us, 'switchingPoint');
  const want = options.direction ?? 'any';
  let last = -1; // index of the last point with nonzero u
  for (let k = 0; k < us.length; k++) {
    if (us[k] === 0) continue;
    if (last >= 0 && Math.sign(us[k]) !== Math.sign(us[last])) {
      const dir = us[k] > 0 ? 'up' : 'down';
      if (want === 'any' || want === dir) {
        if (k === last + 1) {
          const frac = us[last] / (us[last] - us[k]);
          return xs[last] + frac * (xs[k] - xs[last]);
        }
        return 0.5 * (xs[last + 1] + xs[k - 1]);
      }
    }
    last = k;
  }
  return null;
}

/** One sweep: the h values in the order visited and the observed (mean) u_hat at each. */
export interface Sweep {
  h: ArrayLike<number>;
  u: ArrayLike<number>;
}

export interface HysteresisWidths {
  /** Per replicate h_switch_up - h_switch_down; NaN where either sweep did not switch. */
  widths: number[];
  /** Per replicate switching points (null = no switch). */
  upSwitch: (number | null)[];
  downSwitch: (number | null)[];
  /** Statistics over replicates where both sweeps switched. */
  count: number;
  mean: number;
  /** Sample s.d. (n - 1 denominator). */
  sd: number;
  /** Standard error of the mean, sd / sqrt(count). */
  se: number;
  /** Replicates where at least one of the two sweeps did not change sign. */
  noSwitch: number;
  noSwitchUp: number;
  noSwitchDown: number;
}

/**
 * Hysteresis widths from paired up/down sweeps (replicate i = upSweeps[i] with
 * downSweeps[i]). Up sweep: h increasing, the state starts on the u < 0 branch and
 * jumps up, so its switch is the first - to + sign change; down sweep: h decreasing,
 * first + to - change. Width = h_up - h_down (mean field: 2 H(a), eq. 18). Replicates
 * without a switch in either direction are excluded from the statistics and counted.
 * The widths of independent replicates are i.i.d., so se = sd / sqrt(n).
 */
export function hysteresisWidths(upSweeps: readonly Sweep[], downSweeps: readonly Sweep[]): HysteresisWidths {
  if (upSweeps.length !== downSweeps.length) {
    throw new RangeError(`hysteresisWidths: ${upSweeps.length} up sweeps but ${downSweeps.length} down sweeps`);
  }
  const upSwitch = upSweeps.map((s) => switchingPoint(s.h, s.u, { direction: 'up' }));
  const downSwitch = downSweeps.map((s) => switchingPoint(s.h, s.u, { direction: 'down' }));
  const widths = upSwitch.map((hu, i) => {
    const hd = downSwitch[i];
    return hu === null || hd === null ? NaN : hu - hd;
  });
  const ok = widths.filter((w) => !Number.isNaN(w));
  const stats = meanWithError(ok);
  return {
    widths,
    upSwitch,
    downSwitch,
    count: ok.length,
    mean: stats.mean,
    sd: stats.sd,
    se: stats.se,
    noSwitch: widths.length - ok.length,
    noSwitchUp: upSwitch.filter((x) => x === null).length,
    noSwitchDown: downSwitch.filter((x) => x === null).length,
  };
}

/**
 * Convenience form of `hysteresisWidths` for sweeps stored on a common grid.
 * hGrid is increasing; up[i][j] is u at hGrid[j]. down[i] is stored in visiting order
 * (h from hGrid[last] down to hGrid[0]) unless downOrder = 'grid' (down[i][j] at hGrid[j]).
 */
export function hysteresisWidthsOnGrid(
  hGrid: ArrayLike<number>,
  up: readonly ArrayLike<number>[],
  down: readonly ArrayLike<number>[],
  downOrder: 'sweep' | 'grid' = 'sweep',
): HysteresisWidths {
  const hUp = Array.from(hGrid);
  const hDown = hUp.slice().reverse();
  const downSweeps = down.map((u) => (downOrder === 'sweep' ? { h: hDown, u } : { h: hDown, u: Array.from(u).reverse() }));
  return hysteresisWidths(
    up.map((u) => ({ h: hUp, u })),
    downSweeps,
  );
}

// ---------------------------------------------------------------------------
// 5. Mean with error, binomial proportion
// ---------------------------------------------------------------------------

export interface MeanWithError {
  n: number;
  mean: number;
  /** Sample s.d. (n - 1 denominator), NaN for n < 2. */
  sd: number;
  /** sd / sqrt(n): standard error of the mean for i.i.d. samples. */
  se: number;
  /** Student-t interval mean +- t_{n-1} se at `level`. */
  ci: Interval;
}

/** Mean, s.d., standard error and Student-t CI, assuming i.i.d. samples (e.g. replicates). */
export function meanWithError(xs: ArrayLike<number>, level = 0.95): MeanWithError {
  const n = xs.length;
  const m = mean(xs);
  const sd = n >= 2 ? Math.sqrt(variance(xs)) : NaN;
  const se = sd / Math.sqrt(n);
  const q = n >= 2 ? twoSidedQuantile(level, n - 1) : NaN;
  const ci = { lower: m - q * se, upper: m + q * se, level, bounded: n >= 2 };
  return { n, mean: m, sd, se, ci };
}

/**
 * Wilson score interval for a binomial proportion k / n (better coverage than the Wald
 * interval near 0 or 1, e.g. a fraction of replicates that switched or stayed balanced).
 */
export function binomialProportionCI(k: number, n: number, level = 0.95): Interval & { estimate: number } {
  if (!(n > 0) || !(k >= 0 && k <= n)) throw new RangeError(`binomialProportionCI: need 0 <= k <= n, n > 0 (k=${k}, n=${n})`);
  const z = twoSidedQuantile(level);
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { estimate: p, lower: Math.max(0, centre - half), upper: Math.min(1, centre + half), level, bounded: true };
}

// ---------------------------------------------------------------------------
// 3. Critical temperature from the linear-noise 1/Var(y) extrapolation (MODEL.md sec. 4)
// ---------------------------------------------------------------------------

export interface InverseVariance {
  /** 1 / s^2 with s^2 the unbiased sample variance. */
  value: number;
  /** Standard error of 1 / s^2 (delta method). */
  se: number;
  variance: number;
  n: number;
}

/**
 * 1/Var of a sample with its standard error. Var(s^2) = 2 sigma^4/(n-1) for normal data
 * (default), or, with assumeNormal = false, (m4 - (n-3)/(n-1) s^4)/n from the sample
 * fourth central moment. Delta method: se(1/s^2) = se(s^2)/s^4, so for normal data
 * se/value = sqrt(2/(n-1)). (1/s^2 is biased up by (n-1)/(n-3), a common factor that
 * does not move the zero of a line fitted to several temperatures.)
 */
export function inverseVarianceWithError(samples: ArrayLike<number>, options: { assumeNormal?: boolean } = {}): InverseVariance {
  const n = samples.length;
  if (n < 4) throw new RangeError('inverseVarianceWithError: need at least 4 samples');
  const s2 = variance(samples);
  let varS2: number;
  if (options.assumeNormal ?? true) {
    varS2 = (2 * s2 * s2) / (n - 1);
  } else {
    const m = mean(samples);
    let m4 = 0;
    for (let i = 0; i < n; i++) m4 += (samples[i] - m) ** 4;
    m4 /= n;
    varS2 = Math.max(0, (m4 - ((n - 3) / (n - 1)) * s2 * s2) / n);
  }
  return { value: 1 / s2, se: Math.sqrt(varS2) / (s2 * s2), variance: s2, n };
}

/** Weights 1/se^2 for a weighted fit from per-point standard errors. */
export function weightsFromStandardErrors(se: ArrayLike<number>): number[] {
  return Array.from(se, (s) => {
    if (!(s > 0) || !Number.isFinite(s)) throw new RangeError(`standard error must be finite and > 0 (${s})`);
    return 1 / (s * s);
  });
}

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

/**
 * Linear-noise stationary variance of y (MODEL.md sec. 4) in the estimators' argument
 * names; the formula lives in theory.ts. Infinity at or beyond the instability.
 */
export function linearNoiseVariance(p: { aEff: number; temperature: number; forgetting: number; tokens: number; eta: number }): number {
  return theoryLinearNoiseVariance({ a: p.aEff, T: p.temperature, gamma: p.forgetting }, p.tokens, p.eta);
}

// ---------------------------------------------------------------------------
// 4. Slow-sweep extrapolation of hysteresis widths
// ---------------------------------------------------------------------------

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
      Array.from(rates, (r) => [1, Math.pow(r, p)]),
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

  if (n < 4) throw new RangeError('extrapolateSlowSweep: a free exponent needs at least 4 rates');
  const [pLo, pHi] = options.exponentRange ?? [0.1, 2];
  if (!(pLo > 0 && pHi > pLo)) throw new RangeError('extrapolateSlowSweep: bad exponentRange');
  const rssAt = (p: number) => fitAt(p).rss;
  const nGrid = 96;
  let best = 0;
  const grid = Array.from({ length: nGrid + 1 }, (_, i) => pLo * Math.pow(pHi / pLo, i / nGrid));
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
  // Gauss-Newton covariance for the 3-parameter model.
  const jtj = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1;
    const rp = Math.pow(rates[i], pHat);
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
