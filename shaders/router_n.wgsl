// The N-expert stochastic batch router, MODEL.md section 5; the rule is written out in
// src/core/experts.ts and its f64 twin is src/core/experts-router.ts (same streams, same
// order of draws). One invocation = one router. N_EXPERTS is a compile-time constant that
// src/core/kernels.ts prepends (one pipeline per N), with the shared constants, the structs
// Params and ExpertCell and the bindings params, cells, vectors, state, tallies
// (EXPERT_BINDINGS). Needs threefry.wgsl and binomial.wgsl.
//
// Buffers, per cell: vectors[c * VECTOR_STRIDE ..] = b_1..b_N, r0_1..r0_N. Per router slot:
// state[slot * STATE_STRIDE ..] = r_1..r_N, beta_1..beta_N; tallies[slot * TALLY_STRIDE ..] =
// (lo, hi) u32 pairs of sum N_i (N of them), then sum max_i N_i, sum sum_i N_i^2, sum dead
// experts, sum dropped tokens: exact 64-bit integers, so window means do not depend on
// chunking.

override WORKGROUP_SIZE: u32 = 64u;

const VECTOR_STRIDE: u32 = 2u * N_EXPERTS;
const STATE_STRIDE: u32 = 2u * N_EXPERTS;
const TALLY_STRIDE: u32 = 2u * N_EXPERTS + 8u;

fn expert_slot(gid: vec3<u32>) -> u32 {
  return params.slot_begin + gid.x + gid.y * params.row_stride;
}

fn expert_seed_key() -> vec2<u32> {
  return vec2<u32>(params.seed_lo, params.seed_hi);
}

// t + v as a 64-bit (lo, hi) pair.
fn add_u64(t: vec2<u32>, v: u32) -> vec2<u32> {
  let lo = t.x + v;
  return vec2<u32>(lo, t.y + select(0u, 1u, lo < v));
}

// t + n^2 for n <= 65536: n^2 = 2^32 (n = 65536) has low word 0 and a carry of its own.
fn add_square_u64(t: vec2<u32>, n: u32) -> vec2<u32> {
  if (n >= 65536u) {
    return vec2<u32>(t.x, t.y + 1u);
  }
  return add_u64(t, n * n);
}

fn load_u64(at: u32) -> vec2<u32> {
  return vec2<u32>(tallies[at], tallies[at + 1u]);
}

fn store_u64(at: u32, v: vec2<u32>) {
  tallies[at] = v.x;
  tallies[at + 1u] = v.y;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn initialize(@builtin(global_invocation_id) gid: vec3<u32>) {
  let slot = expert_slot(gid);
  if (slot >= params.slot_end) {
    return;
  }
  let router = params.router_offset + slot;
  let c = slot / params.replicates;
  let cell = cells[c];
  var rng = rng_open(stream_key(expert_seed_key(), router, TAG_INITIAL), 0u);
  for (var j = 0u; j < N_EXPERTS; j++) {
    let jitter = 2.0 * uniform_grid(rng_next(&rng)) - 1.0; // symmetric on (-1, 1)
    state[slot * STATE_STRIDE + j] = vectors[c * VECTOR_STRIDE + N_EXPERTS + j] + cell.asym * jitter;
    state[slot * STATE_STRIDE + N_EXPERTS + j] = 0.0;
  }
  for (var k = 0u; k < TALLY_STRIDE; k++) {
    tallies[slot * TALLY_STRIDE + k] = 0u;
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn advance(@builtin(global_invocation_id) gid: vec3<u32>) {
  let slot = expert_slot(gid);
  if (slot >= params.slot_end) {
    return;
  }
  let router = params.router_offset + slot;
  let c = slot / params.replicates;
  let cell = cells[c];
  let key = stream_key(expert_seed_key(), router, TAG_ROUTING);
  let inv_t = 1.0 / cell.T;
  let inv_n = 1.0 / f32(N_EXPERTS);
  let tokens = cell.B;
  let tokens_f = f32(tokens);
  let rate = cell.eta * cell.bias_rate;
  let base = slot * STATE_STRIDE;
  let tbase = slot * TALLY_STRIDE;

  var r: array<f32, N_EXPERTS>;
  var beta: array<f32, N_EXPERTS>;
  var b: array<f32, N_EXPERTS>;
  var w: array<f32, N_EXPERTS>;
  var tail: array<f32, N_EXPERTS>;
  var counts: array<u32, N_EXPERTS>;
  var sums: array<vec2<u32>, N_EXPERTS>;
  for (var j = 0u; j < N_EXPERTS; j++) {
    r[j] = state[base + j];
    beta[j] = state[base + N_EXPERTS + j];
    b[j] = vectors[c * VECTOR_STRIDE + j];
    sums[j] = load_u64(tbase + 2u * j);
  }
  var sum_max = load_u64(tbase + 2u * N_EXPERTS);
  var sum_sq = load_u64(tbase + 2u * N_EXPERTS + 2u);
  var sum_dead = load_u64(tbase + 2u * N_EXPERTS + 4u);
  var sum_dropped = load_u64(tbase + 2u * N_EXPERTS + 6u);

  for (var step = params.step_begin; step < params.step_end; step++) {
    var rng = rng_open(key, step);
    // The multinomial counts by sequential conditional binomials (experts-router.ts).
    var top = -3.0e38;
    for (var j = 0u; j < N_EXPERTS; j++) {
      w[j] = (r[j] + beta[j]) * inv_t;
      top = max(top, w[j]);
    }
    for (var j = 0u; j < N_EXPERTS; j++) {
      w[j] = exp(max(w[j] - top, -LOGIT_CAP));
    }
    var acc = 0.0;
    for (var k = 0u; k < N_EXPERTS; k++) {
      let j = N_EXPERTS - 1u - k;
      tail[j] = acc;
      acc += w[j];
    }
    var n = tokens;
    for (var j = 0u; j + 1u < N_EXPERTS; j++) {
      if (n == 0u) {
        counts[j] = 0u;
        continue;
      }
      let q = min(0.5, min(w[j], tail[j]) / (w[j] + tail[j]));
      let x = binomial_reflected(n, q, &rng);
      let nj = select(n - x, x, w[j] <= tail[j]);
      counts[j] = nj;
      n -= nj;
    }
    counts[N_EXPERTS - 1u] = n;

    let in_window = step >= params.window_begin;
    var most = 0u;
    var sq = vec2<u32>(0u, 0u);
    var dead = 0u;
    var dropped = 0u;
    for (var j = 0u; j < N_EXPERTS; j++) {
      let nj = counts[j];
      let accepted = min(nj, cell.capacity);
      dropped += nj - accepted;
      let l = f32(accepted) / tokens_f;
      r[j] = r[j] + cell.eta * (cell.a * l - cell.rho * (l - inv_n) - cell.gamma * r[j] + b[j]);
      if (cell.bias_mode != 0u) {
        let gap = inv_n - f32(nj) / tokens_f;
        beta[j] = beta[j] + rate * select(sign(gap), gap, cell.bias_mode == 1u);
      }
      if (in_window) {
        sums[j] = add_u64(sums[j], nj);
        most = max(most, nj);
        sq = add_square_u64(sq, nj);
        dead += select(0u, 1u, 10u * N_EXPERTS * nj < tokens);
      }
    }
    if (in_window) {
      sum_max = add_u64(sum_max, most);
      // sum_sq += sq (sq <= B^2 <= 2^32: a 64-bit add)
      let lo = sum_sq.x + sq.x;
      sum_sq = vec2<u32>(lo, sum_sq.y + sq.y + select(0u, 1u, lo < sq.x));
      sum_dead = add_u64(sum_dead, dead);
      sum_dropped = add_u64(sum_dropped, dropped);
    }
  }

  for (var j = 0u; j < N_EXPERTS; j++) {
    state[base + j] = r[j];
    state[base + N_EXPERTS + j] = beta[j];
    store_u64(tbase + 2u * j, sums[j]);
  }
  store_u64(tbase + 2u * N_EXPERTS, sum_max);
  store_u64(tbase + 2u * N_EXPERTS + 2u, sum_sq);
  store_u64(tbase + 2u * N_EXPERTS + 4u, sum_dead);
  store_u64(tbase + 2u * N_EXPERTS + 6u, sum_dropped);
}
