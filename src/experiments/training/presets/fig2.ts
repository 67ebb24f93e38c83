// Fig. 2 (sec. 8.2): the hard top-1 router with the straight-through estimator, h swept up and
// down, without balancing (lambda_lb = 0, solid) and with it (lambda_lb = 1, dashed).
// Choices the paper leaves open, and why:
//   T = 1; SGD lr 0.1, B = 32 (lr 0.3 makes the hard router's STE steps oscillate at large |h|);
//   no router bias (the paper's z = W x + (h/2, -h/2)): a trainable bias would learn -h and undo it.
//   Init U(-0.5, 0.5) for experts and router weights (hard.ts); 1024 / 2048 regression points.
//   Start at h = 0 from random initialisation (5000 steps), then up to 6, down to -6 and up to 6
//   again in steps of 1, 1000 SGD steps per point (quick: steps of 2, 300 steps). (Started at
//   h = -6 instead, every run begins dead: all inputs on expert 2, p (1 - p) ~ e^-6.)

import { defineTrainingPreset, initialisations, loopPath, paperPanels } from './shared.js';

export const fig2 = defineTrainingPreset({
  id: 'fig2',
  title: 'Fig. 2: hard top-1 router (straight-through), h swept up and down, λ_lb = 0 and 1',
  description:
    'Two affine experts behind a hard top-1 router z = Wx + (h/2, −h/2), trained through the straight-through estimator g + p − stopgrad(p), with the balancing penalty λ_lb Σᵢ(mean pᵢ − ½)² at λ_lb = 0 (solid) and 1 (dashed). h moves from 0 up to 6, down to −6 and up again: hard load imbalance, soft importance and test MSE, mean ± s.d. over initialisations.',
  scans: (scale) => {
    const quick = scale === 'quick';
    return [
      {
        name: 'fig2',
        kind: 'hard',
        params: { T: 1, lr: 0.1 },
        axes: [{ param: 'lambdaLb', values: { list: [0, 1] } }],
        initialisations: initialisations(scale, 256),
        steps: quick ? 2000 : 5000,
        protocol: {
          kind: 'sweep',
          param: 'h',
          values: { list: loopPath(6, quick ? 2 : 1) },
          direction: 'listed',
          stepsPerPoint: quick ? 300 : 1000,
        },
      },
    ];
  },
  analyze: ([o]) => paperPanels(o, 'fig2', 'Fig. 2', ['load', 'importance', 'mse']),
});
