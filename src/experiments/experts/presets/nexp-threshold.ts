// nexp-threshold: the balanced state's threshold T_c = a_eff/(N gamma) for N in {2, 3, 4, 8, 16}
// from the linear-noise contrast (MODEL.md sec. 5): on the balanced side
//   E[S] = eta a^2 (1 - 1/N) / (B (-2 lambda - eta lambda^2)),  lambda = a/(N T) - gamma,
// so 1/E[S], divided by (1 + eta lambda / 2), is linear in 1/T and zero at T_c. The scans
// sit at T in [1.25, 2.5] T_c (lambda in [-0.6, -0.2] gamma), far from the collapse.

import { extrapolateCriticalPoint, type CriticalPointFit } from '../../../analytics/estimators/critical-point.js';
import { weightsFromStandardErrors } from '../../../analytics/regression/weights.js';
import { linearNoiseContrast, nExpertCriticalTemperature } from '../../../analytics/theory/n-experts.js';
import { linspace, pick } from '../../presets/shared.js';
import type { Estimate, Figure, Series, Table } from '../../types.js';
import { defineExpertPreset } from './shared.js';

export const THRESHOLD_NS = [2, 3, 4, 8, 16];
const GAMMA = 1;
// eta = 0.05: the relaxation takes 350 steps; eta lambda <= 0.03, and the discrete-time
// term of E[S] is in the formula (and divided out of the fit)
const ETA = 0.05;
// B = 16384: the contrast's amplitude grows as eta N / B, and with it the bias of the softmax's
// quadratic term, which the linear-noise formula leaves out (measured: T_c 1.1% high at
// N = 16 with B = 512, eta = 0.05; 0.16% with eta = 0.01). The O(1) sampler makes B free.
const B = 16384;

/** a = N, so T_c = 1 for every N and the panels share an axis. */
const aOf = (N: number): number => N;

/**
 * T_c from 1/E[S] on the balanced side, with the O(eta lambda) curvature divided out
 * (three fixed-point passes: lambda needs T_c, whose first estimate ignores the term).
 */
export function contrastThreshold(
  Ts: readonly number[],
  contrasts: readonly number[],
  ses: readonly number[],
  gamma: number,
  eta: number,
): CriticalPointFit {
  let tc = NaN;
  let fit: CriticalPointFit | undefined;
  for (let pass = 0; pass < 4; pass++) {
    const factor = Ts.map((T) => (Number.isFinite(tc) ? 1 + (eta * gamma * (tc / T - 1)) / 2 : 1));
    const inv = contrasts.map((s, i) => 1 / s / factor[i]);
    const se = contrasts.map((s, i) => ses[i] / (s * s) / factor[i]);
    fit = extrapolateCriticalPoint(Ts, inv, weightsFromStandardErrors(se));
    tc = fit.tc;
  }
  return fit!;
}

export const nexpThreshold = defineExpertPreset({
  id: 'nexp-threshold',
  title: 'N experts: the balanced threshold T_c = a/(Nγ) from 1/E[S]',
  description:
    'T scans on the balanced side for N = 2, 3, 4, 8, 16 (a = N, γ = 1, B = 16384): the mean contrast S = Σ (r_i − r̄)² against the linear-noise formula, and T_c extrapolated from 1/E[S] against a/(Nγ).',
  scans: (scale) =>
    THRESHOLD_NS.map((N) => {
      const tc = aOf(N) / (N * GAMMA);
      return {
        name: `nexp-threshold-N${N}`,
        description: `E[S] on the balanced side at N = ${N} (T_c = ${tc})`,
        params: { N, a: aOf(N), gamma: GAMMA, B, eta: ETA },
        axes: [{ param: 'T' as const, values: linspace(1.25 * tc, 2.5 * tc, pick(scale, { quick: 5, paper: 8, large: 16 })) }],
        // one contrast mode per N - 1: small N gets more replicates for a like error on T_c
        replicates: pick(scale, { quick: 256, paper: N <= 4 ? 16384 : 8192, large: N <= 4 ? 131072 : 65536 }),
        // the slowest mode relaxes at 0.2 gamma: 3.5/(eta 0.2 gamma) steps leave exp(-7) of the start
        steps: Math.ceil(3.5 / (ETA * 0.2 * GAMMA)),
        window: 1,
        initial: { family: 'balanced' as const, asym: 0 },
        protocol: { kind: 'relax' as const },
      };
    }),
  analyze(outcomes) {
    const estimates: Estimate[] = [];
    const series: Series[] = [];
    const rows: Table['rows'] = [];
    const tcRows: { N: number; tc: number; se: number }[] = [];
    outcomes.forEach((o, g) => {
      const N = THRESHOLD_NS[g];
      const a = aOf(N);
      const Ts = o.grid.axes[0].values;
      const R = o.spec.replicates;
      const cells = o.relax![0];
      const S = cells.map((c) => c.contrast);
      const se = cells.map((c) => c.contrastSd / Math.sqrt(R));
      const fit = contrastThreshold(Ts, S, se, GAMMA, ETA);
      const tc = nExpertCriticalTemperature(a, N, GAMMA);
      tcRows.push({ N, tc: fit.tc, se: fit.se });
      estimates.push({
        id: `nexp-threshold.tc.N=${N}`,
        name: `T_c from 1/E[S] at N = ${N}`,
        value: fit.tc,
        se: fit.se,
        ...(fit.ci.bounded && { ci: [fit.ci.lower, fit.ci.upper] as [number, number] }),
        prediction: tc,
        predictionLabel: 'T_c = a/(N gamma)',
        note: `${Ts.length} temperatures x ${R} replicates; fit warnings: ${fit.warnings.join('; ') || 'none'}`,
      });
      const theory = Ts.map((T) => linearNoiseContrast(a, N, GAMMA, T, B, ETA));
      series.push(
        {
          label: `N = ${N}: 1/E[S] +-1 s.e.`,
          x: Ts.map((T) => 1 / T),
          y: S.map((s) => 1 / s),
          lower: S.map((s, i) => 1 / s - se[i] / (s * s)),
          upper: S.map((s, i) => 1 / s + se[i] / (s * s)),
          style: 'points',
          role: g,
        },
        { label: `N = ${N}: linear noise`, x: Ts.map((T) => 1 / T), y: theory.map((s) => 1 / s), style: 'dashed', role: g },
      );
      Ts.forEach((T, i) => rows.push([N, T, S[i], se[i], theory[i], S[i] / theory[i]]));
    });
    const figures: Figure[] = [
      {
        kind: 'lines',
        id: 'nexp-threshold-inverse-contrast',
        title: '1/E[S] on the balanced side vs 1/T, with the linear-noise lines (zero at 1/T_c = 1)',
        x: { label: '1/T' },
        y: { label: '1/E[S]' },
        series,
        vlines: [{ x: 1, label: '1/T_c', role: 'reference' }],
      },
      {
        kind: 'lines',
        id: 'nexp-threshold-tc',
        title: 'T_c from 1/E[S] vs N, against a/(N gamma)',
        x: { label: 'N', log: true },
        y: { label: 'T_c' },
        series: [
          {
            label: 'extrapolated T_c +-1.96 s.e.',
            x: tcRows.map((r) => r.N),
            y: tcRows.map((r) => r.tc),
            lower: tcRows.map((r) => r.tc - 1.96 * r.se),
            upper: tcRows.map((r) => r.tc + 1.96 * r.se),
            style: 'points',
            role: 'measured',
          },
          {
            label: 'a/(N gamma)',
            x: tcRows.map((r) => r.N),
            y: tcRows.map((r) => nExpertCriticalTemperature(aOf(r.N), r.N, GAMMA)),
            style: 'dashed',
            role: 'theory',
          },
        ],
      },
    ];
    return {
      estimates,
      figures,
      tables: [{ name: 'nexp-threshold-contrast', columns: ['N', 'T', 'E_S', 'E_S_se', 'E_S_linear_noise', 'ratio'], rows }],
      observables: { tc: tcRows },
      predictions: { tc: THRESHOLD_NS.map((N) => ({ N, tc: nExpertCriticalTemperature(aOf(N), N, GAMMA) })) },
    };
  },
});
