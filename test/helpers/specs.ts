// Specs several test files share.

/** A relax scan long enough (~25 M router-steps, a few seconds on the CPU engine) to be killed or stopped mid-way. */
export const LONG_RELAX = {
  name: 'long',
  params: { a: 3, gamma: 1, B: 256, eta: 0.005 },
  axes: [{ param: 'T', values: { linspace: { from: 1, to: 2, count: 16 } } }],
  replicates: 256,
  steps: 6000,
  window: 600,
  seed: 21,
  initial: { y0: 0, asym: 0.05 },
} as const;
