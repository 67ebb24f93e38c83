// Tests for src/analytics/descriptive.ts on a hand-computed sample.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mean, variance } from '../src/analytics/descriptive.js';
import { close } from './helpers/close.js';

test('mean and variance on a hand-computed sample', () => {
  const xs = [2, 4, 4, 4, 5, 5, 7, 9];
  assert.equal(mean(xs), 5);
  // sum of squared deviations 32, n - 1 = 7.
  close(variance(xs), 32 / 7, 1e-15);
  // Shift invariance: a large offset must not destroy precision (two-pass algorithm);
  // 1e9 offset leaves ~1e-7 absolute resolution per value, so 1e-6 relative on 4.57.
  close(variance(xs.map((x) => x + 1e9)), 32 / 7, 1e-6);
  assert.ok(Number.isNaN(variance([1])));
  assert.ok(Number.isNaN(mean([])));
});
