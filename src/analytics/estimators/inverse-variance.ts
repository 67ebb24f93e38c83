// 1 / Var of a sample with its standard error: the per-temperature input of the critical
// point extrapolation (MODEL.md sec. 4).
//
// Method: value 1/s^2 with s^2 the unbiased sample variance. Var(s^2) = 2 sigma^4/(n-1) for
// normal data (default), or, with assumeNormal = false, the distribution-free
// Var(s^2) = (mu_4 - (n-3)/(n-1) sigma^4)/n with the sample fourth central moment m_4 and s^2
// plugged in. Delta method: se(1/s^2) = se(s^2)/s^4, so for normal data se/value =
// sqrt(2/(n-1)). For normal data E[1/s^2] = (n-1)/(n-3) / sigma^2 (inverse chi-square mean),
// a common factor that does not move the zero of a line fitted to several temperatures.
// Reference: Casella & Berger, Statistical Inference, 2nd ed. (2002), exercise 5.8 (Var(s^2)
// in terms of the fourth central moment) and sec. 5.5.4 (the delta method).
//
// Fewer than 4 samples throw a RangeError.
// Plain TypeScript on f64, no Node-only imports: runs in a browser too.

import { mean, variance } from '../descriptive.js';

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
  if (n < 4) throw new RangeError(`inverseVarianceWithError: need at least 4 samples (got ${n})`);
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
