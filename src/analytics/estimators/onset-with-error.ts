// The finite-time onset (the first crossing of a level by a sampled curve, crossings.ts)
// with a standard error propagated from the independent errors of the two bracketing points.
//
// Method: with the crossing between points i and i+1, x = x_i + f (x_{i+1} - x_i) and
// f = (level - y_i)/(y_{i+1} - y_i). By the delta method, dx/dy_i = -(x_{i+1} - x_i)(1 - f)/(y_{i+1} - y_i)
// and dx/dy_{i+1} = -(x_{i+1} - x_i) f/(y_{i+1} - y_i), so
//   se(x)^2 = (dx_i/(y_{i+1} - y_i))^2 ((1 - f)^2 se_i^2 + f^2 se_{i+1}^2),  dx_i = x_{i+1} - x_i.
// This is the sampling error only: the interpolation error (crossings.ts: step^2/8 max|y''|
// over |y'|) is a bias on top, and the onset itself is a finite-time quantity below T_c.
// Reference: Casella & Berger, Statistical Inference, 2nd ed. (2002) sec. 5.5.4 (delta method).
//
// Mismatched lengths and what finiteTimeOnset rejects throw a RangeError.
// Plain TypeScript on f64, no Node-only imports: runs in a browser too.

import { crossings, finiteTimeOnset, type OnsetOptions } from './crossings.js';

/** The onset finiteTimeOnset finds with its delta-method s.e.; null if there is no crossing. */
export function onsetWithError(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  ses: ArrayLike<number>,
  level: number,
  options: OnsetOptions = {},
): { x: number; se: number } | null {
  if (ses.length !== ys.length) throw new RangeError(`onsetWithError: ys has ${ys.length} entries, ses ${ses.length}`);
  const x = finiteTimeOnset(xs, ys, level, options);
  if (x === null) return null;
  const c = crossings(xs, ys, level, options.direction ?? 'up')[0];
  const i = c.index;
  const dy = ys[i + 1] - ys[i];
  const dx = xs[i + 1] - xs[i];
  const f = (level - ys[i]) / dy;
  const se = Math.abs(dx / dy) * Math.sqrt((1 - f) ** 2 * ses[i] ** 2 + f ** 2 * ses[i + 1] ** 2);
  return { x, se };
}
