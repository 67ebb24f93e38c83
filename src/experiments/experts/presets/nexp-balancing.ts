// nexp-balancing: the balancing mechanisms MoE layers use, at N = 8 (MODEL.md sec. 5), over
// (a, u) at gamma = T = 1, B = 512, from a balanced start:
//   - the auxiliary-loss-free bias (Wang et al., arXiv:2408.15664; DeepSeek-V3), linear
//     variant beta_i += eta u (1/N - l_i): in mean field the balanced state is stable iff
//     u > u_c = a - N gamma T, and loses stability through complex eigenvalues (the loads
//     oscillate) where the discriminant is negative; the line u = a - N gamma T is drawn;
//   - its sign variant beta_i += eta u sign(1/N - l_i), a relay controller (chattering of
//     amplitude ~ eta u; no linear theory);
//   - negative feedback rho over (a, rho): a_eff = a - rho, balanced iff a - rho < N gamma T.
// The maps show the window mean max share. The threshold u_c is measured at a = 12 (u_c = 4)
// from E[S] on the stable side: 1/E[S] is linear in u to 1% there and vanishes at the
// discrete-time threshold, O(eta) above u_c (4.04 at eta = 0.01); the exact E[S] of the
// linearised pair is lossFreeBiasContrast.

import { weightsFromStandardErrors } from '../../../analytics/regression/weights.js';
import { linearFit } from '../../../analytics/regression/linear-fit.js';
import { lossFreeBiasContrast, lossFreeBiasThreshold } from '../../../analytics/theory/n-experts.js';
import { linspace, pick } from '../../presets/shared.js';
import type { Estimate, Figure, HeatmapFigure, Table } from '../../types.js';
import type { ExpertScanOutcome } from '../run.js';
import { defineExpertPreset } from './shared.js';

const N = 8;
const GAMMA = 1;
const T = 1;
const B = 512;
const ETA = 0.01;
const THRESHOLD_A = 12;

function mapScan(scale: 'quick' | 'paper' | 'large', yParam: 'u' | 'rho', bias: 'linear' | 'sign' | 'off') {
  return {
    name: `nexp-balancing-${bias === 'off' ? 'rho' : bias}`,
    description: bias === 'off' ? 'Negative feedback ρ over (a, ρ) at N = 8' : `The ${bias} loss-free bias over (a, u) at N = 8`,
    params: { N, T, gamma: GAMMA, B, eta: ETA },
    bias,
    axes: [
      { param: 'a' as const, values: linspace(2, 20, pick(scale, { quick: 7, paper: 13, large: 37 })) },
      { param: yParam, values: linspace(0, 16, pick(scale, { quick: 5, paper: 9, large: 33 })) },
    ],
    replicates: pick(scale, { quick: 8, paper: 16, large: 256 }),
    steps: pick(scale, { quick: 3000, paper: 4000, large: 20000 }),
    window: 1000,
    initial: { family: 'balanced' as const, asym: 0.01 },
    protocol: { kind: 'relax' as const },
  };
}

function heatmap(o: ExpertScanOutcome, id: string, title: string, yLabel: string, line: boolean): HeatmapFigure {
  const [xs, ys] = o.grid.axes;
  const nx = xs.values.length;
  const cells = o.relax![0];
  return {
    kind: 'heatmap',
    id,
    title,
    x: { label: 'a', values: xs.values },
    y: { label: yLabel, values: ys.values },
    z: ys.values.map((_, iy) => xs.values.map((_, ix) => cells[ix + nx * iy].maxLoad)),
    zLabel: 'mean max load share',
    zRange: [1 / N, 1],
    overlays: line
      ? [
          {
            label: `${yLabel} = a - N gamma T`,
            x: [N * GAMMA * T, ...xs.values.filter((a) => a > N * GAMMA * T)],
            y: [0, ...xs.values.filter((a) => a > N * GAMMA * T).map((a) => a - N * GAMMA * T)],
            dashed: true,
            role: 'theory',
          },
        ]
      : [],
  };
}

/**
 * u_c from a threshold scan (relax over u on the stable side, window 1): the zero of a
 * weighted line through 1/E[S] against u, with its delta-method s.e.
 */
export function measureBiasThreshold(threshold: ExpertScanOutcome) {
  const us = threshold.grid.axes[0].values;
  const R = threshold.spec.replicates;
  const S = threshold.relax![0].map((c) => c.contrast);
  const se = threshold.relax![0].map((c) => c.contrastSd / Math.sqrt(R));
  const inv = S.map((s) => 1 / s);
  const fit = linearFit(us, inv, weightsFromStandardErrors(se.map((e, i) => e / (S[i] * S[i]))));
  const uc = -fit.intercept / fit.slope;
  const [[vaa, vab], [, vbb]] = fit.cov as [[number, number], [number, number]];
  const ga = -1 / fit.slope;
  const gb = fit.intercept / (fit.slope * fit.slope);
  const ucSe = Math.sqrt(ga * ga * vaa + 2 * ga * gb * vab + gb * gb * vbb);
  return { us, R, S, se, inv, fit, uc, ucSe };
}

export const nexpBalancing = defineExpertPreset({
  id: 'nexp-balancing',
  title: 'N experts: the loss-free bias (linear, sign) and ρ, at N = 8',
  description:
    'Mean max load share over (a, u) for the linear and sign auxiliary-loss-free bias and over (a, ρ) for negative feedback, N = 8, γ = T = 1, B = 512, with the line u = a − NγT; and the bias threshold u_c measured from 1/E[S] at a = 12.',
  scans: (scale) => [
    mapScan(scale, 'u', 'linear'),
    mapScan(scale, 'u', 'sign'),
    mapScan(scale, 'rho', 'off'),
    {
      name: 'nexp-balancing-threshold',
      description: `E[S] with the linear bias at a = ${THRESHOLD_A} on the stable side, for u_c`,
      params: { N, T, gamma: GAMMA, B, eta: ETA, a: THRESHOLD_A },
      bias: 'linear' as const,
      axes: [{ param: 'u' as const, values: linspace(5, 10, pick(scale, { quick: 4, paper: 6, large: 11 })) }],
      replicates: pick(scale, { quick: 256, paper: 1024, large: 16384 }),
      // the slowest mode at u = 5 relaxes at ~ -trace/2 = 1/16 per time unit: 8/ (eta/16) steps
      steps: pick(scale, { quick: 8000, paper: 12800, large: 25600 }),
      window: 1,
      initial: { family: 'balanced' as const, asym: 0 },
      protocol: { kind: 'relax' as const },
    },
  ],
  analyze([linear, sign, rho, threshold]) {
    const { us, R, S, se, inv, fit, uc, ucSe } = measureBiasThreshold(threshold);
    const predicted = lossFreeBiasThreshold(THRESHOLD_A, N, GAMMA, T);
    const estimates: Estimate[] = [
      {
        id: 'nexp-balancing.uc',
        name: `loss-free bias threshold u_c at a = ${THRESHOLD_A}, N = ${N}`,
        value: uc,
        se: ucSe,
        prediction: predicted,
        predictionLabel: 'u_c = a - N gamma T',
        note: `1/E[S] linear in u over ${us.length} rates x ${R} replicates; the discrete-time zero lies O(eta) above u_c (${(predicted * (1 + ETA)).toFixed(2)} expected at eta = ${ETA})`,
      },
    ];
    const theory = us.map((u) => lossFreeBiasContrast(THRESHOLD_A, N, GAMMA, T, B, ETA, u));
    const rows: Table['rows'] = us.map((u, i) => [u, S[i], se[i], theory[i], S[i] / theory[i]]);
    const figures: Figure[] = [
      heatmap(linear, 'nexp-balancing-linear', 'Linear loss-free bias: mean max load share over (a, u)', 'u', true),
      heatmap(sign, 'nexp-balancing-sign', 'Sign loss-free bias: mean max load share over (a, u)', 'u', true),
      heatmap(rho, 'nexp-balancing-rho', 'Negative feedback rho: mean max load share over (a, rho)', 'rho', true),
      {
        kind: 'lines',
        id: 'nexp-balancing-threshold',
        title: `1/E[S] vs u at a = ${THRESHOLD_A} (linear bias), with the linearised theory`,
        x: { label: 'u' },
        y: { label: '1/E[S]' },
        series: [
          {
            label: 'measured +-1 s.e.',
            x: us,
            y: inv,
            lower: inv.map((v, i) => v - se[i] / S[i] ** 2),
            upper: inv.map((v, i) => v + se[i] / S[i] ** 2),
            style: 'points',
            role: 'measured',
          },
          { label: 'linearised theory', x: us, y: theory.map((s) => 1 / s), style: 'dashed', role: 'theory' },
          { label: 'fit', x: [uc, ...us], y: [uc, ...us].map((u) => fit.intercept + fit.slope * u), style: 'dashed', role: 'fit' },
        ],
        vlines: [{ x: predicted, label: 'u_c = a - N gamma T', role: 'reference' }],
      },
    ];
    return {
      estimates,
      figures,
      tables: [{ name: 'nexp-balancing-threshold', columns: ['u', 'E_S', 'E_S_se', 'E_S_theory', 'ratio'], rows }],
      observables: { uc: { value: uc, se: ucSe } },
      predictions: { uc: predicted },
    };
  },
});
