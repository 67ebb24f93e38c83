// Tests for src/analytics/distributions/ (chi-square, normal, Student-t, two-sided
// confidence multipliers) against closed forms, table values and the SciPy fixtures in
// test/fixtures/scipy-reference.ts; each tolerance is stated beside its check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chiSquareSf } from '../src/analytics/distributions/chi-square.js';
import { normalCdf, normalQuantile, normalSf } from '../src/analytics/distributions/normal.js';
import { studentTQuantile, studentTSf } from '../src/analytics/distributions/student-t.js';
import { twoSidedQuantile } from '../src/analytics/distributions/two-sided-quantile.js';
import { regularizedGammaP } from '../src/analytics/special/incomplete-gamma.js';
import { SCIPY } from './fixtures/scipy-reference.js';
import { close } from './helpers/close.js';

test('chi-square survival function: table values and scipy fixtures', () => {
  // Classic table: chi2.sf(3.84, 1) ~ 0.05, sf(18.307, 10) ~ 0.05 (table rounding 1e-3 rel).
  close(chiSquareSf(3.84, 1), 0.05, 2e-3);
  close(chiSquareSf(18.307, 10), 0.05, 1e-3);
  // Exact quantiles from scipy.stats.chi2.ppf(0.95, k): 1e-12 relative.
  for (const [k, x] of SCIPY.chiSquareQuantile95) close(chiSquareSf(x, k), 0.05, 1e-12, 0, `chi2.sf(ppf(0.95, ${k}))`);
  // k = 2 is exponential: sf = exp(-x/2) exactly.
  for (const x of [0.1, 1, 7, 40]) close(chiSquareSf(x, 2), Math.exp(-x / 2), 1e-13);
  // Far-tail values are computed directly (continued fraction), so relative accuracy
  // holds there too; 1e-10 covers exp(lgamma) error at a ~ 750.
  for (const [x, k, v] of SCIPY.chiSquareSf) close(chiSquareSf(x, k), v, 1e-10, 0, `chi2.sf(${x},${k})`);
  // The CDF side, P(k/2, x/2), at the 95% quantile of k = 1.
  const [[, x95]] = SCIPY.chiSquareQuantile95;
  close(regularizedGammaP(0.5, x95 / 2), 0.95, 1e-13);
  assert.throws(() => chiSquareSf(1, 0), { name: 'RangeError', message: /chiSquareSf: k must be > 0/ });
});

test('normal quantile and CDF against scipy fixtures', () => {
  // One Halley step on Acklam's 1e-9 approximation gives ~1e-15; 1e-13 rel.
  for (const [p, v] of SCIPY.normalQuantile) close(normalQuantile(p), v, 1e-13, 0, `norm.ppf(${p})`);
  close(normalQuantile(0.975), 1.959964, 1e-6); // the value quoted in textbooks
  const [pHalf, vHalf] = SCIPY.normalQuantileNearHalf;
  close(normalQuantile(pHalf), vHalf, 1e-6);
  assert.equal(normalQuantile(0.5), 0);
  assert.equal(normalQuantile(0), -Infinity);
  assert.ok(Number.isNaN(normalQuantile(NaN)));
  assert.throws(() => normalQuantile(1.5), { name: 'RangeError', message: /normalQuantile: p must be in \[0, 1\]/ });
  for (const p of [1e-12, 0.01, 0.4, 0.77, 0.999999]) close(normalCdf(normalQuantile(p)), p, 1e-12);
  close(normalSf(3), 1 - normalCdf(3), 1e-12);
});

test('Student-t quantiles and survival function against closed forms and scipy', () => {
  // Closed forms: nu = 1 Cauchy t = tan(pi (p - 1/2)); nu = 2: t = (2p-1)/sqrt(2p(1-p)).
  for (const p of [0.6, 0.9, 0.975, 0.9995]) {
    close(studentTQuantile(p, 1), Math.tan(Math.PI * (p - 0.5)), 1e-11, 0, `t1 ${p}`);
    close(studentTQuantile(p, 2), (2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 1e-12, 0, `t2 ${p}`);
  }
  // Newton to 1e-15 on an incomplete beta accurate to ~1e-14: 1e-11 relative.
  for (const [p, nu, v] of SCIPY.studentTQuantile) close(studentTQuantile(p, nu), v, 1e-11, 0, `t.ppf(${p},${nu})`);
  close(studentTQuantile(0.025, 10), -2.228138851986274, 1e-11);
  for (const [t, nu, v] of SCIPY.studentTSf) close(studentTSf(t, nu), v, 1e-12, 0, `t.sf(${t},${nu})`);
  assert.throws(() => studentTQuantile(-0.1, 3), { name: 'RangeError', message: /studentTQuantile: p must be in \[0, 1\]/ });
  assert.throws(() => studentTSf(1, 0), { name: 'RangeError', message: /studentTSf: nu must be > 0/ });
});

test('two-sided confidence multipliers: normal, Student-t, no degrees of freedom', () => {
  close(twoSidedQuantile(0.95), SCIPY.normalQuantile[0][1], 1e-13);
  close(twoSidedQuantile(0.95, 3), SCIPY.studentTQuantile975dof3, 1e-11);
  assert.equal(twoSidedQuantile(0.95, Infinity), twoSidedQuantile(0.95));
  assert.equal(twoSidedQuantile(0.95, 0), Infinity); // no residual dof: unbounded interval
  assert.throws(() => twoSidedQuantile(1), { name: 'RangeError', message: /confidence level/ });
  assert.throws(() => twoSidedQuantile(0.95, -1), { name: 'RangeError', message: /dof must be >= 0/ });
});
