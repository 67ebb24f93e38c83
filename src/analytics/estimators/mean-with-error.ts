// Mean of i.i.d. samples (e.g. independent replicates) with sample s.d., standard error
// sd / sqrt(n) and the Student-t confidence interval mean +- t_{n-1} se.
//
// Method: corrected two-pass mean and variance (descriptive.ts); the t quantile from
// distributions/two-sided-quantile.ts. n < 2 gives NaN s.d., se and interval (bounded =
// false): callers pass such samples on purpose (e.g. fewer than two replicates switched).
// Reference: Student, "The probable error of a mean", Biometrika 6 (1908) 1-25.
//
// A level outside (0, 1) throws a RangeError.
// Plain TypeScript on f64, no Node-only imports: runs in a browser too.

import { mean, variance } from '../descriptive.js';
import { twoSidedQuantile } from '../distributions/two-sided-quantile.js';
import type { Interval } from './types.js';

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
  if (!(level > 0 && level < 1)) throw new RangeError(`meanWithError: confidence level must be in (0, 1) (${level})`);
  const n = xs.length;
  const m = mean(xs);
  const sd = n >= 2 ? Math.sqrt(variance(xs)) : NaN;
  const se = sd / Math.sqrt(n);
  const q = n >= 2 ? twoSidedQuantile(level, n - 1) : NaN;
  const ci = { lower: m - q * se, upper: m + q * se, level, bounded: n >= 2 };
  return { n, mean: m, sd, se, ci };
}
