// Where the balanced state y = 0 of the router loses stability (the pitchfork): the
// critical temperature T_c = a_eff/(2 gamma), the critical reinforcement
// a_c = 2 gamma T + rho, and for N symmetric experts a_c = N gamma T.
//
// Method: linear stability of y = 0, F'(0) = a_eff/(2T) - gamma = 0 (eq. 10); with N experts
// the contrast modes have eigenvalue a/(N T) - gamma (eqs. 9-10).
// Reference: Kiselev, arXiv:2605.29121, eqs. 9-10; MODEL.md sec. 2.
//
// gamma = 0 (no forgetting) is allowed: T_c is then +-Infinity (NaN when a_eff = 0), which
// callers show as "none". Non-finite a or rho, negative gamma, T <= 0 or N not an integer
// >= 2 throw a RangeError.
// Plain TypeScript in f64 with no platform imports: runs in Node and in a browser.

import { aEffOf, requireFinite, requireNonNegative, requirePositive, type RouterParams } from './params.js';

/** Critical temperature T_c = a_eff / (2 gamma) (eq 10); p.T and p.h are not used. */
export function criticalTemperature(p: RouterParams): number {
  requireFinite('criticalTemperature', 'a', p.a);
  requireFinite('criticalTemperature', 'rho', p.rho ?? 0);
  requireNonNegative('criticalTemperature', 'gamma', p.gamma);
  return aEffOf(p) / (2 * p.gamma);
}

/** Critical reinforcement a_c = 2 gamma T + rho, i.e. a_eff = 2 gamma T (eq 10); p.a and p.h are not used. */
export function criticalReinforcement(p: RouterParams): number {
  requireNonNegative('criticalReinforcement', 'gamma', p.gamma);
  requirePositive('criticalReinforcement', 'T', p.T);
  requireFinite('criticalReinforcement', 'rho', p.rho ?? 0);
  return 2 * p.gamma * p.T + (p.rho ?? 0);
}

/**
 * N experts, symmetric (eqs 9-10): the contrast modes have eigenvalue a/(N T) - gamma,
 * so the uniform state loses stability at a = N gamma T.
 */
export function nExpertCriticalReinforcement(N: number, gamma: number, T: number): number {
  if (!(Number.isInteger(N) && N >= 2)) throw new RangeError(`nExpertCriticalReinforcement: N must be an integer >= 2, got ${N}`);
  requireNonNegative('nExpertCriticalReinforcement', 'gamma', gamma);
  requirePositive('nExpertCriticalReinforcement', 'T', T);
  return N * gamma * T;
}
