// Fig. 9: the finite-time onset (final mean |u_hat| = 0.1) for several gamma at a = 3,
// below T_c, and T_c extrapolated from 1/Var(y) on the balanced side (MODEL.md section 4),
// against T_c = a/(2 gamma) (10).

import { extrapolateCriticalPoint } from '../../analytics/estimators/critical-point.js';
import { weightsFromStandardErrors } from '../../analytics/regression/weights.js';
import { criticalTemperature } from '../../analytics/theory/critical-points.js';
import { linearNoiseVariance } from '../../analytics/theory/linear-noise.js';
import { finiteOrNull, ONSET_LEVEL, onsetOf, relaxCells } from '../reductions.js';
import type { Estimate, Figure, Series, Table } from '../types.js';
import { definePreset, linspace, ONSET, pick, TOKENS } from './shared.js';

/** Gammas of fig. 9 (a = 3: T_c = 3, 2, 1.5, 1). */
export const FIG9_GAMMAS = [0.5, 0.75, 1, 1.5];
export const FIG9_A = 3;

export const fig9 = definePreset({
  id: 'fig9',
  title: 'Fig. 9: finite-time onset vs T_c, and T_c from 1/Var(y)',
  description:
    'For several gamma at a=3: the T where final mean |u_hat| reaches 0.1 (below T_c), and T_c extrapolated from 1/Var(y) on the balanced side (MODEL.md section 4).',
  // Per gamma: the onset scan, then the variance scan.
  scans: (scale) =>
    FIG9_GAMMAS.map((gamma) => {
      const tc = FIG9_A / (2 * gamma);
      // The finite-time onset runs shared with fig. 8 (ONSET, shared.ts).
      const steps = ONSET.steps[scale];
      // Balanced side T in [1.25, 2.5] T_c: lambda = gamma (T_c/T - 1) in [-0.6, -0.2] gamma.
      // From y0 = 0 the variance approaches its stationary value as 1 - exp(2 eta lambda n):
      // 3.5 / (eta * 0.2 gamma) steps leave a relative deficit exp(-7) < 1e-3.
      const eta = 0.01;
      const varSteps = Math.ceil(3.5 / (eta * 0.2 * gamma));
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
        variance: {
          name: `fig9-variance-gamma${gamma}`,
          description: `Var(y) on the balanced side at gamma=${gamma}, for the 1/Var extrapolation`,
          params: { a: FIG9_A, gamma, h: 0, B: TOKENS, eta },
          axes: [{ param: 'T', values: linspace(1.25 * tc, 2.5 * tc, pick(scale, { quick: 5, paper: 8, large: 16 })) }],
          replicates: pick(scale, { quick: 256, paper: 4096, large: 65536 }),
          steps: varSteps,
          window: 1,
          initial: { y0: 0, asym: 0, families: 'single' },
          protocol: { kind: 'relax' },
        },
      };
    }),
  analyze(perGamma) {
    const estimates: Estimate[] = [];
    const curves: Series[] = [];
    const invVarSeries: Series[] = [];
    const rows: { gamma: number; tc: number; onset: number | null; tcFit: number; tcSe: number; ci: [number, number] }[] = [];
    const fitRows: Table['rows'] = [];
    perGamma.forEach(({ onset: onsetRun, variance: varRun }, g) => {
      const gamma = FIG9_GAMMAS[g];
      const tc = criticalTemperature({ a: FIG9_A, gamma, T: 1 });
      const Ts = onsetRun.grid.axes[0].values;
      const final = relaxCells(onsetRun).map((c) => c.absMeanLoad);
      const onset = onsetOf(Ts, final);
      // One categorical colour per gamma, shared by its curves in every figure.
      curves.push({ label: `gamma = ${gamma}`, x: Ts.map((T) => T / tc), y: final, role: g });
      estimates.push({
        id: `fig9.onset.gamma=${gamma}`,
        name: `onset T at gamma = ${gamma}`,
        value: onset ?? NaN,
        prediction: tc,
        predictionLabel: 'T_c = a/(2 gamma)',
        note: onset === null ? 'final |u_hat| never crossed 0.1 in the scanned range' : 'finite time: expected below T_c',
      });
      // 1/Var(y) on the balanced side from the variance of the final y across replicates;
      // for normal data se(1/s^2) = sqrt(2/(n-1)) / s^2 (inverseVarianceWithError's default).
      const vTs = varRun.grid.axes[0].values;
      const R = varRun.spec.replicates;
      const inv = relaxCells(varRun).map((c) => ({ variance: c.varFinalY, value: 1 / c.varFinalY, se: Math.sqrt(2 / (R - 1)) / c.varFinalY }));
      const fit = extrapolateCriticalPoint(
        vTs,
        inv.map((v) => v.value),
        weightsFromStandardErrors(inv.map((v) => v.se)),
      );
      rows.push({ gamma, tc, onset, tcFit: fit.tc, tcSe: fit.se, ci: [fit.ci.lower, fit.ci.upper] });
      estimates.push({
        id: `fig9.tc.gamma=${gamma}`,
        name: `T_c from 1/Var(y) at gamma = ${gamma}`,
        value: fit.tc,
        se: fit.se,
        ...(fit.ci.bounded && { ci: [fit.ci.lower, fit.ci.upper] }),
        prediction: tc,
        predictionLabel: 'T_c = a/(2 gamma)',
        note: `${vTs.length} temperatures x ${R} replicates; fit warnings: ${fit.warnings.join('; ') || 'none'}`,
      });
      const eta = varRun.grid.cells[0].eta;
      const B = varRun.grid.cells[0].B;
      invVarSeries.push(
        {
          label: `gamma = ${gamma}: 1/Var(y) +-1 s.e.`,
          x: vTs.map((T) => 1 / T),
          y: inv.map((v) => v.value),
          style: 'points',
          lower: inv.map((v) => v.value - v.se),
          upper: inv.map((v) => v.value + v.se),
          role: g,
        },
        {
          label: `gamma = ${gamma}: linear-noise prediction`,
          x: vTs.map((T) => 1 / T),
          y: vTs.map((T) => 1 / linearNoiseVariance({ a: FIG9_A, gamma, T }, B, eta)),
          style: 'dashed',
          role: g,
        },
      );
      vTs.forEach((T, i) =>
        fitRows.push([gamma, T, 1 / T, inv[i].variance, inv[i].value, inv[i].se, linearNoiseVariance({ a: FIG9_A, gamma, T }, B, eta)]),
      );
    });
    const tcs = rows.map((r) => r.tc);
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
            lower: rows.map((r) => finiteOrNull(r.ci[0])),
            upper: rows.map((r) => finiteOrNull(r.ci[1])),
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
    ];
    return {
      estimates,
      figures,
      tables: [
        {
          name: 'fig9-onset',
          columns: ['gamma', 'T_c', 'onset_T', 'T_c_fit', 'T_c_fit_se', 'T_c_fit_ci_lo', 'T_c_fit_ci_hi'],
          rows: rows.map((r) => [r.gamma, r.tc, r.onset, r.tcFit, r.tcSe, finiteOrNull(r.ci[0]), finiteOrNull(r.ci[1])]),
        },
        {
          name: 'fig9-final',
          columns: ['gamma', 'T', 'final_abs_mean_u', 'se'],
          rows: perGamma.flatMap(({ onset: o }, g) =>
            relaxCells(o).map((c, i) => [FIG9_GAMMAS[g], o.grid.axes[0].values[i], c.absMeanLoad, c.absMeanLoadSE]),
          ),
        },
        { name: 'fig9-variance', columns: ['gamma', 'T', 'inv_T', 'var_y', 'inv_var_y', 'inv_var_y_se', 'linear_noise_var_y'], rows: fitRows },
      ],
      observables: { rows },
      predictions: { tc: rows.map((r) => ({ gamma: r.gamma, tc: r.tc })) },
    };
  },
});
