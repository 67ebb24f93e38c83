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
//
// How a step runs (the values are those of binomial_reflected per draw, draw by draw: the same
// words in the same order, the same f32 expressions, so results are bit-identical to one
// binomial_reflected call per expert). The N - 1 conditional binomials are drawn by sampler
// attempts, not by calls: one loop iteration is one attempt of a lane's current draw, so a
// router whose BTRS candidate is rejected retries while its neighbours in the SIMD group go on
// to their next experts (as router.wgsl does across steps), and a group runs the maximum over
// its lanes of the attempts of a whole step rather than, expert by expert, the maximum of each
// draw's attempts. Lanes meet again at the end of the step (the update and the next step's
// softmax are O(N) per router, too dear to run masked in every iteration). llvmpipe executes
// every if/else block in full under a mask, taken or not, and every loop body at least once,
// testing for live lanes only at the end of a pass (a break at the head masks the rest of the
// body, which still runs). So the attempts are split in two loops, BTRS and inversion, entered
// in turn by the lanes that need them (an if around each), and each loop tests its exit at the
// end of its body, for the draw it moves to: a loop ends with its last attempt, not with a
// masked pass more, and a step with only BTRS draws runs one masked pass of the inversion loop
// (1.07x at N = 8, B = 512, median of 10 interleaved pairs, over exit tests at the head, which
// cost one dead pass of each loop per step). Other costs met (each measured side by side on
// llvmpipe, 2026-12-01): the per-lane expert index j would make every array access a gather
// and every store a branchy per-lane scatter, so for N <= SELECT_ACCESS_LIMIT the arrays are
// read and written by compare-and-select over constant indices (the loops unroll, the arrays
// live in registers); the next BTRS attempt's Threefry block is computed one attempt ahead,
// off the chain from one decision to the next. The exact test is binomial.wgsl's, written
// for that masked execution (no Stirling-table gather, no select that BTRS's range decides);
// this kernel's former copy had only the terms in m simplified and read S(k) and S(n - k) by
// two gathers.
// The two together: 1.10x at N = 8 (median of 10 pairs; ~12.2 -> ~13.4 M router-steps/s).

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

// ---- One draw's sampler in attempts: binomial.wgsl's btrs_setup and btrs_attempt,
// inversion_setup and inversion_attempt, attempt by attempt.

// The count of a draw of n from its sample x: x, or n - x for a reflected draw (qv < 0, the
// sign bit of the prepass's signed q).
fn draw_count(n: u32, x: f32, qv: f32) -> u32 {
  let xi = u32(max(x, 0.0));
  return select(n - xi, xi, bitcast<u32>(qv) < 0x80000000u);
}

// Up to this many experts, per-lane indexed reads and writes of the function-scope arrays
// (qs, counts) are compare-and-select loops over constant indices: N - 1 selects where a
// dynamic index costs a gather, and a store a per-lane branchy scatter, on llvmpipe. Above,
// the loops would not unroll and the selects would gather anyway.
const SELECT_ACCESS_LIMIT: u32 = 16u;
const SELECT_ACCESS: bool = N_EXPERTS <= SELECT_ACCESS_LIMIT;

// The signed q of draw j, read as SELECT_ACCESS says (j = N - 1, past the last draw: some
// entry, unused).
fn draw_q(qs: ptr<function, array<f32, N_EXPERTS>>, j: u32) -> f32 {
  if (SELECT_ACCESS) {
    var qv = (*qs)[0];
    for (var i = 1u; i + 1u < N_EXPERTS; i++) {
      qv = select(qv, (*qs)[i], j == i);
    }
    return qv;
  }
  return (*qs)[j];
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
  var logit: array<f32, N_EXPERTS>;
  var qs: array<f32, N_EXPERTS>;
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
    // The multinomial counts by sequential conditional binomials (experts-router.ts): w_j =
    // exp(max(s_j - max s, -LOGIT_CAP)), tail_j = sum_(i > j) w_i summed from the last expert,
    // and expert j's draw q_j = min(0.5, min(w_j, tail_j) / (w_j + tail_j)), kept with the sign
    // of the reflection (negative: the draw counts n - x).
    var top = -3.0e38;
    for (var j = 0u; j < N_EXPERTS; j++) {
      logit[j] = (r[j] + beta[j]) * inv_t;
      top = max(top, logit[j]);
    }
    var acc = 0.0;
    for (var k = 0u; k < N_EXPERTS; k++) {
      let j = N_EXPERTS - 1u - k;
      let w = exp(max(logit[j] - top, -LOGIT_CAP));
      let q = min(0.5, min(w, acc) / (w + acc));
      qs[j] = select(-q, q, w <= acc);
      acc += w;
    }

    // Draws j = 0 .. N - 2 from the step's stream (rng_open(key, step) in words: pair is the
    // next Threefry counter, held the y word left by an inversion attempt when used == 1); a
    // draw with n = 0 takes no words and ends the step (every later count is 0). tries counts
    // the current draw's attempts for the BINOMIAL_MAX_TRIES fallbacks.
    var j = 0u;
    var n = tokens;
    var pair = 0u;
    var used = 2u;
    var held = 0u;
    var tries = 0u;
    loop {
      // BTRS attempts (n q >= BINOMIAL_INVERSION_LIMIT), one per iteration; next: the words of
      // the following attempt, computed one attempt ahead. Each loop tests its exit at the end
      // of its body, for the draw it moves to, and is entered only by the lanes that need it
      // (see the head of this file).
      var next = threefry2x32_20(vec2<u32>(step, pair), key);
      var qv = draw_q(&qs, j);
      if (j + 1u < N_EXPERTS && n != 0u && f32(n) * abs(qv) >= BINOMIAL_INVERSION_LIMIT) {
        loop {
          let q = abs(qv);
          let nf = f32(n);
          let fresh = next; // rng_pair: a held y word is dropped
          pair += 1u;
          next = threefry2x32_20(vec2<u32>(step, pair), key);
          used = 2u;
          tries += 1u;
          let setup = btrs_setup(nf, q);
          var x = btrs_attempt(setup, fresh);
          if (x < 0.0 && tries == BINOMIAL_MAX_TRIES) {
            x = setup.m;
          }
          // Storing the count is written out here and in the inversion loop: a function taking
          // counts by pointer ran 10x slower at N = 64 and 1.25x at N = 8 on llvmpipe (measured
          // 2026-12-02; the array is then copied in and out of every call).
          let take = x >= 0.0;
          let nj = draw_count(n, x, qv);
          if (SELECT_ACCESS) {
            for (var i = 0u; i + 1u < N_EXPERTS; i++) {
              counts[i] = select(counts[i], nj, take && j == i);
            }
          } else if (take) {
            counts[j] = nj;
          }
          if (take) {
            n -= nj;
            j += 1u;
            tries = 0u;
          }
          qv = draw_q(&qs, j);
          if (j + 1u >= N_EXPERTS || n == 0u || f32(n) * abs(qv) < BINOMIAL_INVERSION_LIMIT) {
            break;
          }
        }
      }
      // Inversion attempts (n q < BINOMIAL_INVERSION_LIMIT), each from one word (rng_next).
      qv = draw_q(&qs, j);
      if (j + 1u < N_EXPERTS && n != 0u && f32(n) * abs(qv) < BINOMIAL_INVERSION_LIMIT) {
        loop {
          let q = abs(qv);
          // rng_next: the held y, else x of a fresh pair (its y held)
          let had = used == 1u;
          let fresh = threefry2x32_20(vec2<u32>(step, pair), key);
          let word = select(fresh.x, held, had);
          pair += select(1u, 0u, had);
          held = fresh.y;
          used = select(1u, 2u, had);
          tries += 1u;
          let setup = inversion_setup(n, q);
          var x = inversion_attempt(setup, n, uniform_fine(word));
          if (x < 0.0 && tries == BINOMIAL_MAX_TRIES) {
            x = f32(setup.bound);
          }
          let take = x >= 0.0;
          let nj = draw_count(n, x, qv);
          if (SELECT_ACCESS) {
            for (var i = 0u; i + 1u < N_EXPERTS; i++) {
              counts[i] = select(counts[i], nj, take && j == i);
            }
          } else if (take) {
            counts[j] = nj;
          }
          if (take) {
            n -= nj;
            j += 1u;
            tries = 0u;
          }
          qv = draw_q(&qs, j);
          if (j + 1u >= N_EXPERTS || n == 0u || f32(n) * abs(qv) >= BINOMIAL_INVERSION_LIMIT) {
            break;
          }
        }
      }
      if (j + 1u >= N_EXPERTS || n == 0u) {
        break;
      }
    }

    // Counts: draws 0 .. j - 1 in counts, the remainder n to the last expert (0 to every
    // expert from j on when n ran out).
    let in_window = step >= params.window_begin;
    var most = 0u;
    var sq = vec2<u32>(0u, 0u);
    var dead = 0u;
    var dropped = 0u;
    for (var k = 0u; k < N_EXPERTS; k++) {
      let nj = select(select(0u, n, k == N_EXPERTS - 1u), counts[k], k < j);
      let accepted = min(nj, cell.capacity);
      dropped += nj - accepted;
      let l = f32(accepted) / tokens_f;
      r[k] = r[k] + cell.eta * (cell.a * l - cell.rho * (l - inv_n) - cell.gamma * r[k] + b[k]);
      if (cell.bias_mode != 0u) {
        let gap = inv_n - f32(nj) / tokens_f;
        beta[k] = beta[k] + rate * select(sign(gap), gap, cell.bias_mode == 1u);
      }
      if (in_window) {
        sums[k] = add_u64(sums[k], nj);
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
