// Fig. 11: the hysteresis width vs the load-balancing feedback rho at a = 5, as fig. 10;
// prediction 2 H(a - rho), no hysteresis where a - rho <= 2 gamma T.

import { hysteresisHalfWidth } from '../../analytics/theory/folds.js';
import { analyzeWidths, widthSweeps } from './hysteresis-width.js';
import { definePreset, linspace, list, pick } from './shared.js';

const description = 'As Fig. 10 at a = 5 with load-balancing feedback ρ; prediction 2H(a − ρ), hysteresis gone where a − ρ ≤ 2γT.';

export const fig11 = definePreset({
  id: 'fig11',
  title: 'Fig. 11: hysteresis width vs ρ (negative feedback)',
  description,
  scans: (scale) => ({
    sweeps: widthSweeps(
      'fig11',
      description,
      scale,
      { param: 'rho', values: pick(scale, { quick: list([0, 1, 2, 2.5, 3.5]), paper: linspace(0, 3.5, 8), large: linspace(0, 4, 17) }) },
      { a: 5, gamma: 1, T: 1 },
    ),
  }),
  analyze: ({ sweeps }) => {
    const c0 = sweeps.grid.cells[0];
    return analyzeWidths(sweeps, 'fig11', {
      title: 'Fig. 11: hysteresis width vs rho',
      xLabel: 'rho (negative feedback)',
      theoryLabel: '2 H(a - rho)',
      theory: (rho, c) => 2 * hysteresisHalfWidth(c.a, c.gamma, c.T, rho),
      vlines: [{ x: c0.a - 2 * c0.gamma * c0.T, label: 'a - rho = 2 gamma T', role: 'reference' }],
    });
  },
});
