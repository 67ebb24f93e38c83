// Standard normal distribution: CDF Phi(x), survival function 1 - Phi(x), quantile Phi^-1(p).
//
// Method: Phi(x) = erfc(-x / sqrt 2) / 2 and 1 - Phi(x) = erfc(x / sqrt 2) / 2 (each tail
// from erfc keeps relative accuracy). The quantile is P. J. Acklam's rational
// approximation (relative error 1.2e-9; one rational function in the central region
// 0.02425 <= p <= 0.5, another in sqrt(-2 log p) below it, p > 1/2 by symmetry) refined by
// one Halley step on erfc, which brings it close to full double precision. This is not
// Wichura's AS241.
// Reference: P. J. Acklam, "An algorithm for computing the inverse normal cumulative
// distribution function" (2003, web note; coefficients and refinement step from there);
// Abramowitz & Stegun, Handbook of Mathematical Functions (1964) ch. 26.2 for Phi through erf.
//
// A p outside [0, 1] throws a RangeError; NaN gives NaN.
// Plain TypeScript on f64, no Node-only imports: runs in a browser too.

import { erfc } from '../special/erfc.js';

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
  if (Number.isNaN(p)) return NaN;
  if (p < 0 || p > 1) throw new RangeError(`normalQuantile: p must be in [0, 1] (${p})`);
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
