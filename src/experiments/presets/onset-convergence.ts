// The finite-time onset (final mean |u_hat| = 0.1, figs. 8 and 9) against the run time:
// extra onset scans at other run lengths, and the extrapolation of T_c / onset to
// 1 / (gamma t) -> 0.
//
// What the limit is. In units of gamma t the mean-field growth rate near T_c is
// lambda = gamma (T_c/T - 1), so a run of time t reaches |u| = 0.1 from a small start where
// (T_c/T - 1) gamma t ~ c (c ~ 2.7 at B = 512 from a jitter of 0.05: the log of the growth
// needed): T_c / onset ~ 1 + c / (gamma t). But as t -> infinity the onset does NOT tend to
// T_c: the final |u| is then the equilibrium |u*| of u = tanh(u T_c / T), and |u*| = 0.1 at
// T_c / T = atanh(0.1) / 0.1 = 1.003353. So the t -> infinity limit of onset / T_c is
// 0.1 / atanh(0.1) = 0.996658, the prediction here. The approach to it is exponential in
// gamma t (the last stretch relaxes at rate 2 lambda ~ 0.0067 gamma), not a power of
// 1/(gamma t), so the polynomial extrapolation is a model with a bias of its own, and
// finite B (fluctuations of |u| at the onset, hops between the wells) shifts the limit too.
//
// Run lengths and windows (why): four run lengths per gamma (with ONSET's) span gamma t from
// ~10 to ~600, so a quadratic in 1/(gamma t) keeps one degree of freedom; the T window
// of each run is centred on the rough law above, from T_c / (1 + 2 (c/(gamma t) + 0.0034)) to
// 1.01 T_c, so each holds its crossing with a fine step (the linear interpolation's bias
// shrinks with the step squared).

import { onsetWithError } from '../../analytics/estimators/onset-with-error.js';
import { weightedLeastSquares } from '../../analytics/regression/weighted-least-squares.js';
import { ONSET_LEVEL, relaxCells } from '../reductions.js';
import type { ScanOutcome } from '../types.js';
import type { PresetScan, Scale } from './index.js';
import { linspace, ONSET, pick, TOKENS } from './shared.js';

/** onset / T_c as t -> infinity in mean field: |u*| = 0.1 where u = tanh(u T_c / T). */
export const ONSET_LIMIT_RATIO = ONSET_LEVEL / Math.atanh(ONSET_LEVEL);

/** Extra run lengths (steps at eta = ONSET.eta) beside ONSET.steps, with their replicates and temperatures. */
export function onsetRunDesign(scale: Scale): { steps: number[]; replicates: number; temps: number } {
  return pick(scale, {
    quick: { steps: [500, 1000, 6000], replicates: 16, temps: 11 },
    paper: { steps: [1250, 2500, 20000], replicates: 64, temps: 21 },
    large: { steps: [5000, 10000, 80000], replicates: 1024, temps: 61 },
  });
}

/** One onset scan at `steps` steps: ONSET's observable, a T window around the expected crossing. */
export function onsetRunScan(name: string, a: number, gamma: number, steps: number, replicates: number, temps: number): PresetScan {
  const tc = a / (2 * gamma);
  const gammaT = gamma * ONSET.eta * steps;
  const lo = tc / (1 + 2 * (2.7 / gammaT + 0.0034));
  return {
    name,
    description: `Finite-time onset at gamma=${gamma}, ${steps} steps (gamma t = ${gammaT})`,
    params: { a, gamma, h: 0, B: TOKENS, eta: ONSET.eta },
    axes: [{ param: 'T', values: linspace(lo, 1.01 * tc, temps) }],
    replicates,
    steps,
    window: steps / 10,
    initial: { y0: 0, asym: ONSET.asym, families: 'single' },
    protocol: { kind: 'relax' },
  };
}

export interface OnsetPoint {
  gamma: number;
  steps: number;
  /** 1 / (gamma t) */
  s: number;
  onset: number | null;
  se: number | null;
  /** onset / T_c */
  ratio: number | null;
  ratioSe: number | null;
}

/** The onset of a relax T scan with its delta-method s.e. */
export function onsetPoint(o: ScanOutcome, tc: number): OnsetPoint {
  const Ts = o.grid.axes[0].values;
  const cells = relaxCells(o);
  const c0 = o.grid.cells[0];
  const r = onsetWithError(
    Ts,
    cells.map((c) => c.absMeanLoad),
    cells.map((c) => c.absMeanLoadSE),
    ONSET_LEVEL,
    { direction: 'down' },
  );
  const s = 1 / (c0.gamma * c0.eta * o.spec.steps);
  return {
    gamma: c0.gamma,
    steps: o.spec.steps,
    s,
    onset: r?.x ?? null,
    se: r?.se ?? null,
    ratio: r ? r.x / tc : null,
    ratioSe: r ? r.se / tc : null,
  };
}

export interface OnsetExtrapolation {
  /** onset / T_c at 1/(gamma t) -> 0 and its s.e. */
  limit: number;
  se: number;
  /** T_c / onset = k + c s + d s^2 */
  coef: [number, number, number];
  chi2: number;
  dof: number;
  points: number;
}

/**
 * T_c / onset = k + c s + d s^2 (s = 1/(gamma t)) by weighted least squares over one gamma's
 * points with an onset (absolute weights from the onsets' s.e.; the covariance is scaled up
 * by the reduced chi-square when that exceeds 1, since the model is only approximate);
 * onset / T_c -> 1/k. One gamma at a time: at a fixed eta the noise (eta gamma / B) and the
 * jitter (0.05 gamma / a in units of z = gamma y / a) differ between gammas, so their curves
 * in 1/(gamma t) differ too. null with fewer than 4 points.
 */
export function extrapolateOnset(points: readonly OnsetPoint[]): OnsetExtrapolation | null {
  const ok = points.filter((p) => p.ratio !== null && p.ratioSe !== null && p.ratioSe > 0);
  if (ok.length < 4) return null;
  const y = ok.map((p) => 1 / p.ratio!);
  const w = ok.map((p) => {
    const se = p.ratioSe! / p.ratio! ** 2;
    return 1 / (se * se);
  });
  const fit = weightedLeastSquares(
    ok.map((p) => [1, p.s, p.s * p.s]),
    y,
    w,
    { absoluteWeights: true },
  );
  const inflate = Math.max(1, fit.dof > 0 ? fit.rss / fit.dof : 1);
  const k = fit.coef[0];
  const seK = Math.sqrt(fit.cov[0][0] * inflate);
  return { limit: 1 / k, se: seK / (k * k), coef: [fit.coef[0], fit.coef[1], fit.coef[2]], chi2: fit.rss, dof: fit.dof, points: ok.length };
}
