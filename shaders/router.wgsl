// The two-expert stochastic batch router, MODEL.md section 1. One invocation = one router:
//   N1 ~ Binomial(B, sigmoid(y / T)),  u_hat = (2 N1 - B) / B,
//   y <- y + eta ((a - rho) u_hat - gamma y + h).
// Needs threefry.wgsl, binomial.wgsl, router_step.wgsl (the step itself), and what
// src/core/kernels.ts prepends: the shared constants, the structs Params, Cell, State, Tally
// and the bindings params, cells, state, tallies (ROUTER_BINDINGS).
// Routers of one cell are `params.replicates` consecutive indices.
// A buffer holds the routers router_offset + slot (router_offset: a multiple of replicates),
// so its cell is cells[slot / replicates] and its random stream that of the global index.
// Tallies over the window are exact integers (64-bit as lo/hi u32 pairs), so window means
// do not depend on summation order or chunking.

override WORKGROUP_SIZE: u32 = 64u;

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
  state[slot] = State(cell.y0 + cell.asym * jitter, CROSS_NONE, CROSS_NONE);
  tallies[slot] = Tally();
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
  var y = state[slot].y;
  var cross = vec2<f32>(state[slot].crossUp, state[slot].crossDown); // ramped sweeps only
  var t = tallies[slot];
  if (params.token_mode != 0u) {
    for (var step = params.step_begin; step < params.step_end; step++) {
      var rng = rng_open(key, step);
      let q = minority_probability(router_logit(y, inv_t));
      router_advance(&y, &cross, &t, binomial_tokens(tokens, q, &rng), cell, step, step >= params.window_begin);
    }
  } else {
    // One loop iteration = one sampler attempt, not one step: a router whose candidate is
    // rejected tries again while its neighbours in the SIMD group go on to their next steps,
    // so a group runs the mean number of attempts over the dispatch rather than the
    // maximum over its lanes at every step. The words used and the values drawn are those
    // of binomial_reflected, step by step. q and the set-ups are recomputed from y at every
    // attempt rather than carried: most iterations start a step in some lane anyway.
    // The two samplers run in two loops, BTRS (n q >= 10) and inversion: a router leaves
    // its loop when a step needs the other sampler, and the outer loop alternates until all
    // steps are done. A SIMD machine (llvmpipe) runs both sides of every branch under a mask,
    // whether or not a lane takes them, and the inner loops at least once per outer
    // iteration (binomial.wgsl): with one loop holding both samplers, the inversion cost
    // llvmpipe 1.6x at B = 512 where no lane ever takes it; split, a run that stays in one
    // regime pays for its own sampler only.
    // Groups whose lanes keep crossing n q = 10 pay for both per crossing.
    var step = params.step_begin;
    var rng = rng_open(key, step);
    var tries = 0u; // the inversion's attempts at this step (BTRS counts them in rng.pair)
    loop {
      loop {
        if (step >= params.step_end) {
          break;
        }
        let q = minority_probability(router_logit(y, inv_t));
        if (tokens_f * q < BINOMIAL_INVERSION_LIMIT) {
          break; // only at the start of a step: y, hence q, is fixed within a step
        }
        let s = btrs_setup(tokens_f, q);
        var x = btrs_attempt(s, rng_pair(&rng));
        if (x < 0.0 && rng.pair == BINOMIAL_MAX_TRIES) { // rng.pair: this step's attempts
          x = s.m;
        }
        if (x >= 0.0) {
          router_advance(&y, &cross, &t, u32(x), cell, step, step >= params.window_begin);
          step += 1u;
          rng = rng_open(key, step);
        }
      }
      loop {
        if (step >= params.step_end) {
          break;
        }
        let q = minority_probability(router_logit(y, inv_t));
        if (tokens_f * q >= BINOMIAL_INVERSION_LIMIT) {
          break;
        }
        let s = inversion_setup(tokens, q);
        var x = inversion_attempt(s, tokens, uniform_fine(rng_next(&rng)));
        tries += 1u;
        if (x < 0.0 && tries == BINOMIAL_MAX_TRIES) {
          x = f32(s.bound); // binomial_inversion's answer when every walk ran out
        }
        if (x >= 0.0) {
          router_advance(&y, &cross, &t, u32(x), cell, step, step >= params.window_begin);
          step += 1u;
          rng = rng_open(key, step);
          tries = 0u;
        }
      }
      if (step >= params.step_end) {
        break;
      }
    }
  }
  state[slot].y = y;
  if (RAMP) {
    state[slot].crossUp = cross.x;
    state[slot].crossDown = cross.y;
  }
  tallies[slot] = t;
}
