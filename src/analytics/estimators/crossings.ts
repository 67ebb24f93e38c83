// Level crossings of a sampled curve and the finite-time onset (paper fig. 9; MODEL.md sec. 3).
//
// Method: the curve is the polyline through (xs[i], ys[i]); a crossing is a pair of
// neighbours on opposite sides of the level (a point exactly at the level counts as "at or
// above"), located by linear interpolation, x = x_i + (level - y_i)/(y_{i+1} - y_i) (x_{i+1} - x_i),
// which is second-order accurate in the grid step where the curve is smooth. The onset is
// the first crossing in the requested direction along increasing x.
// Reference: Kiselev, arXiv:2605.29121, fig. 9 (onset: the T where the final mean |u_hat|
// reaches 0.1); MODEL.md sec. 3. The interpolation error is at most step^2/8 max|y''| (the
// Lagrange remainder of linear interpolation), divided by |y'| at the crossing.
//
// Mismatched lengths, non-finite values, a non-finite level, or (onset) xs not strictly
// increasing throw a RangeError.
// Plain TypeScript on f64, no Node-only imports: runs in a browser too.

import { checkPairs } from './checks.js';
import type { Direction } from './types.js';

export interface Crossing {
  /** Linearly interpolated abscissa of the crossing. */
  x: number;
  /** Index i of the left point of the bracketing pair (i, i+1). */
  index: number;
  /** 'up': ys goes from below the level to at-or-above it; 'down': the reverse. */
  direction: 'up' | 'down';
}

/**
 * All crossings of `level` by the piecewise-linear curve through (xs[i], ys[i]), in array
 * order. A point exactly at the level counts as "at or above", so a curve touching the
 * level from below yields one up crossing there (and a down crossing if it then falls
 * back). xs need not be increasing (a down sweep visits decreasing h). Linear
 * interpolation is second-order accurate in the grid step where the curve is smooth.
 */
export function crossings(xs: ArrayLike<number>, ys: ArrayLike<number>, level: number, direction: Direction = 'any'): Crossing[] {
  checkPairs(xs, ys, 'crossings');
  if (!Number.isFinite(level)) throw new RangeError(`crossings: level must be finite (${level})`);
  const out: Crossing[] = [];
  for (let i = 0; i + 1 < xs.length; i++) {
    const below0 = ys[i] < level;
    const below1 = ys[i + 1] < level;
    if (below0 === below1) continue;
    const dir: 'up' | 'down' = below0 ? 'up' : 'down';
    if (direction !== 'any' && direction !== dir) continue;
    const frac = (level - ys[i]) / (ys[i + 1] - ys[i]);
    out.push({ x: xs[i] + frac * (xs[i + 1] - xs[i]), index: i, direction: dir });
  }
  return out;
}

export interface OnsetOptions {
  /**
   * Which crossing counts: 'up' (default; first x where ys rises to the level), 'down'
   * (the paper's fig. 9 with T increasing: final mean |u_hat| falls through 0.1), 'any'.
   */
  direction?: Direction;
}

/**
 * Finite-time onset: the first x (xs strictly increasing) where ys crosses `level`,
 * linearly interpolated; null if it never does. The paper's onset is the T where the
 * final mean |u_hat| reaches 0.1; being a finite-time, finite-B quantity it lies below
 * T_c = a/(2 gamma) (MODEL.md sec. 3), which `extrapolateCriticalPoint` estimates instead.
 */
export function finiteTimeOnset(xs: ArrayLike<number>, ys: ArrayLike<number>, level: number, options: OnsetOptions = {}): number | null {
  checkPairs(xs, ys, 'finiteTimeOnset');
  for (let i = 0; i + 1 < xs.length; i++) {
    if (!(xs[i + 1] > xs[i])) throw new RangeError(`finiteTimeOnset: xs must be strictly increasing (xs[${i + 1}] = ${xs[i + 1]} after ${xs[i]})`);
  }
  const c = crossings(xs, ys, level, options.direction ?? 'up');
  return c.length > 0 ? c[0].x : null;
}
