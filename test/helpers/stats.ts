// Two-sample goodness-of-fit tests for the test suite (only tests use them): the
// Kolmogorov distribution and the two-sample Kolmogorov-Smirnov test, the chi-square test of
// homogeneity of binned samples, and the histogram counts it bins with.
//
// Methods and references:
// - kolmogorovSf: Kolmogorov's limiting survival function
//   Q_KS(lambda) = 2 sum_{k>=1} (-1)^{k-1} e^{-2 k^2 lambda^2} for lambda >= 1.18, and for
//   lambda < 1.18 the dual (Jacobi theta) series 1 - sqrt(2 pi)/lambda sum_{j>=1}
//   e^{-(2j-1)^2 pi^2 / (8 lambda^2)}; Numerical Recipes 3rd ed. (Press et al. 2007)
//   sec. 6.14 (the Kolmogorov-Smirnov distribution function, same switch point).
// - ksTwoSample: D = sup |F_1 - F_2| over the pooled sample (ties handled), p-value from
//   Q_KS at lambda = (sqrt(ne) + 0.12 + 0.11/sqrt(ne)) D, ne = n m / (n + m): Stephens'
//   small-sample correction of the asymptotic law, as in Numerical Recipes 3rd ed.
//   sec. 14.3 (the Kolmogorov-Smirnov test); M. A. Stephens, J. R. Stat. Soc. B 32 (1970) 115-122. Approximate (good for
//   ne >~ 4), not the exact distribution (e.g. Marsaglia, Tsang & Wang 2003); conservative
//   with ties.
// - chiSquareHomogeneity: Pearson's X^2 = sum (O - E)^2 / E with E = row total * column
//   total / grand total, dof = (k - 1)(bins - 1) over the bins not empty in every sample,
//   p from the chi-square survival function; Numerical Recipes 3rd ed. sec. 14.3
//   (chi-square test of two binned data sets) and sec. 14.4 (contingency tables); asymptotic,
//   expected counts should be >~ 5.
// - histogramCounts: counts on bin edges [e_j, e_{j+1}), last bin closed, by binary search.
//
// Each throws a RangeError on impossible input (empty sample, ragged table, fewer than two
// edges, ...).
import { chiSquareSf } from '../../src/analytics/distributions/chi-square.js';

/**
 * Kolmogorov's limiting survival function Q_KS(lambda) = 2 sum_{k>=1} (-1)^{k-1} e^{-2 k^2 lambda^2}
 * (with the Jacobi-theta dual series for small lambda, Numerical Recipes 3rd ed. sec. 6.14).
 */
export function kolmogorovSf(lambda: number): number {
  if (Number.isNaN(lambda)) return NaN;
  if (lambda <= 0) return 1;
  if (lambda < 1.18) {
    const y = Math.exp(-(Math.PI * Math.PI) / (8 * lambda * lambda));
    let s = 0;
    // P_KS = sqrt(2 pi)/lambda * sum_{j>=1} y^{(2j-1)^2}
    for (let j = 1; j < 100; j++) {
      const term = y ** ((2 * j - 1) * (2 * j - 1));
      s += term;
      if (term < 1e-17 * s) break;
    }
    return 1 - (Math.sqrt(2 * Math.PI) / lambda) * s;
  }
  const x = Math.exp(-2 * lambda * lambda);
  let s = 0;
  for (let k = 1; k < 100; k++) {
    const term = x ** (k * k);
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
  if (n === 0 || m === 0) throw new RangeError(`ksTwoSample: empty sample (sizes ${n} and ${m})`);
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
  if (k < 2) throw new RangeError(`chiSquareHomogeneity: need at least two samples (got ${k})`);
  const nb = counts[0].length;
  const rowTot = new Array<number>(k).fill(0);
  const colTot = new Array<number>(nb).fill(0);
  for (let s = 0; s < k; s++) {
    if (counts[s].length !== nb) throw new RangeError(`chiSquareHomogeneity: ragged table (row ${s} has ${counts[s].length} bins, row 0 has ${nb})`);
    for (let j = 0; j < nb; j++) {
      const c = counts[s][j];
      if (!(c >= 0)) throw new RangeError(`chiSquareHomogeneity: counts must be >= 0 (counts[${s}][${j}] = ${c})`);
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
  if (m < 1) throw new RangeError(`histogramCounts: need at least two edges (got ${edges.length})`);
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
