// Fig. 3 (sec. 8.2): the hard router at h = 2, trained from random initialisation for several
// lambda_lb: final |hard load imbalance| and final test MSE, mean and s.d. over initialisations.
// Choices: the settings of fig2 (T = 1, lr 0.1, B = 32, no router bias); 5000 SGD steps
// (~156 epochs of 1024 points; quick 2000); lambda_lb = 0 and a log grid 0.01 .. 30.
// The balance level of lambda-threshold is 0.2: without a router bias the penalty can only
// sharpen or tilt the router's slope, and the mean |load| at h = 2 levels off near 0.1.

import { defineTrainingPreset, initialisations, paperPanels } from './shared.js';

export const fig3 = defineTrainingPreset({
  id: 'fig3',
  title: 'Fig. 3: hard router at h = 2, final imbalance and MSE against λ_lb',
  description:
    'The hard top-1 router of Fig. 2 at a fixed bias h = 2, trained from random initialisation with the balancing penalty at several λ_lb: the final |load imbalance| and test MSE, mean ± s.d. over initialisations, and the λ_lb above which the mean |imbalance| falls to 0.2.',
  scans: (scale) => {
    const quick = scale === 'quick';
    return [
      {
        name: 'fig3',
        kind: 'hard',
        params: { h: 2, T: 1, lr: 0.1 },
        axes: [{ param: 'lambdaLb', values: { list: quick ? [0, 0.1, 1, 10, 30] : [0, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30] } }],
        initialisations: initialisations(scale, 256),
        steps: quick ? 2000 : 5000,
        protocol: { kind: 'train' },
      },
    ];
  },
  analyze: ([o]) => paperPanels(o, 'fig3', 'Fig. 3', ['absLoad', 'mse'], { balanceLevel: 0.2 }),
});
