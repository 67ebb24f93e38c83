// The fold (saddle-node) set of the router's equilibria and the hysteresis it bounds: the
// fold curve in the (a, h) plane, the half-width H(a_eff) of the bistable range of h, the
// two folds of y*(h) at fixed a_eff, and the exact bistability test.
//
// Method: F = F' = 0 parametrised by q = y/(2T):
//   a(q) = 2 gamma T cosh(q)^2,  h(q) = 2 gamma T (q - sinh q cosh q)  (eq. 16),
// so H(a_eff) = 2 gamma T (sinh q cosh q - q) = gamma T (sinh 2q - 2q) with
// cosh(q)^2 = a_eff/(2 gamma T) (eq. 18); three equilibria iff |h| < H. q is computed as
// asinh(sqrt(a_eff/(2 gamma T) - 1)) and sinh x - x by its Taylor series for |x| < 1/2, so
// both stay accurate near the pitchfork a_eff = 2 gamma T.
// Reference: Kiselev, arXiv:2605.29121, eqs. 16-18; MODEL.md sec. 2.
//
// Non-finite a or rho, gamma <= 0 or T <= 0 throw a RangeError (foldCurve allows gamma = 0,
// where every point is (0, h(q) = 0)).
// Plain TypeScript in f64 with no platform imports: runs in Node and in a browser.

import { loadAt } from './drift.js';
import { aEffOf, checkParams, hOf, requireFinite, requireNonNegative, requirePositive, type RouterParams } from './params.js';

/** A point of the fold (saddle-node) set, eq (16). */
export interface FoldCurvePoint {
  /** curve parameter q = y/(2T) at the fold */
  q: number;
  /** a(q) = 2 gamma T cosh(q)^2 (this is a_eff when rho != 0) */
  a: number;
  /** h(q) = 2 gamma T (q - sinh q cosh q) */
  h: number;
  /** the fold equilibrium y = 2 T q, where F = F' = 0 */
  y: number;
}

/** A fold of the equilibrium curve y*(h) at fixed a_eff, gamma, T. */
export interface FoldPoint {
  /** skew at which two equilibria collide: +-H(a_eff) */
  h: number;
  /** the double root y at that skew */
  y: number;
  /** its load tanh(y/(2T)) */
  load: number;
}

/** sinh(x) - x without cancellation for small |x|. */
function sinhMinusX(x: number): number {
  const ax = Math.abs(x);
  if (ax >= 0.5) return Math.sinh(x) - x;
  // x^3/3! + x^5/5! + ... ; converges to full precision in a handful of terms for |x| < 0.5
  const x2 = x * x;
  let term = (x * x2) / 6;
  let sum = term;
  for (let k = 5; k < 41; k += 2) {
    term *= x2 / ((k - 1) * k);
    sum += term;
    if (Math.abs(term) <= 1e-18 * Math.abs(sum)) break;
  }
  return sum;
}

/**
 * q with cosh(q)^2 = a_eff/(2 gamma T), written as asinh(sqrt(a_eff/(2 gamma T) - 1))
 * to stay accurate near the pitchfork; NaN when a_eff <= 2 gamma T. Unchecked (for
 * equilibria.ts and this module, which check their parameters).
 */
export function foldParameter(aEff: number, gamma: number, T: number): number {
  const c = 2 * gamma * T;
  const excess = (aEff - c) / c;
  if (!(excess > 0)) return NaN;
  return Math.asinh(Math.sqrt(excess));
}

function halfWidth(aEff: number, gamma: number, T: number): number {
  const q = foldParameter(aEff, gamma, T);
  if (!(q > 0)) return 0;
  return gamma * T * sinhMinusX(2 * q);
}

/**
 * Fold (saddle-node) set in the (a, h) plane (eq 16):
 * a(q) = 2 gamma T cosh(q)^2, h(q) = 2 gamma T (q - sinh q cosh q); the double root is y = 2 T q.
 * With rho != 0 the returned `a` is a_eff (add rho for the raw a). A NaN q gives a NaN point.
 */
export function foldCurve(gamma: number, T: number, qs: number[]): FoldCurvePoint[] {
  requireNonNegative('foldCurve', 'gamma', gamma);
  requirePositive('foldCurve', 'T', T);
  const c = 2 * gamma * T;
  return qs.map((q) => {
    const ch = Math.cosh(q);
    // q - sinh q cosh q = -(sinh(2q) - 2q)/2, evaluated without cancellation
    return { q, a: c * ch * ch, h: -0.5 * c * sinhMinusX(2 * q), y: 2 * T * q };
  });
}

/**
 * Hysteresis half-width H(a_eff) = 2 gamma T (sinh q cosh q - q), q = arccosh(sqrt(a_eff/(2 gamma T)))
 * (eq 18); 0 when a_eff <= 2 gamma T. Three equilibria iff |h| < H; the mean-field width is 2H.
 */
export function hysteresisHalfWidth(a: number, gamma: number, T: number, rho = 0): number {
  requireFinite('hysteresisHalfWidth', 'a', a);
  requirePositive('hysteresisHalfWidth', 'gamma', gamma);
  requirePositive('hysteresisHalfWidth', 'T', T);
  requireFinite('hysteresisHalfWidth', 'rho', rho);
  return halfWidth(a - rho, gamma, T);
}

/**
 * The two folds of y*(h) at fixed a_eff (eqs 16, 18), sorted by h: at h = -H the upper pair
 * collides at y = +2Tq_a, at h = +H the lower pair at y = -2Tq_a. Empty when a_eff <= 2 gamma T.
 * p.h is ignored.
 */
export function foldPoints(p: RouterParams): FoldPoint[] {
  checkParams('foldPoints', { ...p, h: 0 });
  const aEff = aEffOf(p);
  const q = foldParameter(aEff, p.gamma, p.T);
  if (!(q > 0)) return [];
  const H = halfWidth(aEff, p.gamma, p.T);
  const y = 2 * p.T * q;
  return [
    { h: -H, y, load: loadAt(y, p.T) },
    { h: H, y: -y, load: loadAt(-y, p.T) },
  ];
}

/**
 * Exact bistability test (eq 18): a_eff > 2 gamma T and |h| < H(a_eff).
 */
export function isBistable(p: RouterParams): boolean {
  checkParams('isBistable', p);
  const aEff = aEffOf(p);
  if (!(aEff > 2 * p.gamma * p.T)) return false;
  return Math.abs(hOf(p)) < halfWidth(aEff, p.gamma, p.T);
}
