// The linear noise approximation of the router on the balanced side (MODEL.md sec. 4): the
// stationary Var(y) around y = 0 and its inverse.
//
// Method: linearised around y = 0 the router is the AR(1) map
//   y_{n+1} = (1 + eta lambda) y_n + eta a_eff xi_n,  Var(xi) = 1/B,  lambda = a_eff/(2T) - gamma,
// whose stationary variance is eta^2 a_eff^2 / (B (1 - (1 + eta lambda)^2))
//   = eta a_eff^2 / (B (-2 lambda - eta lambda^2)),
// finite iff -2 < eta lambda < 0. 1/Var is close to linear in 1/T and vanishes at T_c,
// which extrapolateCriticalPoint uses. Meaningful with h = 0 (p.h is not used).
// Reference: MODEL.md sec. 4; the AR(1) stationary variance, e.g. Box, Jenkins & Reinsel,
// Time Series Analysis, 4th ed. (2008) sec. 3.2.4; van Kampen, Stochastic Processes in
// Physics and Chemistry, 3rd ed. (2007) ch. X (the linear noise approximation).
//
// gamma = 0 (no forgetting) is allowed. Non-finite a or rho, negative gamma, T <= 0, B <= 0 or
// eta <= 0 throw a RangeError.
// Plain TypeScript in f64 with no platform imports: runs in Node and in a browser.

import { aEffOf, checkPointParams, requirePositive, type RouterParams } from './params.js';

function check(fn: string, p: RouterParams, B: number, eta: number): void {
  checkPointParams(fn, p);
  requirePositive(fn, 'B', B);
  requirePositive(fn, 'eta', eta);
}

/**
 * Stationary Var(y) of the linearised router around y = 0 (MODEL.md sec. 4):
 * y_{n+1} = (1 + eta lambda) y_n + eta a_eff xi_n, Var(xi) = 1/B, lambda = a_eff/(2T) - gamma:
 * Var(y) = eta a_eff^2 / (B (-2 lambda - eta lambda^2)). Infinity when the denominator <= 0
 * (lambda >= 0, i.e. at/after T_c, or eta lambda <= -2, where the AR(1) map is unstable).
 * Meaningful on the balanced side with h = 0.
 */
export function linearNoiseVariance(p: RouterParams, B: number, eta: number): number {
  check('linearNoiseVariance', p, B, eta);
  const aEff = aEffOf(p);
  const lambda = aEff / (2 * p.T) - p.gamma;
  const den = B * (-2 * lambda - eta * lambda * lambda);
  if (!(den > 0)) return Infinity;
  return (eta * aEff * aEff) / den;
}

/**
 * 1/Var(y) from the linear noise approximation (MODEL.md sec. 4):
 * B (-2 lambda - eta lambda^2) / (eta a_eff^2), clamped to 0 at/after the threshold. Close to
 * linear in 1/T and vanishing at T_c, hence suited for extrapolating T_c. Infinity if a_eff = 0.
 */
export function linearNoiseInverseVariance(p: RouterParams, B: number, eta: number): number {
  check('linearNoiseInverseVariance', p, B, eta);
  const aEff = aEffOf(p);
  const lambda = aEff / (2 * p.T) - p.gamma;
  const den = B * (-2 * lambda - eta * lambda * lambda);
  if (!(den > 0)) return 0;
  return den / (eta * aEff * aEff);
}
