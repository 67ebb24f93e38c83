// Tolerance assertion for numerical tests.
import assert from 'node:assert/strict';

/** |actual - expected| <= rel * |expected| + abs. */
export function close(actual: number, expected: number, rel: number, abs = 0, what = ''): void {
  const tol = rel * Math.abs(expected) + abs;
  assert.ok(Math.abs(actual - expected) <= tol, `${what} expected ${expected}, got ${actual} (|diff| ${Math.abs(actual - expected)} > tol ${tol})`);
}
