// Tests for src/analytics/stats.ts. Reference values are fixtures from an independent
// implementation (scipy 1.17.1 / numpy 2.4.6: scipy.stats.chi2.sf, norm.ppf, t.ppf, t.sf,
// scipy.special.gammainc/gammaincc/betainc/gammaln/erfc/kolmogorov, ks_2samp,
// chi2_contingency) or hand-solved; each tolerance is stated beside its check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chiSquareHomogeneity,
  chiSquareSf,
  chiSquareCdf,
  erfc,
  histogramCounts,
  invertSymmetric,
  kolmogorovSf,
  ksTwoSample,
  linearFit,
  logGamma,
  mean,
  normalCdf,
  normalQuantile,
  regularizedBeta,
  regularizedGammaP,
  regularizedGammaQ,
  standardDeviation,
  studentTQuantile,
  studentTSf,
  variance,
  weightedLeastSquares,
  weightedMean,
} from '../src/analytics/stats.js';

/** |actual - expected| <= rel * |expected| (+ abs floor). */
function close(actual: number, expected: number, rel: number, abs = 0, what = ''): void {
  const tol = rel * Math.abs(expected) + abs;
  assert.ok(
    Math.abs(actual - expected) <= tol,
    `${what} expected ${expected}, got ${actual} (|diff| ${Math.abs(actual - expected)} > tol ${tol})`,
  );
}

test('mean, variance, sd and weighted mean on a hand-computed sample', () => {
  const xs = [2, 4, 4, 4, 5, 5, 7, 9];
  assert.equal(mean(xs), 5);
  // sum of squared deviations 32, n - 1 = 7.
  close(variance(xs), 32 / 7, 1e-15);
  close(standardDeviation(xs), Math.sqrt(32 / 7), 1e-15);
  // Shift invariance: a large offset must not destroy precision (two-pass algorithm);
  // 1e9 offset leaves ~1e-7 absolute resolution per value, so 1e-6 relative on 4.57.
  close(variance(xs.map((x) => x + 1e9)), 32 / 7, 1e-6);
  assert.ok(Number.isNaN(variance([1])));
  close(weightedMean([1, 2, 3], [1, 0, 3]), 2.5, 1e-15);
});

test('weighted least squares: hand-solved straight line', () => {
  // x = [0,1,2], y = [1,3,2], w = [1,2,1]: S=4, Sx=4, Sxx=6, Sy=9, Sxy=10, det = 8,
  // slope = (4*10 - 4*9)/8 = 0.5, intercept = (9 - 0.5*4)/4 = 1.75,
  // residuals (-0.75, 0.75, -0.75), weighted RSS = 2.25, dof = 1,
  // (X'WX)^-1 = [[6, -4], [-4, 4]] / 8.
  const f = linearFit([0, 1, 2], [1, 3, 2], [1, 2, 1]);
  close(f.intercept, 1.75, 1e-14);
  close(f.slope, 0.5, 1e-14);
  f.residuals.forEach((r, i) => close(r, [-0.75, 0.75, -0.75][i], 1e-13));
  close(f.rss, 2.25, 1e-13);
  assert.equal(f.dof, 1);
  close(f.sigma2, 2.25, 1e-13);
  close(f.covUnscaled[0][0], 0.75, 1e-14);
  close(f.covUnscaled[0][1], -0.5, 1e-14);
  close(f.covUnscaled[1][1], 0.5, 1e-14);
  // Default (relative weights): cov scaled by sigma2 = 2.25.
  close(f.cov[0][0], 0.75 * 2.25, 1e-13);
  const abs = linearFit([0, 1, 2], [1, 3, 2], [1, 2, 1], { absoluteWeights: true });
  close(abs.cov[1][1], 0.5, 1e-14);
});

test('weighted least squares: exact recovery of a 3-parameter polynomial, zero weight ignored', () => {
  const xs = [-2, -1, 0, 0.5, 1, 3];
  const ys = xs.map((x) => 1.5 - 2 * x + 0.25 * x * x);
  ys[3] += 100; // poisoned point with zero weight
  const w = [1, 2, 1, 0, 3, 1];
  const r = weightedLeastSquares(
    xs.map((x) => [1, x, x * x]),
    ys,
    w,
  );
  // Noiseless data: coefficients to rounding (1e-12).
  close(r.coef[0], 1.5, 1e-12);
  close(r.coef[1], -2, 1e-12);
  close(r.coef[2], 0.25, 1e-12);
  assert.equal(r.n, 5);
  assert.equal(r.dof, 2);
  assert.throws(() => linearFit([1, 1, 1], [1, 2, 3]), /singular/);
  const inv = invertSymmetric([
    [4, 1],
    [1, 3],
  ]);
  close(inv[0][0], 3 / 11, 1e-15);
  close(inv[0][1], -1 / 11, 1e-14);
});

test('log-gamma, incomplete gamma and beta, erfc against scipy fixtures', () => {
  // Lanczos g=7 n=9 is good to a few 1e-15 relative; 1e-13 leaves margin.
  const lg: [number, number][] = [
    [0.1, 2.252712651734206],
    [1, 0],
    [2.5, 0.2846828704729192],
    [10, 12.801827480081469],
    [171.3, 708.1149470389971],
    [1e-5, 11.512919692895826],
  ];
  for (const [x, v] of lg) close(logGamma(x), v, 1e-13, 1e-14, `lgamma(${x})`);
  const gi: [number, number, number, number][] = [
    [0.5, 0.1, 0.34527915398142317, 0.6547208460185768],
    [5, 3, 0.18473675547622787, 0.8152632445237722],
    [20, 25, 0.8664251659143496, 0.1335748340856504],
    [100, 90, 0.15822098918643007, 0.84177901081357],
    [0.001, 0.001, 0.9936876467088603, 0.006312353291139709],
  ];
  // Series / continued fraction converge to 1e-15; with exp(lgamma) error, 1e-12 rel.
  for (const [a, x, p, q] of gi) {
    close(regularizedGammaP(a, x), p, 1e-12, 0, `P(${a},${x})`);
    close(regularizedGammaQ(a, x), q, 1e-12, 0, `Q(${a},${x})`);
  }
  const bi: [number, number, number, number][] = [
    [0.3, 2, 3, 0.34829999999999994],
    [0.9, 0.5, 0.5, 0.7951672353008665],
    [0.01, 10, 2, 1.0900000000000003e-19],
    [0.7, 50, 20, 0.3825092483812333],
  ];
  for (const [x, a, b, v] of bi) close(regularizedBeta(x, a, b), v, 1e-11, 0, `I(${x};${a},${b})`);
  const ef: [number, number][] = [
    [0, 1],
    [0.5, 0.4795001221869535],
    [-1, 1.8427007929497148],
    [3, 2.2090496998585445e-5],
    [6, 2.1519736712498913e-17],
  ];
  for (const [x, v] of ef) close(erfc(x), v, 1e-13, 0, `erfc(${x})`);
});

test('chi-square survival function: table values and scipy fixtures', () => {
  // Classic table: chi2.sf(3.84, 1) ~ 0.05, sf(18.307, 10) ~ 0.05 (table rounding 1e-3 rel).
  close(chiSquareSf(3.84, 1), 0.05, 2e-3);
  close(chiSquareSf(18.307, 10), 0.05, 1e-3);
  // Exact quantiles from scipy.stats.chi2.ppf(0.95, k): 1e-12 relative.
  close(chiSquareSf(3.841458820694124, 1), 0.05, 1e-12);
  close(chiSquareSf(18.307038053275146, 10), 0.05, 1e-12);
  // k = 2 is exponential: sf = exp(-x/2) exactly.
  for (const x of [0.1, 1, 7, 40]) close(chiSquareSf(x, 2), Math.exp(-x / 2), 1e-13);
  const fx: [number, number, number][] = [
    [0.5, 3, 0.9188914116546758],
    [100, 50, 3.454931382984871e-5],
    [1e-3, 4, 0.9999998750416589],
    [300, 100, 7.4121008573230175e-22],
    [2000, 1500, 5.809910989761926e-17],
    [60, 2.5, 2.4358131178594745e-13],
  ];
  // Far-tail values are computed directly (continued fraction), so relative accuracy
  // holds there too; 1e-10 covers exp(lgamma) error at a ~ 750.
  for (const [x, k, v] of fx) close(chiSquareSf(x, k), v, 1e-10, 0, `chi2.sf(${x},${k})`);
  close(chiSquareCdf(3.841458820694124, 1), 0.95, 1e-13);
});

test('normal quantile and CDF against scipy fixtures', () => {
  const fx: [number, number][] = [
    [0.975, 1.959963984540054],
    [0.999, 3.090232306167813],
    [1e-10, -6.361340902404056],
    [0.3, -0.5244005127080409],
    [0.02, -2.053748910631823],
    [0.9, 1.2815515655446004],
  ];
  // One Halley step on Acklam's 1e-9 approximation gives ~1e-15; 1e-13 rel.
  for (const [p, v] of fx) close(normalQuantile(p), v, 1e-13, 0, `norm.ppf(${p})`);
  close(normalQuantile(0.975), 1.959964, 1e-6); // the value quoted in textbooks
  close(normalQuantile(0.500000001), 2.5066282037387115e-9, 1e-6);
  assert.equal(normalQuantile(0.5), 0);
  assert.equal(normalQuantile(0), -Infinity);
  assert.ok(Number.isNaN(normalQuantile(1.5)));
  for (const p of [1e-12, 0.01, 0.4, 0.77, 0.999999]) close(normalCdf(normalQuantile(p)), p, 1e-12);
});

test('Student-t quantiles and survival function against closed forms and scipy', () => {
  // Closed forms: nu = 1 Cauchy t = tan(pi (p - 1/2)); nu = 2: t = (2p-1)/sqrt(2p(1-p)).
  for (const p of [0.6, 0.9, 0.975, 0.9995]) {
    close(studentTQuantile(p, 1), Math.tan(Math.PI * (p - 0.5)), 1e-11, 0, `t1 ${p}`);
    close(studentTQuantile(p, 2), (2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 1e-12, 0, `t2 ${p}`);
  }
  const fx: [number, number, number][] = [
    [0.975, 1, 12.706204736174694],
    [0.975, 2, 4.302652729749462],
    [0.975, 5, 2.5705818356363146],
    [0.975, 10, 2.228138851986274],
    [0.975, 30, 2.0422724563012378],
    [0.995, 3, 5.840909309733355],
    [0.9995, 1, 636.6192487687897],
    [0.6, 7, 0.2631668613520229],
    [0.975, 1000, 1.9623390808264083],
    [0.975, 2.5, 3.5746548420036817],
  ];
  // Newton to 1e-15 on an incomplete beta accurate to ~1e-14: 1e-11 relative.
  for (const [p, nu, v] of fx) close(studentTQuantile(p, nu), v, 1e-11, 0, `t.ppf(${p},${nu})`);
  close(studentTQuantile(0.025, 10), -2.228138851986274, 1e-11);
  const sf: [number, number, number][] = [
    [2.0, 3, 0.06966298427942152],
    [-1.5, 8, 0.9139983540240444],
    [10, 4, 0.0002810018113579955],
    [0.3, 1, 0.4072264209222577],
  ];
  for (const [t, nu, v] of sf) close(studentTSf(t, nu), v, 1e-12, 0, `t.sf(${t},${nu})`);
});

test('Kolmogorov distribution and two-sample KS test', () => {
  const fx: [number, number][] = [
    [0.3, 0.9999906941986655],
    [0.8, 0.5441424115741981],
    [1.0, 0.26999967167735456],
    [1.2, 0.11224966667072497],
    [1.358, 0.05002679733444698],
    [2.0, 0.0006709252557796953],
  ];
  // Both series converge to ~1e-16 absolute; 1e-12 relative.
  for (const [l, v] of fx) close(kolmogorovSf(l), v, 1e-12, 0, `kolmogorov(${l})`);
  const a = [0.61, -1.2, 0.33, 2.1, -0.45, 0.9, 1.4, -0.05, 0.77, -0.8, 0.2, 1.1];
  const b = [1.5, 2.2, 0.95, 3.1, 1.8, 0.4, 2.6, 1.25, 2.9, 1.05];
  const r = ksTwoSample(a, b);
  close(r.statistic, 0.65, 1e-15); // scipy ks_2samp statistic
  // scipy exact p = 0.010544, plain asymptotic 0.013795; Stephens' corrected asymptotic
  // should land within 15% of the exact value at ne = 5.45.
  close(r.pValue, 0.010543635930632832, 0.15);
  const same = ksTwoSample(a, a);
  assert.equal(same.statistic, 0);
  assert.equal(same.pValue, 1);
});

test('chi-square homogeneity on a contingency table and histogram binning', () => {
  const t = [
    [20, 30, 25, 25],
    [30, 20, 30, 20],
    [10, 15, 20, 15],
  ];
  const r = chiSquareHomogeneity(t);
  // scipy chi2_contingency(correction=False): 7.2, dof 6, p = 0.30274684471600155.
  close(r.statistic, 7.2, 1e-12);
  assert.equal(r.dof, 6);
  close(r.pValue, 0.30274684471600155, 1e-11);
  // An all-empty bin is dropped from the dof.
  const r2 = chiSquareHomogeneity(t.map((row) => [...row, 0]));
  assert.equal(r2.dof, 6);
  close(r2.statistic, 7.2, 1e-12);
  assert.deepEqual(histogramCounts([0, 0.5, 1, 1.5, 2, 2, -1, 3], [0, 1, 2]), [2, 4]);
});
