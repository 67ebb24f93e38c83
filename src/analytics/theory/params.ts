// Parameters of the two-expert softmax router's mean-field theory and their checks
// (Kiselev, arXiv:2605.29121; MODEL.md sec. 2).
//
// Conventions: y = r_1 - r_2 (score difference), h = b_1 - b_2 (external skew),
// rho = negative load feedback, a_eff = a - rho is used everywhere in place of a
// (MODEL.md sec. 2, "replace a by a - rho everywhere"). Time t = n * eta.
//
// The checks throw a RangeError naming the function, the parameter and its value: the
// theory is called by the program with parameters already validated as user input
// (src/core/model.ts CELL_RANGES), so a failure here is a program error.
// Plain TypeScript in f64 with no platform imports: runs in Node and in a browser.

/** Parameters of the two-expert router. `h` and `rho` default to 0. */
export interface RouterParams {
  /** reinforcement a (positive feedback) */
  a: number;
  /** forgetting gamma >= 0 (> 0 for the equilibria, folds, cusp and ODE) */
  gamma: number;
  /** softmax temperature T > 0 */
  T: number;
  /** skew h = b_1 - b_2 (default 0) */
  h?: number;
  /** negative load feedback rho (default 0); a_eff = a - rho */
  rho?: number;
}

/** a_eff = a - rho. */
export function aEffOf(p: RouterParams): number {
  return p.a - (p.rho ?? 0);
}

/** h, default 0. */
export function hOf(p: RouterParams): number {
  return p.h ?? 0;
}

/** v finite, else a RangeError "`fn`: `name` must be finite, got v". */
export function requireFinite(fn: string, name: string, v: number): void {
  if (!Number.isFinite(v)) throw new RangeError(`${fn}: ${name} must be finite, got ${v}`);
}

/** v finite and > 0, else a RangeError. */
export function requirePositive(fn: string, name: string, v: number): void {
  if (!(v > 0) || !Number.isFinite(v)) throw new RangeError(`${fn}: ${name} must be finite and > 0, got ${v}`);
}

/** v finite and >= 0, else a RangeError. */
export function requireNonNegative(fn: string, name: string, v: number): void {
  if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`${fn}: ${name} must be finite and >= 0, got ${v}`);
}

/**
 * Parameters for a formula that stays defined without forgetting: a, h, rho finite,
 * gamma >= 0 (gamma = 0, no forgetting, is a valid cell), T > 0.
 */
export function checkPointParams(fn: string, p: RouterParams): void {
  requireFinite(fn, 'a', p.a);
  requireNonNegative(fn, 'gamma', p.gamma);
  requirePositive(fn, 'T', p.T);
  requireFinite(fn, 'h', hOf(p));
  requireFinite(fn, 'rho', p.rho ?? 0);
}

/** Parameters for the equilibria, folds and ODE, which need gamma > 0 (a bounded root set). */
export function checkParams(fn: string, p: RouterParams): void {
  requireFinite(fn, 'a', p.a);
  requirePositive(fn, 'gamma', p.gamma);
  requirePositive(fn, 'T', p.T);
  requireFinite(fn, 'h', hOf(p));
  requireFinite(fn, 'rho', p.rho ?? 0);
}
