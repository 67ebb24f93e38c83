// The mean-field drift of the two-expert router and what derives from it pointwise:
// F(y) = a_eff tanh(y/(2T)) - gamma y + h (eq. 6), its slope F'(y) (eq. 15), the load
// imbalance u = tanh(y/(2T)) (eq. 7) and the potential V with dy/dt = -V'(y) (eq. 12).
//
// Method: closed forms. sech^2 is evaluated as 1/cosh^2 and set to 0 beyond |x| = 350
// (where cosh overflows); log cosh x as log1p(2 sinh(x/2)^2) for |x| < 1 (no cancellation)
// and |x| + log1p(e^(-2|x|)) - log 2 beyond (no overflow).
// Reference: Kiselev, arXiv:2605.29121, eqs. 6, 7, 12, 15; MODEL.md sec. 2.
//
// The exported functions check their arguments (RangeError; see params.ts); the *At
// kernels below them are the same formulas unchecked, for the other theory modules' inner
// loops, which check the parameters once.
// Plain TypeScript in f64 with no platform imports: runs in Node and in a browser.

import { aEffOf, checkPointParams, hOf, requireFinite, requirePositive, type RouterParams } from './params.js';

/** sech(x)^2 without overflow for large |x|. */
function sech2(x: number): number {
  const ax = Math.abs(x);
  if (ax > 350) return 0;
  const c = Math.cosh(ax);
  return 1 / (c * c);
}

/** log cosh(x), accurate for tiny |x| and overflow-free for huge |x|. */
function logCosh(x: number): number {
  const ax = Math.abs(x);
  if (ax < 1) {
    // cosh x - 1 = 2 sinh(x/2)^2, no cancellation
    const s = Math.sinh(ax / 2);
    return Math.log1p(2 * s * s);
  }
  return ax + Math.log1p(Math.exp(-2 * ax)) - Math.LN2;
}

/** Unchecked F(y) = aEff tanh(y/(2T)) - gamma y + h. */
export function driftAt(y: number, aEff: number, gamma: number, T: number, h: number): number {
  return aEff * Math.tanh(y / (2 * T)) - gamma * y + h;
}

/** Unchecked F'(y) = aEff/(2T) sech^2(y/(2T)) - gamma. */
export function driftSlopeAt(y: number, aEff: number, gamma: number, T: number): number {
  return (aEff / (2 * T)) * sech2(y / (2 * T)) - gamma;
}

/** Unchecked u = tanh(y/(2T)). */
export function loadAt(y: number, T: number): number {
  return Math.tanh(y / (2 * T));
}

/** Mean-field drift F(y) = a_eff tanh(y/(2T)) - gamma y + h (eq 6). */
export function drift(y: number, p: RouterParams): number {
  checkPointParams('drift', p);
  requireFinite('drift', 'y', y);
  return driftAt(y, aEffOf(p), p.gamma, p.T, hOf(p));
}

/** F'(y) = a_eff/(2T) sech^2(y/(2T)) - gamma (eq 15). */
export function driftSlope(y: number, p: RouterParams): number {
  checkPointParams('driftSlope', p);
  requireFinite('driftSlope', 'y', y);
  return driftSlopeAt(y, aEffOf(p), p.gamma, p.T);
}

/** Load imbalance u = tanh(y/(2T)) (eq 7). */
export function loadOf(y: number, T: number): number {
  requireFinite('loadOf', 'y', y);
  requirePositive('loadOf', 'T', T);
  return loadAt(y, T);
}

/**
 * Potential V(y) = gamma y^2/2 - 2 a_eff T log cosh(y/(2T)) - h y, with dy/dt = -V'(y) (eq 12).
 * log cosh is evaluated stably (no overflow for large |y|, no cancellation for small |y|).
 */
export function potential(y: number, p: RouterParams): number {
  checkPointParams('potential', p);
  requireFinite('potential', 'y', y);
  return 0.5 * p.gamma * y * y - 2 * aEffOf(p) * p.T * logCosh(y / (2 * p.T)) - hOf(p) * y;
}
