// Least-squares weights w_i = 1 / se_i^2 from per-point standard errors, so that a weighted
// fit with absolute weights has Cov(coef) = (X'WX)^-1.
//
// Method: elementwise 1 / (se * se).
// Reference: Numerical Recipes 3rd ed. (Press et al. 2007) sec. 15.1 (chi-square fitting
// with measurement errors sigma_i, weights 1/sigma_i^2).
//
// A standard error that is not finite and > 0 throws a RangeError.
// Plain TypeScript on f64, no Node-only imports: runs in a browser too.

/** Weights 1/se^2 for a weighted fit from per-point standard errors. */
export function weightsFromStandardErrors(se: ArrayLike<number>): number[] {
  return Array.from(se, (s, i) => {
    if (!(s > 0) || !Number.isFinite(s)) throw new RangeError(`weightsFromStandardErrors: se[${i}] must be finite and > 0 (${s})`);
    return 1 / (s * s);
  });
}
