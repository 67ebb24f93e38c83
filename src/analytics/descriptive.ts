// Sample mean and unbiased sample variance of a finite sample.
//
// Method: the corrected two-pass algorithm. mean() is the plain average m plus one
// correction pass, m + sum(x_i - m) / n; variance() is
//   (sum d_i^2 - (sum d_i)^2 / n) / (n - 1),  d_i = x_i - mean,
// whose second term removes, to first order, the rounding error left in the mean.
// Reference: T. F. Chan, G. H. Golub, R. J. LeVeque, "Algorithms for computing the sample
// variance: analysis and recommendations", Am. Stat. 37 (1983) 242-247 (the corrected
// two-pass algorithm); N. J. Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed.
// (SIAM 2002), sec. 1.9.
//
// An empty sample (mean) or one with n < 2 (variance) gives NaN: callers pass such samples
// on purpose (e.g. no replicate switched) and read NaN as "no estimate".
// Plain TypeScript on f64, no Node-only imports: runs in a browser too.

/** Arithmetic mean with one correction pass; NaN for an empty sample. */
export function mean(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n === 0) return NaN;
  let s = 0;
  for (let i = 0; i < n; i++) s += xs[i];
  const m = s / n;
  let c = 0;
  for (let i = 0; i < n; i++) c += xs[i] - m;
  return m + c / n;
}

/** Sample variance with the unbiased (n - 1) denominator, corrected two-pass; NaN when n < 2. */
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
