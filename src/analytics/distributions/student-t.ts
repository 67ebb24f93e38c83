// Student-t distribution with nu > 0 (real) degrees of freedom: survival function
// P(T > t) and quantile.
//
// Method: P(|T| > |t|) = I_{nu/(nu+t^2)}(nu/2, 1/2) (regularized incomplete beta), halved for
// one tail; nu = Infinity is the normal law. The quantile solves P(T > t) = 1 - p for
// p > 1/2 (p < 1/2 by symmetry) by Newton's method on the survival function with the
// density as derivative, kept inside a bracket that is first expanded by doubling from
// max(1, Phi^-1(p)) and falling back to bisection when a step leaves it (NR's rtsafe);
// it stops at relative step 1e-15 or after 200 iterations.
// Reference: Numerical Recipes 3rd ed. (Press et al. 2007) sec. 6.4 (Student's
// distribution as A(t|nu) = 1 - I_{nu/(nu+t^2)}(nu/2, 1/2)) and sec. 9.4 (safeguarded
// Newton); Abramowitz & Stegun, Handbook of Mathematical Functions (1964) ch. 26.7.
//
// nu <= 0 or a p outside [0, 1] throws a RangeError; NaN t or p gives NaN.
// Plain TypeScript on f64, no Node-only imports: runs in a browser too.

import { logGamma } from '../special/log-gamma.js';
import { regularizedBeta } from '../special/incomplete-beta.js';
import { normalQuantile, normalSf } from './normal.js';

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

function studentTPdf(t: number, nu: number): number {
  return Math.exp(logGamma((nu + 1) / 2) - logGamma(nu / 2) - 0.5 * Math.log(nu * Math.PI) - ((nu + 1) / 2) * Math.log1p((t * t) / nu));
}

/**
 * Student-t quantile: the t with P(T <= t) = p. Safeguarded Newton iteration on the
 * survival function inside an expanding bracket (bisection fallback).
 */
export function studentTQuantile(p: number, nu: number): number {
  if (!(nu > 0)) throw new RangeError(`studentTQuantile: nu must be > 0 (${nu})`);
  if (Number.isNaN(p)) return NaN;
  if (p < 0 || p > 1) throw new RangeError(`studentTQuantile: p must be in [0, 1] (${p})`);
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
