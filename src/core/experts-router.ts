// TypeScript twin of shaders/router_n.wgsl, the N-expert router (experts.ts has the rule):
// the same random streams, the same sampler and the same order of draws, in f64.
//
// Streams: router i's words for step s are those of (seed, i, s) under TAG_ROUTING (the
// contract of the two-expert router). A step draws its conditional binomials from that one
// stream in expert order: with w_j = exp(max(s_j - max s, -LOGIT_CAP)) and tail_i = sum_{j>i} w_j,
//   n = B;  for i = 1..N-1: if n = 0, N_i = 0 (no draw); else
//     q = min(w_i, tail_i) / (w_i + tail_i),  x ~ Binomial(n, q) (binomialReflected),
//     N_i = x if w_i <= tail_i else n - x;  n -= N_i
//   N_N = n.
// The initial scores r_i = r0_i + asym (2 U_i - 1), U_i the i-th word of (seed, i, 0) under
// TAG_INITIAL. O(N) per step, independent of B.

import { binomialReflected, type WordSource } from './binomial.js';
import { LOGIT_CAP, TAG_INITIAL, TAG_ROUTING } from './constants.js';
import { capacityTokens, type ExpertCell, type ExpertReadout, type ExpertStepRange } from './experts.js';
import { RngStream, seedKey, uniformGrid } from './threefry.js';

/** Routers [offset, offset + count) of a plan, over views of the session's readout. */
export interface ExpertBlock {
  offset: number;
  count: number;
  N: number;
  data: ExpertReadout;
}

/** Views of routers [offset, offset + count) of a readout (shared memory in the CPU engine). */
export function expertBlockViews(readout: ExpertReadout, N: number, offset: number, count: number): ExpertReadout {
  const vec = (a: Float64Array) => a.subarray(offset * N, (offset + count) * N);
  const one = (a: Float64Array) => a.subarray(offset, offset + count);
  return {
    r: vec(readout.r),
    beta: vec(readout.beta),
    counts: vec(readout.counts),
    maxCount: one(readout.maxCount),
    sqCount: one(readout.sqCount),
    dead: one(readout.dead),
    dropped: one(readout.dropped),
  };
}

export function initializeExperts(block: ExpertBlock, cells: readonly ExpertCell[], replicates: number, seed: number, firstRouter = 0): void {
  const { N, data } = block;
  const [k0, k1] = seedKey(seed);
  const rng = new RngStream(k0, k1);
  for (let i = 0; i < block.count; i++) {
    const local = block.offset + i;
    const cell = cells[Math.floor(local / replicates)];
    rng.open(firstRouter + local, 0, TAG_INITIAL);
    for (let j = 0; j < N; j++) {
      data.r[i * N + j] = cell.r0[j] + cell.asym * (2 * uniformGrid(rng.next()) - 1);
      data.beta[i * N + j] = 0;
    }
  }
  resetExpertTallies(block);
}

export function resetExpertTallies(block: ExpertBlock): void {
  const { data } = block;
  for (const a of [data.counts, data.maxCount, data.sqCount, data.dead, data.dropped]) a.fill(0);
}

/**
 * One step's counts (N_1..N_N) ~ Multinomial(B, softmax(logits)) by sequential conditional
 * binomials, into `counts`; `w` and `tail` are scratch of N values each (the weights, and the
 * suffix sums tail_j = sum_{k > j} w_k, summed from the last expert: no cancellation).
 * Exported for the sampler's tests.
 */
export function multinomialCounts(
  B: number,
  logits: ArrayLike<number>,
  N: number,
  rng: WordSource,
  counts: Float64Array,
  w: Float64Array,
  tail: Float64Array,
): void {
  let top = -Infinity;
  for (let j = 0; j < N; j++) top = Math.max(top, logits[j]);
  for (let j = 0; j < N; j++) w[j] = Math.exp(Math.max(logits[j] - top, -LOGIT_CAP));
  let sum = 0;
  for (let j = N - 1; j >= 0; j--) {
    tail[j] = sum;
    sum += w[j];
  }
  let n = B;
  for (let j = 0; j < N - 1; j++) {
    if (n === 0) {
      counts[j] = 0;
      continue;
    }
    const q = Math.min(0.5, Math.min(w[j], tail[j]) / (w[j] + tail[j]));
    const x = binomialReflected(n, q, rng);
    const nj = w[j] <= tail[j] ? x : n - x;
    counts[j] = nj;
    n -= nj;
  }
  counts[N - 1] = n;
}

export function advanceExperts(
  block: ExpertBlock,
  cells: readonly ExpertCell[],
  replicates: number,
  seed: number,
  range: ExpertStepRange,
  firstRouter = 0,
): void {
  const { N, data } = block;
  const [k0, k1] = seedKey(seed);
  const rng = new RngStream(k0, k1);
  const logits = new Float64Array(N);
  const w = new Float64Array(N);
  const tail = new Float64Array(N);
  const counts = new Float64Array(N);
  const r = new Float64Array(N);
  const beta = new Float64Array(N);
  const invN = 1 / N;
  for (let i = 0; i < block.count; i++) {
    const local = block.offset + i;
    const router = firstRouter + local;
    const cell = cells[Math.floor(local / replicates)];
    const { a, rho, gamma, eta, B, b } = cell;
    const invT = 1 / cell.T;
    const cap = capacityTokens(cell, N);
    const bias = cell.biasMode === 'linear' ? 1 : cell.biasMode === 'sign' ? 2 : 0;
    const rate = eta * cell.biasRate;
    for (let j = 0; j < N; j++) {
      r[j] = data.r[i * N + j];
      beta[j] = data.beta[i * N + j];
    }
    let maxSum = data.maxCount[i];
    let sqSum = data.sqCount[i];
    let deadSum = data.dead[i];
    let droppedSum = data.dropped[i];
    for (let step = range.stepBegin; step < range.stepEnd; step++) {
      rng.open(router, step, TAG_ROUTING);
      for (let j = 0; j < N; j++) logits[j] = (r[j] + beta[j]) * invT;
      multinomialCounts(B, logits, N, rng, counts, w, tail);
      const inWindow = step >= range.windowBegin;
      let max = 0;
      let sq = 0;
      let dead = 0;
      let dropped = 0;
      for (let j = 0; j < N; j++) {
        const nj = counts[j];
        const accepted = Math.min(nj, cap);
        dropped += nj - accepted;
        const l = accepted / B;
        r[j] += eta * (a * l - rho * (l - invN) - gamma * r[j] + b[j]);
        if (bias !== 0) {
          const gap = invN - nj / B;
          beta[j] += rate * (bias === 1 ? gap : Math.sign(gap));
        }
        if (inWindow) {
          data.counts[i * N + j] += nj;
          if (nj > max) max = nj;
          sq += nj * nj;
          if (10 * N * nj < B) dead++;
        }
      }
      if (inWindow) {
        maxSum += max;
        sqSum += sq;
        deadSum += dead;
        droppedSum += dropped;
      }
    }
    for (let j = 0; j < N; j++) {
      data.r[i * N + j] = r[j];
      data.beta[i * N + j] = beta[j];
    }
    data.maxCount[i] = maxSum;
    data.sqCount[i] = sqSum;
    data.dead[i] = deadSum;
    data.dropped[i] = droppedSum;
  }
}
