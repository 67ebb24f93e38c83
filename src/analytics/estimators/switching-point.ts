// Switching point of one sweep: where the observed load imbalance u changes sign (the
// paper's switching threshold, figs. 7, 10, 11).
//
// Method: scan in visiting order, remembering the last point of nonzero u; at the first
// point of the opposite sign (in the requested direction) interpolate linearly between the
// two, x = x_last + u_last/(u_last - u_k) (x_k - x_last). Exact zeros carry no sign: a run
// of zeros between opposite signs gives the midpoint of the run.
// Reference: Kiselev, arXiv:2605.29121, figs. 7, 10, 11 (the h where u_hat changes sign);
// MODEL.md sec. 3. src/experiments/protocols.ts streams the same rule over replicates.
//
// Mismatched lengths or non-finite values throw a RangeError.
// Plain TypeScript on f64, no Node-only imports: runs in a browser too.

import { checkPairs } from './checks.js';
import type { Direction } from './types.js';

export interface SwitchOptions {
  /**
   * Sign change to look for: 'up' = u from negative to positive (up sweep in h),
   * 'down' = positive to negative (down sweep), 'any' (default) = the first either way.
   */
  direction?: Direction;
}

/**
 * Switching point of one sweep: the first x (in visiting order) where u changes sign,
 * by linear interpolation between the last point of the old sign and the first of the
 * new one. Exact zeros carry no sign: if u is exactly 0 on a run of points between
 * opposite signs, the midpoint of that run is returned. null if no (matching) sign
 * change occurs. The paper's switching threshold is the h where u_hat changes sign.
 */
export function switchingPoint(xs: ArrayLike<number>, us: ArrayLike<number>, options: SwitchOptions = {}): number | null {
  checkPairs(xs, us, 'switchingPoint');
  const want = options.direction ?? 'any';
  let last = -1; // index of the last point with nonzero u
  for (let k = 0; k < us.length; k++) {
    if (us[k] === 0) continue;
    if (last >= 0 && Math.sign(us[k]) !== Math.sign(us[last])) {
      const dir = us[k] > 0 ? 'up' : 'down';
      if (want === 'any' || want === dir) {
        if (k === last + 1) {
          const frac = us[last] / (us[last] - us[k]);
          return xs[last] + frac * (xs[k] - xs[last]);
        }
        return 0.5 * (xs[last + 1] + xs[k - 1]);
      }
    }
    last = k;
  }
  return null;
}
