// Shared by the training kernels (train_regression.wgsl, train_digits.wgsl): the streams of
// src/core/training/streams.ts and a test-only entry point that writes minibatch rows.
// Needs threefry.wgsl, and what src/core/kernels.ts prepends: the shared constants, the
// structs TrainParams, TrainCell and the bindings `params` (uniform TrainParams) and `out`
// (array<f32>) of TRAIN_REGRESSION_BINDINGS / TRAIN_DIGITS_BINDINGS.
//
// A buffer holds the models params.model_offset + slot (model_offset: the plan's firstModel),
// so a model's cell is cells[slot / params.replicates] and its streams those of the global
// index; a dispatch covers slots [model_begin, model_end) over steps [step_begin, step_end).

fn seed_key() -> vec2<u32> {
  return vec2<u32>(params.seed_lo, params.seed_hi);
}

// The high word of the 64-bit product a * b (WGSL has neither u64 nor mul-hi), from 16-bit
// halves: a b = hh 2^32 + (hl + lh) 2^16 + ll. No partial sum overflows: lh + (ll >> 16) +
// (hl & 0xffff) <= (2^16 - 1)^2 + 2 (2^16 - 1) < 2^32.
fn mul_hi(a: u32, b: u32) -> u32 {
  let a_lo = a & 0xffffu;
  let a_hi = a >> 16u;
  let b_lo = b & 0xffffu;
  let b_hi = b >> 16u;
  let ll = a_lo * b_lo;
  let hl = a_hi * b_lo;
  let lh = a_lo * b_hi;
  let mid = lh + (ll >> 16u) + (hl & 0xffffu);
  return a_hi * b_hi + (hl >> 16u) + (mid >> 16u);
}

// Row b of a step's minibatch: word b of stream (model, step) under TAG_TRAIN_BATCH (words in
// rng_next's order: x, then y of pair b / 2), row = floor(word n / 2^32) of the n rows, as
// batchRows in streams.ts. `key` = stream_key(seed_key(), model, TAG_TRAIN_BATCH).
fn batch_row(key: vec2<u32>, step: u32, b: u32, n: u32) -> u32 {
  let pair = threefry2x32_20(vec2<u32>(step, b >> 1u), key);
  return mul_hi(select(pair.x, pair.y, (b & 1u) == 1u), n);
}

// Parameter k's initial value from word k of stream (model, 0) under TAG_TRAIN_INIT:
// scale (2 u - 1), u on the uniform grid (2 u - 1 is exact in f32, so with a power-of-two
// scale the value is exactly the f64 twin's).
fn init_value(word: u32, scale: f32) -> f32 {
  return scale * (2.0 * uniform_grid(word) - 1.0);
}

// The logistic function of s as (p, 1 - p), each without cancellation, and p (1 - p): with
// e = exp(-|s|) in (0, 1], p = 1 / (1 + e) and 1 - p = e / (1 + e) for s >= 0 (mirrored below).
// Never overflows; p (1 - p) = e / (1 + e)^2 stays accurate in the tails where 1 - p would not.
struct Logistic {
  p: f32,
  q: f32,
  pq: f32,
}

fn logistic(s: f32) -> Logistic {
  let e = exp(-abs(s));
  let big = 1.0 / (1.0 + e);
  let small = e * big;
  return Logistic(select(small, big, s >= 0.0), select(big, small, s >= 0.0), big * small);
}

// Test-only (WebGpuTrainingSession.batchRows): out[i] = row b of step params.step_begin of
// slot model_begin + i / batch, b = i mod batch (rows < 2^20 are exact in f32).
@compute @workgroup_size(64)
fn batch_rows(@builtin(global_invocation_id) gid: vec3<u32>) {
  let index = gid.x + gid.y * params.row_stride;
  let slot = params.model_begin + index / params.batch;
  if (slot >= params.model_end) {
    return;
  }
  let key = stream_key(seed_key(), params.model_offset + slot, TAG_TRAIN_BATCH);
  out[index] = f32(batch_row(key, params.step_begin, index % params.batch, params.train_rows));
}
