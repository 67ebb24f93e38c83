// Fig. 5 (sec. 8.3): the digits model of fig4 at h = 2, trained from random initialisation for
// several lambda_lb: test imbalance and test accuracy. Choices: fig4's settings; 2000 SGD steps
// (~47 epochs; quick 1200); lambda_lb = 0 and a log grid 0.01 .. 3; 200 initialisations.

import { defineTrainingPreset, initialisations, paperPanels } from './shared.js';

export const fig5 = defineTrainingPreset({
  id: 'fig5',
  title: 'Fig. 5: digits at h = 2, test imbalance and accuracy against λ_lb',
  description:
    'The two-expert digits model of Fig. 4 at a fixed bias h = 2, trained from random initialisation with the balancing penalty at several λ_lb: the final test |load imbalance| and test accuracy, mean ± s.d. over initialisations, the λ_lb above which the mean |imbalance| falls to 0.1, and the fraction of dead-router runs.',
  scans: (scale) => {
    const quick = scale === 'quick';
    return [
      {
        name: 'fig5',
        kind: 'digits',
        params: { h: 2, T: 1, lr: 0.2 },
        arch: { hidden: 4, experts: 2 },
        axes: [{ param: 'lambdaLb', values: { list: quick ? [0, 0.1, 1] : [0, 0.01, 0.03, 0.1, 0.3, 1, 3] } }],
        initialisations: initialisations(scale, 200, 8),
        steps: quick ? 1200 : 2000,
        protocol: { kind: 'train' },
      },
    ];
  },
  analyze: ([o]) => paperPanels(o, 'fig5', 'Fig. 5', ['absLoad', 'accuracy']),
});
