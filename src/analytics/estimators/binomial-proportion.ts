// Confidence interval for a binomial proportion k / n (e.g. the fraction of replicates that
// switched or stayed balanced).
//
// Method: the Wilson score interval,
//   (p + z^2/(2n) +- z sqrt(p(1-p)/n + z^2/(4n^2))) / (1 + z^2/n),  p = k/n,
// with z the two-sided normal quantile; better coverage than the Wald interval near 0 or 1.
// (Not the Clopper-Pearson "exact" interval.) Clamped to [0, 1] against rounding.
// Reference: E. B. Wilson, "Probable inference, the law of succession, and statistical
// inference", J. Am. Stat. Assoc. 22 (1927) 209-212; Brown, Cai & DasGupta, Stat. Sci. 16
// (2001) 101-133 on its coverage.
//
// n <= 0, k outside [0, n] or a level outside (0, 1) throws a RangeError.
// Plain TypeScript on f64, no Node-only imports: runs in a browser too.

import { twoSidedQuantile } from '../distributions/two-sided-quantile.js';
import type { Interval } from './types.js';

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
