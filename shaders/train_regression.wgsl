// SGD on the regression models of MODEL.md section 6 (sec. 8.1-8.2), one model per
// invocation with its parameters in registers; twins: src/core/training/smooth.ts (KIND 0) and
// hard.ts (KIND 1), flat layouts [a_1, b_1, a_2, b_2, alpha, beta] and
// [a_1, b_1, a_2, b_2, w_1, w_2, c_1, c_2], f32 here where the twins run in f64.
// Needs threefry.wgsl, train_common.wgsl and what src/core/kernels.ts prepends: the shared
// constants, TrainParams, TrainCell and TRAIN_REGRESSION_BINDINGS (params, cells, weights:
// model-major f32 parameters, samples: (x, y) pairs of the training rows then the evaluation
// sets, out: evaluation partials).
// A step: rows b < B from batch_row; hard with lambda_lb > 0 first sums p_1 over the batch
// (the balancing penalty couples the rows), then the forward and backward per row, then
// params -= lr grad. In training the straight-through shift p - stopgrad(p) is 0 in value, so
// hard's mixing coefficients are c = [g = expert] and the router's gradient comes through p
// alone. Only z_1 - z_2 matters: p_1 = sigmoid((z_1 - z_2) / T); a tie goes to expert 1.
// Loop iterations per step (llvmpipe's cap, dispatch.ts): B, plus B for the penalty's pass.

override KIND: u32 = 0u; // 0: smooth, 1: hard
override ROUTER_BIAS: bool = false; // hard: trainable c_1, c_2 (else their gradient is 0)
override WORKGROUP_SIZE: u32 = 64u;

const HARD_KIND: u32 = 1u;

fn model_size() -> u32 {
  return select(6u, 8u, KIND == HARD_KIND);
}

fn slot_of(gid: vec3<u32>) -> u32 {
  return params.model_begin + gid.x + gid.y * params.row_stride;
}

fn sample(row: u32) -> vec2<f32> {
  let at = 2u * (params.set_base + row);
  return vec2<f32>(samples[at], samples[at + 1u]);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn initialize(@builtin(global_invocation_id) gid: vec3<u32>) {
  let slot = slot_of(gid);
  if (slot >= params.model_end) {
    return;
  }
  var rng = rng_open(stream_key(seed_key(), params.model_offset + slot, TAG_TRAIN_INIT), 0u);
  let size = model_size();
  for (var k = 0u; k < size; k++) {
    // hard: c_1, c_2 start at 0 (scale 0, as the twin's initScale)
    let scale = select(params.init_scale, 0.0, KIND == HARD_KIND && k >= 6u);
    weights[slot * size + k] = init_value(rng_next(&rng), scale);
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn train(@builtin(global_invocation_id) gid: vec3<u32>) {
  let slot = slot_of(gid);
  if (slot >= params.model_end) {
    return;
  }
  let cell = cells[slot / params.replicates];
  let key = stream_key(seed_key(), params.model_offset + slot, TAG_TRAIN_BATCH);
  let size = model_size();
  let base = slot * size;
  var a1 = weights[base];
  var b1 = weights[base + 1u];
  var a2 = weights[base + 2u];
  var b2 = weights[base + 3u];
  var r1 = weights[base + 4u]; // smooth: alpha; hard: w_1
  var r2 = weights[base + 5u]; // smooth: beta; hard: w_2
  var c1 = 0.0;
  var c2 = 0.0;
  if (KIND == HARD_KIND) {
    c1 = weights[base + 6u];
    c2 = weights[base + 7u];
  }
  let batch = params.batch;
  let n = params.train_rows;
  let inv_b = params.inv_batch;
  let inv_t = cell.inv_t;
  let lr = cell.lr;
  // hard's penalty pass runs only where it matters (a loop, not an if: llvmpipe runs an if's
  // body under a mask even when no lane takes it, but leaves a loop no lane is in)
  let penalty_rows = select(0u, batch, KIND == HARD_KIND && cell.lambda_lb > 0.0);
  for (var step = params.step_begin; step < params.step_end; step++) {
    var g = array<f32, 8>();
    if (KIND == HARD_KIND) {
      var sum_p = 0.0;
      for (var b = 0u; b < penalty_rows; b++) {
        let x = sample(batch_row(key, step, b, n)).x;
        sum_p += logistic(((r1 - r2) * x + c1 - c2 + cell.h) * inv_t).p;
      }
      // dL_lb / dp_1 of one row: lambda 2 (2 (mean p_1 - 1/2)) / B (the twin's lbGrad)
      let lb_grad = 4.0 * cell.lambda_lb * (sum_p * inv_b - 0.5) * inv_b;
      for (var b = 0u; b < batch; b++) {
        let s = sample(batch_row(key, step, b, n));
        let x = s.x;
        let d = (r1 - r2) * x + c1 - c2 + cell.h; // z_1 - z_2
        let p = logistic(d * inv_t);
        let first = d >= 0.0;
        let f1 = a1 * x + b1;
        let f2 = a2 * x + b2;
        let e = 2.0 * (select(f2, f1, first) - s.y) * inv_b; // dL/dyhat
        let e1 = select(0.0, e, first);
        let e2 = select(e, 0.0, first);
        g[0] += e1 * x;
        g[1] += e1;
        g[2] += e2 * x;
        g[3] += e2;
        let dd = (e * (f1 - f2) + lb_grad) * p.pq * inv_t; // through g_st's p and the penalty
        g[4] += dd * x;
        g[6] += dd;
      }
    } else {
      for (var b = 0u; b < batch; b++) {
        let s = sample(batch_row(key, step, b, n));
        let x = s.x;
        let p = logistic((r1 * x + r2 + cell.h) * inv_t);
        let f1 = a1 * x + b1;
        let f2 = a2 * x + b2;
        let e = 2.0 * (p.p * f1 + p.q * f2 - s.y) * inv_b;
        g[0] += e * p.p * x;
        g[1] += e * p.p;
        g[2] += e * p.q * x;
        g[3] += e * p.q;
        let ds = e * (f1 - f2) * p.pq * inv_t;
        g[4] += ds * x;
        g[6] += ds;
      }
    }
    a1 -= lr * g[0];
    b1 -= lr * g[1];
    a2 -= lr * g[2];
    b2 -= lr * g[3];
    if (KIND == HARD_KIND) {
      r1 -= lr * g[4];
      r2 += lr * g[4]; // grad w_2 = -grad w_1
      if (ROUTER_BIAS) {
        c1 -= lr * g[6];
        c2 += lr * g[6];
      }
    } else {
      r1 -= lr * (g[4] + 2.0 * cell.router_l2 * r1);
      r2 -= lr * (g[6] + 2.0 * cell.router_l2 * r2);
    }
  }
  weights[base] = a1;
  weights[base + 1u] = b1;
  weights[base + 2u] = a2;
  weights[base + 3u] = b2;
  weights[base + 4u] = r1;
  weights[base + 5u] = r2;
  if (KIND == HARD_KIND) {
    weights[base + 6u] = c1;
    weights[base + 7u] = c2;
  }
}

// Evaluation partials of invocation i = (slot model_begin + i / chunks, chunk i mod chunks)
// over rows [chunk chunk_rows, +chunk_rows) of the set at set_base: out[4 i ..] = (sum of
// squared errors, sum of p_1, rows routed to expert 1, 0). The host adds the chunks in f64.
@compute @workgroup_size(WORKGROUP_SIZE)
fn evaluate(@builtin(global_invocation_id) gid: vec3<u32>) {
  let index = gid.x + gid.y * params.row_stride;
  let slot = params.model_begin + index / params.chunks;
  if (slot >= params.model_end) {
    return;
  }
  let cell = cells[slot / params.replicates];
  let size = model_size();
  let base = slot * size;
  let a1 = weights[base];
  let b1 = weights[base + 1u];
  let a2 = weights[base + 2u];
  let b2 = weights[base + 3u];
  let r1 = weights[base + 4u];
  let r2 = weights[base + 5u];
  var c1 = 0.0;
  var c2 = 0.0;
  if (KIND == HARD_KIND) {
    c1 = weights[base + 6u];
    c2 = weights[base + 7u];
  }
  let begin = (index % params.chunks) * params.chunk_rows;
  let end = min(begin + params.chunk_rows, params.set_rows);
  var sse = 0.0;
  var sum_p = 0.0;
  var first = 0.0;
  for (var i = begin; i < end; i++) {
    let s = sample(i);
    let x = s.x;
    let f1 = a1 * x + b1;
    let f2 = a2 * x + b2;
    var r = 0.0;
    var to_first = false;
    var p = 0.0;
    if (KIND == HARD_KIND) {
      let d = (r1 - r2) * x + c1 - c2 + cell.h;
      p = logistic(d * cell.inv_t).p;
      to_first = d >= 0.0;
      r = select(f2, f1, to_first) - s.y;
    } else {
      let z = (r1 * x + r2 + cell.h) * cell.inv_t;
      let l = logistic(z);
      p = l.p;
      to_first = z >= 0.0; // p_1 >= 1/2
      r = l.p * f1 + l.q * f2 - s.y;
    }
    sse += r * r;
    sum_p += p;
    first += select(0.0, 1.0, to_first);
  }
  out[4u * index] = sse;
  out[4u * index + 1u] = sum_p;
  out[4u * index + 2u] = first;
  out[4u * index + 3u] = 0.0;
}
