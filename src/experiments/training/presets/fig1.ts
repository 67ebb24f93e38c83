// Fig. 1 (sec. 8.1): the smooth input-dependent router on the two-regime regression, h swept
// up and then down with training continuing from the previous state at each new h.
// Choices the paper leaves open (MODEL.md section 6), and why:
//   T = 1; SGD lr 0.3, B = 32; init U(-0.5, 0.5) for every parameter (smooth.ts).
//   routerL2 = 0.005 on (alpha, beta): with the default 1e-4 the router's bias beta cancels any
//     h (beta -> -h) and nothing happens; with 0.1 the penalty flattens alpha and the router
//     never learns the regimes; at 0.01 it learns them poorly even at h = 0 (test MSE 0.25 at
//     paper scale, the best single line 0.30); 0.005 learns them (0.13) and lets h compete
//     with the fit. Only routerL2 T^2 and h / T matter (rescale alpha, beta by T), so T = 1.
//   1024 training and 2048 test points (data sets 0 and 1 of the seed), x uniform on (-1, 1).
//   The sweep starts where the router is balanced, at h = 0 from random initialisation (5000
//   steps), goes up to 6, down to -6 and up to 6 again in steps of 0.5 (a loop after the
//   initial branch), 1000 SGD steps per point (quick: steps of 1, 300 steps).

import { defineTrainingPreset, initialisations, loopPath, paperPanels } from './shared.js';

export const fig1 = defineTrainingPreset({
  id: 'fig1',
  title: 'Fig. 1: smooth router on a two-regime regression, h swept up and down',
  description:
    'Two affine experts mixed by a smooth router p₁(x) = σ((αx + β + h)/T), trained by SGD on the MSE with an L2 penalty on (α, β). h moves slowly from 0 up to 6, down to −6 and up again, training continuing at each h: the soft importance, the decision boundary and the test MSE, mean ± s.d. over initialisations.',
  scans: (scale) => {
    const quick = scale === 'quick';
    return [
      {
        name: 'fig1',
        kind: 'smooth',
        params: { T: 1, routerL2: 0.005, lr: 0.3 },
        initialisations: initialisations(scale, 256),
        steps: quick ? 2000 : 5000,
        protocol: {
          kind: 'sweep',
          param: 'h',
          values: { list: loopPath(6, quick ? 1 : 0.5) },
          direction: 'listed',
          stepsPerPoint: quick ? 300 : 1000,
        },
      },
    ];
  },
  analyze: ([o]) => paperPanels(o, 'fig1', 'Fig. 1', ['importance', 'boundary', 'mse', 'load']),
});
