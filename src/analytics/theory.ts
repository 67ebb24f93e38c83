/**
 * Closed-form and numerical mean-field theory of the two-expert softmax MoE router
 * (Kiselev, arXiv:2605.29121; restated in MODEL.md sections 2 and 4).
 *
 * Plain TypeScript in f64 with no platform imports: runs in Node and in a browser.
 *
 * Conventions: y = r_1 - r_2 (score difference), h = b_1 - b_2 (external skew),
 * rho = negative load feedback, a_eff = a - rho is used everywhere in place of a
 * (MODEL.md sec. 2, "replace a by a - rho everywhere"). Time t = n * eta.
 */

/** Parameters of the two-expert router. `h` and `rho` default to 0. */
export interface RouterParams {
  /** reinforcement a (positive feedback) */
  a: number;
  /** forgetting gamma > 0 */
  gamma: number;
  /** softmax temperature T > 0 */
  T: number;
  /** skew h = b_1 - b_2 (default 0) */
  h?: number;
  /** negative load feedback rho (default 0); a_eff = a - rho */
  rho?: number;
}

/** One equilibrium of dy/dt = F(y). */
export interface Equilibrium {
  /** score difference y* with F(y*) = 0 */
  y: number;
  /** load imbalance u* = tanh(y* / (2T)) (eq 7) */
  load: number;
  /** F'(y*) (eq 15); reported as exactly 0 for a degenerate (fold / pitchfork) root */
  slope: number;
  /** linear stability: slope < 0 (false for degenerate roots, whose slope is 0) */
  stable: boolean;
  /** 1 = simple root, 2 = fold (saddle-node) double root, 3 = pitchfork triple root */
  multiplicity: 1 | 2 | 3;
}

/** A point of the fold (saddle-node) set, eq (16). */
export interface FoldCurvePoint {
  /** curve parameter q = y/(2T) at the fold */
  q: number;
  /** a(q) = 2 gamma T cosh(q)^2 (this is a_eff when rho != 0) */
  a: number;
  /** h(q) = 2 gamma T (q - sinh q cosh q) */
  h: number;
  /** the fold equilibrium y = 2 T q, where F = F' = 0 */
  y: number;
}

/** A fold of the equilibrium curve y*(h) at fixed a_eff, gamma, T. */
export interface FoldPoint {
  /** skew at which two equilibria collide: +-H(a_eff) */
  h: number;
  /** the double root y at that skew */
  y: number;
  /** its load tanh(y/(2T)) */
  load: number;
}

/** Mean-field trajectory sampled on a uniform grid. */
export interface MeanFieldTrajectory {
  t: Float64Array;
  y: Float64Array;
  load: Float64Array;
}

// ---------------------------------------------------------------------------
// small numerical helpers

function aEffOf(p: RouterParams): number {
  return p.a - (p.rho ?? 0);
}

function hOf(p: RouterParams): number {
  return p.h ?? 0;
}

function requireFinite(name: string, v: number): void {
  if (!Number.isFinite(v)) throw new RangeError(`${name} must be finite, got ${v}`);
}

function requirePositive(name: string, v: number): void {
  if (!(v > 0) || !Number.isFinite(v)) throw new RangeError(`${name} must be finite and > 0, got ${v}`);
}

function checkParams(p: RouterParams): void {
  requireFinite("a", p.a);
  requirePositive("gamma", p.gamma);
  requirePositive("T", p.T);
  requireFinite("h", hOf(p));
  requireFinite("rho", p.rho ?? 0);
}

/** sech(x)^2 without overflow for large |x|. */
function sech2(x: number): number {
  const ax = Math.abs(x);
  if (ax > 350) return 0;
  const c = Math.cosh(ax);
  return 1 / (c * c);
}

/** log cosh(x), accurate for tiny |x| and overflow-free for huge |x|. */
export function logCosh(x: number): number {
  const ax = Math.abs(x);
  if (ax < 1) {
    // cosh x - 1 = 2 sinh(x/2)^2, no cancellation
    const s = Math.sinh(ax / 2);
    return Math.log1p(2 * s * s);
  }
  return ax + Math.log1p(Math.exp(-2 * ax)) - Math.LN2;
}

/** sinh(x) - x without cancellation for small |x|. */
function sinhMinusX(x: number): number {
  const ax = Math.abs(x);
  if (ax >= 0.5) return Math.sinh(x) - x;
  // x^3/3! + x^5/5! + ... ; converges to full precision in a handful of terms for |x| < 0.5
  const x2 = x * x;
  let term = (x * x2) / 6;
  let sum = term;
  for (let k = 5; k < 41; k += 2) {
    term *= x2 / ((k - 1) * k);
    sum += term;
    if (Math.abs(term) <= 1e-18 * Math.abs(sum)) break;
  }
  return sum;
}

/**
 * q with cosh(q)^2 = a_eff/(2 gamma T), written as asinh(sqrt(a_eff/(2 gamma T) - 1))
 * to stay accurate near the pitchfork; NaN when a_eff <= 2 gamma T.
 */
function foldParameter(aEff: number, gamma: number, T: number): number {
  const c = 2 * gamma * T;
  const excess = (aEff - c) / c;
  if (!(excess > 0)) return NaN;
  return Math.asinh(Math.sqrt(excess));
}

/** Bisection for a root of f on [lo, hi] with f(lo), f(hi) of strictly opposite signs. */
function bisect(f: (x: number) => number, lo: number, hi: number, flo: number): number {
  for (let i = 0; i < 400; i++) {
    const mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) return mid;
    const fm = f(mid);
    if (fm === 0) return mid;
    if (fm > 0 === flo > 0) {
      lo = mid;
      flo = fm;
    } else {
      hi = mid;
    }
    if (hi - lo <= 1e-15 * Math.max(1, Math.abs(lo), Math.abs(hi))) break;
  }
  return lo + (hi - lo) / 2;
}

// ---------------------------------------------------------------------------
// critical points

/** Critical temperature T_c = a_eff / (2 gamma) (eq 10). */
export function criticalTemperature(p: RouterParams): number {
  return aEffOf(p) / (2 * p.gamma);
}

/** Critical reinforcement a_c = 2 gamma T + rho, i.e. a_eff = 2 gamma T (eq 10). */
export function criticalReinforcement(p: RouterParams): number {
  return 2 * p.gamma * p.T + (p.rho ?? 0);
}

/**
 * N experts, symmetric (eqs 9-10): the contrast modes have eigenvalue a/(N T) - gamma,
 * so the uniform state loses stability at a = N gamma T.
 */
export function nExpertCriticalReinforcement(N: number, gamma: number, T: number): number {
  return N * gamma * T;
}

// ---------------------------------------------------------------------------
// drift, load, potential

/** Mean-field drift F(y) = a_eff tanh(y/(2T)) - gamma y + h (eq 6). */
export function drift(y: number, p: RouterParams): number {
  return aEffOf(p) * Math.tanh(y / (2 * p.T)) - p.gamma * y + hOf(p);
}

/** F'(y) = a_eff/(2T) sech^2(y/(2T)) - gamma (eq 15). */
export function driftSlope(y: number, p: RouterParams): number {
  return (aEffOf(p) / (2 * p.T)) * sech2(y / (2 * p.T)) - p.gamma;
}

/** Load imbalance u = tanh(y/(2T)) (eq 7). */
export function loadOf(y: number, T: number): number {
  return Math.tanh(y / (2 * T));
}

/**
 * Potential V(y) = gamma y^2/2 - 2 a_eff T log cosh(y/(2T)) - h y, with dy/dt = -V'(y) (eq 12).
 * log cosh is evaluated stably (no overflow for large |y|, no cancellation for small |y|).
 */
export function potential(y: number, p: RouterParams): number {
  return 0.5 * p.gamma * y * y - 2 * aEffOf(p) * p.T * logCosh(y / (2 * p.T)) - hOf(p) * y;
}

// ---------------------------------------------------------------------------
// equilibria

/**
 * All roots of F (eq 6), sorted by y, with load (eq 7), slope F' (eq 15) and linear stability.
 *
 * Method: F' has at most two roots +-y_f, cosh^2(y_f/(2T)) = a_eff/(2 gamma T) (eq 15), so F is
 * strictly monotone on [-R, -y_f], [-y_f, y_f], [y_f, R] (or on all of [-R, R] when
 * a_eff <= 2 gamma T), with R beyond (|a_eff| + |h|)/gamma where every root lies. Each monotone
 * piece holds at most one root, found by bisection to ~1e-15 relative. A critical point whose
 * F value is within rounding of zero is reported as a fold double root (slope 0); if both are,
 * the whole triple cluster is within rounding (pitchfork point) and one triple root is reported.
 */
export function equilibria(p: RouterParams): Equilibrium[] {
  checkParams(p);
  const aEff = aEffOf(p);
  const h = hOf(p);
  const { gamma, T } = p;
  const f = (y: number): number => drift(y, p);
  // rounding-error scale of F(y): its terms' magnitudes times a few ulps
  const fTol = (y: number): number =>
    64 * Number.EPSILON * (Math.abs(aEff * Math.tanh(y / (2 * T))) + gamma * Math.abs(y) + Math.abs(h));
  const R = ((Math.abs(aEff) + Math.abs(h)) / gamma) * (1 + 1e-9) + 1;

  const simple = (y: number): Equilibrium => {
    const slope = driftSlope(y, p);
    return { y, load: loadOf(y, T), slope, stable: slope < 0, multiplicity: 1 };
  };
  const degenerate = (y: number, m: 2 | 3): Equilibrium => ({
    y,
    load: loadOf(y, T),
    slope: 0,
    stable: false,
    multiplicity: m,
  });

  const qf = foldParameter(aEff, gamma, T);
  if (!(qf > 0)) {
    // monotone (strictly decreasing) F: exactly one root
    const fl = f(-R);
    const y = bisect(f, -R, R, fl);
    const atPitchfork =
      Math.abs((aEff - 2 * gamma * T) / (2 * gamma * T)) <= 1e-12 && Math.abs(y) <= 1e-6 * T;
    return [atPitchfork ? degenerate(y, 3) : simple(y)];
  }

  const yf = 2 * T * qf;
  const fm = f(-yf);
  const fp = f(yf);
  const zm = Math.abs(fm) <= fTol(-yf);
  const zp = Math.abs(fp) <= fTol(yf);
  if (zm && zp) {
    // both folds within rounding of F = 0: the three roots are numerically one cluster
    return [degenerate(0, 3)];
  }

  // nodes with values; zero-flagged nodes are exact (double) roots
  const xs = [-R, -yf, yf, R];
  const vs = [f(-R), zm ? 0 : fm, zp ? 0 : fp, f(R)];
  const out: Equilibrium[] = [];
  for (let i = 0; i < 3; i++) {
    const x0 = xs[i];
    const x1 = xs[i + 1];
    const v0 = vs[i];
    const v1 = vs[i + 1];
    if (v0 === 0 || v1 === 0) continue; // the only root of this monotone piece is the node
    if (v0 > 0 !== v1 > 0) out.push(simple(bisect(f, x0, x1, v0)));
  }
  if (zm) out.push(degenerate(-yf, 2));
  if (zp) out.push(degenerate(yf, 2));
  out.sort((u, v) => u.y - v.y);
  return out;
}

// ---------------------------------------------------------------------------
// folds, hysteresis, cusp

/**
 * Fold (saddle-node) set in the (a, h) plane (eq 16):
 * a(q) = 2 gamma T cosh(q)^2, h(q) = 2 gamma T (q - sinh q cosh q); the double root is y = 2 T q.
 * With rho != 0 the returned `a` is a_eff (add rho for the raw a).
 */
export function foldCurve(gamma: number, T: number, qs: number[]): FoldCurvePoint[] {
  const c = 2 * gamma * T;
  return qs.map((q) => {
    const ch = Math.cosh(q);
    // q - sinh q cosh q = -(sinh(2q) - 2q)/2, evaluated without cancellation
    return { q, a: c * ch * ch, h: -0.5 * c * sinhMinusX(2 * q), y: 2 * T * q };
  });
}

/**
 * Hysteresis half-width H(a_eff) = 2 gamma T (sinh q cosh q - q), q = arccosh(sqrt(a_eff/(2 gamma T)))
 * (eq 18); 0 when a_eff <= 2 gamma T. Three equilibria iff |h| < H; the mean-field width is 2H.
 */
export function hysteresisHalfWidth(a: number, gamma: number, T: number, rho = 0): number {
  const q = foldParameter(a - rho, gamma, T);
  if (!(q > 0)) return 0;
  return gamma * T * sinhMinusX(2 * q);
}

/**
 * The two folds of y*(h) at fixed a_eff (eqs 16, 18), sorted by h: at h = -H the upper pair
 * collides at y = +2Tq_a, at h = +H the lower pair at y = -2Tq_a. Empty when a_eff <= 2 gamma T.
 * p.h is ignored.
 */
export function foldPoints(p: RouterParams): FoldPoint[] {
  const aEff = aEffOf(p);
  const q = foldParameter(aEff, p.gamma, p.T);
  if (!(q > 0)) return [];
  const H = hysteresisHalfWidth(aEff, p.gamma, p.T);
  const y = 2 * p.T * q;
  return [
    { h: -H, y, load: loadOf(y, p.T) },
    { h: H, y: -y, load: loadOf(-y, p.T) },
  ];
}

/**
 * Exact bistability test (eq 18): a_eff > 2 gamma T and |h| < H(a_eff).
 */
export function isBistable(p: RouterParams): boolean {
  const aEff = aEffOf(p);
  if (!(aEff > 2 * p.gamma * p.T)) return false;
  return Math.abs(hOf(p)) < hysteresisHalfWidth(aEff, p.gamma, p.T);
}

/** Local cusp normal form dx/dt = mu x - x^3 + eps (eqs 19-21). */
export interface CuspNormalForm {
  /** mu = a_eff/(2T) - gamma (the linear growth rate at y = 0) */
  mu: number;
  /** eps = h / scale: the skew in normal-form units */
  eps: number;
  /** y = scale * x, scale = sqrt(12 T^2 / gamma) (cubic coefficient taken at the cusp) */
  scale: number;
}

/**
 * Cusp normal form (eqs 19-21) near a_eff = 2 gamma T, h = 0. Expanding eq (6),
 * F(y) = mu y - a_eff y^3/(24 T^3) + h + ..., and at the cusp a_eff = 2 gamma T, so with
 * y = scale * x, scale = sqrt(12 T^2/gamma), one gets dx/dt = mu x - x^3 + eps, eps = h/scale.
 * (MODEL.md writes eps = h, which holds only up to this rescaling, i.e. when gamma = 12 T^2;
 * the rescaled eps is what makes 4 mu^3 = 27 eps^2 agree with the exact folds eq (16)-(18)
 * to leading order.)
 */
export function cuspNormalForm(p: RouterParams): CuspNormalForm {
  const scale = p.T * Math.sqrt(12 / p.gamma);
  return { mu: aEffOf(p) / (2 * p.T) - p.gamma, eps: hOf(p) / scale, scale };
}

/** Inside the cusp's bistable wedge: 4 mu^3 > 27 eps^2 (eq 21). */
export function insideCuspBistable(mu: number, eps: number): boolean {
  return 4 * mu * mu * mu > 27 * eps * eps;
}

// ---------------------------------------------------------------------------
// mean-field ODE

function rk4Step(y: number, k: number, p: RouterParams): number {
  const k1 = drift(y, p);
  const k2 = drift(y + 0.5 * k * k1, p);
  const k3 = drift(y + 0.5 * k * k2, p);
  const k4 = drift(y + k * k3, p);
  return y + (k / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
}

/** Number of uniform steps of size <= dt covering a span. */
function stepsFor(span: number, dt: number): number {
  if (span <= 0) return 0;
  return Math.max(1, Math.ceil(span / dt - 1e-9));
}

/**
 * Classical RK4 on the mean-field ODE dy/dt = F(y) (eqs 3, 6), from y(0) = y0 to tEnd, with
 * n = ceil(tEnd/dt) equal steps (actual step tEnd/n <= dt; last sample exactly at tEnd).
 * Time is t = n_steps * eta in units of the stochastic router.
 */
export function meanFieldTrajectory(
  p: RouterParams,
  y0: number,
  tEnd: number,
  dt: number,
): MeanFieldTrajectory {
  checkParams(p);
  requireFinite("y0", y0);
  requireFinite("tEnd", tEnd);
  if (tEnd < 0) throw new RangeError(`tEnd must be >= 0, got ${tEnd}`);
  requirePositive("dt", dt);
  const n = stepsFor(tEnd, dt);
  const k = n > 0 ? tEnd / n : 0;
  const t = new Float64Array(n + 1);
  const y = new Float64Array(n + 1);
  const load = new Float64Array(n + 1);
  y[0] = y0;
  load[0] = loadOf(y0, p.T);
  for (let i = 1; i <= n; i++) {
    t[i] = i === n ? tEnd : i * k;
    y[i] = rk4Step(y[i - 1], k, p);
    load[i] = loadOf(y[i], p.T);
  }
  return { t, y, load };
}

/**
 * Mean-field load u(t) = tanh(y(t)/(2T)) (eqs 6-7) from y(0) = y0, sampled at the given times
 * (t = n * eta; any order, each >= 0). RK4 lands exactly on every requested time; the step is
 * at most maxDt, by default 0.02 / (|a_eff|/(2T) + gamma) (a bound on |F'|), which keeps the
 * RK4 error far below 1e-6.
 */
export function meanFieldLoadAt(
  p: RouterParams,
  y0: number,
  times: number[],
  maxDt?: number,
): Float64Array {
  checkParams(p);
  requireFinite("y0", y0);
  const dt = maxDt ?? 0.02 / (Math.abs(aEffOf(p)) / (2 * p.T) + p.gamma);
  requirePositive("maxDt", dt);
  const order = times.map((_, i) => i);
  for (const t of times) {
    requireFinite("time", t);
    if (t < 0) throw new RangeError(`times must be >= 0, got ${t}`);
  }
  order.sort((i, j) => times[i] - times[j]);
  const out = new Float64Array(times.length);
  let tCur = 0;
  let y = y0;
  for (const i of order) {
    const span = times[i] - tCur;
    const n = stepsFor(span, dt);
    const k = n > 0 ? span / n : 0;
    for (let s = 0; s < n; s++) y = rk4Step(y, k, p);
    tCur = times[i];
    out[i] = loadOf(y, p.T);
  }
  return out;
}

// ---------------------------------------------------------------------------
// linear noise approximation (MODEL.md sec. 4)

/**
 * Stationary Var(y) of the linearised router around y = 0 (MODEL.md sec. 4):
 * y_{n+1} = (1 + eta lambda) y_n + eta a_eff xi_n, Var(xi) = 1/B, lambda = a_eff/(2T) - gamma:
 * Var(y) = eta a_eff^2 / (B (-2 lambda - eta lambda^2)). Infinity when the denominator <= 0
 * (lambda >= 0, i.e. at/after T_c, or eta lambda <= -2, where the AR(1) map is unstable).
 * Meaningful on the balanced side with h = 0.
 */
export function linearNoiseVariance(p: RouterParams, B: number, eta: number): number {
  const aEff = aEffOf(p);
  const lambda = aEff / (2 * p.T) - p.gamma;
  const den = B * (-2 * lambda - eta * lambda * lambda);
  if (!(den > 0)) return Infinity;
  return (eta * aEff * aEff) / den;
}

/**
 * 1/Var(y) from the linear noise approximation (MODEL.md sec. 4):
 * B (-2 lambda - eta lambda^2) / (eta a_eff^2), clamped to 0 at/after the threshold. Close to
 * linear in 1/T and vanishing at T_c, hence suited for extrapolating T_c. Infinity if a_eff = 0.
 */
export function linearNoiseInverseVariance(p: RouterParams, B: number, eta: number): number {
  const aEff = aEffOf(p);
  const lambda = aEff / (2 * p.T) - p.gamma;
  const den = B * (-2 * lambda - eta * lambda * lambda);
  if (!(den > 0)) return 0;
  return den / (eta * aEff * aEff);
}
