// Test-only kernels that expose the random streams and the sampler to the host, so tests
// can hold them against their TypeScript twins and against exact distributions.
// Needs threefry.wgsl, binomial.wgsl, and what src/core/kernels.ts prepends: the shared
// constants, the struct CheckParams and the bindings check, inputs, outputs (CHECK_BINDINGS).
// kernels.ts also appends the entry point constant_words, which writes the bits of every
// shared constant to outputs.

override WORKGROUP_SIZE: u32 = 64u;

fn item_of(gid: vec3<u32>) -> u32 {
  return gid.x + gid.y * check.row_stride;
}

// inputs: 4 words per case (counter x2, key x2); outputs: 2 words per case.
@compute @workgroup_size(WORKGROUP_SIZE)
fn threefry_blocks(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = item_of(gid);
  if (i >= check.count) {
    return;
  }
  let base = 4u * i;
  let words = threefry2x32_20(vec2<u32>(inputs[base], inputs[base + 1u]), vec2<u32>(inputs[base + 2u], inputs[base + 3u]));
  outputs[2u * i] = words.x;
  outputs[2u * i + 1u] = words.y;
}

// The first `check.n` words of router i's stream at (check.step, check.tag).
@compute @workgroup_size(WORKGROUP_SIZE)
fn stream_words(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = item_of(gid);
  if (i >= check.count) {
    return;
  }
  var rng = rng_open(stream_key(vec2<u32>(check.seed_lo, check.seed_hi), i, check.tag), check.step);
  for (var j = 0u; j < check.n; j++) {
    outputs[i * check.n + j] = rng_next(&rng);
  }
}

// One Binomial(n, p) draw per item, each from its own stream; token_mode picks the sampler.
@compute @workgroup_size(WORKGROUP_SIZE)
fn binomial_draws(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = item_of(gid);
  if (i >= check.count) {
    return;
  }
  var rng = rng_open(stream_key(vec2<u32>(check.seed_lo, check.seed_hi), i, check.tag), check.step);
  let p = check.p;
  let flip = p > 0.5;
  let q = select(p, 1.0 - p, flip);
  var x: u32;
  if (check.token_mode != 0u) {
    x = binomial_tokens(check.n, q, &rng);
  } else {
    x = binomial_reflected(check.n, q, &rng);
  }
  outputs[i] = select(x, check.n - x, flip);
}
