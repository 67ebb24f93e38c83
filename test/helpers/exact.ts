// Exact distributions in f64 and goodness-of-fit tests against them.
import { chiSquareSf } from '../../src/analytics/distributions/chi-square.js';
import { logGamma } from '../../src/analytics/special/log-gamma.js';

/** Binomial(n, p) pmf over 0..n, in f64 via log-gamma (relative error ~1e-12 for n <= 65536). */
export function binomialPmf(n: number, p: number): Float64Array {
  const pmf = new Float64Array(n + 1);
  if (p === 0) {
    pmf[0] = 1;
    return pmf;
  }
  if (p === 1) {
    pmf[n] = 1;
    return pmf;
  }
  const lp = Math.log(p);
  const lq = Math.log1p(-p);
  const lnf = logGamma(n + 1);
  for (let k = 0; k <= n; k++) pmf[k] = Math.exp(lnf - logGamma(k + 1) - logGamma(n - k + 1) + k * lp + (n - k) * lq);
  return pmf;
}

export function counts(values: ArrayLike<number>, size: number): Float64Array {
  const c = new Float64Array(size);
  for (let i = 0; i < values.length; i++) c[values[i]]++;
  return c;
}

/**
 * Pearson chi-square of observed counts against an exact pmf. Categories are merged
 * (walking outwards from both tails) until every expected count is >= minExpected, so the
 * chi-square law holds; an observation in a category of zero probability fails outright.
 */
export function chiSquareGof(
  observed: ArrayLike<number>,
  pmf: ArrayLike<number>,
  total: number,
  minExpected = 5,
): { statistic: number; dof: number; pValue: number; impossible: number } {
  let impossible = 0;
  const bins: { o: number; e: number }[] = [];
  let o = 0,
    e = 0;
  for (let k = 0; k < pmf.length; k++) {
    if (pmf[k] === 0 && observed[k] > 0) impossible += observed[k];
    o += observed[k];
    e += pmf[k] * total;
    if (e >= minExpected) {
      bins.push({ o, e });
      o = 0;
      e = 0;
    }
  }
  if (bins.length === 0) bins.push({ o, e });
  else {
    bins[bins.length - 1].o += o;
    bins[bins.length - 1].e += e;
  }
  let statistic = 0;
  for (const b of bins) statistic += b.e > 0 ? (b.o - b.e) ** 2 / b.e : 0;
  const dof = bins.length - 1;
  return { statistic, dof, pValue: dof > 0 ? chiSquareSf(statistic, dof) : 1, impossible };
}

/** Merges two count vectors into bins whose pooled count is >= minCount (for homogeneity tests). */
export function poolBins(a: ArrayLike<number>, b: ArrayLike<number>, minCount = 10): [number[], number[]] {
  const ra: number[] = [];
  const rb: number[] = [];
  let sa = 0,
    sb = 0;
  for (let k = 0; k < a.length; k++) {
    sa += a[k];
    sb += b[k];
    if (sa + sb >= minCount) {
      ra.push(sa);
      rb.push(sb);
      sa = 0;
      sb = 0;
    }
  }
  if (ra.length === 0) {
    ra.push(sa);
    rb.push(sb);
  } else {
    ra[ra.length - 1] += sa;
    rb[rb.length - 1] += sb;
  }
  return [ra, rb];
}
