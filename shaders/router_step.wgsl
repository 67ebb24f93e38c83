// One step of the two-expert router, MODEL.md section 1, as functions that both the router
// kernel (router.wgsl) and the test kernel of the update (update_check.wgsl) call, so the
// test runs the production arithmetic:
//   q = sigmoid(-min(|y| / T, LOGIT_CAP)) = min(p, 1 - p),  the sampler draws x ~ Binomial(B, q),
//   N1 = x or B - x (y > 0: x counted expert 2),  d = 2 N1 - B = B u_hat,
//   y <- y + eta ((a - rho) u_hat - gamma y + h),  and inside the window the exact tallies.
// Needs the structs Cell and Tally and the constants LOGIT_CAP and MAX_TOKENS.

// tally_add's carry: |d| <= B <= 65536, so d^2 <= 2^32, and d^2 = 2^32 only at |d| = 65536.
const_assert MAX_TOKENS <= 65536u;

// z = |y| / T, capped where exp(z) would overflow f32; inv_t = 1 / T.
fn router_logit(y: f32, inv_t: f32) -> f32 {
  return min(abs(y) * inv_t, LOGIT_CAP);
}

// The minority probability q = sigmoid(-z) = min(p, 1 - p) the sampler draws with.
fn minority_probability(z: f32) -> f32 {
  return 1.0 / (1.0 + exp(z));
}

// y <- y + eta ((a - rho) u_hat - gamma y + h), u_hat = d / B, in f32.
fn router_update(y: f32, d: i32, cell: Cell) -> f32 {
  let u_hat = f32(d) / f32(cell.B);
  return y + cell.eta * ((cell.a - cell.rho) * u_hat - cell.gamma * y + cell.h);
}

// Adds N1, |d| and d^2 to the 64-bit tallies (lo/hi u32 pairs, carries by hand).
fn tally_add(t: ptr<function, Tally>, n1: u32, ad: u32) {
  var lo = (*t).n1_lo + n1;
  (*t).n1_hi += select(0u, 1u, lo < n1);
  (*t).n1_lo = lo;
  lo = (*t).abs_lo + ad;
  (*t).abs_hi += select(0u, 1u, lo < ad);
  (*t).abs_lo = lo;
  // d^2 < 2^32 except d^2 = 2^32 at |d| = 65536 (its low word 0): a carry of its own
  let sq_lo = ad * ad;
  lo = (*t).sq_lo + sq_lo;
  (*t).sq_hi += select(0u, 1u, ad >= 65536u) + select(0u, 1u, lo < sq_lo);
  (*t).sq_lo = lo;
}

// A step whose sampler drew x = min(N1, B - N1): applies it to y and, inside the window, to
// the exact tallies.
fn router_step(y: ptr<function, f32>, t: ptr<function, Tally>, x: u32, cell: Cell, in_window: bool) {
  let tokens = cell.B;
  let n1 = select(x, tokens - x, *y > 0.0); // y > 0 means p > 1/2: x counted expert 2
  let d = i32(2u * n1) - i32(tokens);       // B u_hat
  *y = router_update(*y, d, cell);
  if (in_window) {
    tally_add(t, n1, u32(abs(d)));
  }
}

// Ramped sweeps. RAMP is a pipeline constant: the plain pipeline compiles none of this. With it,
// h moves by cell.hRate per step, h + hRate (step - rampStep), and the first step where y
// crosses zero the way the ramp drives it (from y < 0 to y >= 0 while h rises, from y > 0 to
// y <= 0 while it falls) records h there, interpolated linearly within the step, in cross.x
// (rising) or cross.y (falling); CROSS_NONE until then. y, the score gap, is the router's
// filtered load: an exponential filter of (a - rho) u_hat + h, and the mean-field load
// tanh(y / 2T) crosses zero with it. src/core/cpu-router.ts is the twin.
override RAMP: bool = false;

fn router_advance(y: ptr<function, f32>, cross: ptr<function, vec2<f32>>, t: ptr<function, Tally>, x: u32, cell: Cell,
                  step: u32, in_window: bool) {
  if (!RAMP) {
    router_step(y, t, x, cell, in_window);
    return;
  }
  var ramped = cell;
  ramped.h = cell.h + cell.hRate * f32(step - cell.rampStep); // step >= rampStep while ramping
  let before = *y;
  router_step(y, t, x, ramped, in_window);
  let after = *y;
  let gap = select(1.0, before - after, before != after);
  let at = ramped.h + cell.hRate * (before / gap);
  if (cell.hRate > 0.0 && before < 0.0 && after >= 0.0 && (*cross).x == CROSS_NONE) {
    (*cross).x = at;
  }
  if (cell.hRate < 0.0 && before > 0.0 && after <= 0.0 && (*cross).y == CROSS_NONE) {
    (*cross).y = at;
  }
}
