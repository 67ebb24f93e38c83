// Test-only kernel: the router's own step functions (router_step.wgsl) on given sequences of
// draws, so tests can hold the f32 state update and the exact 64-bit tallies bit for bit
// against their f32 TypeScript twin (stepF32 in src/core/cpu-router.ts).
// Needs router_step.wgsl, and what src/core/kernels.ts prepends: the shared constants, the
// structs and the bindings check, cells, start_tallies, draws, out, out_tallies
// (UPDATE_CHECK_BINDINGS).

override WORKGROUP_SIZE: u32 = 64u;

// Case i (i < check.count) starts from y = cells[i].y0 and the tallies start_tallies[i] and
// runs check.n steps; step j applies draws[i * check.n + j] as the router kernel applies a
// sampler's draw, and writes the logit and q it saw before the step and y and the tallies
// after it to out[i * check.n + j] and out_tallies[i * check.n + j].
@compute @workgroup_size(WORKGROUP_SIZE)
fn update_steps(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * check.row_stride;
  if (i >= check.count) {
    return;
  }
  let cell = cells[i];
  let inv_t = 1.0 / cell.T; // as in advance (router.wgsl)
  var y = cell.y0;
  var t = start_tallies[i];
  for (var j = 0u; j < check.n; j++) {
    let k = i * check.n + j;
    let draw = draws[k];
    let z = router_logit(y, inv_t);
    let q = minority_probability(z);
    router_step(&y, &t, draw.x, cell, draw.in_window != 0u);
    out[k] = UpdateOut(z, q, y);
    out_tallies[k] = t;
  }
}
