// The slow-sweep limit of a hysteresis width from ramped sweeps at several rates r (change of
// h per unit time): w0 with an interval that includes the extrapolation's model error, the
// leading exponent beta as a check, and whether hysteresis is established at all.
//
// Method. A switch is taken where the filtered load crosses zero. Passing a saddle-node at
// rate r overshoots the fold by ~ r^(2/3) (the Airy inner layer, Haberman 1979), and the
// transit from the fold to zero adds O(r); the corrections continue in powers of r^(1/3). So
//   w(r) = w0 + c2 r^(2/3) + c3 r + c4 r^(4/3) + ...,
// fitted by weighted least squares with absolute weights 1/se^2 (the se of each rate's mean
// width over independent replicates), with as many terms as the rates allow, at most three
// (K = min(3, n - 2): one residual degree of freedom at least). On the noise-free map of
// MODEL.md section 2 with rates 0.001..0.016 this recovers 2 H(a) to 2e-4 relative for
// a = 2.5..5 (measured, test/width-limit.test.ts keeps a synthetic version).
// Model error: the same fit without the fastest rate; |w0 - w0'| is added in quadrature to the
// statistical s.e. (a change of fitting range that moves w0 more than its s.e. says the
// expansion is not yet converged there).
// Monostable systems (no fold): the lag is a tracking delay, ~ r (or r^(3/5) at the critical
// point), the same expansion extrapolates it to ~0, and the width is reported as "no
// hysteresis": never negative (clamped at 0, the interval's lower end too), with the raw fit
// kept. Hysteresis counts as established when the caller's theory allows it and the 95%
// interval (model error included) lies above zero.
// Exponent check: w0 + c r^beta + c' r (n >= 5; w0 + c r^beta for n = 4), beta profiled over a
// grid in [0.3, 0.95] with a linear fit at each beta; its interval is the profile set
// rss(beta) - rss_min <= z^2 (absolute weights), open where it reaches the grid's end.
// Reference: R. Haberman, SIAM J. Appl. Math. 37 (1979) 69-106 (slow passage through a
// saddle-node); Numerical Recipes 3rd ed. sec. 15.6 (profile confidence regions).
//
// Fewer than 4 rates, mismatched lengths, a rate <= 0, or a non-finite width or se throw a
// RangeError. Plain TypeScript on f64, no Node-only imports: runs in a browser too.

import { twoSidedQuantile } from '../distributions/two-sided-quantile.js';
import { weightedLeastSquares, type WlsResult } from '../regression/weighted-least-squares.js';
import { weightsFromStandardErrors } from '../regression/weights.js';
import { checkPairs, checkPositive } from './checks.js';
import type { Interval } from './types.js';

export interface WidthLimitOptions {
  level?: number;
  /** false when theory rules hysteresis out (a_eff <= 2 gamma T): the width is then reported as none */
  bistable?: boolean;
}

export interface WidthLimit {
  /** reported width: the fitted w0, clamped at 0 when no hysteresis is established */
  width: number;
  /** the fitted w0 before clamping */
  w0: number;
  /** statistical s.e. of w0 (absolute weights) */
  se: number;
  /** |w0 - w0 without the fastest rate| */
  modelError: number;
  /** sqrt(se^2 + modelError^2) */
  seTotal: number;
  ci: Interval;
  /** exponents of the fitted terms, e.g. [2/3, 1, 4/3], and the coefficients (w0, then one per term) */
  terms: number[];
  coef: number[];
  /** weighted residuals (should be ~N(0,1)) and their chi-square with dof */
  residuals: number[];
  chi2: number;
  dof: number;
  /** hysteresis established: bistable per theory and the interval above zero */
  established: boolean;
  /** the leading exponent from the free fit, 2/3 expected where hysteresis exists */
  beta: { value: number; lower: number; upper: number; model: string } | null;
}

const SERIES = [2 / 3, 1, 4 / 3];

function seriesFit(rates: readonly number[], widths: readonly number[], weights: readonly number[]): { fit: WlsResult; terms: number[] } {
  const terms = SERIES.slice(0, Math.min(SERIES.length, rates.length - 2));
  const fit = weightedLeastSquares(
    rates.map((r) => [1, ...terms.map((p) => r ** p)]),
    widths,
    weights,
    { absoluteWeights: true },
  );
  return { fit, terms };
}

/** Slow-sweep limit of widths measured at rates r (each a mean over replicates with its se). */
export function slowLimitWidth(
  rates: ArrayLike<number>,
  widths: ArrayLike<number>,
  se: ArrayLike<number>,
  options: WidthLimitOptions = {},
): WidthLimit {
  checkPairs(rates, widths, 'slowLimitWidth');
  checkPairs(rates, se, 'slowLimitWidth');
  checkPositive(rates, 'slowLimitWidth', 'rates');
  if (rates.length < 4) throw new RangeError(`slowLimitWidth: needs at least 4 rates (got ${rates.length})`);
  // Slowest first, so that "without the fastest" drops the last.
  const order = Array.from(rates, (_, i) => i).sort((i, j) => rates[i] - rates[j]);
  const r = order.map((i) => rates[i]);
  const w = order.map((i) => widths[i]);
  const weights = weightsFromStandardErrors(order.map((i) => se[i]));
  const level = options.level ?? 0.95;
  const z = twoSidedQuantile(level);
  const { fit, terms } = seriesFit(r, w, weights);
  const w0 = fit.coef[0];
  const seW0 = Math.sqrt(fit.cov[0][0]);
  const reduced = seriesFit(r.slice(0, -1), w.slice(0, -1), weights.slice(0, -1));
  const modelError = Math.abs(reduced.fit.coef[0] - w0);
  const seTotal = Math.hypot(seW0, modelError);
  const lower = w0 - z * seTotal;
  const upper = w0 + z * seTotal;
  const established = options.bistable !== false && lower > 0;
  const width = established ? w0 : Math.max(w0, 0);
  const ci: Interval = established
    ? { lower, upper, level, bounded: true }
    : { lower: Math.max(lower, 0), upper: Math.max(upper, 0), level, bounded: true };
  return {
    width,
    w0,
    se: seW0,
    modelError,
    seTotal,
    ci,
    terms,
    coef: fit.coef,
    residuals: fit.weightedResiduals,
    chi2: fit.rss,
    dof: fit.dof,
    established,
    beta: established ? leadingExponent(r, w, weights, z) : null,
  };
}

/** The fitted expansion w0 + sum c_k r^(p_k) at rate r. */
export function fittedWidth(lim: Pick<WidthLimit, 'terms' | 'coef'>, r: number): number {
  return lim.terms.reduce((w, p, k) => w + lim.coef[k + 1] * r ** p, lim.coef[0]);
}

/** beta of w0 + c r^beta (+ c' r with >= 5 rates), profiled on a grid. */
export function leadingExponent(
  rates: readonly number[],
  widths: readonly number[],
  weights: readonly number[],
  z = 1.959963984540054,
): { value: number; lower: number; upper: number; model: string } | null {
  const linear = rates.length >= 5;
  const grid = Array.from({ length: 131 }, (_, i) => 0.3 + i * 0.005);
  const rss = grid.map((beta) => {
    try {
      return weightedLeastSquares(
        rates.map((x) => (linear ? [1, x ** beta, x] : [1, x ** beta])),
        widths,
        weights,
        { absoluteWeights: true },
      ).rss;
    } catch {
      return Infinity; // r^beta and r collinear near beta = 1
    }
  });
  let best = 0;
  for (let i = 1; i < grid.length; i++) if (rss[i] < rss[best]) best = i;
  if (!Number.isFinite(rss[best])) return null;
  const inside = (i: number) => rss[i] - rss[best] <= z * z;
  let lo = best;
  while (lo > 0 && inside(lo - 1)) lo--;
  let hi = best;
  while (hi < grid.length - 1 && inside(hi + 1)) hi++;
  return {
    value: grid[best],
    lower: lo === 0 ? -Infinity : grid[lo],
    upper: hi === grid.length - 1 ? Infinity : grid[hi],
    model: linear ? 'w0 + c r^beta + c1 r' : 'w0 + c r^beta',
  };
}
