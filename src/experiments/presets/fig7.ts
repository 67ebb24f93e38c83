// Fig. 7: the hysteresis loop, a slow sweep of h up and then down, against the stable
// branches and the folds +-H(a) (18).

import { hysteresisHalfWidth } from '../../analytics/theory/folds.js';
import { legTable, loopFigure } from '../figures.js';
import { legPairWidths, sweepSpeeds, switchedWidths } from '../reductions.js';
import type { Estimate } from '../types.js';
import { definePreset, hGrid, pick, SWEEP_ETA, TOKENS } from './shared.js';

const description = 'Slow sweep of h up, then down, at a = 4, γ = T = 1; mean û per h against the stable branches and the folds ±H(a).';

export const fig7 = definePreset({
  id: 'fig7',
  title: 'Fig. 7: hysteresis loop in h',
  description,
  scans: (scale) => {
    // h changes by 0.1 / 0.05 / 0.025 every 4 / 10 / 40 time units: the switch overshoots
    // each fold by ~2.5 r^(2/3) (r = dh/dt), ~20% / 7% / 2% of the width 2 H(4) = 2.13.
    const spp = pick(scale, { quick: 400, paper: 1000, large: 4000 });
    return {
      loop: {
        name: 'fig7',
        description,
        params: { a: 4, gamma: 1, T: 1, B: TOKENS, eta: SWEEP_ETA },
        axes: [],
        replicates: pick(scale, { quick: 16, paper: 64, large: 4096 }),
        steps: 1000,
        window: Math.round(spp / 2),
        initial: { y0: 0, asym: 0, families: 'single' },
        protocol: { kind: 'sweep', param: 'h', values: hGrid(scale, 2), direction: 'up-down', stepsPerPoint: [spp] },
      },
    };
  },
  analyze({ loop: o }) {
    const p = o.grid.cells[0];
    const { stepsPerPoint, cells } = sweepSpeeds(o)[0];
    const legs = cells[0];
    const H = hysteresisHalfWidth(p.a, p.gamma, p.T, p.rho);
    const w = legPairWidths(legs);
    // The stepped loop's rate: h moves dh per stepsPerPoint steps, r = dh / (spp eta) per unit time.
    const values = legs[0].values;
    const rate = Math.abs(values[1] - values[0]) / (stepsPerPoint * p.eta);
    const est = (id: string, name: string, s: { mean: number; se: number; n: number }, prediction: number, label: string): Estimate => ({
      id,
      name,
      value: s.mean,
      ...(Number.isFinite(s.se) && { se: s.se }),
      prediction,
      predictionLabel: label,
      bias: `finite sweep rate r = ${rate.toPrecision(3)} (the fold is passed late; fig10 extrapolates r -> 0)`,
      note: `${s.n} of ${o.spec.replicates} replicates switched; stepped sweep, ${stepsPerPoint} steps per h point (r = dh/dt = ${rate.toPrecision(3)})`,
    });
    return {
      estimates: [
        est('fig7.switch-up', 'up-sweep switching h', w.up, H, '+H(a) (18)'),
        est('fig7.switch-down', 'down-sweep switching h', w.down, -H, '-H(a) (18)'),
        est('fig7.width', 'hysteresis width', { mean: w.mean, se: w.se, n: w.count }, 2 * H, '2 H(a)'),
      ],
      figures: [
        loopFigure(
          'fig7-loop',
          `Fig. 7: hysteresis loop at a = ${p.a} (stepped, ${stepsPerPoint} steps per point, r = ${rate.toPrecision(3)})`,
          legs,
          p,
        ),
      ],
      tables: [legTable('fig7-loop', legs)],
      observables: { stepsPerPoint, rate, legs, widths: switchedWidths(w) },
      predictions: { H, folds: [-H, H] },
    };
  },
});
