// The mean-field ODE dy/dt = F(y) (eqs. 3, 6) of the router integrated in time: the
// trajectory y(t) with its load u(t) = tanh(y/(2T)) on a uniform grid, or u at given times.
//
// Method: classical fourth-order Runge-Kutta with equal steps: n = ceil(span/dt) steps of
// span/n <= dt between consecutive requested times, so every requested time is hit
// exactly. meanFieldLoadAt's default step 0.02 / (|a_eff|/(2T) + gamma) bounds |F'| dt by
// 0.02, which keeps the RK4 error far below 1e-6. Time is t = n_steps * eta in units of
// the stochastic router.
// Reference: Kiselev, arXiv:2605.29121, eqs. 3, 6, 7; MODEL.md sec. 2. RK4: Numerical
// Recipes 3rd ed. (Press et al. 2007) sec. 17.1, eq. 17.1.3; Hairer, Norsett & Wanner,
// Solving ODEs I (1993) sec. II.1.
//
// Non-finite parameters, gamma <= 0, T <= 0, a non-finite y0, a negative or non-finite time
// or a step that is not finite and > 0 throw a RangeError.
// Plain TypeScript in f64 with no platform imports: runs in Node and in a browser.

import { driftAt, loadAt } from './drift.js';
import { aEffOf, checkParams, hOf, requireFinite, requirePositive, type RouterParams } from './params.js';

/** Mean-field trajectory sampled on a uniform grid. */
export interface MeanFieldTrajectory {
  t: Float64Array;
  y: Float64Array;
  load: Float64Array;
}

function rk4Step(y: number, k: number, aEff: number, gamma: number, T: number, h: number): number {
  const k1 = driftAt(y, aEff, gamma, T, h);
  const k2 = driftAt(y + 0.5 * k * k1, aEff, gamma, T, h);
  const k3 = driftAt(y + 0.5 * k * k2, aEff, gamma, T, h);
  const k4 = driftAt(y + k * k3, aEff, gamma, T, h);
  return y + (k / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
}

/** Number of uniform steps of size <= dt covering a span. */
function stepsFor(span: number, dt: number): number {
  if (span <= 0) return 0;
  return Math.max(1, Math.ceil(span / dt - 1e-9));
}

/**
 * Classical RK4 on the mean-field ODE dy/dt = F(y) (eqs 3, 6), from y(0) = y0 to tEnd, with
 * n = ceil(tEnd/dt) equal steps (actual step tEnd/n <= dt; last sample exactly at tEnd).
 * Time is t = n_steps * eta in units of the stochastic router.
 */
export function meanFieldTrajectory(p: RouterParams, y0: number, tEnd: number, dt: number): MeanFieldTrajectory {
  const fn = 'meanFieldTrajectory';
  checkParams(fn, p);
  requireFinite(fn, 'y0', y0);
  requireFinite(fn, 'tEnd', tEnd);
  if (tEnd < 0) throw new RangeError(`${fn}: tEnd must be >= 0, got ${tEnd}`);
  requirePositive(fn, 'dt', dt);
  const aEff = aEffOf(p);
  const h = hOf(p);
  const n = stepsFor(tEnd, dt);
  const k = n > 0 ? tEnd / n : 0;
  const t = new Float64Array(n + 1);
  const y = new Float64Array(n + 1);
  const load = new Float64Array(n + 1);
  y[0] = y0;
  load[0] = loadAt(y0, p.T);
  for (let i = 1; i <= n; i++) {
    t[i] = i === n ? tEnd : i * k;
    y[i] = rk4Step(y[i - 1], k, aEff, p.gamma, p.T, h);
    load[i] = loadAt(y[i], p.T);
  }
  return { t, y, load };
}

/**
 * Mean-field load u(t) = tanh(y(t)/(2T)) (eqs 6-7) from y(0) = y0, sampled at the given times
 * (t = n * eta; any order, each >= 0). RK4 lands exactly on every requested time; the step is
 * at most maxDt, by default 0.02 / (|a_eff|/(2T) + gamma) (a bound on |F'|), which keeps the
 * RK4 error far below 1e-6.
 */
export function meanFieldLoadAt(p: RouterParams, y0: number, times: number[], maxDt?: number): Float64Array {
  const fn = 'meanFieldLoadAt';
  checkParams(fn, p);
  requireFinite(fn, 'y0', y0);
  const aEff = aEffOf(p);
  const h = hOf(p);
  const dt = maxDt ?? 0.02 / (Math.abs(aEff) / (2 * p.T) + p.gamma);
  requirePositive(fn, 'maxDt', dt);
  const order = times.map((_, i) => i);
  for (const t of times) {
    requireFinite(fn, 'time', t);
    if (t < 0) throw new RangeError(`${fn}: times must be >= 0, got ${t}`);
  }
  order.sort((i, j) => times[i] - times[j]);
  const out = new Float64Array(times.length);
  let tCur = 0;
  let y = y0;
  for (const i of order) {
    const span = times[i] - tCur;
    const n = stepsFor(span, dt);
    const k = n > 0 ? span / n : 0;
    for (let s = 0; s < n; s++) y = rk4Step(y, k, aEff, p.gamma, p.T, h);
    tCur = times[i];
    out[i] = loadAt(y, p.T);
  }
  return out;
}
