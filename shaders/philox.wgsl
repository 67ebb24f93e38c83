// Counter-based random numbers: Philox4x32-10.
//
// Salmon, Moraes, Dror, Shaw, "Parallel Random Numbers: As Easy as 1, 2, 3", SC'11.
// Why this generator: it passes TestU01 BigCrush with a safety margin at 10 rounds, it is
// the GPU standard (cuRAND, TensorFlow, PyTorch), and it is counter-based and keyed, so the
// words a router sees are a pure function of (seed, router, step, block) and never of how a
// scan is split into dispatches, workgroups or machines. WGSL has no 32x32->64 product, so
// mulhi is assembled from four exact 16x16-bit products (each < 2^32, no overflow).
//
// Stream layout (no two streams overlap, by construction):
//   key     = (seed low 32 bits, seed high 32 bits)
//   counter = (block, step, router, tag)
// `block` counts the 4-word blocks one (router, step, tag) consumes; the O(1) sampler uses
// a few, the token-by-token reference B/4 <= 16384, both far below 2^32.

const PHILOX_M0: u32 = 0xD2511F53u;
const PHILOX_M1: u32 = 0xCD9E8D57u;
const PHILOX_W0: u32 = 0x9E3779B9u;
const PHILOX_W1: u32 = 0xBB67AE85u;

const TAG_ROUTING: u32 = 0u; // per-step batch sampling
const TAG_INITIAL: u32 = 1u; // initial-condition asymmetry

fn mulhi32(a: u32, b: u32) -> u32 {
  let al = a & 0xffffu;
  let ah = a >> 16u;
  let bl = b & 0xffffu;
  let bh = b >> 16u;
  let ll = al * bl;
  let lh = al * bh;
  let hl = ah * bl;
  let mid = (ll >> 16u) + (lh & 0xffffu) + (hl & 0xffffu);
  return ah * bh + (lh >> 16u) + (hl >> 16u) + (mid >> 16u);
}

fn philox_round(c: vec4<u32>, k: vec2<u32>) -> vec4<u32> {
  return vec4<u32>(mulhi32(PHILOX_M1, c.z) ^ c.y ^ k.x, PHILOX_M1 * c.z,
                   mulhi32(PHILOX_M0, c.x) ^ c.w ^ k.y, PHILOX_M0 * c.x);
}

fn philox4x32_10(counter: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  var c = counter;
  var k = key;
  for (var round = 0u; round < 9u; round++) {
    c = philox_round(c, k);
    k += vec2<u32>(PHILOX_W0, PHILOX_W1);
  }
  return philox_round(c, k);
}

// One router's words for one (step, tag), drawn four at a time.
struct Rng {
  key: vec2<u32>,
  counter: vec4<u32>,
  words: vec4<u32>,
  used: u32,
}

fn rng_open(key: vec2<u32>, router: u32, step: u32, tag: u32) -> Rng {
  return Rng(key, vec4<u32>(0u, step, router, tag), vec4<u32>(0u), 4u);
}

fn rng_next(rng: ptr<function, Rng>) -> u32 {
  if ((*rng).used == 4u) {
    (*rng).words = philox4x32_10((*rng).counter, (*rng).key);
    (*rng).counter.x += 1u;
    (*rng).used = 0u;
  }
  let word = (*rng).words[(*rng).used];
  (*rng).used += 1u;
  return word;
}

// Two words at once, for samplers that draw (U, V) pairs: a block serves two pairs (x, y)
// then (z, w); a block with one word left is skipped to the next. No dynamic indexing.
fn rng_pair(rng: ptr<function, Rng>) -> vec2<u32> {
  if ((*rng).used >= 3u) {
    (*rng).words = philox4x32_10((*rng).counter, (*rng).key);
    (*rng).counter.x += 1u;
    (*rng).used = 0u;
  }
  let first = (*rng).used == 0u;
  (*rng).used += 2u;
  return select((*rng).words.zw, (*rng).words.xy, first);
}

// Uniform on (0, 1), fine near 0: (x + 1/2) 2^-32, so probabilities down to ~1e-10 are
// resolved; capped at 1 - 2^-24 where f32 rounding would reach 1.0. Never 0, never 1.
fn uniform_fine(word: u32) -> f32 {
  return min((f32(word) + 0.5) * (1.0 / 4294967296.0), 1.0 - 1.0 / 16777216.0);
}

// Uniform on the symmetric grid (k + 1/2) 2^-23, k < 2^23: every value exact in f32, in
// [2^-24, 1 - 2^-24], so 1/2 - |u - 1/2| >= 2^-24 > 0 (BTRS divides by it).
fn uniform_grid(word: u32) -> f32 {
  return (f32(word >> 9u) + 0.5) * (1.0 / 8388608.0);
}
