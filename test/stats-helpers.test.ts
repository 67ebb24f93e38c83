// Tests for the test-only statistics in test/helpers/stats.ts (Kolmogorov distribution,
// two-sample KS, chi-square homogeneity, histogram counts) against the SciPy fixtures in
// test/fixtures/scipy-reference.ts; each tolerance is stated beside its check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SCIPY } from './fixtures/scipy-reference.js';
import { close } from './helpers/close.js';
import { chiSquareHomogeneity, histogramCounts, kolmogorovSf, ksTwoSample } from './helpers/stats.js';

test('Kolmogorov distribution and two-sample KS test', () => {
  // Both series converge to ~1e-16 absolute; 1e-12 relative.
  for (const [l, v] of SCIPY.kolmogorovSf) close(kolmogorovSf(l), v, 1e-12, 0, `kolmogorov(${l})`);
  const { a, b, statistic, pExact } = SCIPY.ks2samp;
  const r = ksTwoSample(a, b);
  close(r.statistic, statistic, 1e-15); // scipy ks_2samp statistic
  // scipy exact p = 0.010544, its asymptotic method 0.013795; Stephens' corrected asymptotic
  // should land within 15% of the exact value at ne = 5.45.
  close(r.pValue, pExact, 0.15);
  const same = ksTwoSample(a, a);
  assert.equal(same.statistic, 0);
  assert.equal(same.pValue, 1);
});

test('chi-square homogeneity on a contingency table and histogram binning', () => {
  const { table, statistic, dof, p } = SCIPY.chi2Contingency;
  const r = chiSquareHomogeneity(table);
  // scipy chi2_contingency(correction=False).
  close(r.statistic, statistic, 1e-12);
  assert.equal(r.dof, dof);
  close(r.pValue, p, 1e-11);
  // An all-empty bin is dropped from the dof.
  const r2 = chiSquareHomogeneity(table.map((row) => [...row, 0]));
  assert.equal(r2.dof, dof);
  close(r2.statistic, statistic, 1e-12);
  assert.deepEqual(histogramCounts([0, 0.5, 1, 1.5, 2, 2, -1, 3], [0, 1, 2]), [2, 4]);
});
