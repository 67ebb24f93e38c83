// SGD on the digits model of MODEL.md section 6 (sec. 8.3), one workgroup per model; twin:
// src/core/training/digits.ts (its flat layout: [w_1 (64), w_2 (64), c_1, c_2, expert 1,
// expert 2] or [expert 1], an expert [V (H x 64), v (H), U (10 x H), u (10)]), f32 here.
// Needs threefry.wgsl, train_common.wgsl and what src/core/kernels.ts prepends: the shared
// constants, TrainParams, TrainCell, TRAIN_DIGITS_BINDINGS (params, cells, weights: model-major
// f32 parameters, pixels: 64 per row of the training rows then the evaluation sets, labels,
// out) and the constants HIDDEN (H), EXPERTS (1 or 2), WG (workgroup size, dividing 64) and
// ROWS (batch rows per invocation and tile).
//
// Why a workgroup per model: a model has 75 H + 10 parameters per expert (750 at H = 4 with
// two experts), too many for one invocation's registers. A step runs in two phases per tile
// of TILE = WG ROWS batch rows, reading the model's parameters at workgroup-uniform addresses:
//   rows:        invocation t takes the tile's rows r WG + t (r < ROWS): their pixels into
//                registers, the router, both experts' forward pass, the softmax, and the
//                backward pass down to what the gradient needs per row (the record below, in
//                workgroup memory); each parameter it loads serves its ROWS rows;
//   parameters:  invocation t owns pixels t + j WG, i.e. the weights V_e[.][k], w_1[k],
//                w_2[k], and the gradient of each is a sum over the tile's rows of
//                (a record entry) x (pixel k); the other parameters (v, U, u, c: SMALL of
//                them) are sums of products of two record entries, spread over invocations.
// The sums run over the rows in a fixed order, so the result does not depend on dispatches.
// Loops over experts, hidden units and classes take their bounds from the uniforms (the same
// values as EXPERTS, HIDDEN, CLASSES): a compiler that sees a constant trip count unrolls them,
// and llvmpipe then compiled H = 16 (one expert) in 80 s instead of 5.6 s, and ran no faster.
// The alternative, one invocation per model with the twin's loop order (parameters and
// gradient in storage), measured on llvmpipe within ~30% of this (7-8k against 6-7.5k
// model-steps per CPU-second at H = 4, two experts, B = 32), but on a GPU it streams each
// model's parameters from memory for every row instead of sharing them across a workgroup.
// ROWS trades registers for loads: on a GPU, ROWS = 1 and a workgroup of 32-64; on llvmpipe,
// where a load at a uniform address inside a loop still costs a per-lane gather, one SIMD
// group (WG = 8) with ROWS = 2 (digitsGeometry in kernels.ts; measured there).
// The straight-through estimator in training: c_e = [g = e] in value (p - stopgrad(p) = 0),
// the router's gradient through p: dL/dp_1 = sum_m dL/dq_m (o_1m - o_2m) + the penalty's.

const DIM: u32 = 64u;
const DIM4: u32 = 16u;
const CLASSES: u32 = 10u;
const ROUTED: bool = EXPERTS == 2u;
const ROUTER_SIZE: u32 = select(0u, 2u * DIM + 2u, ROUTED);
const EXPERT_SIZE: u32 = DIM * HIDDEN + HIDDEN + CLASSES * HIDDEN + CLASSES;
const OFF_BIAS_V: u32 = DIM * HIDDEN; // v
const OFF_U: u32 = OFF_BIAS_V + HIDDEN; // U (10 x H)
const OFF_BIAS_U: u32 = OFF_U + CLASSES * HIDDEN; // u
const SIZE: u32 = ROUTER_SIZE + EXPERTS * EXPERT_SIZE;
const EH: u32 = EXPERTS * HIDDEN;
const EC: u32 = EXPERTS * CLASSES;
const PIX: u32 = DIM / WG;
const TILE: u32 = WG * ROWS;
// A row's record: [1, dL/d(z_1 - z_2), then per expert e from 2 + e REC_EXPERT: the hidden
// activations a (H), dL/do_e = c_e dL/dq (10), dL/d(pre-activation) (H)].
const REC_EXPERT: u32 = 2u * HIDDEN + CLASSES;
const REC: u32 = 2u + EXPERTS * REC_EXPERT;
const REC_ACT: u32 = 2u;
const REC_GQ: u32 = 2u + HIDDEN;
const REC_DPRE: u32 = 2u + HIDDEN + CLASSES;
const SMALL_EXPERT: u32 = HIDDEN + CLASSES * HIDDEN + CLASSES;
const SMALL: u32 = EXPERTS * SMALL_EXPERT + select(0u, 1u, ROUTED);
const SMALL_PER: u32 = (SMALL + WG - 1u) / WG;

var<workgroup> s_rec: array<f32, TILE * REC>;
var<workgroup> s_row: array<u32, TILE>;
var<workgroup> s_red: array<f32, 4u * WG>;

// An invocation's rows of a tile: pixels (DIM4 vec4 per row), hidden activations, logits.
alias Pixels = array<vec4<f32>, ROWS * DIM4>;
alias PerRow = array<f32, ROWS>;

fn slot_of(wid: vec3<u32>) -> u32 {
  return params.model_begin + wid.x + wid.y * params.row_stride;
}

fn w4(at: u32) -> vec4<f32> {
  return vec4<f32>(weights[at], weights[at + 1u], weights[at + 2u], weights[at + 3u]);
}

fn load_row(x: ptr<function, Pixels>, r: u32, row: u32) {
  let at = row * DIM;
  for (var q = 0u; q < DIM4; q++) {
    let i = at + 4u * q;
    (*x)[r * DIM4 + q] = vec4<f32>(pixels[i], pixels[i + 1u], pixels[i + 2u], pixels[i + 3u]);
  }
}

// z_1 - z_2 = (w_1 - w_2) . x + c_1 - c_2 + h of each row
fn gap(base: u32, x: ptr<function, Pixels>, h: f32) -> PerRow {
  var s: PerRow;
  let c = weights[base + 2u * DIM] - weights[base + 2u * DIM + 1u] + h;
  for (var r = 0u; r < ROWS; r++) {
    s[r] = c;
  }
  for (var q = 0u; q < DIM4; q++) {
    let w = w4(base + 4u * q) - w4(base + DIM + 4u * q);
    for (var r = 0u; r < ROWS; r++) {
      s[r] += dot(w, (*x)[r * DIM4 + q]);
    }
  }
  return s;
}

// tanh without overflow: sign(s) (1 - e) / (1 + e), e = exp(-2 |s|) (absolute error ~1e-7)
fn tanh_f(s: f32) -> f32 {
  let e = exp(-2.0 * abs(s));
  return sign(s) * (1.0 - e) / (1.0 + e);
}

fn expert_base(base: u32, e: u32) -> u32 {
  return base + ROUTER_SIZE + e * EXPERT_SIZE;
}

// Both experts on the rows: act[r EH + e H + j], o[r EC + e 10 + m].
fn experts_forward(base: u32, x: ptr<function, Pixels>, act: ptr<function, array<f32, ROWS * EH>>, o: ptr<function, array<f32, ROWS * EC>>) {
  for (var e = 0u; e < params.experts; e++) {
    let eb = expert_base(base, e);
    for (var j = 0u; j < params.hidden; j++) {
      var s: PerRow;
      let bias = weights[eb + OFF_BIAS_V + j];
      for (var r = 0u; r < ROWS; r++) {
        s[r] = bias;
      }
      let w = eb + j * DIM;
      for (var q = 0u; q < DIM4; q++) {
        let v = w4(w + 4u * q);
        for (var r = 0u; r < ROWS; r++) {
          s[r] += dot(v, (*x)[r * DIM4 + q]);
        }
      }
      for (var r = 0u; r < ROWS; r++) {
        (*act)[r * EH + e * HIDDEN + j] = tanh_f(s[r]);
      }
    }
    for (var m = 0u; m < params.classes; m++) {
      var s: PerRow;
      let bias = weights[eb + OFF_BIAS_U + m];
      for (var r = 0u; r < ROWS; r++) {
        s[r] = bias;
      }
      let w = eb + OFF_U + m * HIDDEN;
      for (var j = 0u; j < params.hidden; j++) {
        let u = weights[w + j];
        for (var r = 0u; r < ROWS; r++) {
          s[r] += u * (*act)[r * EH + e * HIDDEN + j];
        }
      }
      for (var r = 0u; r < ROWS; r++) {
        (*o)[r * EC + e * CLASSES + m] = s[r];
      }
    }
  }
}

@compute @workgroup_size(WG)
fn initialize(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let slot = slot_of(wid);
  if (slot >= params.model_end) {
    return;
  }
  let key = stream_key(seed_key(), params.model_offset + slot, TAG_TRAIN_INIT);
  for (var k = t; k < SIZE; k += WG) {
    // word k of the stream: x or y of pair k / 2 (rng_next's order)
    let pair = threefry2x32_20(vec2<u32>(0u, k >> 1u), key);
    let word = select(pair.x, pair.y, (k & 1u) == 1u);
    // router w and each expert's V, v: init_scale (1/8); c: 0; U, u: init_scale2 (1/sqrt(H))
    var scale = params.init_scale;
    if (k >= ROUTER_SIZE) {
      scale = select(params.init_scale2, params.init_scale, (k - ROUTER_SIZE) % EXPERT_SIZE < OFF_U);
    } else if (k >= 2u * DIM) {
      scale = 0.0;
    }
    weights[slot * SIZE + k] = init_value(word, scale);
  }
}

@compute @workgroup_size(WG)
fn train(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let slot = slot_of(wid);
  if (slot >= params.model_end) {
    return;
  }
  let cell = cells[slot / params.replicates];
  let key = stream_key(seed_key(), params.model_offset + slot, TAG_TRAIN_BATCH);
  let base = slot * SIZE;
  let batch = params.batch;
  let n = params.train_rows;
  let inv_b = params.inv_batch;
  let inv_t = cell.inv_t;
  let lr = cell.lr;
  let tiles = (batch + TILE - 1u) / TILE;
  // This invocation's small parameters s = t + j WG < SMALL: the record entries whose
  // product summed over rows is the gradient, and the parameter's offset in the model.
  var small_a: array<u32, SMALL_PER>;
  var small_b: array<u32, SMALL_PER>;
  var small_at: array<u32, SMALL_PER>;
  for (var j = 0u; j < SMALL_PER; j++) {
    let s = min(t + j * WG, SMALL - 1u);
    let e = min(s / SMALL_EXPERT, EXPERTS - 1u);
    let r = s - e * SMALL_EXPERT;
    let rec = e * REC_EXPERT;
    let at = ROUTER_SIZE + e * EXPERT_SIZE;
    if (ROUTED && s == SMALL - 1u) { // c_1 (c_2 gets the negative): sum of dL/d(z_1 - z_2)
      small_a[j] = 1u;
      small_b[j] = 0u;
      small_at[j] = 2u * DIM;
    } else if (r < HIDDEN) { // v_r
      small_a[j] = rec + REC_DPRE + r;
      small_b[j] = 0u;
      small_at[j] = at + OFF_BIAS_V + r;
    } else if (r < HIDDEN + CLASSES * HIDDEN) { // U_mh, m = (r - H) / H, h = (r - H) mod H
      let u = r - HIDDEN;
      small_a[j] = rec + REC_GQ + u / HIDDEN;
      small_b[j] = rec + REC_ACT + u % HIDDEN;
      small_at[j] = at + OFF_U + u;
    } else { // u_m
      small_a[j] = rec + REC_GQ + r - HIDDEN - CLASSES * HIDDEN;
      small_b[j] = 0u;
      small_at[j] = at + OFF_BIAS_U + r - HIDDEN - CLASSES * HIDDEN;
    }
  }
  // the penalty's pass over the batch only where it matters (a loop leaves early on
  // llvmpipe; an if's body runs under a mask whether taken or not)
  let penalty_tiles = select(0u, tiles, ROUTED && cell.lambda_lb > 0.0);
  for (var step = params.step_begin; step < params.step_end; step++) {
    var lb_grad = 0.0;
    if (ROUTED) {
      var sum_p = 0.0;
      for (var tile = 0u; tile < penalty_tiles; tile++) {
        var x: Pixels;
        for (var r = 0u; r < ROWS; r++) {
          load_row(&x, r, batch_row(key, step, min(tile * TILE + r * WG + t, batch - 1u), n));
        }
        let d = gap(base, &x, cell.h);
        for (var r = 0u; r < ROWS; r++) {
          sum_p += select(0.0, logistic(d[r] * inv_t).p, tile * TILE + r * WG + t < batch);
        }
      }
      s_red[t] = sum_p;
      workgroupBarrier();
      var total = 0.0;
      for (var u = 0u; u < WG; u++) {
        total += s_red[u];
      }
      // dL_lb / dp_1 of one row: lambda 2 (2 (mean p_1 - 1/2)) / B (the twin's lbGrad)
      lb_grad = 4.0 * cell.lambda_lb * (total * inv_b - 0.5) * inv_b;
    }
    var acc_px: array<f32, PIX * (EH + 1u)>; // [j (EH + 1) + e H + h]: V_e[h][t + j WG]; [.. + EH]: w_1
    var acc_small: array<f32, SMALL_PER>;
    for (var tile = 0u; tile < tiles; tile++) {
      // rows: local row i = r WG + t is batch row tile TILE + i; one past the batch (last
      // tile) repeats row B - 1, and its record is never read
      var row: array<u32, ROWS>;
      var x: Pixels;
      for (var r = 0u; r < ROWS; r++) {
        row[r] = batch_row(key, step, min(tile * TILE + r * WG + t, batch - 1u), n);
        load_row(&x, r, row[r]);
      }
      var c1: PerRow;
      var c2: PerRow;
      var pq: PerRow;
      if (ROUTED) {
        let d = gap(base, &x, cell.h);
        for (var r = 0u; r < ROWS; r++) {
          pq[r] = logistic(d[r] * inv_t).pq;
          c1[r] = select(0.0, 1.0, d[r] >= 0.0); // a tie goes to expert 1
          c2[r] = 1.0 - c1[r];
        }
      } else {
        for (var r = 0u; r < ROWS; r++) {
          c1[r] = 1.0;
        }
      }
      var act: array<f32, ROWS * EH>;
      var o: array<f32, ROWS * EC>;
      experts_forward(base, &x, &act, &o);
      // per row: the mixed logits q = c_1 o_1 + c_2 o_2 (the routed expert's, in value), their
      // softmax, dL/dq, dL/dp_1
      var dq: array<f32, ROWS * CLASSES>;
      var dd: PerRow;
      for (var r = 0u; r < ROWS; r++) {
        var q: array<f32, CLASSES>;
        for (var m = 0u; m < CLASSES; m++) {
          q[m] = o[r * EC + m];
          if (ROUTED) {
            q[m] = c1[r] * o[r * EC + m] + c2[r] * o[r * EC + CLASSES + m];
          }
        }
        var top = q[0];
        for (var m = 1u; m < CLASSES; m++) {
          top = max(top, q[m]);
        }
        var sum = 0.0;
        for (var m = 0u; m < CLASSES; m++) {
          q[m] = exp(q[m] - top);
          sum += q[m];
        }
        let label = labels[row[r]];
        let inv_sum = 1.0 / sum;
        var dp = lb_grad;
        for (var m = 0u; m < CLASSES; m++) {
          let g = (q[m] * inv_sum - select(0.0, 1.0, m == label)) * inv_b;
          dq[r * CLASSES + m] = g;
          if (ROUTED) {
            dp += g * (o[r * EC + m] - o[r * EC + CLASSES + m]);
          }
        }
        dd[r] = dp * pq[r] * inv_t;
      }
      // the records: dL/do_e = c_e dL/dq, and back through U_e and tanh
      for (var e = 0u; e < params.experts; e++) {
        let eb = expert_base(base, e);
        for (var r = 0u; r < ROWS; r++) {
          let rec = (r * WG + t) * REC + e * REC_EXPERT;
          let c = select(c1[r], c2[r], e == 1u);
          for (var m = 0u; m < params.classes; m++) {
            s_rec[rec + REC_GQ + m] = c * dq[r * CLASSES + m];
          }
        }
        for (var h = 0u; h < params.hidden; h++) {
          var da: PerRow;
          for (var m = 0u; m < params.classes; m++) {
            let u = weights[eb + OFF_U + m * HIDDEN + h];
            for (var r = 0u; r < ROWS; r++) {
              da[r] += (select(c1[r], c2[r], e == 1u) * dq[r * CLASSES + m]) * u;
            }
          }
          for (var r = 0u; r < ROWS; r++) {
            let rec = (r * WG + t) * REC + e * REC_EXPERT;
            let a = act[r * EH + e * HIDDEN + h];
            s_rec[rec + REC_ACT + h] = a;
            s_rec[rec + REC_DPRE + h] = da[r] * (1.0 - a * a);
          }
        }
      }
      for (var r = 0u; r < ROWS; r++) {
        let i = r * WG + t;
        s_rec[i * REC] = 1.0;
        s_rec[i * REC + 1u] = dd[r];
        s_row[i] = row[r];
      }
      workgroupBarrier();
      // parameters: sums over the tile's rows
      let rows = min(TILE, batch - tile * TILE);
      for (var i = 0u; i < rows; i++) {
        let rr = i * REC;
        var g: array<f32, EH + 1u>; // the row's dL/d(pre-activation) of both experts, then dL/d(z_1 - z_2)
        for (var e = 0u; e < EXPERTS; e++) {
          for (var h = 0u; h < HIDDEN; h++) {
            g[e * HIDDEN + h] = s_rec[rr + e * REC_EXPERT + REC_DPRE + h];
          }
        }
        g[EH] = s_rec[rr + 1u];
        let pixel = s_row[i] * DIM + t;
        for (var j = 0u; j < PIX; j++) {
          let xk = pixels[pixel + j * WG];
          for (var u = 0u; u <= EH; u++) {
            acc_px[j * (EH + 1u) + u] += g[u] * xk;
          }
        }
        for (var j = 0u; j < SMALL_PER; j++) {
          acc_small[j] += s_rec[rr + small_a[j]] * s_rec[rr + small_b[j]];
        }
      }
      workgroupBarrier();
    }
    // params -= lr grad (every read of this step's parameters is behind the last barrier)
    for (var j = 0u; j < PIX; j++) {
      let k = t + j * WG;
      let a = j * (EH + 1u);
      for (var e = 0u; e < params.experts; e++) {
        let eb = expert_base(base, e);
        for (var h = 0u; h < params.hidden; h++) {
          weights[eb + h * DIM + k] -= lr * acc_px[a + e * HIDDEN + h];
        }
      }
      if (ROUTED) {
        let g = acc_px[a + EH];
        weights[base + k] -= lr * g;
        weights[base + DIM + k] += lr * g; // grad w_2 = -grad w_1
      }
    }
    for (var j = 0u; j < SMALL_PER; j++) {
      if (t + j * WG < SMALL) {
        let at = base + small_at[j];
        weights[at] -= lr * acc_small[j];
        if (ROUTED && small_at[j] == 2u * DIM) {
          weights[at + 1u] += lr * acc_small[j]; // c_2
        }
      }
    }
    storageBarrier();
  }
}

// Evaluation partials of workgroup i = (slot model_begin + i / chunks, chunk i mod chunks)
// over rows [chunk chunk_rows, +chunk_rows) of the set at set_base (chunk_rows a multiple of
// TILE): out[4 i ..] = (sum of cross-entropies, sum of p_1, rows routed to expert 1, rows
// classified correctly). Both experts run (uniform loads); the routed one's logits count.
@compute @workgroup_size(WG)
fn evaluate(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let index = wid.x + wid.y * params.row_stride;
  let slot = params.model_begin + index / params.chunks;
  if (slot >= params.model_end) {
    return;
  }
  let cell = cells[slot / params.replicates];
  let base = slot * SIZE;
  let begin = (index % params.chunks) * params.chunk_rows;
  var sums = vec4<f32>(0.0);
  for (var block = 0u; block < params.chunk_rows; block += TILE) {
    var row: array<u32, ROWS>;
    var x: Pixels;
    for (var r = 0u; r < ROWS; r++) {
      row[r] = params.set_base + min(begin + block + r * WG + t, params.set_rows - 1u);
      load_row(&x, r, row[r]);
    }
    var p = array<f32, ROWS>();
    var first: array<bool, ROWS>;
    if (ROUTED) {
      let d = gap(base, &x, cell.h);
      for (var r = 0u; r < ROWS; r++) {
        p[r] = logistic(d[r] * cell.inv_t).p;
        first[r] = d[r] >= 0.0;
      }
    } else {
      for (var r = 0u; r < ROWS; r++) {
        p[r] = 1.0;
        first[r] = true;
      }
    }
    var act: array<f32, ROWS * EH>;
    var o: array<f32, ROWS * EC>;
    experts_forward(base, &x, &act, &o);
    for (var r = 0u; r < ROWS; r++) {
      let shift = r * EC + select(CLASSES, 0u, first[r]);
      var top = o[shift];
      var arg = 0u;
      for (var m = 1u; m < CLASSES; m++) {
        if (o[shift + m] > top) {
          top = o[shift + m];
          arg = m;
        }
      }
      var sum = 0.0;
      for (var m = 0u; m < CLASSES; m++) {
        sum += exp(o[shift + m] - top);
      }
      let label = labels[row[r]];
      let ce = top + log(sum) - o[shift + label];
      let valid = select(0.0, 1.0, begin + block + r * WG + t < params.set_rows);
      sums += valid * vec4<f32>(ce, p[r], select(0.0, 1.0, first[r]), select(0.0, 1.0, arg == label));
    }
  }
  s_red[4u * t] = sums.x;
  s_red[4u * t + 1u] = sums.y;
  s_red[4u * t + 2u] = sums.z;
  s_red[4u * t + 3u] = sums.w;
  workgroupBarrier();
  if (t == 0u) {
    var total = vec4<f32>(0.0);
    for (var u = 0u; u < WG; u++) {
      total += vec4<f32>(s_red[4u * u], s_red[4u * u + 1u], s_red[4u * u + 2u], s_red[4u * u + 3u]);
    }
    out[4u * index] = total.x;
    out[4u * index + 1u] = total.y;
    out[4u * index + 2u] = total.z;
    out[4u * index + 3u] = total.w;
  }
}
