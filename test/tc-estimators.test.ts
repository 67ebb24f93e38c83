// The estimators behind T_c from 1/Var(y) and the onset's convergence: the variance fit with
// the exact AR(1) factor, the pooled statistics of replicate blocks and their jackknife,
// and the onset's delta-method s.e. Each against an exact answer or a Monte Carlo.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { criticalPointFromVariances } from '../src/analytics/estimators/critical-point.js';
import { blockJackknife, poolBlocks } from '../src/analytics/estimators/replicate-blocks.js';
import { onsetWithError } from '../src/analytics/estimators/onset-with-error.js';
import { mean, variance } from '../src/analytics/descriptive.js';
import { linearNoiseVariance } from '../src/analytics/theory/linear-noise.js';

/** A small seeded generator (mulberry32) and Box-Muller normals: fixed streams. */
function rng(seed: number) {
  let s = seed >>> 0;
  const u = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  return { u, normal };
}

test('criticalPointFromVariances: exact on the linear-noise AR(1) variances at any eta; the plain line is biased by the eta lambda^2 term', () => {
  const a = 3;
  const gamma = 1;
  const tc = a / (2 * gamma);
  const B = 65536;
  // A large eta makes the curvature visible: eta gamma = 0.2.
  const eta = 0.2;
  const temps = [1.01, 1.05, 1.1, 1.2, 1.4].map((t) => t * tc);
  const samples = temps.map((T) => ({ T, variance: linearNoiseVariance({ a, gamma, T }, B, eta), n: 1000 }));
  const exact = criticalPointFromVariances(samples, { step: { eta, aEff: a } });
  // Noiseless input: the iteration converges to the exact T_c (rounding only).
  assert.ok(Math.abs(exact.tc / tc - 1) < 1e-9, `with the AR(1) factor: ${exact.tc}`);
  assert.ok(exact.chi2 < 1e-12);
  // Without it the straight line through the curved 1/Var misses T_c by ~ -eta gamma eps_lo eps_hi / 2.
  const plain = criticalPointFromVariances(samples);
  const epsLo = 1 - 1 / 1.01;
  const epsHi = 1 - 1 / 1.4;
  assert.ok(plain.tc < tc && Math.abs(plain.tc / tc - 1) > 0.3 * ((eta * gamma * epsLo * epsHi) / 2), `plain line: ${plain.tc}`);
});

test('criticalPointFromVariances: s.e. and 95% Fieller coverage on normal replicates (Monte Carlo, 400 fixed draws)', () => {
  const a = 3;
  const gamma = 1.5;
  const tc = a / (2 * gamma);
  const B = 65536;
  const eta = 0.02 / gamma;
  const temps = [1.01, 1.07, 1.13, 1.2].map((t) => t * tc);
  const n = 200;
  const g = rng(7);
  let covered = 0;
  const z: number[] = [];
  const trials = 400;
  for (let k = 0; k < trials; k++) {
    const samples = temps.map((T) => {
      const sd = Math.sqrt(linearNoiseVariance({ a, gamma, T }, B, eta));
      const ys = Array.from({ length: n }, () => sd * g.normal());
      return { T, variance: variance(ys), n };
    });
    const fit = criticalPointFromVariances(samples, { step: { eta, aEff: a } });
    if (fit.ci.lower <= tc && tc <= fit.ci.upper) covered++;
    z.push((fit.tc - tc) / fit.se);
  }
  // Binomial(400, 0.95): s.d. 4.4; [360, 392] is about -4.5..+3 s.d.
  assert.ok(covered >= 360 && covered <= 392, `covered ${covered}/${trials}`);
  // Standardized errors: mean ~ 0 (s.d. 0.05), mean square ~ 1 (s.d. 0.07).
  assert.ok(Math.abs(mean(z)) < 0.2, `mean z ${mean(z)}`);
  const ms = mean(z.map((x) => x * x));
  assert.ok(ms > 0.75 && ms < 1.3, `mean z^2 ${ms}`);
});

test('poolBlocks: the union of blocks has exactly the full sample mean and variance', () => {
  const g = rng(3);
  const xs = Array.from({ length: 96 }, () => 2 + g.normal());
  const blocks = [xs.slice(0, 20), xs.slice(20, 50), xs.slice(50)].map((b) => ({ n: b.length, mean: mean(b), sd: Math.sqrt(variance(b)) }));
  const p = poolBlocks(blocks);
  assert.equal(p.n, 96);
  assert.ok(Math.abs(p.mean - mean(xs)) < 1e-12);
  assert.ok(Math.abs(p.variance / variance(xs) - 1) < 1e-12);
  assert.throws(() => poolBlocks([{ n: 1, mean: 0, sd: 0 }]), RangeError);
});

test('blockJackknife: for the mean of equal blocks it is the s.e. of the block means; no bias for a linear statistic', () => {
  const g = rng(5);
  const blockMeans = Array.from({ length: 8 }, () => g.normal());
  const j = blockJackknife(8, (kept) => mean(kept.map((k) => blockMeans[k])));
  assert.ok(Math.abs(j.value - mean(blockMeans)) < 1e-12);
  assert.ok(Math.abs(j.se / Math.sqrt(variance(blockMeans) / 8) - 1) < 1e-12);
  assert.ok(Math.abs(j.bias) < 1e-12);
  assert.throws(() => blockJackknife(1, () => 0), RangeError);
});

test('onsetWithError: the delta-method s.e. matches the spread of the interpolated crossing (Monte Carlo)', () => {
  const xs = [0.8, 0.85, 0.9, 0.95, 1.0];
  const ys = [0.5, 0.35, 0.18, 0.06, 0.03];
  const ses = [0.01, 0.012, 0.015, 0.01, 0.008];
  const r = onsetWithError(xs, ys, ses, 0.1, { direction: 'down' })!;
  assert.ok(r.x > 0.9 && r.x < 0.95);
  const g = rng(11);
  const draws: number[] = [];
  for (let k = 0; k < 4000; k++) {
    const noisy = ys.map((y, i) => y + ses[i] * g.normal());
    const o = onsetWithError(xs, noisy, ses, 0.1, { direction: 'down' });
    if (o) draws.push(o.x);
  }
  const sd = Math.sqrt(variance(draws));
  // First order: agreement within 10% at these small relative errors (the Monte Carlo s.d. is itself ~1% uncertain).
  assert.ok(Math.abs(sd / r.se - 1) < 0.1, `Monte Carlo s.d. ${sd} vs delta ${r.se}`);
  assert.equal(onsetWithError(xs, ys, ses, 0.01, { direction: 'down' }), null);
});
