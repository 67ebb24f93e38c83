// Exact Binomial(n, q) sampling in f32, O(1) expected cost. Needs threefry.wgsl.
//
// Design shared by TensorFlow, JAX, PyTorch and f32 GPU codes (mrc-ide/dust): the caller
// reflects to q = min(p, 1 - p) <= 1/2; inversion when n q < 10, Hormann's BTRS above
// (W. Hormann, "The generation of binomial random variates", J. Stat. Comput. Simul. 46,
// 1993). The f32 pitfalls and how they are met:
//   - a uniform of exactly 0 or 1: the uniforms in threefry.wgsl are never either;
//   - WGSL's log is only good to ~2^-21 absolute near 1, and BTRS multiplies logs of ratios
//     near 1 by n: every such ratio is rewritten as log1p of a small argument, computed by a
//     series accurate to f32 rounding (log1p_f), and the one cancelling term
//     delta = m + 1 - q (n + 2) is computed exactly by splitting q (see btrs_delta);
//   - inversion near q ~ 1e-7: the walk runs on the upper tail P(X > k), whose first value
//     -expm1(n log1p(-q)) is accurate, compared with a uniform fine near 0;
//   - a CDF walk that stops changing (dust PR 244): bounded, and redrawn if it runs out.
//
// Cost on llvmpipe (measured with a microbenchmark, Mesa 22.3): a SIMD group executes every
// if/else block and select operand in full, under a mask, even when no lane takes it (also
// for a uniform condition); only a loop stops early, once no lane is left in it, after at
// least one pass. So every operation in the attempt loops costs every iteration, and the
// exact test below is written to have as few as give the same bits: the branches that BTRS's
// range rules out are gone, and the Stirling table, a per-lane gather from a const array
// (~25 instructions; one in place of the chain below made router.wgsl 13% slower), is read
// once, by a compare-and-select chain.

// The constants (BINOMIAL_INVERSION_LIMIT, BINOMIAL_WALK_BOUND, BINOMIAL_MAX_TRIES, the
// Stirling tail table STIRLING_TAIL and series coefficients STIRLING_C*, Hormann's BTRS_*)
// are the shared constants of src/core/constants.ts, which src/core/kernels.ts prepends.

// The Stirling tail S(k): the table STIRLING_TAIL for k = 0..9, above the series in
// r = 1 / (k + 1), accurate to < 3e-11.
fn stirling_series(r: f32) -> f32 {
  let r2 = r * r;
  return (STIRLING_C1 - (STIRLING_C3 - r2 * STIRLING_C5) * r2) * r;
}

// STIRLING_TAIL[j] for an integer j = 0..9 held in f32 (j >= 10: STIRLING_TAIL[0]), by
// compare-and-select over constant indices: the same f32 values as the indexed read, in
// 2 instructions per entry instead of a gather.
fn stirling_table(j: f32) -> f32 {
  var t = STIRLING_TAIL[0];
  for (var i = 1u; i < STIRLING_TAIL_LENGTH; i++) {
    t = select(t, STIRLING_TAIL[i], j == f32(i));
  }
  return t;
}

// log(1 + x): for |x| <= 1/4, 2 atanh(s), s = x / (2 + x), by its series (truncation
// < 1e-11 relative); beyond, the argument is far from 1 and log's absolute error is harmless.
// Both are computed and one selected: branch-free, it runs ~6% faster on llvmpipe than an
// early return (measured in bench), since lanes of a SIMD group take both paths anyway.
// log1p_series is the series alone, for arguments known to lie within 1/4.
fn log1p_series(x: f32) -> f32 {
  let s = x / (2.0 + x);
  let s2 = s * s;
  return 2.0 * s * (1.0 + s2 * (1.0 / 3.0 + s2 * (1.0 / 5.0 + s2 * (1.0 / 7.0
         + s2 * (1.0 / 9.0 + s2 * (1.0 / 11.0))))));
}

fn log1p_f(x: f32) -> f32 {
  return select(log1p_series(x), log(1.0 + x), abs(x) > 0.25);
}

// exp(z) - 1: Taylor to z^7 for |z| <= 1/8 (truncation < 1.5e-12), exp beyond.
fn expm1_f(z: f32) -> f32 {
  if (abs(z) > 0.125) {
    return exp(z) - 1.0;
  }
  return z * (1.0 + z * (1.0 / 2.0 + z * (1.0 / 6.0 + z * (1.0 / 24.0 + z * (1.0 / 120.0
         + z * (1.0 / 720.0 + z * (1.0 / 5040.0)))))));
}

// Keep the top 7 significant bits of a positive normal f32 (sign, exponent, 6 fraction bits).
fn top7(x: f32) -> f32 {
  return bitcast<f32>(bitcast<u32>(x) & 0xFFFE0000u);
}

// delta = m + 1 - q (n + 2) to ~1e-7 absolute. q is split into q1 + q2 + q3 with q1, q2 of
// 7 significant bits, so q1 N and q2 N are exact in f32 (7 + 17 bits, N = n + 2 <= 65538);
// only q3 N (< 2^-12 q N) is rounded.
fn btrs_delta(m: f32, q: f32, nf: f32) -> f32 {
  let big = nf + 2.0;
  let q1 = top7(q);
  let rest = q - q1;
  let q2 = select(top7(rest), 0.0, rest == 0.0);
  let q3 = rest - q2;
  return (((m + 1.0) - q1 * big) - q2 * big) - q3 * big;
}

// Inversion by a walk on the upper tail s_k = P(X > k): X = min{k : u >= s_k}. Split, like
// BTRS, into a set-up per step and an attempt per word, so that router.wgsl can run one
// attempt per loop iteration.
struct InversionSetup {
  odds: f32, f0: f32, s0: f32, bound: u32,
}

fn inversion_setup(n: u32, q: f32) -> InversionSetup {
  let z = f32(n) * log1p_f(-q);
  // odds = q / (1 - q), f0 = P(X = 0), s0 = P(X > 0) (accurate even when n q ~ 1e-7)
  return InversionSetup(q / (1.0 - q), exp(z), -expm1_f(z), min(n, BINOMIAL_WALK_BOUND));
}

// One walk with the uniform u: X, or -1 when the walk ran out while rounding left
// s_bound > u (true mass there < 1e-20), and the caller redraws. Two terms per loop
// iteration, the second guarded: on llvmpipe a loop iteration's own cost is of the order of
// a term's, and this is 1.3-1.4x faster on inversion-heavy runs (B = 8..512), with the
// same f32 operations in the same order.
fn inversion_attempt(s: InversionSetup, n: u32, u: f32) -> f32 {
  var f = s.f0;
  var tail = s.s0;
  var k = 0u;
  while (u < tail && k < s.bound) {
    k += 1u;
    f *= s.odds * f32(n - k + 1u) / f32(k);
    tail -= f;
    if (u < tail && k < s.bound) {
      k += 1u;
      f *= s.odds * f32(n - k + 1u) / f32(k);
      tail -= f;
    }
  }
  return select(-1.0, f32(k), u >= tail);
}

// One word per attempt; after BINOMIAL_MAX_TRIES walks that ran out, the bound.
fn binomial_inversion(n: u32, q: f32, rng: ptr<function, Rng>) -> u32 {
  let s = inversion_setup(n, q);
  for (var attempt = 0u; attempt < BINOMIAL_MAX_TRIES; attempt++) {
    let k = inversion_attempt(s, n, uniform_fine(rng_next(rng)));
    if (k >= 0.0) {
      return u32(k);
    }
  }
  return s.bound;
}

// Hormann's BTRS for n q >= 10, q <= 1/2. The acceptance bound is his
//   (m+1/2) log((m+1)/(r(n-m+1))) + (n+1) log((n-m+1)/(n-k+1)) + (k+1/2) log(r(n-k+1)/(k+1))
//   + S(m) + S(n-m) - S(k) - S(n-k),   r = q/(1-q), m = floor((n+1) q),
// with each log written as log1p of its small deviation from 1.
struct BtrsSetup {
  nf: f32, q: f32, a: f32, b: f32, m: f32, alpha: f32, two_a: f32, c: f32, v_r: f32,
}

fn btrs_setup(nf: f32, q: f32) -> BtrsSetup {
  let spq = sqrt(nf * q * (1.0 - q));
  let b = BTRS_B0 + BTRS_B1 * spq;
  let inv_b = 1.0 / b;
  let a = BTRS_A0 + BTRS_A1 * b + BTRS_A2 * q;
  return BtrsSetup(nf, q, a, b, floor((nf + 1.0) * q), (BTRS_ALPHA0 + BTRS_ALPHA1 * inv_b) * spq,
                   2.0 * a, nf * q + 0.5, BTRS_VR0 - BTRS_VR1 * inv_b);
}

// Hormann's exact test for a candidate k in [0, n] that missed the quick squeeze:
// log(v alpha / (a / us^2 + b)) <= log(f(k) / f(m)). The terms in m alone are recomputed
// per call rather than cached per step: no loop-carried state is 3-8% faster on llvmpipe
// (A/B-measured at B = 64..4096), and the same f32 expressions give the same decisions.
//
// The same values as the plain formula (table for S(j), j < 10, series above; log1p_f for
// every log1p) with the selects whose outcome BTRS's range fixes taken out. BTRS runs where
// the f32 product n q >= 10, with q <= 1/2 (to within a few ulp where q = sigmoid(-z) in f32):
//   - n >= 20, since n q >= 10 (1 - 2^-24) and q <= 1/2 + 2^-20;
//   - m = floor(fl((n + 1) q)) >= floor(fl(n q)) >= 10 (rounding is monotone), and
//     n - m >= 10: fl((n + 1) q) <= (n + 1) / 2 + 2^-20 (n + 1), so n - m >= (n - 1) / 2 - 0.07
//     > 9; S(m) and S(n - m) are the series;
//   - m - (n + 1) q lies in (-1.002, 0.002] (the rounding of (n + 1) q <= 32769 is < 0.002),
//     so |delta| = |m - (n + 1) q + 1 - q| < 1.002 (btrs_delta: to ~1e-7), while
//     q (n - m + 1) >= q (n + 1) (1 - q) - 0.002 q >= 10 (1/2 - 2^-20) - 0.001 > 4.99: the
//     argument of bound_m's log1p is below 1.002 / 4.99 < 0.201 in magnitude, also after its
//     two f32 roundings, and log1p_f takes its series;
//   - with k in [0, n], at most one of k, n - k is below 10 (n >= 20), and it is then the
//     smaller: one table read at min(k, n - k) serves S(k) and S(n - k).
// On llvmpipe (2 threads, B = 512, old and new kernel interleaved) router.wgsl ran 1.15x as
// fast as with the plain formula (median of 16 pairs, ~120 -> ~138 M router-steps/s; 781 ->
// 601 x86 instructions per attempt).
fn btrs_exact(s: BtrsSetup, k: f32, us: f32, v: f32) -> bool {
  let nf = s.nf;
  let q = s.q;
  let m = s.m;
  let delta = btrs_delta(m, q, nf);
  let inv_1mq = 1.0 / (1.0 - q);
  let bound_m = (m + 0.5) * log1p_series(delta / (q * (nf - m + 1.0)))
                + stirling_series(1.0 / (m + 1.0)) + stirling_series(1.0 / (nf - m + 1.0));
  let us2 = us * us;
  let lhs = log(v * s.alpha * us2 / (s.a + s.b * us2));
  let r_k = 1.0 / (k + 1.0);
  let r_nk = 1.0 / (nf - k + 1.0);
  let table = stirling_table(min(k, nf - k));
  let s_k = select(stirling_series(r_k), table, k < f32(STIRLING_TAIL_LENGTH));
  let s_nk = select(stirling_series(r_nk), table, nf - k < f32(STIRLING_TAIL_LENGTH));
  let rhs = bound_m
            + (nf + 1.0) * log1p_f((k - m) * r_nk)
            + (k + 0.5) * log1p_f((m - k - delta) * r_k * inv_1mq)
            - s_k - s_nk;
  return lhs <= rhs;
}

// One BTRS attempt from a word pair (U from x, V from y): the candidate k when accepted,
// -1 when rejected (a candidate outside [0, n] included).
fn btrs_attempt(s: BtrsSetup, words: vec2<u32>) -> f32 {
  let u = uniform_grid(words.x) - 0.5;
  let v = uniform_fine(words.y);
  let us = 0.5 - abs(u);
  let k = floor((s.two_a / us + s.b) * u + s.c);
  if (k < 0.0 || k > s.nf) {
    return -1.0;
  }
  if ((us >= BTRS_US_MIN && v <= s.v_r) || btrs_exact(s, k, us, v)) {
    return k;
  }
  return -1.0;
}

fn binomial_btrs(n: u32, q: f32, rng: ptr<function, Rng>) -> u32 {
  let s = btrs_setup(f32(n), q);
  for (var attempt = 0u; attempt < BINOMIAL_MAX_TRIES; attempt++) {
    let k = btrs_attempt(s, rng_pair(rng));
    if (k >= 0.0) {
      return u32(k);
    }
  }
  return u32(s.m);
}

// X ~ Binomial(n, q) for q in [0, 1/2], O(1) expected cost.
fn binomial_reflected(n: u32, q: f32, rng: ptr<function, Rng>) -> u32 {
  if (f32(n) * q < BINOMIAL_INVERSION_LIMIT) {
    return binomial_inversion(n, q, rng);
  }
  return binomial_btrs(n, q, rng);
}

// The slow exact reference: n Bernoulli(q) tokens, one word each.
fn binomial_tokens(n: u32, q: f32, rng: ptr<function, Rng>) -> u32 {
  var x = 0u;
  for (var i = 0u; i < n; i++) {
    x += select(0u, 1u, uniform_fine(rng_next(rng)) < q);
  }
  return x;
}
