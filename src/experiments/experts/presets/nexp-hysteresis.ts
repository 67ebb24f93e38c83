// nexp-hysteresis: the subcritical collapse of N >= 3 experts at h = 0 (MODEL.md sec. 5).
// T is swept down (cooling: the balanced state collapses once it loses stability at
// T_c = a/(N gamma)) and then up (heating: the one-winner state survives until its fold at
// T_sn = a/(K_sn(N) gamma) > T_c). N = 2 has a pitchfork: no loop.
//
// Observable: each replicate's switching point, where its window mean max share crosses
// collapseLevel(N) (halfway between 1/N and the winner's share at the fold), interpolated
// between sweep points. B = 65536, the largest the sampler takes, so noise-induced early
// escapes are rare. The recovery is delayed past the fold by the finite sweep speed, by the
// fold-delay law ~ r^(2/3) (r the sweep rate): the preset runs several speeds and
// extrapolates T_rec = T_0 + c spp^(-2/3) to the slow-sweep limit T_0. The collapse on
// cooling is delayed below T_c by the slow growth from a nearly balanced state; it is
// reported at the slowest speed as a finite-speed estimate (not extrapolated).

import { linearFit } from '../../../analytics/regression/linear-fit.js';
import { nExpertCriticalTemperature, saddleNodeK } from '../../../analytics/theory/n-experts.js';
import { pick } from '../../presets/shared.js';
import type { Estimate, Figure, Series, Table } from '../../types.js';
import { collapseLevel } from '../run.js';
import { defineExpertPreset, finiteMean } from './shared.js';
import type { Scale } from '../../presets/index.js';

export const HYSTERESIS_NS = [2, 3, 4, 8];
const GAMMA = 1;
const ETA = 0.01;
const B = 65536;
const aOf = (N: number): number => N;

/** The heating leg's prediction: the fold T_sn (N >= 3); for N = 2 the T where the pitchfork branch's max share is the level. */
export function recoveryPrediction(N: number): number {
  const a = aOf(N);
  if (N >= 3) return a / (saddleNodeK(N).K * GAMMA);
  const u = 2 * collapseLevel(2) - 1;
  return a / (GAMMA * ((2 * Math.atanh(u)) / u));
}

/**
 * Sweep values: coarse (0.02 T_c) from 0.5 T_c, deep enough for a collapse at any speed, to
 * 0.96 T_sn; fine (0.002 T_sn at paper scale) to 1.1 T_sn, the fold's neighbourhood where the
 * recovery lands at every speed; coarse again to 1.3 T_sn.
 */
export function hysteresisGrid(N: number, scale: Scale): number[] {
  const tc = nExpertCriticalTemperature(aOf(N), N, GAMMA);
  const tsn = recoveryPrediction(N);
  const fine = pick(scale, { quick: 0.004, paper: 0.002, large: 0.001 }) * tsn;
  const values: number[] = [];
  for (let T = 0.5 * tc; T < 0.96 * tsn; T += 0.02 * tc) values.push(Number(T.toFixed(6)));
  for (let T = 0.96 * tsn; T < 1.1 * tsn; T += fine) values.push(Number(T.toFixed(6)));
  for (let T = 1.1 * tsn; T <= 1.3 * tsn + 1e-9; T += 0.02 * tsn) values.push(Number(T.toFixed(6)));
  return values;
}

export function hysteresisSpeeds(scale: Scale): number[] {
  return pick(scale, { quick: [200, 800], paper: [200, 632, 2000], large: [200, 632, 2000, 6325] });
}

export const nexpHysteresis = defineExpertPreset({
  id: 'nexp-hysteresis',
  title: 'N experts: collapse on cooling at T_c, recovery on heating at T_sn = a/(K_sn γ)',
  description:
    'T swept down then up at h = 0 for N = 2, 3, 4, 8 (a = N, γ = 1, B = 65536) at several sweep speeds: the max load share per leg, and the recovery point extrapolated to the slow-sweep limit against the one-winner fold T_sn = a/(K_sn(N) γ).',
  scans: (scale) =>
    HYSTERESIS_NS.flatMap((N) =>
      hysteresisSpeeds(scale).map((spp) => ({
        name: `nexp-hysteresis-N${N}-spp${spp}`,
        description: `T swept down then up at N = ${N}, ${spp} steps per point`,
        params: { N, a: aOf(N), gamma: GAMMA, B, eta: ETA },
        // B = 65536 makes each replicate's switch nearly deterministic: a few dozen replicates suffice
        replicates: pick(scale, { quick: 32, paper: 64, large: 1024 }),
        steps: 2000,
        window: Math.min(50, spp),
        initial: { family: 'balanced' as const, asym: 0.01 },
        protocol: {
          kind: 'sweep' as const,
          param: 'T' as const,
          values: { list: hysteresisGrid(N, scale) },
          direction: 'down-up' as const,
          stepsPerPoint: spp,
        },
      })),
    ),
  analyze(outcomes, scale) {
    const speeds = hysteresisSpeeds(scale);
    const estimates: Estimate[] = [];
    const figures: Figure[] = [];
    const rows: Table['rows'] = [];
    const extrapolation: Series[] = [];
    HYSTERESIS_NS.forEach((N, g) => {
      const runs = outcomes.slice(g * speeds.length, (g + 1) * speeds.length);
      const tc = nExpertCriticalTemperature(aOf(N), N, GAMMA);
      const tsn = recoveryPrediction(N);
      const per = runs.map((o, s) => {
        const [down, up] = o.sweep![0];
        const collapse = finiteMean(down.collapse);
        const recovery = finiteMean(up.recovery);
        rows.push([N, speeds[s], collapse.mean, collapse.se, collapse.n, recovery.mean, recovery.se, recovery.n, o.spec.replicates]);
        return { down, up, collapse, recovery };
      });
      // speeds where at least two replicates recovered enter the fit
      const used = per.map((p, s) => ({ p, spp: speeds[s] })).filter(({ p }) => p.recovery.n >= 2 && p.recovery.se > 0);
      const x = used.map(({ spp }) => spp ** (-2 / 3));
      const fit =
        used.length >= 2
          ? linearFit(
              x,
              used.map(({ p }) => p.recovery.mean),
              used.map(({ p }) => 1 / p.recovery.se ** 2),
              { absoluteWeights: true },
            )
          : { intercept: NaN, slope: NaN, cov: [[NaN]], rss: NaN, dof: 0 };
      const t0 = fit.intercept;
      // The replicates' scatter alone (absolute weights) is tiny at B = 65536: what limits T_0 is
      // the extrapolation law. So the s.e. is the largest of: the absolute one, the one scaled by
      // the fit's reduced chi-square (lack of fit, when dof > 0), and the shift of T_0 when the
      // fastest speed is left out (with three speeds or more).
      const scaled = fit.dof > 0 ? Math.sqrt(fit.cov[0][0] * (fit.rss / fit.dof)) : 0;
      const slower =
        used.length >= 3
          ? linearFit(
              x.slice(1),
              used.slice(1).map(({ p }) => p.recovery.mean),
              used.slice(1).map(({ p }) => 1 / p.recovery.se ** 2),
              { absoluteWeights: true },
            ).intercept
          : t0;
      const t0se = Math.max(Math.sqrt(fit.cov[0][0]), scaled, Math.abs(t0 - slower));
      estimates.push({
        id: `nexp-hysteresis.recovery.N=${N}`,
        name: `recovery T (slow-sweep limit) at N = ${N}`,
        value: t0,
        se: t0se,
        prediction: tsn,
        predictionLabel: N >= 3 ? 'T_sn = a/(K_sn gamma)' : 'pitchfork branch at the level (no loop)',
        note: `T_rec = T_0 + c spp^(-2/3) over ${used.length} speeds (${used.map((u) => u.spp).join(', ')} steps per point); residual chi2 ${fit.rss.toFixed(2)} on ${fit.dof} dof; the s.e. includes the extrapolation's lack of fit and its shift without the fastest speed`,
      });
      if (N >= 3) {
        estimates.push({
          id: `nexp-hysteresis.ksn.N=${N}`,
          name: `K_sn from the recovery at N = ${N}`,
          value: aOf(N) / (GAMMA * t0),
          se: (aOf(N) / (GAMMA * t0 * t0)) * t0se,
          prediction: saddleNodeK(N).K,
          predictionLabel: 'K_sn(N), root finding',
          bias: "the level crossing's linear interpolation on the stepped T grid (~0.05%, not in the s.e.)",
        });
      }
      const slow = per[per.length - 1];
      estimates.push({
        id: `nexp-hysteresis.collapse.N=${N}`,
        name: `collapse T on cooling at N = ${N} (slowest sweep)`,
        value: slow.collapse.mean,
        se: slow.collapse.se,
        prediction: N >= 3 ? tc : tsn,
        predictionLabel: N >= 3 ? 'T_c = a/(N gamma)' : 'pitchfork branch at the level',
        bias: 'finite sweep rate: the departure from the balanced state lags',
        note: 'finite sweep speed: the growth from the balanced state lags, so the collapse is expected below T_c; not extrapolated',
      });
      extrapolation.push(
        { label: `N = ${N}: recovery T / T_sn`, x, y: used.map(({ p }) => p.recovery.mean / tsn), style: 'points', role: g },
        { label: `N = ${N}: fit`, x: [0, ...x], y: [0, ...x].map((v) => (t0 + fit.slope * v) / tsn), style: 'dashed', role: g },
      );
      figures.push({
        kind: 'lines',
        id: `nexp-hysteresis-loop-N${N}`,
        title: `N = ${N}: mean max load share, T swept down then up (${speeds[speeds.length - 1]} steps per point)`,
        x: { label: 'T / T_c' },
        y: { label: 'max_i l_i', range: [0, 1] },
        series: [
          { label: 'cooling (T down)', x: slow.down.values.map((T) => T / tc), y: slow.down.maxLoad, role: 'down' },
          { label: 'heating (T up)', x: slow.up.values.map((T) => T / tc), y: slow.up.maxLoad, role: 'up' },
        ],
        vlines: [{ x: 1, label: 'T_c', role: 'reference' }, ...(N >= 3 ? [{ x: tsn / tc, label: 'T_sn', role: 'fold' as const }] : [])],
      });
    });
    figures.push({
      kind: 'lines',
      id: 'nexp-hysteresis-extrapolation',
      title: 'Recovery point vs sweep speed: T_rec / T_sn against spp^(-2/3), extrapolated to 0',
      x: { label: 'spp^(-2/3)' },
      y: { label: 'T_rec / T_sn' },
      series: extrapolation,
    });
    return {
      estimates,
      figures,
      tables: [
        {
          name: 'nexp-hysteresis-switching',
          columns: ['N', 'steps_per_point', 'collapse_T', 'collapse_se', 'collapse_n', 'recovery_T', 'recovery_se', 'recovery_n', 'replicates'],
          rows,
        },
      ],
      observables: { speeds },
      predictions: {
        points: HYSTERESIS_NS.map((N) => ({
          N,
          Tc: nExpertCriticalTemperature(aOf(N), N, GAMMA),
          Tsn: recoveryPrediction(N),
          Ksn: saddleNodeK(N).K,
        })),
      },
    };
  },
});
