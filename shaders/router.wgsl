// The two-expert stochastic batch router, MODEL.md section 1. One invocation = one router:
//   N1 ~ Binomial(B, sigmoid(y / T)),  u_hat = (2 N1 - B) / B,
//   y <- y + eta ((a - rho) u_hat - gamma y + h).
// Needs threefry.wgsl, binomial.wgsl and the structs Params, Cell, Tally (generated from
// src/core/layout.ts). Routers of one cell are `params.replicates` consecutive indices.
// A buffer holds the routers router_offset + slot (router_offset: a multiple of replicates),
// so its cell is cells[slot / replicates] and its random stream that of the global index.
// Tallies over the window are exact integers (64-bit as lo/hi u32 pairs), so window means
// do not depend on summation order or chunking.

override WORKGROUP_SIZE: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> cells: array<Cell>;
@group(0) @binding(2) var<storage, read_write> state: array<f32>;
@group(0) @binding(3) var<storage, read_write> tallies: array<Tally>;

// z = |y| / T is capped where exp(z) would overflow f32; sigmoid(-80) < 2e-35 is 0 in effect.
const LOGIT_CAP: f32 = 80.0;

// Buffers hold the routers params.router_offset + slot; a dispatch covers [slot_begin, slot_end).
fn slot_of(gid: vec3<u32>) -> u32 {
  return params.slot_begin + gid.x + gid.y * params.row_stride;
}

fn seed_key() -> vec2<u32> {
  return vec2<u32>(params.seed_lo, params.seed_hi);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn initialize(@builtin(global_invocation_id) gid: vec3<u32>) {
  let slot = slot_of(gid);
  if (slot >= params.slot_end) {
    return;
  }
  let router = params.router_offset + slot;
  let cell = cells[slot / params.replicates];
  var rng = rng_open(stream_key(seed_key(), router, TAG_INITIAL), 0u);
  let jitter = 2.0 * uniform_grid(rng_next(&rng)) - 1.0; // symmetric on (-1, 1)
  state[slot] = cell.y0 + cell.asym * jitter;
  tallies[slot] = Tally(0u, 0u, 0u, 0u, 0u, 0u);
}

// Step `step` of a router drew x = min(N1, B - N1): apply it to y and, inside the window, to
// the exact tallies.
fn record_step(y: ptr<function, f32>, t: ptr<function, Tally>, x: u32, cell: Cell, step: u32) {
  let tokens = cell.B;
  let n1 = select(x, tokens - x, *y > 0.0); // y > 0 means p > 1/2: x counted expert 2
  let d = i32(2u * n1) - i32(tokens);       // B u_hat
  let u_hat = f32(d) / f32(tokens);
  *y = *y + cell.eta * ((cell.a - cell.rho) * u_hat - cell.gamma * *y + cell.h);
  if (step >= params.window_begin) {
    let ad = u32(abs(d));
    var lo = (*t).n1_lo + n1;
    (*t).n1_hi += select(0u, 1u, lo < n1);
    (*t).n1_lo = lo;
    lo = (*t).abs_lo + ad;
    (*t).abs_hi += select(0u, 1u, lo < ad);
    (*t).abs_lo = lo;
    // d^2 < 2^32 except d^2 = 2^32 at |d| = B = 65536 (its low word 0): 64-bit sums
    let sq_lo = ad * ad;
    lo = (*t).sq_lo + sq_lo;
    (*t).sq_hi += select(0u, 1u, ad >= 65536u) + select(0u, 1u, lo < sq_lo);
    (*t).sq_lo = lo;
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn advance(@builtin(global_invocation_id) gid: vec3<u32>) {
  let slot = slot_of(gid);
  if (slot >= params.slot_end) {
    return;
  }
  let router = params.router_offset + slot;
  let cell = cells[slot / params.replicates];
  let inv_t = 1.0 / cell.T;
  let tokens = cell.B;
  let tokens_f = f32(tokens);
  let key = stream_key(seed_key(), router, TAG_ROUTING);
  var y = state[slot];
  var t = tallies[slot];
  if (params.token_mode != 0u) {
    for (var step = params.step_begin; step < params.step_end; step++) {
      var rng = rng_open(key, step);
      let q = 1.0 / (1.0 + exp(min(abs(y) * inv_t, LOGIT_CAP)));
      record_step(&y, &t, binomial_tokens(tokens, q, &rng), cell, step);
    }
  } else {
    // One loop iteration = one sampler attempt, not one step: a router whose candidate is
    // rejected tries again while its neighbours in the SIMD group go on to their next steps,
    // so a group runs the mean number of attempts over the dispatch rather than the
    // maximum over its lanes at every step. The words used and the values drawn are those
    // of binomial_reflected, step by step. q and the BTRS set-up are recomputed from y at
    // every attempt rather than carried: most iterations start a step in some lane anyway.
    var step = params.step_begin;
    var rng = rng_open(key, step);
    loop {
      if (step >= params.step_end) {
        break;
      }
      let q = 1.0 / (1.0 + exp(min(abs(y) * inv_t, LOGIT_CAP)));
      var x: f32;
      if (tokens_f * q < BINOMIAL_INVERSION_LIMIT) {
        x = f32(binomial_inversion(tokens, q, &rng));
      } else {
        let s = btrs_setup(tokens_f, q);
        x = btrs_attempt(s, rng_pair(&rng));
        if (x < 0.0 && rng.pair == BINOMIAL_MAX_TRIES) { // rng.pair: this step's attempts
          x = s.m;
        }
      }
      if (x >= 0.0) {
        record_step(&y, &t, u32(x), cell, step);
        step += 1u;
        rng = rng_open(key, step);
      }
    }
  }
  state[slot] = y;
  tallies[slot] = t;
}
