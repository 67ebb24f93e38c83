// Chi-square distribution with k > 0 (real) degrees of freedom: survival function P(X > x).
//
// Method: P(X > x) = Q(k/2, x/2), the regularized upper incomplete gamma function, which is
// computed directly in the upper tail (no 1 - P cancellation), so p-values of large
// statistics keep relative accuracy.
// Reference: Numerical Recipes 3rd ed. (Press et al. 2007) sec. 6.2 (the chi-square
// probability function as Q(nu/2, chi^2/2)); Abramowitz & Stegun, Handbook of Mathematical
// Functions (1964) ch. 26.4.
//
// k <= 0 throws a RangeError; x <= 0 gives 1, NaN gives NaN.
// Plain TypeScript on f64, no Node-only imports: runs in a browser too.

import { regularizedGammaQ } from '../special/incomplete-gamma.js';

/** Chi-square survival function P(X > x) with k degrees of freedom = Q(k/2, x/2). */
export function chiSquareSf(x: number, k: number): number {
  if (!(k > 0)) throw new RangeError(`chiSquareSf: k must be > 0 (${k})`);
  return regularizedGammaQ(k / 2, x / 2);
}
