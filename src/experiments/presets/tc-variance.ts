// T_c from 1/Var(y) on the balanced side (MODEL.md sec. 4), as a preset's scan and its
// analysis: the design per scale, the trace scan that runs it, and the estimate with its
// convergence in the number of replicates and in the run length.
//
// Design (why each choice):
// - eta = etaGamma / gamma. With z = gamma y / a the update is z <- z + eta gamma (u_hat - z)
//   and p = sigmoid(2 z T_c / T): at fixed eta gamma and T / T_c the process in z is the same
//   at every gamma, so T_c_hat / T_c has the same distribution at every gamma (relative
//   biases are equal across gammas and cancel in a slope of log T_c against log gamma).
// - B = 65536: the exact O(1) sampler makes B free, and the nonlinear (tanh^3) correction to
//   lambda, eta gamma / (2 B eps^2) relative with eps = 1 - T_c/T, is 6e-3 at eps = 0.005,
//   which moves the extrapolated T_c by ~ 3e-5 relative (negligible).
// - Temperatures T / T_c in [tau_lo, tau_hi]: the s.e. of the zero is ~ eps_lo sqrt(2/n)
//   (the closest point dominates) while the steps grow as 1/eps_lo, so a close tau_lo gives
//   the most precision per router-step; a few temperatures suffice (the s.e. hardly depends
//   on how many lie in between, and they test the straight line: goodness of fit).
// - Steps: `relax` / (eta |lambda|_min), lambda_min at tau_lo. From y0 = 0 the variance is
//   Var_inf (1 - (1 + eta lambda)^(2n)): relax = 3.1 leaves a deficit exp(-6.2) = 0.2% at the
//   closest temperature only, which moves T_c by ~ 0.2% of eps_lo (1e-5 relative at paper).
// - The exact AR(1) form Var = eta a^2 / (B (-2 lambda - eta lambda^2)) is fitted (the
//   factor 1 + eta lambda / 2 divided out), so there is no finite-eta bias; the linear form
//   would be biased by -eta gamma eps_lo eps_hi / 2 relative (~ -2e-5 at paper).
// - Replicates in `blocks` independent blocks (a second axis, h = 0 repeated; block b of a
//   temperature is its own grid cell, so its routers and streams are its own): the exact
//   pooled variance of any subset of blocks gives the convergence in the number of
//   replicates, and the delete-one-block jackknife checks the chi-square-based s.e.
// - A trace protocol records Var(y) every steps / intervals: the convergence in run length.
// y is normal (linear noise, B large) and independent across replicates, so the Fieller
// interval of criticalPointFromVariances is honest; the jackknife s.e. is reported beside it.

import { criticalPointFromVariances, type VarianceCriticalPointFit } from '../../analytics/estimators/critical-point.js';
import { blockJackknife, poolBlocks } from '../../analytics/estimators/replicate-blocks.js';
import { linearNoiseVariance } from '../../analytics/theory/linear-noise.js';
import { traceCells } from '../reductions.js';
import type { Estimate, ScanOutcome } from '../types.js';
import type { PresetScan, Scale } from './index.js';
import { linspace, list, pick } from './shared.js';

export interface VarianceDesign {
  /** eta gamma (same dynamics in units of gamma t at every gamma) */
  etaGamma: number;
  B: number;
  /** T / T_c range and the number of temperatures in it */
  tau: [number, number];
  temps: number;
  /** independent blocks of replicates per temperature, and replicates per block */
  blocks: number;
  perBlock: number;
  /** steps = ceil(relax / (eta |lambda|)) at tau_lo */
  relax: number;
  /** trace intervals (the run-length convergence) */
  intervals: number;
}

/** The variance design of figs. 8 and 9 at a scale (quick: seconds on the CPU engine; paper: ~1e8 router-steps per gamma). */
export function varianceDesign(scale: Scale): VarianceDesign {
  return pick<VarianceDesign>(scale, {
    quick: { etaGamma: 0.02, B: 65536, tau: [1.05, 1.3], temps: 4, blocks: 4, perBlock: 32, relax: 3.1, intervals: 8 },
    paper: { etaGamma: 0.02, B: 65536, tau: [1.005, 1.2], temps: 6, blocks: 8, perBlock: 64, relax: 3.1, intervals: 16 },
    large: { etaGamma: 0.02, B: 65536, tau: [1.0025, 1.2], temps: 8, blocks: 16, perBlock: 1024, relax: 3.1, intervals: 32 },
  });
}

/** The steps of a design: relax / (eta |lambda|) at the closest temperature (independent of gamma). */
export function varianceSteps(d: VarianceDesign): number {
  const eps = 1 - 1 / d.tau[0]; // |lambda| / gamma at T = tau_lo T_c
  const every = Math.ceil(d.relax / (d.etaGamma * eps) / d.intervals);
  return every * d.intervals;
}

/** The trace scan of a design at one gamma (h = 0, y0 = 0). */
export function varianceScan(name: string, description: string, a: number, gamma: number, d: VarianceDesign): PresetScan {
  const tc = a / (2 * gamma);
  const steps = varianceSteps(d);
  return {
    name,
    description,
    params: { a, gamma, B: d.B, eta: d.etaGamma / gamma },
    axes: [
      { param: 'T', values: linspace(d.tau[0] * tc, d.tau[1] * tc, d.temps) },
      // Replicate blocks: h = 0 repeated, one grid cell per (temperature, block).
      { param: 'h', values: list(Array.from({ length: d.blocks }, () => 0)) },
    ],
    replicates: d.perBlock,
    steps,
    window: steps / d.intervals,
    initial: { y0: 0, asym: 0, families: 'single' },
    protocol: { kind: 'trace', every: steps / d.intervals },
  };
}

export interface TcPoint {
  T: number;
  n: number;
  variance: number;
  /** 1/Var over the step factor, and its s.e. from the fitted line */
  inv: number;
  se: number;
  linearNoise: number;
}

export interface TcFitSummary {
  tc: number;
  se: number;
  lower: number | null;
  upper: number | null;
}

export interface VarianceAnalysis {
  gamma: number;
  a: number;
  /** a_eff / (2 gamma) */
  tcTheory: number;
  eta: number;
  B: number;
  steps: number;
  temps: number[];
  blocks: number;
  perBlock: number;
  points: TcPoint[];
  fit: VarianceCriticalPointFit;
  summary: TcFitSummary;
  /** delete-one-block jackknife of T_c at the last step */
  jackknife: { se: number; bias: number };
  /** the relative variance deficit from y0 = 0 left at the closest temperature, exp(2 eta lambda n) */
  transientDeficit: number;
  /** T_c from the first m blocks (m = 1, 2, 4, ..., blocks) */
  byReplicates: ({ replicates: number } & TcFitSummary)[];
  /** T_c from Var(y) after each trace interval (the stationary form fitted at every length) */
  byRunLength: ({ step: number; gammaT: number } & TcFitSummary)[];
}

const summaryOf = (fit: VarianceCriticalPointFit): TcFitSummary => ({
  tc: fit.tc,
  se: fit.se,
  lower: fit.ci.bounded ? fit.ci.lower : null,
  upper: fit.ci.bounded ? fit.ci.upper : null,
});

/** T_c from a variance scan (varianceScan's shape: T on axis 0, blocks on axis 1, a trace). */
export function analyzeVariance(o: ScanOutcome): VarianceAnalysis {
  const cells = traceCells(o);
  const temps = o.grid.axes[0].values;
  const K = o.grid.axes[1].values.length;
  const nT = temps.length;
  const c0 = o.grid.cells[0];
  const { a, gamma, rho, B, eta } = c0;
  const aEff = a - rho;
  const R = o.spec.replicates;
  const intervals = cells[0].steps.length;
  const step = { eta, aEff };
  /** The fit at trace interval k from blocks `kept`. */
  const fitAt = (k: number, kept: number[]) => {
    const samples = temps.map((T, i) => {
      const pooled = poolBlocks(kept.map((b) => ({ n: R, mean: cells[i + nT * b].meanY[k], sd: cells[i + nT * b].sdY[k] })));
      return { T, n: pooled.n, variance: pooled.variance };
    });
    return { samples, fit: criticalPointFromVariances(samples, { step }) };
  };
  const all = Array.from({ length: K }, (_, b) => b);
  const last = intervals - 1;
  const { samples, fit } = fitAt(last, all);
  const jack = blockJackknife(K, (kept) => fitAt(last, kept).fit.tc);
  const counts: number[] = [];
  for (let m = 1; m < K; m *= 2) counts.push(m);
  counts.push(K);
  const steps = o.spec.steps;
  const lambdaMin = aEff / (2 * temps[0]) - gamma;
  return {
    gamma,
    a: aEff,
    tcTheory: aEff / (2 * gamma),
    eta,
    B,
    steps,
    temps,
    blocks: K,
    perBlock: R,
    points: samples.map((s, i) => ({
      T: s.T,
      n: s.n,
      variance: s.variance,
      inv: fit.corrected[i],
      se: fit.pointSe[i],
      linearNoise: linearNoiseVariance({ a, gamma, T: s.T, rho }, B, eta),
    })),
    fit,
    summary: summaryOf(fit),
    jackknife: { se: jack.se, bias: jack.bias },
    transientDeficit: Math.exp(2 * steps * Math.log(1 + eta * lambdaMin)),
    byReplicates: counts.map((m) => ({ replicates: m * R, ...summaryOf(fitAt(last, all.slice(0, m)).fit) })),
    byRunLength: cells[0].steps.map((n, k) => ({ step: n, gammaT: gamma * eta * n, ...summaryOf(fitAt(k, all).fit) })),
  };
}

const ci = (v: { lower: number | null; upper: number | null }): [number, number] | undefined =>
  v.lower !== null && v.upper !== null ? [v.lower, v.upper] : undefined;

/** The estimate <experiment>.tc.gamma=<gamma> from a variance analysis. */
export function tcEstimate(id: string, v: VarianceAnalysis): Estimate {
  const interval = ci(v.summary);
  return {
    id,
    name: `T_c from 1/Var(y) at gamma = ${v.gamma}`,
    value: v.summary.tc,
    se: v.summary.se,
    ...(interval && { ci: interval }),
    prediction: v.tcTheory,
    predictionLabel: 'T_c = a/(2 gamma)',
    note:
      `${v.temps.length} temperatures x ${v.blocks} blocks x ${v.perBlock} replicates, ${v.steps} steps; ` +
      `block-jackknife s.e. ${v.jackknife.se.toPrecision(3)}; fit chi2 ${v.fit.chi2.toFixed(1)}/${v.fit.dof} ` +
      `(p = ${v.fit.goodnessOfFitP.toFixed(2)}); variance deficit from y0 = 0 ${v.transientDeficit.toExponential(1)}` +
      (v.fit.warnings.length ? `; warnings: ${v.fit.warnings.join('; ')}` : ''),
  };
}
