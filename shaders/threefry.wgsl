// Counter-based random numbers: Threefry2x32-20.
//
// Salmon, Moraes, Dror, Shaw, "Parallel Random Numbers: As Easy as 1, 2, 3", SC'11. Why this
// generator: Threefry2x32 passes TestU01's BigCrush from 13 rounds on; 20 rounds is the
// authors' recommended safety margin and the configuration of JAX's default PRNG, which
// derives per-use keys by applying the generator to a key, as stream_key does here. It is
// counter-based and keyed, so the words a router sees are a pure function of (seed, router,
// tag, step, pair) and never of how a scan is split into dispatches, workgroups or machines.
// It needs only 32-bit additions, rotations and xors: WGSL has no 32x32->64 product, and
// Philox4x32-10 (this project's first generator) spent half the router kernel's time on
// llvmpipe in 20 emulated mul-hi per block. One call yields exactly the (U, V) pair of one
// sampler attempt, so no lane of a SIMD group computes a block only its neighbours need.
//
// Stream layout:
//   stream key of (router, tag) = Threefry2x32-20(counter (router, tag), key (seed lo, seed hi))
//   word pair j of step s       = Threefry2x32-20(counter (s, j), key = stream key)
// For a fixed key Threefry is a permutation of its 64-bit counters, so distinct (router, tag)
// get distinct stream keys, and within a stream distinct (step, pair) distinct counters.
// A step consumes a few pairs with the O(1) sampler, B / 2 <= 32768 in token mode.
// The tags (TAG_ROUTING: per-step batch sampling, TAG_INITIAL: initial-condition asymmetry),
// THREEFRY_PARITY, THREEFRY_ROTATIONS and the UNIFORM_* scales are the shared constants of
// src/core/constants.ts, which src/core/kernels.ts prepends.

fn rotl32(x: u32, r: u32) -> u32 {
  return (x << r) | (x >> (32u - r));
}

// One round: x0 += x1; x1 = rotl(x1, r) ^ x0.
fn threefry_round(x: vec2<u32>, r: u32) -> vec2<u32> {
  let sum = x.x + x.y;
  return vec2<u32>(sum, rotl32(x.y, r) ^ sum);
}

// Rotations R_32x2 = THREEFRY_ROTATIONS (13 15 26 6 17 29 16 24); the key schedule (k0, k1,
// k2 = parity ^ k0 ^ k1) is injected before round 0 and after every 4 rounds, with the
// injection count added to x1.
fn threefry2x32_20(counter: vec2<u32>, key: vec2<u32>) -> vec2<u32> {
  let k2 = THREEFRY_PARITY ^ key.x ^ key.y;
  var x = counter + key;
  x = threefry_round(x, THREEFRY_ROTATIONS[0]); x = threefry_round(x, THREEFRY_ROTATIONS[1]);
  x = threefry_round(x, THREEFRY_ROTATIONS[2]); x = threefry_round(x, THREEFRY_ROTATIONS[3]);
  x += vec2<u32>(key.y, k2 + 1u);
  x = threefry_round(x, THREEFRY_ROTATIONS[4]); x = threefry_round(x, THREEFRY_ROTATIONS[5]);
  x = threefry_round(x, THREEFRY_ROTATIONS[6]); x = threefry_round(x, THREEFRY_ROTATIONS[7]);
  x += vec2<u32>(k2, key.x + 2u);
  x = threefry_round(x, THREEFRY_ROTATIONS[0]); x = threefry_round(x, THREEFRY_ROTATIONS[1]);
  x = threefry_round(x, THREEFRY_ROTATIONS[2]); x = threefry_round(x, THREEFRY_ROTATIONS[3]);
  x += vec2<u32>(key.x, key.y + 3u);
  x = threefry_round(x, THREEFRY_ROTATIONS[4]); x = threefry_round(x, THREEFRY_ROTATIONS[5]);
  x = threefry_round(x, THREEFRY_ROTATIONS[6]); x = threefry_round(x, THREEFRY_ROTATIONS[7]);
  x += vec2<u32>(key.y, k2 + 4u);
  x = threefry_round(x, THREEFRY_ROTATIONS[0]); x = threefry_round(x, THREEFRY_ROTATIONS[1]);
  x = threefry_round(x, THREEFRY_ROTATIONS[2]); x = threefry_round(x, THREEFRY_ROTATIONS[3]);
  return x + vec2<u32>(k2, key.x + 5u);
}

fn stream_key(seed: vec2<u32>, router: u32, tag: u32) -> vec2<u32> {
  return threefry2x32_20(vec2<u32>(router, tag), seed);
}

// One router's words for one step of one stream: pairs in order, or single words taken from
// them (x, then y). A pair drawn after an odd number of single words starts a fresh pair.
struct Rng {
  key: vec2<u32>,
  step: u32,
  pair: u32,
  words: vec2<u32>,
  used: u32,
}

fn rng_open(key: vec2<u32>, step: u32) -> Rng {
  return Rng(key, step, 0u, vec2<u32>(0u), 2u);
}

fn rng_pair(rng: ptr<function, Rng>) -> vec2<u32> {
  let words = threefry2x32_20(vec2<u32>((*rng).step, (*rng).pair), (*rng).key);
  (*rng).pair += 1u;
  (*rng).used = 2u;
  return words;
}

fn rng_next(rng: ptr<function, Rng>) -> u32 {
  if ((*rng).used == 2u) {
    (*rng).words = rng_pair(rng);
    (*rng).used = 0u;
  }
  let word = select((*rng).words.y, (*rng).words.x, (*rng).used == 0u);
  (*rng).used += 1u;
  return word;
}

// Uniform on (0, 1), fine near 0: (x + 1/2) 2^-32, so probabilities down to ~1e-10 are
// resolved; capped at 1 - 2^-24 where f32 rounding would reach 1.0. Never 0, never 1.
fn uniform_fine(word: u32) -> f32 {
  return min((f32(word) + 0.5) * UNIFORM_FINE_SCALE, UNIFORM_FINE_MAX);
}

// Uniform on the symmetric grid (k + 1/2) 2^-23, k < 2^23: every value exact in f32, in
// [2^-24, 1 - 2^-24], so 1/2 - |u - 1/2| >= 2^-24 > 0 (BTRS divides by it).
fn uniform_grid(word: u32) -> f32 {
  return (f32(word >> UNIFORM_GRID_SHIFT) + 0.5) * UNIFORM_GRID_SCALE;
}
