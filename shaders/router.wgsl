// The two-expert stochastic batch router, MODEL.md section 1. One invocation = one router:
//   N1 ~ Binomial(B, sigmoid(y / T)),  u_hat = (2 N1 - B) / B,
//   y <- y + eta ((a - rho) u_hat - gamma y + h).
// Needs philox.wgsl, binomial.wgsl and the structs Params, Cell, Tally (generated from
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
  var rng = rng_open(seed_key(), router, 0u, TAG_INITIAL);
  let jitter = 2.0 * uniform_grid(rng_next(&rng)) - 1.0; // symmetric on (-1, 1)
  state[slot] = cell.y0 + cell.asym * jitter;
  tallies[slot] = Tally(0u, 0u, 0u, 0u, 0u, 0u);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn advance(@builtin(global_invocation_id) gid: vec3<u32>) {
  let slot = slot_of(gid);
  if (slot >= params.slot_end) {
    return;
  }
  let router = params.router_offset + slot;
  let cell = cells[slot / params.replicates];
  let a_eff = cell.a - cell.rho;
  let inv_t = 1.0 / cell.T;
  let tokens = cell.B;
  let tokens_f = f32(tokens);
  var y = state[slot];
  var t = tallies[slot];
  for (var step = params.step_begin; step < params.step_end; step++) {
    var rng = rng_open(seed_key(), router, step, TAG_ROUTING);
    // Reflect: q = min(p, 1 - p) = sigmoid(-|y| / T), accurate even for tiny q.
    let q = 1.0 / (1.0 + exp(min(abs(y) * inv_t, LOGIT_CAP)));
    var x: u32;
    if (params.token_mode != 0u) {
      x = binomial_tokens(tokens, q, &rng);
    } else {
      x = binomial_reflected(tokens, q, &rng);
    }
    let n1 = select(x, tokens - x, y > 0.0); // y > 0 means p > 1/2: x counted expert 2
    let d = i32(2u * n1) - i32(tokens);      // B u_hat
    let u_hat = f32(d) / tokens_f;
    y = y + cell.eta * (a_eff * u_hat - cell.gamma * y + cell.h);
    if (step >= params.window_begin) {
      let ad = u32(abs(d));
      var lo = t.n1_lo + n1;
      t.n1_hi += select(0u, 1u, lo < n1);
      t.n1_lo = lo;
      lo = t.abs_lo + ad;
      t.abs_hi += select(0u, 1u, lo < ad);
      t.abs_lo = lo;
      let sq_lo = ad * ad;                   // d^2 can reach 2^32 at B = 65536: 64-bit
      lo = t.sq_lo + sq_lo;
      t.sq_hi += mulhi32(ad, ad) + select(0u, 1u, lo < sq_lo);
      t.sq_lo = lo;
    }
  }
  state[slot] = y;
  tallies[slot] = t;
}
