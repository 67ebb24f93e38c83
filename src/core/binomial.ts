// TypeScript twin of shaders/binomial.wgsl: the same algorithms (inversion on the upper
// tail for n q < 10, Hormann's BTRS above; W. Hormann, J. Stat. Comput. Simul. 46, 1993)
// with the same uniforms, in f64. It is the CPU engine's sampler and the oracle for the GPU.
// Its constants (the algorithms' limits, the Stirling tail table and series, Hormann's BTRS
// constants) are the shared ones of constants.ts, which the WGSL gets too.

import {
  BINOMIAL_INVERSION_LIMIT,
  BINOMIAL_MAX_TRIES,
  BINOMIAL_WALK_BOUND,
  BTRS_A0,
  BTRS_A1,
  BTRS_A2,
  BTRS_ALPHA0,
  BTRS_ALPHA1,
  BTRS_B0,
  BTRS_B1,
  BTRS_US_MIN,
  BTRS_VR0,
  BTRS_VR1,
  STIRLING_SERIES,
  STIRLING_TAIL,
} from './constants.js';
import { uniformFine, uniformGrid } from './threefry.js';

/** A source of 32-bit words (an RngStream). */
export interface WordSource {
  next(): number;
  /** the next two words, as rng_pair in threefry.wgsl */
  nextPair(): ArrayLike<number>;
}

const [S1, S3, S5] = STIRLING_SERIES;
const C1 = 1 / S1;
const C3 = 1 / S3;

/** S(k) = log k! - [(k + 1/2) log(k + 1) - (k + 1) + log(2 pi)/2]. */
export function stirlingTail(k: number): number {
  if (k < STIRLING_TAIL.length) return STIRLING_TAIL[k];
  const r = 1 / (k + 1);
  const r2 = r * r;
  return (C1 - (C3 - r2 / S5) * r2) * r;
}

export function binomialInversion(n: number, q: number, rng: WordSource): number {
  const odds = q / (1 - q);
  const z = n * Math.log1p(-q);
  const f0 = Math.exp(z);
  const s0 = -Math.expm1(z);
  const bound = Math.min(n, BINOMIAL_WALK_BOUND);
  let k = 0;
  for (let attempt = 0; attempt < BINOMIAL_MAX_TRIES; attempt++) {
    const u = uniformFine(rng.next());
    let f = f0;
    let s = s0;
    k = 0;
    while (u < s && k < bound) {
      k += 1;
      f *= (odds * (n - k + 1)) / k;
      s -= f;
    }
    if (u >= s) return k;
  }
  return k;
}

export function binomialBtrs(n: number, q: number, rng: WordSource): number {
  const spq = Math.sqrt(n * q * (1 - q));
  const b = BTRS_B0 + BTRS_B1 * spq;
  const a = BTRS_A0 + BTRS_A1 * b + BTRS_A2 * q;
  const c = n * q + 0.5;
  const vR = BTRS_VR0 - BTRS_VR1 / b;
  const m = Math.floor((n + 1) * q);
  let ready = false;
  let alpha = 0;
  let delta = 0;
  let boundM = 0;
  for (let attempt = 0; attempt < BINOMIAL_MAX_TRIES; attempt++) {
    const words = rng.nextPair();
    const u = uniformGrid(words[0]) - 0.5;
    const v = uniformFine(words[1]);
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + c);
    if (k < 0 || k > n) continue;
    if (us >= BTRS_US_MIN && v <= vR) return k;
    if (!ready) {
      ready = true;
      alpha = (BTRS_ALPHA0 + BTRS_ALPHA1 / b) * spq;
      delta = m + 1 - q * (n + 2);
      boundM = (m + 0.5) * Math.log1p(delta / (q * (n - m + 1))) + stirlingTail(m) + stirlingTail(n - m);
    }
    const us2 = us * us;
    const lhs = Math.log((v * alpha * us2) / (a + b * us2));
    const rhs =
      boundM +
      (n + 1) * Math.log1p((k - m) / (n - k + 1)) +
      (k + 0.5) * Math.log1p((m - k - delta) / ((1 - q) * (k + 1))) -
      stirlingTail(k) -
      stirlingTail(n - k);
    if (lhs <= rhs) return k;
  }
  return m;
}

/** X ~ Binomial(n, q) for q in [0, 1/2]. */
export function binomialReflected(n: number, q: number, rng: WordSource): number {
  return n * q < BINOMIAL_INVERSION_LIMIT ? binomialInversion(n, q, rng) : binomialBtrs(n, q, rng);
}

/** The slow exact reference: n Bernoulli(q) tokens, one word each. */
export function binomialTokens(n: number, q: number, rng: WordSource): number {
  let x = 0;
  for (let i = 0; i < n; i++) if (uniformFine(rng.next()) < q) x++;
  return x;
}

/** X ~ Binomial(n, p) for any p in [0, 1], reflecting at 1/2 as the kernels do. */
export function binomial(n: number, p: number, rng: WordSource, tokenMode = false): number {
  const flip = p > 0.5;
  const q = flip ? 1 - p : p;
  const x = tokenMode ? binomialTokens(n, q, rng) : binomialReflected(n, q, rng);
  return flip ? n - x : x;
}
