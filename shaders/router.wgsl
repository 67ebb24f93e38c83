// The two-expert stochastic batch router, MODEL.md section 1. Per router and step:
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
// Two entry points advance the routers, with bit-identical results (same words, in the same
// order, and the same f32 expressions per router): advance, one router per invocation, and
// advance_pair, two per invocation sharing one BTRS exact test per loop iteration (see
// there). The host (webgpu-engine.ts, pairedAdvance) runs advance_pair where it is the faster
// on llvmpipe, every cell's B >= 128 outside token mode, and advance otherwise.

override WORKGROUP_SIZE: u32 = 64u;

// Buffers hold the routers params.router_offset + slot; a dispatch covers [slot_begin, slot_end).
fn slot_of(gid: vec3<u32>) -> u32 {
  return params.slot_begin + gid.x + gid.y * params.row_stride;
}

// advance_pair runs the routers slot_begin + 2 i and slot_begin + 2 i + 1 in invocation i.
fn pair_slot_of(gid: vec3<u32>) -> u32 {
  return params.slot_begin + 2u * (gid.x + gid.y * params.row_stride);
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

// ---- advance_pair: two routers per invocation, sharing one exact test per iteration.
//
// llvmpipe runs a SIMD group of 8 invocations in lockstep and executes every if/else block and
// select operand for all lanes in every loop iteration, taken or not (binomial.wgsl). In
// advance, one iteration is one BTRS attempt, ~600 x86 instructions, of which btrs_exact is
// ~35%; a lane needs the exact test in ~1/3 of its attempts (B = 512), so nearly every
// iteration of a group pays for it. Here an invocation carries routers A and B (slots
// slot_begin + 2 i and + 2 i + 1; i's B is absent at an odd end) and an iteration makes an
// attempt for each, everything twice except the exact test: it runs once, for one candidate
// that missed the quick squeeze, B's if B's waited at the previous iteration, else A's, else
// B's. A candidate that needs the test and does not get it waits: its pair is given back
// (rng.pair -= 1) and drawn again, the same candidate, at the next iteration, which serves
// it first (first_b). So each router draws its stream's pairs in order and decides each
// attempt by the expressions of btrs_attempt, binomial_btrs' BINOMIAL_MAX_TRIES fallback
// included: its words and values are those of advance, attempt by attempt, whatever its
// partner does. The inversion loop (n q < 10) walks both routers' tails in one loop; a router
// in the other regime, or done, idles in each loop (as a lane of advance does in a group).
// Every iteration settles one attempt at least, so an invocation runs at most twice
// advance's iterations (the host's LOOP_ITERATION_BUDGET accounting).
// Measured on llvmpipe (Mesa, 8 lanes, 2 threads; 65536 routers; 300-step advances of the old
// and the new host + kernel interleaved, paired median ratio over 10-20 pairs; 2026-12-02).
// A BTRS iteration is ~1030 x86 instructions for two attempts (advance: 601 for one; keeping
// the waiting candidate's k, us, v instead of drawing it again: ~985, no faster within the
// +-3% noise). A router-step costs 0.66 iterations (advance: 1.20), 10% above half from the
// attempts that waited, and a group runs 4.7% above its lanes' mean (advance: 3.7%).
// Speed-ups over advance: B = 512 (a = 3, T = 2.2) 1.08 (~138 -> ~148 M router-steps/s),
// B = 256 1.06, B = 4096 1.15, collapsed routers (B = 512, T = 0.3: inversion) 1.24; B = 128
// to 192 0.99-1.04. At B = 64 the exact test is needed in 0.56 of the attempts, its one slot
// per iteration is saturated, 26% of the attempts wait, and the pair ran 0.95-0.96x: hence
// the host's B >= 128.

// One router's state within advance_pair: y, the ramp's crossings, the tallies, its step, its
// stream (rng.pair: this step's BTRS attempts) and the inversion's attempts at this step.
struct Router {
  y: f32,
  cross: vec2<f32>,
  t: Tally,
  step: u32,
  rng: Rng,
  tries: u32,
}

fn router_load(slot: u32, key: vec2<u32>) -> Router {
  return Router(state[slot].y, vec2<f32>(state[slot].crossUp, state[slot].crossDown), tallies[slot],
                params.step_begin, rng_open(key, params.step_begin), 0u);
}

fn router_store(slot: u32, r: Router) {
  state[slot].y = r.y;
  if (RAMP) {
    state[slot].crossUp = r.cross.x;
    state[slot].crossDown = r.cross.y;
  }
  tallies[slot] = r.t;
}

// The step's draw x is known: apply it (router_advance, RAMP included) and open the next step.
fn router_take(r: ptr<function, Router>, x: f32, cell: Cell) {
  var y = (*r).y;
  var cross = (*r).cross;
  var t = (*r).t;
  router_advance(&y, &cross, &t, u32(x), cell, (*r).step, (*r).step >= params.window_begin);
  (*r).y = y;
  (*r).cross = cross;
  (*r).t = t;
  (*r).step += 1u;
  (*r).rng = rng_open((*r).rng.key, (*r).step);
  (*r).tries = 0u;
}

// btrs_attempt up to the exact test, from the router's next pair: k (-1: outside [0, n], rejected),
// us, v, and whether the attempt is decided without btrs_exact (rejected or squeeze-accepted).
struct Candidate {
  k: f32, us: f32, v: f32, squeeze: bool,
}

fn btrs_draw(r: ptr<function, Router>, s: BtrsSetup) -> Candidate {
  let words = rng_pair(&(*r).rng);
  let u = uniform_grid(words.x) - 0.5;
  let v = uniform_fine(words.y);
  let us = 0.5 - abs(u);
  let k = floor((s.two_a / us + s.b) * u + s.c);
  let valid = k >= 0.0 && k <= s.nf;
  return Candidate(select(-1.0, k, valid), us, v, !valid || (us >= BTRS_US_MIN && v <= s.v_r));
}

// a's or b's set-up, field by field (WGSL's select takes no structs)
fn pick_setup(a: BtrsSetup, b: BtrsSetup, use_b: bool) -> BtrsSetup {
  return BtrsSetup(select(a.nf, b.nf, use_b), select(a.q, b.q, use_b), select(a.a, b.a, use_b), select(a.b, b.b, use_b),
                   select(a.m, b.m, use_b), select(a.alpha, b.alpha, use_b), select(a.two_a, b.two_a, use_b),
                   select(a.c, b.c, use_b), select(a.v_r, b.v_r, use_b));
}

// A BTRS attempt's outcome x (-1: rejected): after BINOMIAL_MAX_TRIES rejections the mode
// instead, as binomial_btrs; a draw ends the step.
fn btrs_resolve(r: ptr<function, Router>, x0: f32, s: BtrsSetup, cell: Cell) {
  var x = x0;
  if (x < 0.0 && (*r).rng.pair == BINOMIAL_MAX_TRIES) { // rng.pair: this step's attempts
    x = s.m;
  }
  if (x >= 0.0) {
    router_take(r, x, cell);
  }
}

// An inversion walk's outcome x (-1: ran out): after BINOMIAL_MAX_TRIES walks that ran out the
// bound instead, as binomial_inversion; a draw ends the step.
fn inversion_resolve(r: ptr<function, Router>, x0: f32, s: InversionSetup, cell: Cell) {
  var x = x0;
  (*r).tries += 1u;
  if (x < 0.0 && (*r).tries == BINOMIAL_MAX_TRIES) {
    x = f32(s.bound);
  }
  if (x >= 0.0) {
    router_take(r, x, cell);
  }
}

fn wants_btrs(r: Router, tokens_f: f32, q: f32) -> bool {
  return r.step < params.step_end && tokens_f * q >= BINOMIAL_INVERSION_LIMIT;
}

fn wants_inversion(r: Router, tokens_f: f32, q: f32) -> bool {
  return r.step < params.step_end && tokens_f * q < BINOMIAL_INVERSION_LIMIT;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn advance_pair(@builtin(global_invocation_id) gid: vec3<u32>) {
  let slot_a = pair_slot_of(gid);
  if (slot_a >= params.slot_end) {
    return;
  }
  let has_b = slot_a + 1u < params.slot_end;
  let slot_b = select(slot_a, slot_a + 1u, has_b);
  let cell_a = cells[slot_a / params.replicates];
  let cell_b = cells[slot_b / params.replicates];
  let inv_ta = 1.0 / cell_a.T;
  let inv_tb = 1.0 / cell_b.T;
  let tokens_a = cell_a.B;
  let tokens_b = cell_b.B;
  let tokens_fa = f32(tokens_a);
  let tokens_fb = f32(tokens_b);
  var ra = router_load(slot_a, stream_key(seed_key(), params.router_offset + slot_a, TAG_ROUTING));
  var rb = router_load(slot_b, stream_key(seed_key(), params.router_offset + slot_b, TAG_ROUTING));
  if (!has_b) {
    rb.step = params.step_end; // no router B: nothing to run
  }
  var first_b = false; // B's candidate waited for the exact test: B has it first
  loop {
    loop {
      let qa = minority_probability(router_logit(ra.y, inv_ta));
      let qb = minority_probability(router_logit(rb.y, inv_tb));
      let go_a = wants_btrs(ra, tokens_fa, qa);
      let go_b = wants_btrs(rb, tokens_fb, qb);
      if (!go_a && !go_b) {
        break;
      }
      let sa = btrs_setup(tokens_fa, qa);
      let sb = btrs_setup(tokens_fb, qb);
      var ca = Candidate(-1.0, 1.0, 1.0, true);
      var cb = Candidate(-1.0, 1.0, 1.0, true);
      if (go_a) {
        ca = btrs_draw(&ra, sa);
      }
      if (go_b) {
        cb = btrs_draw(&rb, sb);
      }
      // one exact test: B's when B waited last iteration, else A's, else B's. A candidate that
      // needs the test and does not get it is given back (its pair is drawn again next time).
      let need_a = !ca.squeeze;
      let need_b = !cb.squeeze;
      let serve_b = need_b && (first_b || !need_a);
      let wait_a = need_a && serve_b;
      let wait_b = need_b && !serve_b && need_a;
      first_b = wait_b;
      let k = select(ca.k, cb.k, serve_b);
      let ok = btrs_exact(pick_setup(sa, sb, serve_b), k, select(ca.us, cb.us, serve_b), select(ca.v, cb.v, serve_b));
      var xa = select(-1.0, ca.k, ok || ca.squeeze);
      var xb = select(-1.0, cb.k, ok || cb.squeeze);
      if (wait_a) {
        ra.rng.pair -= 1u;
      }
      if (wait_b) {
        rb.rng.pair -= 1u;
      }
      if (go_a && !wait_a) {
        btrs_resolve(&ra, xa, sa, cell_a);
      }
      if (go_b && !wait_b) {
        btrs_resolve(&rb, xb, sb, cell_b);
      }
    }
    loop {
      let qa = minority_probability(router_logit(ra.y, inv_ta));
      let qb = minority_probability(router_logit(rb.y, inv_tb));
      let go_a = wants_inversion(ra, tokens_fa, qa);
      let go_b = wants_inversion(rb, tokens_fb, qb);
      if (!go_a && !go_b) {
        break;
      }
      let sa = inversion_setup(tokens_a, qa);
      let sb = inversion_setup(tokens_b, qb);
      var ua = 2.0; // above every tail: no walk
      var ub = 2.0;
      if (go_a) {
        ua = uniform_fine(rng_next(&ra.rng));
      }
      if (go_b) {
        ub = uniform_fine(rng_next(&rb.rng));
      }
      // inversion_attempt for both walks in one loop, two terms of each per pass
      var fa = sa.f0;
      var taila = sa.s0;
      var ka = 0u;
      var fb = sb.f0;
      var tailb = sb.s0;
      var kb = 0u;
      while ((ua < taila && ka < sa.bound) || (ub < tailb && kb < sb.bound)) {
        if (ua < taila && ka < sa.bound) {
          ka += 1u;
          fa *= sa.odds * f32(tokens_a - ka + 1u) / f32(ka);
          taila -= fa;
        }
        if (ub < tailb && kb < sb.bound) {
          kb += 1u;
          fb *= sb.odds * f32(tokens_b - kb + 1u) / f32(kb);
          tailb -= fb;
        }
        if (ua < taila && ka < sa.bound) {
          ka += 1u;
          fa *= sa.odds * f32(tokens_a - ka + 1u) / f32(ka);
          taila -= fa;
        }
        if (ub < tailb && kb < sb.bound) {
          kb += 1u;
          fb *= sb.odds * f32(tokens_b - kb + 1u) / f32(kb);
          tailb -= fb;
        }
      }
      if (go_a) {
        inversion_resolve(&ra, select(-1.0, f32(ka), ua >= taila), sa, cell_a);
      }
      if (go_b) {
        inversion_resolve(&rb, select(-1.0, f32(kb), ub >= tailb), sb, cell_b);
      }
    }
    if (ra.step >= params.step_end && rb.step >= params.step_end) {
      break;
    }
  }
  router_store(slot_a, ra);
  if (has_b) {
    router_store(slot_b, rb);
  }
}
