// The N-expert mean-field theory (MODEL.md sec. 5): the critical temperature, the symmetric
// k-winner branches (the one-winner branch and its saddle-node K_sn(N)) with their linear
// stability, the linear noise contrast E[S] on the balanced side, and the linear
// auxiliary-loss-free bias threshold with its 2x2 eigenvalues.
//
// Method: the mean field of the scores is r_i' = a_eff l_i(r) - gamma r_i, l = softmax(r/T).
// With K = a_eff/(gamma T), k experts at one score and N - k at another, d = (r_high - r_low)/T,
// equilibria satisfy d = K (l_high - l_low), i.e. K = K_k(d) = d (k e^d + N - k)/(e^d - 1)
// (k = 1: the one-winner branch). dK_k/dd has the sign of
//   h(d) = k (e^d - 1 - d) - (N - k)(e^-d - 1 + d),  h(0) = h'(0) = 0, h'' increasing,
// so for k < N/2 K_k falls from N to a single minimum (a saddle-node, root of h, found by
// bisection) and then rises, and for k >= N/2 it rises from N: each monotone piece is solved
// for K_k(d) = K by bisection. The Jacobian is J = (a_eff/T)(diag l - l l^T) - gamma I
// = gamma (K (diag l - l l^T) - I); on the contrast subspace its eigenvalues are
// gamma (K l_high - 1) (k - 1 within-high modes), gamma (K l_low - 1) (N - k - 1 within-low
// modes) and gamma (K l_high (1 - k (l_high - l_low)) - 1) (the between-groups mode); the
// remaining mode (all ones) has eigenvalue -gamma.
// Reference: MODEL.md sec. 5; Kiselev, arXiv:2605.29121 (the N = 2 pitchfork, eq. 6); the
// auxiliary-loss-free bias: Wang et al., arXiv:2408.15664. Bisection: e.g. Numerical Recipes
// 3rd ed. (Press et al. 2007) sec. 9.1; the AR(1) stationary variance: Box, Jenkins & Reinsel,
// Time Series Analysis, 4th ed. (2008) sec. 3.2.4.
//
// N not an integer >= 2, non-finite a_eff or K, negative gamma (or gamma <= 0 where it divides),
// T <= 0, B <= 0 or eta <= 0 throw a RangeError.
// Plain TypeScript in f64 with no platform imports: runs in Node and in a browser.

import { requireFinite, requireNonNegative, requirePositive } from './params.js';
import { bisect } from '../bisect.js';

function checkN(fn: string, N: number): void {
  if (!(Number.isInteger(N) && N >= 2)) throw new RangeError(`${fn}: N must be an integer >= 2, got ${N}`);
}

/** Critical temperature of the balanced state, T_c = a_eff/(N gamma) (critical K = N). */
export function nExpertCriticalTemperature(aEff: number, N: number, gamma: number): number {
  requireFinite('nExpertCriticalTemperature', 'aEff', aEff);
  checkN('nExpertCriticalTemperature', N);
  requirePositive('nExpertCriticalTemperature', 'gamma', gamma);
  return aEff / (N * gamma);
}

/** K_k(d) = d (k e^d + N - k)/(e^d - 1), written with e^-d (no overflow); its limit N at d = 0. */
function branchK(d: number, N: number, k: number): number {
  if (d === 0) return N;
  const e = Math.exp(-d);
  return (d * (k + (N - k) * e)) / -Math.expm1(-d);
}

/** e^x - 1 - x, by its series for |x| < 0.1 (no cancellation). */
function expm1MinusX(x: number): number {
  if (Math.abs(x) >= 0.1) return Math.expm1(x) - x;
  let term = (x * x) / 2;
  let s = term;
  for (let n = 3; n <= 12; n++) {
    term *= x / n;
    s += term;
  }
  return s;
}

/** h(d), of the sign of dK_k/dd (see the header). */
function slopeSign(d: number, N: number, k: number): number {
  return k * expm1MinusX(d) - (N - k) * expm1MinusX(-d);
}

/** The minimiser d* > 0 of K_k (k < N/2 only): the root of h, bracketed by doubling. */
function branchMinimiser(N: number, k: number): number {
  const h = (d: number): number => slopeSign(d, N, k);
  let lo = 0;
  let hi = 1;
  while (!(h(hi) > 0)) {
    lo = hi;
    hi *= 2;
  }
  // h < 0 on (0, d*), so the sign at lo is taken as negative even where h rounds to 0
  return bisect(h, lo, hi, -1);
}

/** K_k(d) at d = (r_winner - r_loser)/T for one winner: d (e^d + N - 1)/(e^d - 1); N at d = 0. */
export function oneWinnerK(d: number, N: number): number {
  requireNonNegative('oneWinnerK', 'd', d);
  checkN('oneWinnerK', N);
  return branchK(d, N, 1);
}

/** The saddle-node of the one-winner branch. */
export interface SaddleNode {
  /** K_sn(N) = min over d > 0 of K(d) (2 for N = 2, the pitchfork) */
  K: number;
  /** the minimiser d (0 for N = 2) */
  d: number;
  /** the winner's load e^d/(e^d + N - 1) there */
  winnerShare: number;
}

/**
 * K_sn(N) = min over d > 0 of K(d) = d (e^d + N - 1)/(e^d - 1), for N >= 3 the saddle-node at
 * which a stable one-winner state appears (below the balanced threshold K = N); for N = 2 the
 * pitchfork K = 2 at d = 0. The minimiser is the root of dK/dd, found by bisection.
 */
export function saddleNodeK(N: number): SaddleNode {
  checkN('saddleNodeK', N);
  if (N === 2) return { K: 2, d: 0, winnerShare: 0.5 };
  const d = branchMinimiser(N, 1);
  return { K: branchK(d, N, 1), d, winnerShare: 1 / (1 + (N - 1) * Math.exp(-d)) };
}

/** One symmetric equilibrium with k experts high and N - k low, d = (r_high - r_low)/T > 0. */
export interface BranchEquilibrium {
  /** number of high (winning) experts, 1..N-1 */
  k: number;
  /** d = (r_high - r_low)/T > 0 */
  d: number;
  /** load of each high expert, e^d/(k e^d + N - k) */
  highShare: number;
  /** load of each low expert, 1/(k e^d + N - k) */
  lowShare: number;
  /** eigenvalues of the Jacobian on the contrast subspace, in units of the given gamma */
  eigenvalues: {
    /** gamma (K highShare - 1), multiplicity k - 1 (absent modes when k = 1) */
    withinHigh: number;
    /** gamma (K lowShare - 1), multiplicity N - k - 1 (absent when k = N - 1) */
    withinLow: number;
    /** gamma (K highShare (1 - k (highShare - lowShare)) - 1), the between-groups mode; 0 at a fold */
    between: number;
  };
  /** multiplicities of withinHigh and withinLow (between has 1) */
  multiplicity: { withinHigh: number; withinLow: number };
  /** every present contrast eigenvalue < 0 (false at a fold) */
  stable: boolean;
  /** true for the double root at the minimum of K_k (the saddle-node itself) */
  fold: boolean;
}

function makeEquilibrium(K: number, N: number, k: number, d: number, gamma: number, fold: boolean): BranchEquilibrium {
  const e = Math.exp(-d);
  const highShare = 1 / (k + (N - k) * e);
  const lowShare = e / (k + (N - k) * e);
  const withinHigh = gamma * (K * highShare - 1);
  const withinLow = gamma * (K * lowShare - 1);
  const between = fold ? 0 : gamma * (K * highShare * (1 - k * (highShare - lowShare)) - 1);
  const mH = k - 1;
  const mL = N - k - 1;
  const stable = !fold && between < 0 && (mH === 0 || withinHigh < 0) && (mL === 0 || withinLow < 0);
  return {
    k,
    d,
    highShare,
    lowShare,
    eigenvalues: { withinHigh, withinLow, between },
    multiplicity: { withinHigh: mH, withinLow: mL },
    stable,
    fold,
  };
}

function checkBranchArgs(fn: string, K: number, N: number, gamma: number): void {
  requireFinite(fn, 'K', K);
  checkN(fn, N);
  requirePositive(fn, 'gamma', gamma);
}

/**
 * The equilibria with k experts high (1 <= k <= N - 1), d > 0 solving K_k(d) = K, sorted by d,
 * with loads and the contrast eigenvalues of the Jacobian (times gamma, default 1).
 * For k < N/2: two roots for K_min < K < N, one for K >= N, a fold at K = K_min (to 1e-12
 * relative), none below. For k >= N/2: one root iff K > N.
 */
export function kWinnerBranch(K: number, N: number, k: number, gamma = 1): BranchEquilibrium[] {
  checkBranchArgs('kWinnerBranch', K, N, gamma);
  if (!(Number.isInteger(k) && k >= 1 && k <= N - 1)) throw new RangeError(`kWinnerBranch: k must be an integer in [1, N-1], got ${k}`);
  const f = (d: number): number => branchK(d, N, k) - K;
  const hi = K / k + 1; // K_k(d) > k d, so every root lies below K / k
  if (2 * k >= N) {
    if (!(K > N)) return [];
    return [makeEquilibrium(K, N, k, bisect(f, 0, hi, N - K), gamma, false)];
  }
  const dMin = branchMinimiser(N, k);
  const kMin = branchK(dMin, N, k);
  if (Math.abs(K - kMin) <= 1e-12 * kMin) return [makeEquilibrium(K, N, k, dMin, gamma, true)];
  if (K < kMin) return [];
  const out: BranchEquilibrium[] = [];
  if (K < N) out.push(makeEquilibrium(K, N, k, bisect(f, 0, dMin, N - K), gamma, false));
  out.push(makeEquilibrium(K, N, k, bisect(f, dMin, Math.max(hi, dMin), kMin - K), gamma, false));
  return out;
}

/** The one-winner branch (k = 1): 0, 1 or 2 equilibria d > 0 of K(d) = K, see kWinnerBranch. */
export function oneWinnerBranch(K: number, N: number, gamma = 1): BranchEquilibrium[] {
  checkBranchArgs('oneWinnerBranch', K, N, gamma);
  return kWinnerBranch(K, N, 1, gamma);
}

/** All symmetric k-winner equilibria, k = 1..N-1, sorted by k then d. */
export function kWinnerBranches(K: number, N: number, gamma = 1): BranchEquilibrium[] {
  checkBranchArgs('kWinnerBranches', K, N, gamma);
  const out: BranchEquilibrium[] = [];
  for (let k = 1; k <= N - 1; k++) out.push(...kWinnerBranch(K, N, k, gamma));
  return out;
}

/**
 * E[S], S = sum_i (r_i - r_bar)^2, of the linearised router on the balanced side:
 * eta a_eff^2 (1 - 1/N) / (B (-2 lambda - eta lambda^2)), lambda = a_eff/(N T) - gamma.
 * Infinity when the denominator <= 0 (at/after T_c, or eta lambda <= -2). For N = 2 it is
 * linearNoiseVariance / 2 (S = y^2/2).
 */
export function linearNoiseContrast(aEff: number, N: number, gamma: number, T: number, B: number, eta: number): number {
  const fn = 'linearNoiseContrast';
  requireFinite(fn, 'aEff', aEff);
  checkN(fn, N);
  requireNonNegative(fn, 'gamma', gamma);
  requirePositive(fn, 'T', T);
  requirePositive(fn, 'B', B);
  requirePositive(fn, 'eta', eta);
  const lambda = aEff / (N * T) - gamma;
  const den = B * (-2 * lambda - eta * lambda * lambda);
  if (!(den > 0)) return Infinity;
  return (eta * aEff * aEff * (1 - 1 / N)) / den;
}

/**
 * u_c = a_eff - N gamma T: with the linear loss-free bias the balanced state has
 * trace < 0 iff u > u_c; the determinant u gamma/(N T) also needs u > 0 (for gamma > 0),
 * so it is stable iff u > max(u_c, 0).
 */
export function lossFreeBiasThreshold(aEff: number, N: number, gamma: number, T: number): number {
  requireFinite('lossFreeBiasThreshold', 'aEff', aEff);
  checkN('lossFreeBiasThreshold', N);
  requireNonNegative('lossFreeBiasThreshold', 'gamma', gamma);
  requirePositive('lossFreeBiasThreshold', 'T', T);
  return aEff - N * gamma * T;
}

/** The 2x2 linearisation of a contrast mode x with its bias z under the linear loss-free bias. */
export interface LossFreeBiasEigen {
  trace: number;
  det: number;
  /** trace^2 - 4 det; < 0: complex pair (load oscillations) */
  discriminant: number;
  /** the two eigenvalues (im = 0 when real), larger real part first */
  eigenvalues: [{ re: number; im: number }, { re: number; im: number }];
  /** both real parts < 0 */
  stable: boolean;
  /** sqrt(det) at u = u_c, the angular frequency of the oscillation born there; NaN if u_c <= 0 or gamma = 0 */
  thresholdOmega: number;
}

/**
 * x' = a_eff k (x + z) - gamma x, z' = -u k (x + z), k = 1/(N T) (time t = n eta):
 * trace = a_eff k - gamma - u k, det = u k gamma, eigenvalues (tr +- sqrt(tr^2 - 4 det))/2.
 */
export function lossFreeBiasEigenvalues(aEff: number, N: number, gamma: number, T: number, u: number): LossFreeBiasEigen {
  const uc = lossFreeBiasThreshold(aEff, N, gamma, T);
  requireFinite('lossFreeBiasEigenvalues', 'u', u);
  const k = 1 / (N * T);
  const trace = aEff * k - gamma - u * k;
  const det = u * k * gamma;
  const discriminant = trace * trace - 4 * det;
  let eigenvalues: LossFreeBiasEigen['eigenvalues'];
  if (discriminant >= 0) {
    const s = Math.sqrt(discriminant);
    // the larger-magnitude root directly, the other as det / it (no cancellation)
    const big = trace >= 0 ? (trace + s) / 2 : (trace - s) / 2;
    const small = big === 0 ? 0 : det / big;
    const [e1, e2] = big >= small ? [big, small] : [small, big];
    eigenvalues = [
      { re: e1, im: 0 },
      { re: e2, im: 0 },
    ];
  } else {
    const w = Math.sqrt(-discriminant) / 2;
    eigenvalues = [
      { re: trace / 2, im: w },
      { re: trace / 2, im: -w },
    ];
  }
  const stable = eigenvalues[0].re < 0 && eigenvalues[1].re < 0;
  const thresholdOmega = uc > 0 && gamma > 0 ? Math.sqrt(uc * k * gamma) : NaN;
  return { trace, det, discriminant, eigenvalues, stable, thresholdOmega };
}

/**
 * E[S] of the linearised router with the linear loss-free bias, on its stable side: each of
 * the N - 1 contrast modes is the discrete-time pair (x score contrast, z bias contrast)
 *   X_{n+1} = M X_n + eta (a_eff, -u)^T xi_n,  M = I + eta [[a_eff k - gamma, a_eff k], [-u k, -u k]],
 * k = 1/(N T), Var(xi) = 1/(N B) (the multinomial noise of a share along a unit contrast
 * vector), so the stationary covariance solves Sigma = M Sigma M^T + Q (a 3x3 linear system
 * for its entries), and E[S] = (N - 1) Sigma_xx. Infinity where M has an eigenvalue on or
 * outside the unit circle (the discrete threshold sits O(eta) above u_c = a_eff - N gamma T).
 * At u = 0 with gamma > 0 the bias mode is neutral, so the result is Infinity there too.
 */
export function lossFreeBiasContrast(aEff: number, N: number, gamma: number, T: number, B: number, eta: number, u: number): number {
  const fn = 'lossFreeBiasContrast';
  requireFinite(fn, 'aEff', aEff);
  checkN(fn, N);
  requireNonNegative(fn, 'gamma', gamma);
  requirePositive(fn, 'T', T);
  requirePositive(fn, 'B', B);
  requirePositive(fn, 'eta', eta);
  requireNonNegative(fn, 'u', u);
  const k = 1 / (N * T);
  const m11 = 1 + eta * (aEff * k - gamma);
  const m12 = eta * aEff * k;
  const m21 = -eta * u * k;
  const m22 = 1 - eta * u * k;
  // stability of M: |det| < 1 and |trace| < 1 + det (Jury's conditions for a 2x2 map)
  const tr = m11 + m22;
  const det = m11 * m22 - m12 * m21;
  if (!(Math.abs(det) < 1 && Math.abs(tr) < 1 + det)) return Infinity;
  const s = (eta * eta) / (N * B);
  const q = [s * aEff * aEff, -s * aEff * u, s * u * u];
  // (p, c, r) = Sigma's xx, xz, zz: Sigma - M Sigma M^T = Q
  const A = [
    [1 - m11 * m11, -2 * m11 * m12, -m12 * m12],
    [-m11 * m21, 1 - (m11 * m22 + m12 * m21), -m12 * m22],
    [-m21 * m21, -2 * m21 * m22, 1 - m22 * m22],
  ];
  const det3 = (m: number[][]) =>
    m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
    m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
    m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  const d = det3(A);
  if (!(Math.abs(d) > 0)) return Infinity;
  const withColumn = A.map((row, i) => [q[i], row[1], row[2]]);
  const p = det3(withColumn) / d; // Cramer's rule for Sigma_xx
  return p > 0 ? (N - 1) * p : Infinity;
}
