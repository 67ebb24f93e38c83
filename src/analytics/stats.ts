// Small statistical helpers for the estimators: moments, weighted least squares,
// normal / Student-t / chi-square distribution functions, and two-sample tests.
//
// Plain TypeScript on f64, no Node-only imports: runs in a browser too.
// Special functions follow Numerical Recipes, 3rd ed. (Press et al. 2007), sec. 6.1-6.2,
// 6.4, 6.14 (Lanczos log-gamma, series / Lentz continued fraction for the incomplete gamma
// and beta functions), with the normal quantile from Acklam's rational approximation
// polished by one Halley step. Accuracy is checked against scipy fixtures in
// test/stats.test.ts.

const EPS = 1e-15;
const FPMIN = 1e-300;
const MAX_ITER = 100_000;

function requireFinite(xs: ArrayLike<number>, what: string): void {
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(xs[i])) throw new RangeError(`${what}[${i}] is not finite (${xs[i]})`);
  }
}

// ---------------------------------------------------------------------------
// Moments
// ---------------------------------------------------------------------------

/** Arithmetic mean; NaN for an empty sample. */
export function mean(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n === 0) return NaN;
  let s = 0;
  for (let i = 0; i < n; i++) s += xs[i];
  const m = s / n;
  // One correction pass (two-pass compensated mean) for large n.
  let c = 0;
  for (let i = 0; i < n; i++) c += xs[i] - m;
  return m + c / n;
}

/**
 * Sample variance with the unbiased (n - 1) denominator, two-pass algorithm;
 * NaN when n < 2.
 */
export function variance(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n < 2) return NaN;
  const m = mean(xs);
  let ss = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i] - m;
    ss += d * d;
    c += d;
  }
  return (ss - (c * c) / n) / (n - 1);
}

/** Sample standard deviation sqrt(variance(xs)). */
export function standardDeviation(xs: ArrayLike<number>): number {
  return Math.sqrt(variance(xs));
}

/** Weighted mean sum(w x) / sum(w). */
export function weightedMean(xs: ArrayLike<number>, ws: ArrayLike<number>): number {
  if (xs.length !== ws.length) throw new RangeError('weightedMean: length mismatch');
  let sw = 0;
  let swx = 0;
  for (let i = 0; i < xs.length; i++) {
    sw += ws[i];
    swx += ws[i] * xs[i];
  }
  return swx / sw;
}

// ---------------------------------------------------------------------------
// Weighted least squares
// ---------------------------------------------------------------------------

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
  if (design.length !== n) throw new RangeError('weightedLeastSquares: design rows != y length');
  if (weights && weights.length !== n) throw new RangeError('weightedLeastSquares: weights length != y length');
  if (n === 0) throw new RangeError('weightedLeastSquares: no data');
  const p = design[0].length;
  requireFinite(y, 'y');
  let nEff = 0;
  for (let i = 0; i < n; i++) {
    if (design[i].length !== p) throw new RangeError('weightedLeastSquares: ragged design');
    requireFinite(design[i], `design[${i}]`);
    const w = weights ? weights[i] : 1;
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`weights[${i}] must be finite and >= 0 (${w})`);
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

/** Gauss-Jordan inverse with partial pivoting; throws if (numerically) singular. */
export function invertSymmetric(a: number[][]): number[][] {
  const p = a.length;
  const aug = a.map((row, i) => [...row, ...Array.from({ length: p }, (_, j) => (i === j ? 1 : 0))]);
  for (let col = 0; col < p; col++) {
    let piv = col;
    for (let r = col + 1; r < p; r++) if (Math.abs(aug[r][col]) > Math.abs(aug[piv][col])) piv = r;
    if (!(Math.abs(aug[piv][col]) > 1e-12)) throw new RangeError('singular matrix (collinear design)');
    [aug[col], aug[piv]] = [aug[piv], aug[col]];
    const inv = 1 / aug[col][col];
    for (let k = 0; k < 2 * p; k++) aug[col][k] *= inv;
    for (let r = 0; r < p; r++) {
      if (r === col) continue;
      const f = aug[r][col];
      if (f === 0) continue;
      for (let k = 0; k < 2 * p; k++) aug[r][k] -= f * aug[col][k];
    }
  }
  return aug.map((row) => row.slice(p));
}

export interface LineFit extends WlsResult {
  intercept: number;
  slope: number;
}

/** Straight line y = intercept + slope * x by weighted least squares. */
export function linearFit(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  weights?: ArrayLike<number>,
  options: WlsOptions = {},
): LineFit {
  if (x.length !== y.length) throw new RangeError('linearFit: x and y lengths differ');
  const design = Array.from({ length: x.length }, (_, i) => [1, x[i]]);
  const r = weightedLeastSquares(design, y, weights, options);
  return { ...r, intercept: r.coef[0], slope: r.coef[1] };
}

// ---------------------------------------------------------------------------
// Special functions
// ---------------------------------------------------------------------------

const LANCZOS_G = 7;
const LANCZOS_C = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log Gamma(x) for x > 0 (Lanczos, g = 7, n = 9; relative error ~1e-15). */
export function logGamma(x: number): number {
  if (!(x > 0)) {
    if (x === 0) return Infinity;
    if (Number.isInteger(x)) return Infinity;
    // Reflection: Gamma(x) Gamma(1-x) = pi / sin(pi x); returns log|Gamma(x)|.
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let s = LANCZOS_C[0];
  for (let i = 1; i < LANCZOS_C.length; i++) s += LANCZOS_C[i] / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

function gammaSeries(a: number, x: number): number {
  // P(a, x) by the series e^-x x^a / Gamma(a+1) * sum x^n / ((a+1)...(a+n)).
  let ap = a;
  let del = 1 / a;
  let sum = del;
  for (let i = 0; i < MAX_ITER; i++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

function gammaContinuedFraction(a: number, x: number): number {
  // Q(a, x) by the Legendre continued fraction, modified Lentz evaluation.
  let b = x + 1 - a;
  let c = 1 / FPMIN;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = b + an / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/** Regularized lower incomplete gamma P(a, x) = gamma(a, x) / Gamma(a). */
export function regularizedGammaP(a: number, x: number): number {
  if (!(a > 0)) throw new RangeError(`regularizedGammaP: a must be > 0 (${a})`);
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = 1 - P(a, x), accurate in the far tail. */
export function regularizedGammaQ(a: number, x: number): number {
  if (!(a > 0)) throw new RangeError(`regularizedGammaQ: a must be > 0 (${a})`);
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

/** Complementary error function erfc(x) = Q(1/2, x^2) for x >= 0. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  return x >= 0 ? regularizedGammaQ(0.5, x * x) : 1 + regularizedGammaP(0.5, x * x);
}

/** Error function. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  return x >= 0 ? regularizedGammaP(0.5, x * x) : -regularizedGammaP(0.5, x * x);
}

function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < FPMIN) d = FPMIN;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < MAX_ITER; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/** Regularized incomplete beta function I_x(a, b). */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new RangeError('regularizedBeta: a, b must be > 0');
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  const front = Math.exp(lnFront);
  return x < (a + 1) / (a + b + 2)
    ? (front * betaContinuedFraction(a, b, x)) / a
    : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

// ---------------------------------------------------------------------------
// Distributions
// ---------------------------------------------------------------------------

/** Standard normal CDF Phi(x). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** Standard normal survival function 1 - Phi(x), accurate in the upper tail. */
export function normalSf(x: number): number {
  return 0.5 * erfc(x / Math.SQRT2);
}

const ACKLAM_A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const ACKLAM_B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const ACKLAM_C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const ACKLAM_D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

/**
 * Standard normal quantile Phi^-1(p). Acklam's rational approximation (rel. error
 * 1.2e-9) refined by one Halley step on erfc, giving close to full double precision.
 */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p > 0.5) return -normalQuantile(1 - p);
  let x: number;
  const pLow = 0.02425;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    const [c0, c1, c2, c3, c4, c5] = ACKLAM_C;
    const [d0, d1, d2, d3] = ACKLAM_D;
    x = (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    const [a0, a1, a2, a3, a4, a5] = ACKLAM_A;
    const [b0, b1, b2, b3, b4] = ACKLAM_B;
    x = ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) / (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1);
  }
  // Halley refinement (x <= 0 here, so Phi(x) = erfc(-x/sqrt2)/2 keeps relative accuracy).
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** Student-t survival function P(T > t) with nu degrees of freedom (nu > 0, real). */
export function studentTSf(t: number, nu: number): number {
  if (!(nu > 0)) throw new RangeError(`studentTSf: nu must be > 0 (${nu})`);
  if (Number.isNaN(t)) return NaN;
  if (nu === Infinity) return normalSf(t);
  // P(|T| > |t|) = I_{nu/(nu+t^2)}(nu/2, 1/2).
  const x = nu / (nu + t * t);
  const tail = 0.5 * regularizedBeta(x, nu / 2, 0.5);
  return t >= 0 ? tail : 1 - tail;
}

/** Student-t CDF P(T <= t). */
export function studentTCdf(t: number, nu: number): number {
  return studentTSf(-t, nu);
}

function studentTPdf(t: number, nu: number): number {
  return Math.exp(
    logGamma((nu + 1) / 2) - logGamma(nu / 2) - 0.5 * Math.log(nu * Math.PI) - ((nu + 1) / 2) * Math.log1p((t * t) / nu),
  );
}

/**
 * Student-t quantile: the t with P(T <= t) = p. Safeguarded Newton iteration on the
 * survival function inside an expanding bracket (bisection fallback).
 */
export function studentTQuantile(p: number, nu: number): number {
  if (!(nu > 0)) throw new RangeError(`studentTQuantile: nu must be > 0 (${nu})`);
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (nu === Infinity) return normalQuantile(p);
  if (p < 0.5) return -studentTQuantile(1 - p, nu);
  const q = 1 - p; // target upper-tail probability
  let lo = 0;
  let hi = Math.max(1, normalQuantile(p));
  while (studentTSf(hi, nu) > q) {
    lo = hi;
    hi *= 2;
    if (hi > 1e300) return Infinity;
  }
  let t = Math.max(lo, Math.min(hi, normalQuantile(p)));
  for (let it = 0; it < 200; it++) {
    const f = studentTSf(t, nu) - q; // decreasing in t
    if (f > 0) lo = t;
    else hi = t;
    let next = t + f / studentTPdf(t, nu);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - t) <= 1e-15 * Math.max(1, Math.abs(t))) return next;
    t = next;
  }
  return t;
}

/** Chi-square survival function P(X > x) with k degrees of freedom = Q(k/2, x/2). */
export function chiSquareSf(x: number, k: number): number {
  if (!(k > 0)) throw new RangeError(`chiSquareSf: k must be > 0 (${k})`);
  return regularizedGammaQ(k / 2, x / 2);
}

/** Chi-square CDF P(X <= x) = P(k/2, x/2). */
export function chiSquareCdf(x: number, k: number): number {
  if (!(k > 0)) throw new RangeError(`chiSquareCdf: k must be > 0 (${k})`);
  return regularizedGammaP(k / 2, x / 2);
}

/** Two-sided confidence multiplier: normal (dof = Infinity or undefined) or Student-t. */
export function twoSidedQuantile(level: number, dof?: number): number {
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level must be in (0, 1) (${level})`);
  const p = 0.5 + level / 2;
  if (dof === undefined || dof === Infinity) return normalQuantile(p);
  if (!(dof > 0)) return Infinity;
  return studentTQuantile(p, dof);
}

// ---------------------------------------------------------------------------
// Two-sample tests
// ---------------------------------------------------------------------------

/**
 * Kolmogorov's limiting survival function Q_KS(lambda) = 2 sum_{k>=1} (-1)^{k-1} e^{-2 k^2 lambda^2}
 * (with the Jacobi-theta dual series for small lambda, Numerical Recipes 6.14).
 */
export function kolmogorovSf(lambda: number): number {
  if (Number.isNaN(lambda)) return NaN;
  if (lambda <= 0) return 1;
  if (lambda < 1.18) {
    const y = Math.exp(-(Math.PI * Math.PI) / (8 * lambda * lambda));
    let s = 0;
    // P_KS = sqrt(2 pi)/lambda * sum_{j>=1} y^{(2j-1)^2}
    for (let j = 1; j < 100; j++) {
      const term = Math.pow(y, (2 * j - 1) * (2 * j - 1));
      s += term;
      if (term < 1e-17 * s) break;
    }
    return 1 - (Math.sqrt(2 * Math.PI) / lambda) * s;
  }
  const x = Math.exp(-2 * lambda * lambda);
  let s = 0;
  for (let k = 1; k < 100; k++) {
    const term = Math.pow(x, k * k);
    s += k % 2 === 1 ? term : -term;
    if (term < 1e-17) break;
  }
  return Math.min(1, Math.max(0, 2 * s));
}

export interface TestResult {
  statistic: number;
  pValue: number;
}

/**
 * Two-sample Kolmogorov-Smirnov test. D = sup |F1 - F2|; p from Kolmogorov's limit
 * distribution at lambda = (sqrt(ne) + 0.12 + 0.11/sqrt(ne)) D, ne = n m / (n + m)
 * (Stephens 1970). Approximate; good for ne >~ 4. Assumes continuous data (ties are
 * handled in the statistic, but the p-value is then conservative).
 */
export function ksTwoSample(a: ArrayLike<number>, b: ArrayLike<number>): TestResult & { ne: number } {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) throw new RangeError('ksTwoSample: empty sample');
  const sa = Float64Array.from(a).sort();
  const sb = Float64Array.from(b).sort();
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n && j < m) {
    const x = Math.min(sa[i], sb[j]);
    while (i < n && sa[i] === x) i++;
    while (j < m && sb[j] === x) j++;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  const ne = (n * m) / (n + m);
  const sq = Math.sqrt(ne);
  return { statistic: d, pValue: kolmogorovSf((sq + 0.12 + 0.11 / sq) * d), ne };
}

/**
 * Chi-square test of homogeneity for k samples binned on common bins: counts[s][j] is
 * the number of sample s in bin j. Bins empty in every sample are dropped;
 * dof = (k - 1)(bins - 1). Asymptotic: expected counts should be >~ 5.
 */
export function chiSquareHomogeneity(counts: ArrayLike<ArrayLike<number>>): TestResult & { dof: number; minExpected: number } {
  const k = counts.length;
  if (k < 2) throw new RangeError('chiSquareHomogeneity: need at least two samples');
  const nb = counts[0].length;
  const rowTot = new Array<number>(k).fill(0);
  const colTot = new Array<number>(nb).fill(0);
  for (let s = 0; s < k; s++) {
    if (counts[s].length !== nb) throw new RangeError('chiSquareHomogeneity: ragged table');
    for (let j = 0; j < nb; j++) {
      const c = counts[s][j];
      if (!(c >= 0)) throw new RangeError('chiSquareHomogeneity: counts must be >= 0');
      rowTot[s] += c;
      colTot[j] += c;
    }
  }
  const total = rowTot.reduce((x, y) => x + y, 0);
  let stat = 0;
  let used = 0;
  let minExpected = Infinity;
  for (let j = 0; j < nb; j++) {
    if (colTot[j] === 0) continue;
    used++;
    for (let s = 0; s < k; s++) {
      const e = (rowTot[s] * colTot[j]) / total;
      minExpected = Math.min(minExpected, e);
      if (e > 0) stat += (counts[s][j] - e) ** 2 / e;
    }
  }
  const dof = (k - 1) * (used - 1);
  return { statistic: stat, dof, pValue: dof > 0 ? chiSquareSf(stat, dof) : 1, minExpected };
}

/** Histogram counts on bin edges e_0 < ... < e_m (m bins, [e_j, e_{j+1}), last bin closed). */
export function histogramCounts(xs: ArrayLike<number>, edges: ArrayLike<number>): number[] {
  const m = edges.length - 1;
  if (m < 1) throw new RangeError('histogramCounts: need at least two edges');
  const counts = new Array<number>(m).fill(0);
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (!(x >= edges[0] && x <= edges[m])) continue;
    let lo = 0;
    let hi = m; // binary search for the bin
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (x >= edges[mid]) lo = mid;
      else hi = mid;
    }
    counts[lo]++;
  }
  return counts;
}
