// Fig. 9: the finite-time onset (final mean |u_hat| = 0.1) for several gamma at a = 3,
// below T_c, and T_c extrapolated from 1/Var(y) on the balanced side (MODEL.md section 4),
// against T_c = a/(2 gamma) (10); each estimate with its convergence: T_c against the
// replicates and the run length (tc-variance.ts), the onset against the run time
// (onset-convergence.ts).

import { meanWithError } from '../../analytics/estimators/mean-with-error.js';
import { criticalTemperature } from '../../analytics/theory/critical-points.js';
import { finiteOrNull, ONSET_LEVEL, relaxCells } from '../reductions.js';
import type { Estimate, Figure, Series, Table } from '../types.js';
import { extrapolateOnset, ONSET_LIMIT_RATIO, onsetPoint, onsetRunDesign, onsetRunScan, type OnsetPoint } from './onset-convergence.js';
import { definePreset, linspace, ONSET, pick, TOKENS } from './shared.js';
import { analyzeVariance, tcEstimate, varianceDesign, varianceScan, type VarianceAnalysis } from './tc-variance.js';

/** Gammas of fig. 9 (a = 3: T_c = 3, 2, 1.5, 1). */
export const FIG9_GAMMAS = [0.5, 0.75, 1, 1.5];
export const FIG9_A = 3;

/** The name of fig. 9's variance scan at a gamma (the coverage test runs these alone). */
export const fig9VarianceName = (gamma: number) => `fig9-variance-gamma${gamma}`;

export const fig9 = definePreset({
  id: 'fig9',
  title: 'Fig. 9: finite-time onset vs T_c, and T_c from 1/Var(y)',
  description:
    'For several γ at a = 3: the T where the final mean |û| reaches 0.1 (below T_c) at several run lengths, and T_c extrapolated from 1/Var(y) on the balanced side (the linear-noise estimator), with its convergence in replicates and run length.',
  // Per gamma: the onset scan, the variance scan, then the onset at other run lengths.
  scans: (scale) => {
    const runs = onsetRunDesign(scale);
    return FIG9_GAMMAS.map((gamma) => {
      const tc = FIG9_A / (2 * gamma);
      // The finite-time onset runs shared with fig. 8 (ONSET, shared.ts).
      const steps = ONSET.steps[scale];
      return {
        onset: {
          name: `fig9-onset-gamma${gamma}`,
          description: `Finite-time onset scan in T at gamma=${gamma} (T_c=${tc})`,
          params: { a: FIG9_A, gamma, h: 0, B: TOKENS, eta: ONSET.eta },
          axes: [{ param: 'T', values: linspace(0.6 * tc, 1.2 * tc, pick(scale, { quick: 10, paper: 25, large: 61 })) }],
          replicates: pick(scale, { quick: 16, paper: 128, large: 2048 }),
          steps,
          window: steps / 10,
          initial: { y0: 0, asym: ONSET.asym, families: 'single' },
          protocol: { kind: 'relax' },
        },
        variance: varianceScan(
          fig9VarianceName(gamma),
          `Var(y) on the balanced side at gamma=${gamma}, in replicate blocks, traced in time, for the 1/Var extrapolation`,
          FIG9_A,
          gamma,
          varianceDesign(scale),
        ),
        runs: runs.steps.map((n) => onsetRunScan(`fig9-onset-gamma${gamma}-steps${n}`, FIG9_A, gamma, n, runs.replicates, runs.temps)),
      };
    });
  },
  analyze(perGamma) {
    const estimates: Estimate[] = [];
    const curves: Series[] = [];
    const invVarSeries: Series[] = [];
    const repSeries: Series[] = [];
    const lenSeries: Series[] = [];
    const onsetSeries: Series[] = [];
    const variances: VarianceAnalysis[] = [];
    const onsetPoints: OnsetPoint[] = [];
    const rows: {
      gamma: number;
      tc: number;
      onset: number | null;
      onsetSe: number | null;
      tcFit: number;
      tcSe: number;
      ci: [number | null, number | null];
      tcJackknifeSe: number;
    }[] = [];
    perGamma.forEach(({ onset: onsetRun, variance: varRun, runs }, g) => {
      const gamma = FIG9_GAMMAS[g];
      const tc = criticalTemperature({ a: FIG9_A, gamma, T: 1 });
      const Ts = onsetRun.grid.axes[0].values;
      const final = relaxCells(onsetRun).map((c) => c.absMeanLoad);
      const main = onsetPoint(onsetRun, tc);
      // One categorical colour per gamma, shared by its curves in every figure.
      curves.push({ label: `gamma = ${gamma}`, x: Ts.map((T) => T / tc), y: final, role: g });
      estimates.push({
        id: `fig9.onset.gamma=${gamma}`,
        name: `onset T at gamma = ${gamma}`,
        value: main.onset ?? NaN,
        ...(main.se !== null && { se: main.se }),
        prediction: tc,
        predictionLabel: 'T_c = a/(2 gamma)',
        bias: 'finite run time (the onset lies below T_c by design)',
        note:
          main.onset === null
            ? 'final |u_hat| never crossed 0.1 in the scanned range'
            : `gamma t = ${(1 / main.s).toFixed(0)}; s.e. by the delta method from the two bracketing cells`,
      });
      const pts = [main, ...runs.map((r) => onsetPoint(r, tc))].sort((p, q) => q.s - p.s);
      onsetPoints.push(...pts);
      onsetSeries.push({
        label: `gamma = ${gamma}`,
        x: pts.map((p) => p.s),
        y: pts.map((p) => p.ratio),
        style: 'points',
        lower: pts.map((p) => (p.ratio !== null && p.ratioSe !== null ? p.ratio - p.ratioSe : null)),
        upper: pts.map((p) => (p.ratio !== null && p.ratioSe !== null ? p.ratio + p.ratioSe : null)),
        role: g,
      });

      const v = analyzeVariance(varRun);
      variances.push(v);
      rows.push({
        gamma,
        tc,
        onset: main.onset,
        onsetSe: main.se,
        tcFit: v.summary.tc,
        tcSe: v.summary.se,
        ci: [v.summary.lower, v.summary.upper],
        tcJackknifeSe: v.jackknife.se,
      });
      estimates.push(tcEstimate(`fig9.tc.gamma=${gamma}`, v));
      const xs = v.points.map((p) => 1 / p.T);
      invVarSeries.push(
        {
          label: `gamma = ${gamma}: 1/Var(y) (exact AR(1) factor divided out) +-1 s.e.`,
          x: xs,
          y: v.points.map((p) => p.inv),
          style: 'points',
          lower: v.points.map((p) => p.inv - p.se),
          upper: v.points.map((p) => p.inv + p.se),
          role: g,
        },
        {
          label: `gamma = ${gamma}: fitted line to its zero at 1/T_c`,
          x: [1 / v.summary.tc, ...xs],
          y: [0, ...v.fit.fitted],
          style: 'line',
          role: g,
        },
      );
      const band = <T extends { tc: number; lower: number | null; upper: number | null }>(list: T[]) => ({
        y: list.map((r) => r.tc / tc),
        lower: list.map((r) => (r.lower === null ? null : r.lower / tc)),
        upper: list.map((r) => (r.upper === null ? null : r.upper / tc)),
      });
      repSeries.push({
        label: `gamma = ${gamma} (95% CI)`,
        x: v.byReplicates.map((r) => r.replicates),
        ...band(v.byReplicates),
        style: 'points',
        role: g,
      });
      lenSeries.push({ label: `gamma = ${gamma} (95% CI)`, x: v.byRunLength.map((r) => r.gammaT), ...band(v.byRunLength), style: 'points', role: g });
    });

    // All gammas together: T_c_hat / T_c, inverse-variance weighted.
    const ratios = variances.map((v) => ({ r: v.summary.tc / v.tcTheory, se: v.summary.se / v.tcTheory }));
    const wsum = ratios.reduce((s, r) => s + 1 / r.se ** 2, 0);
    const pooled = ratios.reduce((s, r) => s + r.r / r.se ** 2, 0) / wsum;
    estimates.push({
      id: 'fig9.tc-ratio',
      name: 'T_c from 1/Var(y) over a/(2 gamma), all gamma rows (inverse-variance weighted)',
      value: pooled,
      se: Math.sqrt(1 / wsum),
      prediction: 1,
      predictionLabel: 'T_c = a/(2 gamma)',
      note: `spread of the ${ratios.length} ratios: ${meanWithError(ratios.map((r) => r.r)).sd.toExponential(2)}`,
    });
    // The onset against the run time, extrapolated per gamma, then all gammas together.
    const onsetBias = 'finite B (B = 512) and the extrapolation model (quadratic in 1/(gamma t); the approach is exponential in gamma t)';
    const onsetLabel = 'mean field at t = infinity: |u*| = 0.1 at T = T_c 0.1/atanh(0.1)';
    const exts = FIG9_GAMMAS.map((gamma) => ({ gamma, ext: extrapolateOnset(onsetPoints.filter((p) => p.gamma === gamma)) }));
    for (const { gamma, ext } of exts) {
      if (!ext) continue;
      estimates.push({
        id: `fig9.onset-limit.gamma=${gamma}`,
        name: `onset / T_c extrapolated to 1/(gamma t) -> 0 at gamma = ${gamma}`,
        value: ext.limit,
        se: ext.se,
        prediction: ONSET_LIMIT_RATIO,
        predictionLabel: onsetLabel,
        bias: onsetBias,
        note: `T_c/onset = k + c s + d s^2 over ${ext.points} run lengths, s = 1/(gamma t); chi2 ${ext.chi2.toFixed(1)}/${ext.dof}`,
      });
    }
    const found = exts.filter((e) => e.ext !== null).map((e) => e.ext!);
    if (found.length >= 2) {
      const w = found.map((e) => 1 / e.se ** 2);
      const sw = w.reduce((s, x) => s + x, 0);
      estimates.push({
        id: 'fig9.onset-limit',
        name: 'onset / T_c extrapolated to 1/(gamma t) -> 0, all gamma rows (inverse-variance weighted)',
        value: found.reduce((s, e, i) => s + w[i] * e.limit, 0) / sw,
        se: Math.sqrt(1 / sw),
        prediction: ONSET_LIMIT_RATIO,
        predictionLabel: onsetLabel,
        bias: onsetBias,
        note: `${found.length} gamma rows`,
      });
    }

    const tcs = rows.map((r) => r.tc);
    const sMax = Math.max(...onsetPoints.map((p) => p.s));
    const sGrid = Array.from({ length: 41 }, (_, i) => (sMax * i) / 40);
    const figures: Figure[] = [
      {
        kind: 'lines',
        id: 'fig9-final',
        title: 'Fig. 9: final mean |u_hat| vs T / T_c',
        x: { label: 'T / T_c' },
        y: { label: 'final |u_hat|', range: [0, 1] },
        series: curves,
        vlines: [{ x: 1, label: 'T = T_c', role: 'reference' }],
      },
      {
        kind: 'lines',
        id: 'fig9-onset',
        title: 'Onset and extrapolated T_c vs T_c = a/(2 gamma)',
        x: { label: 'T_c = a/(2 gamma)' },
        y: { label: 'estimated T' },
        series: [
          { label: 'y = T_c', x: tcs, y: tcs, style: 'dashed', role: 'reference' },
          { label: `finite-time onset (|u_hat| = ${ONSET_LEVEL})`, x: tcs, y: rows.map((r) => r.onset), style: 'points', role: 'onset' },
          {
            label: 'T_c from 1/Var(y), 95% CI',
            x: tcs,
            y: rows.map((r) => r.tcFit),
            style: 'points',
            role: 'fit',
            lower: rows.map((r) => r.ci[0]),
            upper: rows.map((r) => r.ci[1]),
          },
        ],
      },
      {
        kind: 'lines',
        id: 'fig9-inverse-variance',
        title: '1/Var(y) on the balanced side vs 1/T (zero at 1/T_c)',
        x: { label: '1 / T' },
        y: { label: '1 / Var(y)' },
        series: invVarSeries,
      },
      {
        kind: 'lines',
        id: 'fig9-tc-replicates',
        title: 'T_c from 1/Var(y) over a/(2 gamma) vs replicates per temperature',
        x: { label: 'replicates per temperature', log: true },
        y: { label: 'T_c estimate / (a/(2 gamma))' },
        series: [...repSeries, { label: 'a/(2 gamma)', x: repSeries[0].x, y: repSeries[0].x.map(() => 1), style: 'dashed', role: 'reference' }],
      },
      {
        kind: 'lines',
        id: 'fig9-tc-run-length',
        title: 'T_c from 1/Var(y) over a/(2 gamma) vs run length gamma t (stationary form fitted at each length)',
        x: { label: 'gamma t', log: true },
        y: { label: 'T_c estimate / (a/(2 gamma))' },
        series: [...lenSeries, { label: 'a/(2 gamma)', x: lenSeries[0].x, y: lenSeries[0].x.map(() => 1), style: 'dashed', role: 'reference' }],
      },
      {
        kind: 'lines',
        id: 'fig9-onset-convergence',
        title: 'Finite-time onset / T_c vs 1/(gamma t), extrapolated to 1/(gamma t) -> 0',
        x: { label: '1 / (gamma t)' },
        y: { label: 'onset / T_c' },
        series: [
          ...onsetSeries,
          ...exts.flatMap(({ gamma, ext }, g) => {
            if (!ext) return [];
            const xs = sGrid.filter((s) => s <= Math.max(...onsetPoints.filter((p) => p.gamma === gamma).map((p) => p.s)));
            const [k, c, d] = ext.coef;
            return [
              {
                label: `gamma = ${gamma}: T_c/onset = k + c s + d s^2`,
                x: xs,
                y: xs.map((s) => 1 / (k + c * s + d * s * s)),
                style: 'line' as const,
                role: g,
              },
            ];
          }),
          { label: 'T_c', x: [0, sMax], y: [1, 1], style: 'dashed', role: 'reference' },
          {
            label: 'mean-field t = infinity onset, 0.1/atanh(0.1)',
            x: [0, sMax],
            y: [ONSET_LIMIT_RATIO, ONSET_LIMIT_RATIO],
            style: 'dashed',
            role: 'theory',
          },
        ],
      },
    ];
    const tables: Table[] = [
      {
        name: 'fig9-onset',
        columns: ['gamma', 'T_c', 'onset_T', 'onset_T_se', 'T_c_fit', 'T_c_fit_se', 'T_c_fit_ci_lo', 'T_c_fit_ci_hi', 'T_c_fit_jackknife_se'],
        rows: rows.map((r) => [r.gamma, r.tc, r.onset, r.onsetSe, r.tcFit, r.tcSe, r.ci[0], r.ci[1], r.tcJackknifeSe]),
      },
      {
        name: 'fig9-final',
        columns: ['gamma', 'T', 'final_abs_mean_u', 'se'],
        rows: perGamma.flatMap(({ onset: o }, g) =>
          relaxCells(o).map((c, i) => [FIG9_GAMMAS[g], o.grid.axes[0].values[i], c.absMeanLoad, c.absMeanLoadSE]),
        ),
      },
      {
        name: 'fig9-variance',
        columns: ['gamma', 'T', 'inv_T', 'replicates', 'var_y', 'inv_var_y_exact_form', 'inv_var_y_se', 'linear_noise_var_y'],
        rows: variances.flatMap((v) => v.points.map((p) => [v.gamma, p.T, 1 / p.T, p.n, p.variance, p.inv, p.se, p.linearNoise])),
      },
      {
        name: 'fig9-tc-replicates',
        columns: ['gamma', 'replicates_per_T', 'T_c_fit', 'T_c_fit_se', 'ci_lo', 'ci_hi', 'T_c'],
        rows: variances.flatMap((v) => v.byReplicates.map((r) => [v.gamma, r.replicates, r.tc, r.se, r.lower, r.upper, v.tcTheory])),
      },
      {
        name: 'fig9-tc-run-length',
        columns: ['gamma', 'step', 'gamma_t', 'T_c_fit', 'T_c_fit_se', 'ci_lo', 'ci_hi', 'T_c'],
        rows: variances.flatMap((v) =>
          v.byRunLength.map((r) => [v.gamma, r.step, r.gammaT, finiteOrNull(r.tc), finiteOrNull(r.se), r.lower, r.upper, v.tcTheory]),
        ),
      },
      {
        name: 'fig9-onset-convergence',
        columns: ['gamma', 'steps', 'inv_gamma_t', 'onset_T', 'onset_T_se', 'onset_over_T_c', 'onset_over_T_c_se'],
        rows: onsetPoints.map((p) => [p.gamma, p.steps, p.s, p.onset, p.se, p.ratio, p.ratioSe]),
      },
    ];
    return {
      estimates,
      figures,
      tables,
      observables: {
        rows,
        tc: variances.map(({ fit, points, ...v }) => ({ ...v, chi2: fit.chi2, dof: fit.dof, goodnessOfFitP: fit.goodnessOfFitP, points })),
        onsetConvergence: { points: onsetPoints, extrapolations: exts },
      },
      predictions: { tc: rows.map((r) => ({ gamma: r.gamma, tc: r.tc })), onsetLimitRatio: ONSET_LIMIT_RATIO },
    };
  },
});
