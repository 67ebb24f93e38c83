// Tests for src/analytics/theory/n-experts.ts (MODEL.md sec. 5): the reference K_sn(N) and
// winner shares, the N = 2 reduction to the pitchfork and to linearNoiseVariance, the
// analytic contrast eigenvalues against a finite-difference Jacobian of the N-dimensional
// vector field (Jacobi eigen-solver written here), and the loss-free bias linearisation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { equilibria } from '../src/analytics/theory/equilibria.js';
import { linearNoiseVariance } from '../src/analytics/theory/linear-noise.js';
import {
  type BranchEquilibrium,
  kWinnerBranch,
  kWinnerBranches,
  linearNoiseContrast,
  lossFreeBiasEigenvalues,
  lossFreeBiasThreshold,
  nExpertCriticalTemperature,
  oneWinnerBranch,
  oneWinnerK,
  saddleNodeK,
} from '../src/analytics/theory/n-experts.js';

const close = (x: number, y: number, tol: number, msg?: string) => assert.ok(Math.abs(x - y) <= tol, `${msg ?? ''} ${x} vs ${y} (tol ${tol})`);

// ---------------------------------------------------------------------------
// independent references

/** The vector field r' = aEff softmax(r/T) - gamma r. */
function field(r: number[], aEff: number, gamma: number, T: number): number[] {
  const m = Math.max(...r);
  const w = r.map((x) => Math.exp((x - m) / T));
  const s = w.reduce((a, b) => a + b, 0);
  return r.map((x, i) => (aEff * w[i]!) / s - gamma * x);
}

/** Central-difference Jacobian of `field`. */
function fdJacobian(r: number[], aEff: number, gamma: number, T: number, h = 1e-5): number[][] {
  const n = r.length;
  const J: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    const rp = r.slice();
    const rm = r.slice();
    rp[j]! += h;
    rm[j]! -= h;
    const fp = field(rp, aEff, gamma, T);
    const fm = field(rm, aEff, gamma, T);
    for (let i = 0; i < n; i++) J[i]![j] = (fp[i]! - fm[i]!) / (2 * h);
  }
  return J;
}

/** Eigenvalues of a symmetric matrix by cyclic Jacobi rotations, sorted ascending. */
function symEig(A0: number[][]): number[] {
  const n = A0.length;
  const A = A0.map((row) => row.slice());
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += A[p]![q]! ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p]![q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (A[q]![q]! - A[p]![p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k]![p]!;
          const akq = A[k]![q]!;
          A[k]![p] = c * akp - s * akq;
          A[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p]![k]!;
          const aqk = A[q]![k]!;
          A[p]![k] = c * apk - s * aqk;
          A[q]![k] = s * apk + c * aqk;
        }
      }
    }
  }
  return A.map((row, i) => row[i]!).sort((a, b) => a - b);
}

/** The equilibrium scores r = (aEff/gamma) l of a branch equilibrium. */
function scoresOf(e: BranchEquilibrium, N: number, aEff: number, gamma: number): number[] {
  return Array.from({ length: N }, (_, i) => (aEff / gamma) * (i < e.k ? e.highShare : e.lowShare));
}

/** Analytic eigenvalues (contrast modes with multiplicity, plus -gamma for the ones mode), sorted. */
function analyticSpectrum(e: BranchEquilibrium, gamma: number): number[] {
  const out = [-gamma, e.eigenvalues.between];
  for (let i = 0; i < e.multiplicity.withinHigh; i++) out.push(e.eigenvalues.withinHigh);
  for (let i = 0; i < e.multiplicity.withinLow; i++) out.push(e.eigenvalues.withinLow);
  return out.sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------

test('critical temperature T_c = a_eff/(N gamma); bad arguments throw', () => {
  close(nExpertCriticalTemperature(8, 4, 0.5), 4, 1e-15);
  assert.throws(() => nExpertCriticalTemperature(1, 1, 1), RangeError);
  assert.throws(() => nExpertCriticalTemperature(1, 2.5, 1), RangeError);
  assert.throws(() => nExpertCriticalTemperature(1, 3, 0), RangeError);
  assert.throws(() => oneWinnerK(-1, 3), RangeError);
  assert.throws(() => oneWinnerBranch(Number.NaN, 3), RangeError);
  assert.throws(() => kWinnerBranch(3, 4, 4), RangeError);
  assert.throws(() => linearNoiseContrast(1, 3, 1, 0, 1, 1), RangeError);
});

test('K(d) -> N as d -> 0, finite for large d, and the definition elsewhere', () => {
  for (const N of [2, 3, 4, 16, 256]) {
    assert.equal(oneWinnerK(0, N), N);
    close(oneWinnerK(1e-9, N), N, 1e-6 * N);
    close(oneWinnerK(1e-4, N), N + (1 - N / 2) * 1e-4, 1e-7 * N);
    const big = oneWinnerK(1000, N);
    assert.ok(Number.isFinite(big));
    close(big, 1000, 1e-9);
    const d = 1.7;
    close(oneWinnerK(d, N), (d * (Math.exp(d) + N - 1)) / (Math.exp(d) - 1), 1e-12 * N);
  }
});

test('K_sn(N) and the winner share at the fold match MODEL.md', () => {
  const ref: [number, number, number | null][] = [
    [2, 2, null],
    [3, 2.745644, 0.585],
    [4, 3.218741, 0.63],
    [8, 4.249799, 0.71],
    [16, 5.189036, 0.763],
    [64, 6.924585, 0.828],
    [256, 8.558661, 0.866],
  ];
  for (const [N, K, share] of ref) {
    const sn = saddleNodeK(N);
    close(sn.K, K, 1e-6, `K_sn(${N})`);
    if (share !== null) close(sn.winnerShare, share, 1e-3, `share(${N})`);
    // it is the minimum of K(d) on a grid
    let gridMin = Infinity;
    for (let i = 1; i <= 20000; i++) gridMin = Math.min(gridMin, oneWinnerK((i * 20) / 20000, N));
    assert.ok(sn.K <= gridMin + 1e-12, `K_sn(${N}) below the grid minimum`);
    assert.ok(sn.K <= N);
  }
});

test('N = 2: the one-winner branch is the pitchfork d = K tanh(d/2) of equilibria.ts', () => {
  const gamma = 0.7;
  const T = 1.3;
  for (const K of [1.5, 2, 2.01, 2.5, 4, 10]) {
    const br = oneWinnerBranch(K, 2, gamma);
    const eq = equilibria({ a: K * gamma * T, gamma, T }).filter((e) => e.y > 1e-9);
    assert.equal(br.length, eq.length, `K = ${K}`);
    if (eq.length === 1) {
      const e = br[0]!;
      close(e.d, eq[0]!.y / T, 1e-9 * Math.max(1, e.d));
      close(e.d, K * Math.tanh(e.d / 2), 1e-9 * Math.max(1, e.d));
      close(e.eigenvalues.between, eq[0]!.slope, 1e-9);
      assert.equal(e.stable, eq[0]!.stable);
      close(e.highShare, (1 + eq[0]!.load) / 2, 1e-12);
    }
  }
});

test('one-winner branch at N = 4: upper root stable, lower unstable for K_sn < K < N', () => {
  const N = 4;
  const ksn = saddleNodeK(N).K;
  assert.equal(oneWinnerBranch(ksn - 0.01, N).length, 0);
  const fold = oneWinnerBranch(ksn, N);
  assert.equal(fold.length, 1);
  assert.equal(fold[0]!.fold, true);
  for (const K of [ksn + 1e-4, 3.3, 3.5, 3.9, 3.999]) {
    const br = oneWinnerBranch(K, N);
    assert.equal(br.length, 2, `K = ${K}`);
    const [lo, hi] = br as [BranchEquilibrium, BranchEquilibrium];
    assert.ok(lo.d < hi.d);
    for (const e of br) close(oneWinnerK(e.d, N), K, 1e-12 * K);
    assert.equal(hi.stable, true, `upper stable at K = ${K}`);
    assert.equal(lo.stable, false, `lower unstable at K = ${K}`);
    assert.ok(lo.eigenvalues.between > 0);
    assert.ok(hi.eigenvalues.between < 0 && hi.eigenvalues.withinLow < 0);
  }
  // past K = N one root only (the lower branch has gone through d = 0 into the balanced state)
  const past = oneWinnerBranch(4.5, N);
  assert.equal(past.length, 1);
  assert.equal(past[0]!.stable, true);
});

test('analytic contrast eigenvalues equal finite-difference Jacobian eigenvalues (N = 3, 4)', () => {
  let checked = 0;
  let stableSeen = 0;
  for (const N of [3, 4]) {
    for (const [aEff, gamma, T] of [
      [3.4, 1, 1],
      [5.1, 0.8, 1.7],
      [4.4, 1.1, 0.9],
      [2.9, 1, 1],
    ] as const) {
      const K = aEff / (gamma * T);
      const eqs = kWinnerBranches(K, N, gamma);
      checked += eqs.length;
      for (const e of eqs) {
        const r = scoresOf(e, N, aEff, gamma);
        for (const f of field(r, aEff, gamma, T)) close(f, 0, 1e-10 * (aEff / gamma));
        const J = fdJacobian(r, aEff, gamma, T);
        const Js = J.map((row, i) => row.map((x, j) => (x + J[j]![i]!) / 2));
        const num = symEig(Js);
        const ana = analyticSpectrum(e, gamma);
        for (let i = 0; i < N; i++) close(num[i]!, ana[i]!, 1e-6, `N=${N} K=${K} k=${e.k} d=${e.d} eig ${i}`);
        if (e.stable) stableSeen++;
      }
    }
  }
  assert.ok(checked >= 8 && stableSeen >= 2 && stableSeen < checked, `${checked} equilibria, ${stableSeen} stable`);
});

test('k-winner branches: roots of d = K (l_high - l_low), stability reported', () => {
  const N = 8;
  for (const K of [4.5, 7, 9, 20]) {
    for (const e of kWinnerBranches(K, N)) {
      close(e.d, K * (e.highShare - e.lowShare), 1e-10 * Math.max(1, e.d));
      close(e.k * e.highShare + (N - e.k) * e.lowShare, 1, 1e-14);
    }
  }
  // a grid scan of K_k(d) - K finds the same number of roots
  const Kk = (d: number, n: number, k: number) => (d * (k * Math.exp(d) + n - k)) / Math.expm1(d);
  for (const K of [4.5, 6, 9]) {
    for (let k = 1; k < N; k++) {
      let count = 0;
      let prev = N - K;
      for (let i = 1; i <= 40000; i++) {
        const v = Kk((i * 30) / 40000, N, k) - K;
        if (v > 0 !== prev > 0) count++;
        prev = v;
      }
      assert.equal(kWinnerBranch(K, N, k).length, count, `K=${K} k=${k}`);
    }
  }
  // multi-winner states with k >= 2 at N = 8, K = 9: within-winner modes have K l_high > 1
  const multi = kWinnerBranches(9, N).filter((e) => e.k >= 2);
  assert.ok(multi.length > 0);
  for (const e of multi) if (e.eigenvalues.withinHigh > 0) assert.equal(e.stable, false);
});

test('MODEL.md NumPy check: N = 4, gamma = T = 1, a = 3.4 / 3.8 give a stable one-winner state, max load ~0.80 / ~0.90', () => {
  for (const [a, load] of [
    [3.4, 0.8],
    [3.8, 0.9],
  ] as const) {
    const stable = oneWinnerBranch(a, 4, 1).filter((e) => e.stable);
    assert.equal(stable.length, 1);
    close(stable[0]!.highShare, load, 0.02, `a = ${a}`);
  }
});

test('linearNoiseContrast: N = 2 is Var(y)/2 exactly; Infinity past T_c', () => {
  for (const [a, gamma, T, B, eta] of [
    [1, 1, 1, 64, 0.01],
    [1.7, 0.3, 4.1, 10, 0.2],
    [0.5, 0, 2, 3, 1],
  ] as const) {
    assert.equal(linearNoiseContrast(a, 2, gamma, T, B, eta), linearNoiseVariance({ a, gamma, T }, B, eta) / 2);
  }
  const aEff = 2;
  const N = 4;
  const gamma = 1;
  const T = 1;
  const lambda = aEff / (N * T) - gamma;
  close(linearNoiseContrast(aEff, N, gamma, T, 32, 0.05), (0.05 * 4 * 0.75) / (32 * (-2 * lambda - 0.05 * lambda * lambda)), 1e-15);
  const Tc = nExpertCriticalTemperature(aEff, N, gamma);
  assert.equal(linearNoiseContrast(aEff, N, gamma, Tc, 32, 0.05), Infinity);
  assert.equal(linearNoiseContrast(aEff, N, gamma, Tc / 1.5, 32, 0.05), Infinity);
});

test('loss-free bias: threshold u_c = a_eff - N gamma T, real parts cross zero there, complex pair', () => {
  const aEff = 6;
  const N = 4;
  const gamma = 1;
  const T = 1;
  const uc = lossFreeBiasThreshold(aEff, N, gamma, T);
  assert.equal(uc, 2);
  const at = lossFreeBiasEigenvalues(aEff, N, gamma, T, uc);
  close(at.trace, 0, 1e-14);
  assert.ok(at.discriminant < 0);
  close(at.eigenvalues[0].re, 0, 1e-14);
  close(at.eigenvalues[0].im, at.thresholdOmega, 1e-12);
  close(at.thresholdOmega, Math.sqrt((uc * gamma) / (N * T)), 1e-15);
  const below = lossFreeBiasEigenvalues(aEff, N, gamma, T, uc - 0.1);
  const above = lossFreeBiasEigenvalues(aEff, N, gamma, T, uc + 0.1);
  assert.ok(below.eigenvalues[0].re > 0 && !below.stable);
  assert.ok(above.eigenvalues[0].re < 0 && above.stable);
  // eigenvalues solve the characteristic polynomial of [[aEff k - gamma, aEff k], [-u k, -u k]]
  for (const u of [0.5, 2.5, 10, 100]) {
    const r = lossFreeBiasEigenvalues(aEff, N, gamma, T, u);
    const k = 1 / (N * T);
    close(r.trace, aEff * k - gamma - u * k, 1e-12);
    close(r.det, (aEff * k - gamma) * -u * k + aEff * k * u * k, 1e-12);
    const [e1, e2] = r.eigenvalues;
    close(e1.re + e2.re, r.trace, 1e-12);
    close(e1.re * e2.re - e1.im * e2.im, r.det, 1e-12 * Math.max(1, Math.abs(r.det)));
    close(e1.im + e2.im, 0, 1e-15);
  }
  // balanced without bias (u_c < 0): stability still needs u > 0 (det = u gamma / (N T))
  assert.ok(lossFreeBiasThreshold(2, 4, 1, 1) < 0);
  assert.equal(lossFreeBiasEigenvalues(2, 4, 1, 1, -0.1).stable, false);
  assert.equal(lossFreeBiasEigenvalues(2, 4, 1, 1, 0.1).stable, true);
  assert.ok(Number.isNaN(lossFreeBiasEigenvalues(2, 4, 1, 1, 0.1).thresholdOmega));
});
