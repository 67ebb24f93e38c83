// Fig. 10: the hysteresis width vs a, from up/down sweeps of h at gamma = T = 1 and several
// speeds, extrapolated to the slow-sweep limit, against 2 H(a).

import { hysteresisHalfWidth } from '../../analytics/theory/folds.js';
import { analyzeWidths, widthSweeps } from './hysteresis-width.js';
import { definePreset, linspace, list, pick } from './shared.js';

const description =
  'Up/down sweeps of h at γ = T = 1 for several a and sweep speeds; per-replicate widths, extrapolated to the slow-sweep limit, against 2H(a).';

export const fig10 = definePreset({
  id: 'fig10',
  title: 'Fig. 10: hysteresis width vs a',
  description,
  scans: (scale) => ({
    sweeps: widthSweeps(
      'fig10',
      description,
      scale,
      { param: 'a', values: pick(scale, { quick: list([3, 4, 5]), paper: list([2.5, 3, 3.5, 4, 4.5, 5]), large: linspace(2.2, 5, 15) }) },
      { gamma: 1, T: 1 },
    ),
  }),
  analyze: ({ sweeps }) =>
    analyzeWidths(sweeps, 'fig10', {
      title: 'Fig. 10: hysteresis width vs a',
      xLabel: 'a (reinforcement)',
      theoryLabel: '2 H(a)',
      theory: (a, c0) => 2 * hysteresisHalfWidth(a, c0.gamma, c0.T, c0.rho),
    }),
});
