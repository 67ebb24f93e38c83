// The exact Binomial(n, p) sampler, on the CPU twin and in WGSL, against the exact pmf
// (computed in f64), over a grid of (n, p) that covers both algorithms (inversion below
// n q = 10, BTRS above), their boundary, and p at and within 1e-7 of 0 and 1.
//
// Tolerances: each (n, p) cell is a Pearson chi-square test with categories merged to
// expected counts >= 5, required p-value >= 1e-5. With ~80 cells per engine the chance of a
// false alarm for a correct sampler is < 1e-3, and the seeds are fixed, so a run is
// deterministic. With 2e5 draws a cell detects a pmf error of ~1% in any category holding
// a few percent of the mass. Means and variances must lie within 5 standard errors.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RngStream, seedKey } from '../src/core/threefry.js';
import { binomial } from '../src/core/binomial.js';
import { chiSquareHomogeneity } from './helpers/stats.js';
import { CheckKernels } from './helpers/check-kernels.js';
import { binomialPmf, chiSquareGof, counts, poolBins } from './helpers/exact.js';
import { gpuSkip, releaseTestGpu, testGpu } from './helpers/gpu.js';

const P_NEAR_ONE = 1 - 2 ** -24; // 1 - 6e-8, the closest f32 below 1
const NS = [1, 2, 7, 19, 20, 64, 100, 512, 4096, 65536];
const PS = [0, 5e-8, 1e-4, 0.003, 0.02, 0.1, 0.37, 0.5, 0.77, 0.999, P_NEAR_ONE, 1];
const MIN_P_VALUE = 1e-5;

/** Draws on the CPU twin with the same streams the GPU check kernel uses (tag 7, step 0). */
function cpuDraws(seed: number, count: number, n: number, p: number, tokenMode = false): Uint32Array {
  const [k0, k1] = seedKey(seed);
  const rng = new RngStream(k0, k1);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = binomial(n, p, rng.open(i, 0, 7), tokenMode);
  return out;
}

function checkDraws(draws: Uint32Array, n: number, p: number, label: string): void {
  for (let i = 0; i < draws.length; i++) {
    if (!(draws[i] >= 0 && draws[i] <= n)) assert.fail(`${label}: draw ${i} = ${draws[i]} outside [0, ${n}]`);
  }
  const pmf = binomialPmf(n, p);
  const gof = chiSquareGof(counts(draws, n + 1), pmf, draws.length);
  assert.equal(gof.impossible, 0, `${label}: draws where the pmf is 0`);
  assert.ok(gof.pValue >= MIN_P_VALUE, `${label}: chi-square ${gof.statistic.toFixed(1)} on ${gof.dof} dof, p = ${gof.pValue.toExponential(2)}`);
  const N = draws.length;
  let s = 0,
    s2 = 0;
  for (const x of draws) {
    s += x;
    s2 += x * x;
  }
  const mean = s / N;
  const variance = (s2 - N * mean * mean) / (N - 1);
  const v = n * p * (1 - p);
  const mu4 = v * (1 + 3 * (n - 2) * p * (1 - p)); // fourth central moment
  const meanSE = Math.sqrt(v / N);
  const varSE = Math.sqrt(Math.max(0, mu4 - (v * v * (N - 3)) / (N - 1)) / N);
  assert.ok(Math.abs(mean - n * p) <= 5 * meanSE + 1e-9, `${label}: mean ${mean} vs ${n * p} (se ${meanSE})`);
  assert.ok(Math.abs(variance - v) <= 5 * varSE + 1e-9, `${label}: variance ${variance} vs ${v} (se ${varSE})`);
}

describe('binomial sampler, CPU twin', () => {
  for (const n of NS) {
    test(`n = ${n}: chi-square, mean and variance over p in [0, 1]`, () => {
      for (const p of PS) {
        const pf = Math.fround(p); // the kernels receive p as f32; test the same value
        checkDraws(cpuDraws(1000 + n, 40000, n, pf), n, pf, `cpu n=${n} p=${pf}`);
      }
    });
  }
});

describe('binomial sampler, WGSL', async () => {
  const skip = await gpuSkip();
  after(releaseTestGpu);

  for (const n of NS) {
    test(`n = ${n}: chi-square, mean and variance over p in [0, 1]`, { skip }, async () => {
      const kernels = new CheckKernels((await testGpu())!.device);
      for (const p of PS) {
        const pf = Math.fround(p);
        checkDraws(await kernels.binomialDraws(2000 + n, 200000, n, pf), n, pf, `gpu n=${n} p=${pf}`);
      }
    });
  }

  test('large samples where the f32 pitfalls live: BTRS tails at n = 4096 and 65536, inversion near q = 1e-7', { skip }, async () => {
    const kernels = new CheckKernels((await testGpu())!.device);
    for (const [n, p] of [
      [4096, 0.5],
      [65536, 0.3],
      [65536, 0.5],
      [40, 0.25],
      [65536, 1.5e-4],
      [65536, 1e-7],
    ] as const) {
      const pf = Math.fround(p);
      checkDraws(await kernels.binomialDraws(77, 2000000, n, pf), n, pf, `gpu 2e6 draws n=${n} p=${pf}`);
    }
  });

  test('token-by-token and O(1) samplers give the same distribution (two-sample chi-square)', { skip }, async () => {
    const kernels = new CheckKernels((await testGpu())!.device);
    for (const [n, p] of [
      [1, 0.3],
      [20, 0.5],
      [64, 0.1],
      [512, 0.5],
      [512, 0.97],
      [4096, 0.004],
    ] as const) {
      const pf = Math.fround(p);
      const tokens = await kernels.binomialDraws(5, 100000, n, pf, true);
      const fast = await kernels.binomialDraws(6, 100000, n, pf, false);
      const [a, b] = poolBins(counts(tokens, n + 1), counts(fast, n + 1));
      const t = chiSquareHomogeneity([a, b]);
      assert.ok(
        t.pValue >= MIN_P_VALUE,
        `n=${n} p=${pf}: homogeneity chi-square ${t.statistic.toFixed(1)} on ${t.dof} dof, p = ${t.pValue.toExponential(2)}`,
      );
      checkDraws(tokens, n, pf, `tokens n=${n} p=${pf}`);
    }
  });

  test('GPU and CPU draws agree in distribution', { skip }, async () => {
    const kernels = new CheckKernels((await testGpu())!.device);
    for (const [n, p] of [
      [7, 0.5],
      [100, 0.09],
      [512, 0.5],
      [65536, 0.2],
    ] as const) {
      const pf = Math.fround(p);
      const [a, b] = poolBins(counts(await kernels.binomialDraws(11, 100000, n, pf), n + 1), counts(cpuDraws(12, 100000, n, pf), n + 1));
      const t = chiSquareHomogeneity([a, b]);
      assert.ok(t.pValue >= MIN_P_VALUE, `n=${n} p=${pf}: p = ${t.pValue.toExponential(2)}`);
    }
  });
});
