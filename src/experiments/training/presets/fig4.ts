// Fig. 4 (sec. 8.3): two hard top-1 experts, each a bottleneck MLP 64 -> 4 -> 10, on the 8x8
// digits (data/digits/, fixed stratified split: 1352 training, 445 test rows), h swept up and
// down with lambda_lb = 0 and 1: test hard-load imbalance and test accuracy.
// Choices the paper leaves open, and why:
//   tanh hidden units, pixels / 16, PyTorch-style uniform fan-in initialisation (digits.ts);
//   T = 1; SGD lr 0.2, B = 32 (lr 0.5 is faster but unstable for some initialisations of the
//   bottleneck); the router's bias c is trainable, as in the paper's z = W x + c + (h/2, -h/2).
//   Start at h = -4 from random initialisation (2000 steps, ~47 epochs), then h = -4 .. 4 in
//   steps of 1 and back, 300 steps per point (quick: steps of 2, 1200 and 200 steps); 200
//   initialisations at paper scale (on 2 cores the digits models take minutes: 3000 and 500
//   steps with 256 gave the same picture, accuracy 0.894 vs 0.949, in 7.5 minutes). From a
//   balanced start at h = 0 instead, the trained router bias c absorbs h (c_1 - c_2 -> -h) and
//   the load stays balanced at every h; started at -4, a run without balancing begins with its
//   router collapsed onto one expert, and the sweep shows whether it ever recovers.

import { defineTrainingPreset, initialisations, paperPanels } from './shared.js';

export const fig4 = defineTrainingPreset({
  id: 'fig4',
  title: 'Fig. 4: two bottleneck experts on 8×8 digits, h swept up and down, λ_lb = 0 and 1',
  description:
    'Two hard top-1 experts, each an MLP 64 → 4 → 10 (tanh), behind a router z = Wx + c + (h/2, −h/2) trained through the straight-through estimator, on the 8×8 digits. training starts at h = −4 from random initialisation, then h moves up to 4 and back with training continuing, without (λ_lb = 0, solid) and with (λ_lb = 1, dashed) the balancing penalty: test load imbalance and test accuracy, mean ± s.d. over initialisations.',
  scans: (scale) => {
    const quick = scale === 'quick';
    return [
      {
        name: 'fig4',
        kind: 'digits',
        params: { T: 1, lr: 0.2 },
        arch: { hidden: 4, experts: 2 },
        axes: [{ param: 'lambdaLb', values: { list: [0, 1] } }],
        initialisations: initialisations(scale, 200, 8),
        steps: quick ? 1200 : 2000,
        protocol: {
          kind: 'sweep',
          param: 'h',
          values: { linspace: { from: -4, to: 4, count: quick ? 5 : 9 } },
          direction: 'up-down',
          stepsPerPoint: quick ? 200 : 300,
        },
      },
    ];
  },
  analyze: ([o]) => paperPanels(o, 'fig4', 'Fig. 4', ['load', 'accuracy', 'importance']),
});
