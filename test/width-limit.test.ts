// The slow-sweep width estimator (src/analytics/estimators/width-limit.ts) on data with a
// known answer: widths of the noise-free map y <- y + eta (a tanh(y/2) - y + h) under an h ramp
// at the rates of figs. 10 and 11, whose slow limit is exactly 2 H(a) (eq. 18) where a > 2 and
// 0 where a <= 2; then the same with Gaussian noise of known s.e., for the interval's coverage.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fittedWidth, slowLimitWidth } from '../src/analytics/estimators/width-limit.js';
import { hysteresisHalfWidth } from '../src/analytics/theory/folds.js';

const ETA = 0.05;
/** The rates of the paper-scale presets: dh = 0.15 per spp steps at eta = 0.05. */
const RATES = [192, 384, 768, 1536, 3072].map((spp) => 0.15 / (spp * ETA));

/** Up-ramp switching point of the noise-free map (y crosses zero upwards), from the lower branch at h = -H - 1. */
function upSwitch(a: number, rate: number): number {
  const h0 = -hysteresisHalfWidth(a, 1, 1, 0) - 1;
  let y = -10;
  for (let n = 0; n < 2000; n++) y += ETA * (a * Math.tanh(y / 2) - y + h0);
  const dh = rate * ETA;
  for (let h = h0; ; h += dh) {
    const next = y + ETA * (a * Math.tanh(y / 2) - y + h);
    if (y < 0 && next >= 0) return h + (dh * y) / (y - next);
    y = next;
  }
}

/** Normal deviates from a fixed xorshift stream (Box-Muller). */
function normals(seed: number): () => number {
  let s = seed >>> 0 || 1;
  const u = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

describe('slowLimitWidth', () => {
  const exact = new Map<number, number[]>();
  const widths = (a: number) => {
    if (!exact.has(a))
      exact.set(
        a,
        RATES.map((r) => 2 * upSwitch(a, r)),
      );
    return exact.get(a)!;
  };

  test('noise-free widths extrapolate to 2 H(a) within 3e-4 relative (a = 2.5..5)', () => {
    for (const a of [2.5, 3, 4, 5]) {
      const w = widths(a);
      const truth = 2 * hysteresisHalfWidth(a, 1, 1, 0);
      // Even the slowest ramp's width sits 1.7% (a = 5) to 45% (a = 2.5) above 2H: the
      // extrapolation does the work.
      assert.ok(w[w.length - 1] > 1.015 * truth, `a=${a}: raw slowest width ${w[w.length - 1]}`);
      const lim = slowLimitWidth(
        RATES,
        w,
        RATES.map(() => 1e-5),
      );
      assert.ok(Math.abs(lim.width / truth - 1) < 3e-4, `a=${a}: w0 ${lim.width} vs 2H ${truth}`);
      assert.ok(lim.established);
      assert.deepEqual(lim.terms, [2 / 3, 1, 4 / 3]);
      for (const [k, r] of RATES.entries()) assert.ok(Math.abs(fittedWidth(lim, r) - w[k]) < 1e-3 * w[k], 'the fit passes through its data');
      // the leading exponent: 2/3 in the limit, 0.6-0.7 over these rates
      assert.ok(lim.beta && lim.beta.value > 0.58 && lim.beta.value < 0.72, `a=${a}: beta ${lim.beta?.value}`);
    }
  });

  test('no fold (a <= 2): the width is 0 within 0.005, never negative, and not hysteresis', () => {
    for (const a of [1.5, 2]) {
      const w = widths(a);
      const lim = slowLimitWidth(
        RATES,
        w,
        RATES.map(() => 1e-5),
        { bistable: false },
      );
      assert.equal(lim.established, false);
      assert.ok(lim.width >= 0 && lim.width < 0.005, `a=${a}: width ${lim.width} (fit ${lim.w0})`);
      assert.ok(lim.ci.lower >= 0 && lim.ci.upper >= lim.width);
      assert.equal(lim.beta, null);
    }
  });

  test('with noise of known s.e., the 95% interval covers 2 H(a) at least 90% of 400 times', () => {
    // s.e. 2e-3 per rate (64 replicates at B = 512); the model error is part of the interval.
    const gauss = normals(7);
    for (const a of [3, 4]) {
      const w = widths(a);
      const truth = 2 * hysteresisHalfWidth(a, 1, 1, 0);
      let covered = 0;
      for (let t = 0; t < 400; t++) {
        const noisy = w.map((x) => x + 2e-3 * gauss());
        const lim = slowLimitWidth(
          RATES,
          noisy,
          RATES.map(() => 2e-3),
        );
        if (lim.ci.lower <= truth && truth <= lim.ci.upper) covered++;
      }
      // 400 draws at true coverage 0.95: below 0.90 is 4.6 s.d. away
      assert.ok(covered >= 360, `a=${a}: covered ${covered} of 400`);
    }
  });

  test('bad input is refused', () => {
    assert.throws(() => slowLimitWidth([1, 2, 3], [1, 2, 3], [1, 1, 1]), /at least 4 rates/);
    assert.throws(() => slowLimitWidth([1, 2, 3, 0], [1, 2, 3, 4], [1, 1, 1, 1]), RangeError);
    assert.throws(() => slowLimitWidth([1, 2, 3, 4], [1, 2, 3, Number.NaN], [1, 1, 1, 1]), RangeError);
  });
});
