// The local cusp normal form dx/dt = mu x - x^3 + eps of the router near the organising
// centre a_eff = 2 gamma T, h = 0, and its bistable wedge 4 mu^3 > 27 eps^2.
//
// Method: expanding eq. (6), F(y) = mu y - a_eff y^3/(24 T^3) + h + ..., mu = a_eff/(2T) - gamma;
// with a_eff = 2 gamma T in the cubic coefficient and y = scale * x,
// scale = sqrt(12 T^2/gamma), this is dx/dt = mu x - x^3 + eps with eps = h/scale.
// (MODEL.md writes eps = h, which holds only up to this rescaling, i.e. when gamma = 12 T^2;
// the rescaled eps is what makes 4 mu^3 = 27 eps^2 agree with the exact folds eqs. 16-18
// to leading order.) The wedge is where the cubic has three real roots (discriminant > 0).
// Reference: Kiselev, arXiv:2605.29121, eqs. 19-21; MODEL.md sec. 2; the cusp catastrophe,
// e.g. Strogatz, Nonlinear Dynamics and Chaos (1994) sec. 3.6.
//
// Non-finite a, h or rho, gamma <= 0 or T <= 0 (cuspNormalForm), or non-finite mu or eps
// (insideCuspBistable) throw a RangeError.
// Plain TypeScript in f64 with no platform imports: runs in Node and in a browser.

import { aEffOf, checkParams, hOf, requireFinite, type RouterParams } from './params.js';

/** Local cusp normal form dx/dt = mu x - x^3 + eps (eqs 19-21). */
export interface CuspNormalForm {
  /** mu = a_eff/(2T) - gamma (the linear growth rate at y = 0) */
  mu: number;
  /** eps = h / scale: the skew in normal-form units */
  eps: number;
  /** y = scale * x, scale = sqrt(12 T^2 / gamma) (cubic coefficient taken at the cusp) */
  scale: number;
}

/**
 * Cusp normal form (eqs 19-21) near a_eff = 2 gamma T, h = 0. Expanding eq (6),
 * F(y) = mu y - a_eff y^3/(24 T^3) + h + ..., and at the cusp a_eff = 2 gamma T, so with
 * y = scale * x, scale = sqrt(12 T^2/gamma), one gets dx/dt = mu x - x^3 + eps, eps = h/scale.
 */
export function cuspNormalForm(p: RouterParams): CuspNormalForm {
  checkParams('cuspNormalForm', p);
  const scale = p.T * Math.sqrt(12 / p.gamma);
  return { mu: aEffOf(p) / (2 * p.T) - p.gamma, eps: hOf(p) / scale, scale };
}

/** Inside the cusp's bistable wedge: 4 mu^3 > 27 eps^2 (eq 21). */
export function insideCuspBistable(mu: number, eps: number): boolean {
  requireFinite('insideCuspBistable', 'mu', mu);
  requireFinite('insideCuspBistable', 'eps', eps);
  return 4 * mu * mu * mu > 27 * eps * eps;
}
