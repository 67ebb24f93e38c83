// Fig. 6: u_hat(t) from a balanced start, mean over runs +-1 s.d., against the mean-field
// ODE (6) mapped to load (7).

import { equilibria } from '../../analytics/theory/equilibria.js';
import { meanFieldLoadAt } from '../../analytics/theory/mean-field-ode.js';
import { range } from '../figures.js';
import { traceCells } from '../reductions.js';
import { definePreset, pick, TOKENS } from './shared.js';

const description =
  'Time series from a balanced start at a = 3, h = 0.08, γ = T = 1, B = 512, η = 0.002; mean ± s.d. over runs against tanh(y(t)/2T) of the ODE (6).';

export const fig6 = definePreset({
  id: 'fig6',
  title: 'Fig. 6: mean û over runs vs the mean-field ODE',
  description,
  scans: (scale) => ({
    // 40 runs as in the paper (quick, paper); t = 12 covers the collapse (growth rate 0.5).
    trace: {
      name: 'fig6',
      description,
      params: { a: 3, h: 0.08, gamma: 1, T: 1, B: TOKENS, eta: 0.002 },
      axes: [],
      replicates: pick(scale, { quick: 40, paper: 40, large: 65536 }),
      steps: 6000,
      window: 6000,
      initial: { y0: 0, asym: 0, families: 'single' },
      protocol: { kind: 'trace', every: pick(scale, { quick: 100, paper: 25, large: 10 }) },
    },
  }),
  analyze({ trace: o }) {
    const trace = traceCells(o)[0];
    const p = o.grid.cells[0];
    const every = o.spec.protocol.kind === 'trace' ? o.spec.protocol.every : 1;
    // The router draws step n with y_n ~ y(n eta): average the ODE's load over each interval.
    const begin = trace.steps.map((_, i) => (i === 0 ? 0 : trace.steps[i - 1]));
    const times = trace.steps.flatMap((s, i) => range(s - begin[i], (k) => (begin[i] + k) * p.eta));
    const loads = meanFieldLoadAt({ a: p.a, gamma: p.gamma, T: p.T, h: p.h, rho: p.rho }, o.spec.initial.y0, times);
    let at = 0;
    const meanField = trace.steps.map((s, i) => {
      const n = s - begin[i];
      let sum = 0;
      for (let k = 0; k < n; k++) sum += loads[at + k];
      at += n;
      return sum / n;
    });
    const R = o.spec.replicates;
    const t = trace.steps.map((s) => s * p.eta);
    const last = trace.steps.length - 1;
    const gaps = trace.meanLoad.map((m, i) => Math.abs(m - meanField[i]));
    const maxGap = gaps.reduce((m, v) => Math.max(m, v), -Infinity);
    const maxGapAt = gaps.indexOf(maxGap);
    const stable = equilibria({ a: p.a, gamma: p.gamma, T: p.T, h: p.h, rho: p.rho }).filter((e) => e.stable);
    return {
      estimates: [
        {
          id: 'fig6.final-load',
          name: 'final mean u_hat',
          value: trace.meanLoad[last],
          se: trace.sdLoad[last] / Math.sqrt(R),
          prediction: meanField[last],
          predictionLabel: 'mean-field ODE (6) at the same time',
        },
        {
          id: 'fig6.max-gap',
          name: 'largest |mean u_hat - mean field| over the trace',
          value: maxGap,
          se: trace.sdLoad[maxGapAt] / Math.sqrt(R),
          prediction: 0,
          note: `at t = ${t[maxGapAt].toFixed(2)}; finite eta and B bias the mean, the band is +-1 s.d. of single runs`,
        },
      ],
      figures: [
        {
          kind: 'lines',
          id: 'fig6-trace',
          title: 'Fig. 6: u_hat(t), mean over runs +-1 s.d., and the mean-field ODE',
          x: { label: 't = step * eta' },
          y: { label: 'u_hat' },
          series: [
            {
              label: `mean u_hat over ${R} runs +-1 s.d.`,
              x: t,
              y: trace.meanLoad,
              role: 'measured',
              lower: trace.meanLoad.map((m, i) => m - trace.sdLoad[i]),
              upper: trace.meanLoad.map((m, i) => m + trace.sdLoad[i]),
            },
            { label: 'mean-field ODE: tanh(y(t)/2T)', x: t, y: meanField, style: 'dashed', role: 'theory' },
          ],
        },
      ],
      tables: [
        {
          name: 'fig6-trace',
          columns: ['step', 't', 'mean_u', 'sd_u', 'mean_abs_u', 'mean_y', 'sd_y', 'meanfield_u'],
          rows: trace.steps.map((s, i) => [
            s,
            t[i],
            trace.meanLoad[i],
            trace.sdLoad[i],
            trace.meanAbsLoad[i],
            trace.meanY[i],
            trace.sdY[i],
            meanField[i],
          ]),
        },
      ],
      observables: { every, trace },
      predictions: { meanField, stableLoads: stable.map((e) => e.load) },
    };
  },
});
