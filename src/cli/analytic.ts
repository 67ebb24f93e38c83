// `moe-cusp analytic`: the theory at one parameter point (MODEL.md), no simulation: the
// critical points, the hysteresis half-width and folds, the equilibria and their stability,
// the cusp normal form and, given B and eta, the linear-noise variance; for N experts
// (docs/MODEL.md section 5) the balanced threshold, the saddle-node K_sn(N) below it, the
// one-winner equilibria with their stability, and the loss-free bias threshold.

import { criticalReinforcement, criticalTemperature, nExpertCriticalReinforcement } from '../analytics/theory/critical-points.js';
import { cuspNormalForm } from '../analytics/theory/cusp.js';
import { equilibria } from '../analytics/theory/equilibria.js';
import { foldPoints, hysteresisHalfWidth } from '../analytics/theory/folds.js';
import { linearNoiseVariance } from '../analytics/theory/linear-noise.js';
import {
  kWinnerBranches,
  linearNoiseContrast,
  lossFreeBiasEigenvalues,
  lossFreeBiasThreshold,
  nExpertCriticalTemperature,
  oneWinnerBranch,
  saddleNodeK,
} from '../analytics/theory/n-experts.js';
import { CELL_RANGES, checkNumber, InputError } from '../core/model.js';
import { fmt } from './experiments.js';

export interface AnalyticInput {
  a: number;
  T: number;
  gamma: number;
  h: number;
  rho: number;
  B?: number | undefined;
  eta?: number | undefined;
  N: number;
}

/**
 * The N-expert picture at this point: with K = a_eff/(gamma T), the balanced state is stable
 * for K < N; a stable collapsed (one-winner) state exists from K_sn(N) on, so between the
 * two both are (hysteresis at h = 0 for N >= 3).
 */
export function nExpertReport(p: AnalyticInput) {
  const aEff = p.a - p.rho;
  const K = aEff / (p.gamma * p.T);
  const sn = saddleNodeK(p.N);
  const regime = !(K > sn.K) ? 'balanced only' : K < p.N ? 'bistable: balanced and collapsed' : 'collapsed: the balanced state is unstable';
  const contrast = p.B !== undefined && p.eta !== undefined ? linearNoiseContrast(aEff, p.N, p.gamma, p.T, p.B, p.eta) : undefined;
  return {
    N: p.N,
    K,
    criticalTemperature: nExpertCriticalTemperature(aEff, p.N, p.gamma),
    saddleNode: { K: sn.K, winnerShare: sn.winnerShare, temperature: aEff / (sn.K * p.gamma) },
    regime,
    oneWinner: (aEff > 0 ? oneWinnerBranch(K, p.N, p.gamma) : []).map((e) => ({
      d: e.d,
      winnerShare: e.highShare,
      loserShare: e.lowShare,
      stable: e.stable,
      fold: e.fold,
    })),
    lossFreeBiasThreshold: lossFreeBiasThreshold(aEff, p.N, p.gamma, p.T),
    // the angular frequency of the load oscillation born at u = u_c (time t = n eta); null if u_c <= 0
    lossFreeBiasOmega: nullIfNaN(
      lossFreeBiasEigenvalues(aEff, p.N, p.gamma, p.T, Math.max(0, lossFreeBiasThreshold(aEff, p.N, p.gamma, p.T))).thresholdOmega,
    ),
    // symmetric branches with k >= 2 winners at this K, with their stability (found, not assumed)
    kWinner: (aEff > 0 && p.N >= 3 ? kWinnerBranches(K, p.N, p.gamma) : [])
      .filter((e) => e.k >= 2)
      .map((e) => ({ k: e.k, d: e.d, highShare: e.highShare, lowShare: e.lowShare, stable: e.stable })),
    linearNoiseContrast: contrast === undefined || !Number.isFinite(contrast) ? null : contrast,
  };
}

export function analyticReport(p: AnalyticInput) {
  const params = { a: p.a, T: p.T, gamma: p.gamma, h: p.h, rho: p.rho };
  const H = hysteresisHalfWidth(p.a, p.gamma, p.T, p.rho);
  const lnaVar = p.B !== undefined && p.eta !== undefined ? linearNoiseVariance(params, p.B, p.eta) : undefined;
  return {
    parameters: p,
    aEff: p.a - p.rho,
    criticalTemperature: criticalTemperature(params),
    criticalReinforcement: criticalReinforcement(params),
    nExpertCriticalReinforcement: { N: p.N, a: nExpertCriticalReinforcement(p.N, p.gamma, p.T) },
    hysteresisHalfWidth: H,
    hysteresisWidth: 2 * H,
    bistable: H > 0 && Math.abs(p.h) < H,
    equilibria: equilibria(params),
    foldPoints: foldPoints(params),
    cuspNormalForm: cuspNormalForm(params),
    linearNoiseVariance: lnaVar === undefined ? null : Number.isFinite(lnaVar) ? lnaVar : null,
    oneWinnerFold: oneWinnerFold(p),
    nExperts: nExpertReport(p),
  };
}

function nullIfNaN(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/**
 * Where the stable one-winner branch appears (MODEL.md sec. 5): the a at which it does at this
 * T and gamma (a - rho = K_sn gamma T), the T at which it does at this a (T = (a - rho)/(K_sn gamma);
 * null unless a > rho), and the winner's load share there.
 */
export function oneWinnerFold(p: AnalyticInput): { a: number; T: number | null; maxLoad: number } {
  const sn = saddleNodeK(p.N);
  const aEff = p.a - p.rho;
  return { a: p.rho + sn.K * p.gamma * p.T, T: aEff > 0 && p.gamma > 0 ? aEff / (sn.K * p.gamma) : null, maxLoad: sn.winnerShare };
}

export function formatAnalytic(r: ReturnType<typeof analyticReport>): string {
  const p = r.parameters;
  const lines = [
    `a=${p.a} T=${p.T} gamma=${p.gamma} h=${p.h} rho=${p.rho} (a_eff = ${fmt(r.aEff)})`,
    `T_c = a_eff/(2 gamma) = ${fmt(r.criticalTemperature, 6)};  a_c = 2 gamma T + rho = ${fmt(r.criticalReinforcement, 6)};  ` +
      `N=${p.N} experts: a_c = N gamma T = ${fmt(r.nExpertCriticalReinforcement.a, 6)}`,
    `H(a_eff) = ${fmt(r.hysteresisHalfWidth, 6)};  width 2H = ${fmt(r.hysteresisWidth, 6)};  bistable at this h: ${r.bistable ? 'yes' : 'no'}`,
    `cusp normal form: mu = ${fmt(r.cuspNormalForm.mu)}, eps = ${fmt(r.cuspNormalForm.eps)} (y = ${fmt(r.cuspNormalForm.scale)} x)`,
    "equilibria (y*, u* = tanh(y*/2T), F'(y*), stability):",
    ...r.equilibria.map(
      (e) =>
        `  y* = ${fmt(e.y, 6)}  u* = ${fmt(e.load, 6)}  F' = ${fmt(e.slope)}  ${e.stable ? 'stable' : 'unstable'}` +
        (e.multiplicity > 1 ? ` (multiplicity ${e.multiplicity})` : ''),
    ),
    r.foldPoints.length
      ? `folds: ${r.foldPoints.map((f) => `h = ${fmt(f.h, 6)} at y = ${fmt(f.y)}`).join('; ')}`
      : 'folds: none (a_eff <= 2 gamma T)',
  ];
  if (r.linearNoiseVariance !== null) lines.push(`linear-noise Var(y) = ${fmt(r.linearNoiseVariance, 6)} (B=${p.B}, eta=${p.eta})`);
  else if (p.B !== undefined) lines.push('linear-noise Var(y): none (not on the balanced side)');
  const n = r.nExperts;
  lines.push(
    `N=${n.N} experts: K = a_eff/(gamma T) = ${fmt(n.K, 6)}; balanced threshold K = N (T_c = a_eff/(N gamma) = ${fmt(n.criticalTemperature, 6)}); ` +
      `saddle-node K_sn = ${fmt(n.saddleNode.K, 7)} (T_sn = ${fmt(n.saddleNode.temperature, 6)}, winner share ${fmt(n.saddleNode.winnerShare, 4)}): ${n.regime}`,
    ...n.oneWinner.map(
      (e) => `  one winner: d = ${fmt(e.d, 6)}  winner share ${fmt(e.winnerShare, 6)}  ${e.fold ? 'fold' : e.stable ? 'stable' : 'unstable'}`,
    ),
    ...n.kWinner.map((e) => `  ${e.k} winners: d = ${fmt(e.d, 6)}  high share ${fmt(e.highShare, 6)}  ${e.stable ? 'stable' : 'unstable'}`),
    `one-winner fold: a = ${fmt(r.oneWinnerFold.a, 6)} at this T; T = ${fmt(r.oneWinnerFold.T, 6)} at this a; winner share ${fmt(r.oneWinnerFold.maxLoad, 4)}`,
    `loss-free bias (linear): the balanced state is stable for u > max(a_eff - N gamma T, 0) = ${fmt(Math.max(n.lossFreeBiasThreshold, 0), 6)}` +
      (n.lossFreeBiasOmega !== null ? `; loads oscillate at omega = ${fmt(n.lossFreeBiasOmega, 6)} there` : ''),
  );
  if (n.linearNoiseContrast !== null) lines.push(`linear-noise E[S] = ${fmt(n.linearNoiseContrast, 6)} (N=${n.N}, B=${p.B}, eta=${p.eta})`);
  return lines.join('\n');
}

export function checkAnalyticInput(p: AnalyticInput): AnalyticInput {
  for (const k of ['a', 'T', 'gamma', 'h', 'rho'] as const) checkNumber(`--${k}`, p[k], CELL_RANGES[k]);
  // The theory divides by gamma (equilibria, folds): a router may forget nothing, the theory may not.
  checkNumber('--gamma', p.gamma, { ...CELL_RANGES.gamma, minOpen: true });
  if (p.B !== undefined) checkNumber('--B', p.B, CELL_RANGES.B);
  if (p.eta !== undefined) checkNumber('--eta', p.eta, CELL_RANGES.eta);
  if ((p.B === undefined) !== (p.eta === undefined))
    throw new InputError(p.B === undefined ? '--B' : '--eta', 'the linear-noise variance needs both --B and --eta');
  checkNumber('--N', p.N, { min: 2, max: 65536, integer: true });
  return p;
}
