// Hysteresis widths from paired up/down sweeps of h: per replicate h_switch_up -
// h_switch_down, with mean, s.d. and standard error over the replicates that switched both
// ways (paper figs. 7, 10, 11; mean field 2 H(a), eq. 18).
//
// Method: switchingPoint on each up sweep (first - to + sign change) and each down sweep
// (first + to - change); replicates where either does not switch are excluded and counted.
// The widths of independent replicates are i.i.d., so se = sd / sqrt(n) (meanWithError).
// widthsFromSwitching is the one reduction from per-replicate switching points to widths:
// hysteresisWidths uses it on sweeps given as curves, experiments/reductions.ts on the
// switching points the sweep protocol streams (src/experiments/protocols.ts).
// Reference: Kiselev, arXiv:2605.29121, eq. 18 and figs. 7, 10, 11; MODEL.md sec. 3.
//
// Unequal numbers of up and down sweeps throw a RangeError (and whatever switchingPoint rejects).
// Plain TypeScript on f64, no Node-only imports: runs in a browser too.

import { meanWithError, type MeanWithError } from './mean-with-error.js';
import { switchingPoint } from './switching-point.js';

/** One sweep: the h values in the order visited and the observed (mean) u_hat at each. */
export interface Sweep {
  h: ArrayLike<number>;
  u: ArrayLike<number>;
}

export interface HysteresisWidths {
  /** Per replicate h_switch_up - h_switch_down; NaN where either sweep did not switch. */
  widths: number[];
  /** Per replicate switching points (null = no switch). */
  upSwitch: (number | null)[];
  downSwitch: (number | null)[];
  /** Statistics over replicates where both sweeps switched. */
  count: number;
  mean: number;
  /** Sample s.d. (n - 1 denominator). */
  sd: number;
  /** Standard error of the mean, sd / sqrt(count). */
  se: number;
  /** Replicates where at least one of the two sweeps did not change sign. */
  noSwitch: number;
  noSwitchUp: number;
  noSwitchDown: number;
  /** Statistics of the switching points of each direction, over the replicates that switched that way. */
  up: MeanWithError;
  down: MeanWithError;
}

/**
 * Hysteresis widths from paired up/down sweeps (replicate i = upSweeps[i] with
 * downSweeps[i]). Up sweep: h increasing, the state starts on the u < 0 branch and
 * jumps up, so its switch is the first - to + sign change; down sweep: h decreasing,
 * first + to - change. Width = h_up - h_down (mean field: 2 H(a), eq. 18). Replicates
 * without a switch in either direction are excluded from the statistics and counted.
 * The widths of independent replicates are i.i.d., so se = sd / sqrt(n).
 */
export function hysteresisWidths(upSweeps: readonly Sweep[], downSweeps: readonly Sweep[]): HysteresisWidths {
  if (upSweeps.length !== downSweeps.length) {
    throw new RangeError(`hysteresisWidths: ${upSweeps.length} up sweeps but ${downSweeps.length} down sweeps`);
  }
  const upSwitch = upSweeps.map((s) => switchingPoint(s.h, s.u, { direction: 'up' }));
  const downSwitch = downSweeps.map((s) => switchingPoint(s.h, s.u, { direction: 'down' }));
  return widthsFromSwitching(upSwitch, downSwitch);
}

/**
 * Hysteresis widths from per-replicate switching points (null = that sweep did not switch):
 * replicate i pairs upSwitch[i] with downSwitch[i]. Width = h_up - h_down; replicates
 * without a switch either way are excluded from the width statistics and counted.
 */
export function widthsFromSwitching(upSwitch: readonly (number | null)[], downSwitch: readonly (number | null)[]): HysteresisWidths {
  if (upSwitch.length !== downSwitch.length) {
    throw new RangeError(`widthsFromSwitching: ${upSwitch.length} up switching points but ${downSwitch.length} down ones`);
  }
  const widths = upSwitch.map((hu, i) => {
    const hd = downSwitch[i];
    return hu === null || hd === null ? NaN : hu - hd;
  });
  const ok = widths.filter((w) => !Number.isNaN(w));
  const stats = meanWithError(ok);
  const switched = (xs: readonly (number | null)[]) => xs.filter((x): x is number => x !== null);
  return {
    widths,
    upSwitch: [...upSwitch],
    downSwitch: [...downSwitch],
    count: ok.length,
    mean: stats.mean,
    sd: stats.sd,
    se: stats.se,
    noSwitch: widths.length - ok.length,
    noSwitchUp: upSwitch.filter((x) => x === null).length,
    noSwitchDown: downSwitch.filter((x) => x === null).length,
    up: meanWithError(switched(upSwitch)),
    down: meanWithError(switched(downSwitch)),
  };
}

/**
 * Convenience form of `hysteresisWidths` for sweeps stored on a common grid.
 * hGrid is increasing; up[i][j] is u at hGrid[j]. down[i] is stored in visiting order
 * (h from hGrid[last] down to hGrid[0]) unless downOrder = 'grid' (down[i][j] at hGrid[j]).
 */
export function hysteresisWidthsOnGrid(
  hGrid: ArrayLike<number>,
  up: readonly ArrayLike<number>[],
  down: readonly ArrayLike<number>[],
  downOrder: 'sweep' | 'grid' = 'sweep',
): HysteresisWidths {
  const hUp = Array.from(hGrid);
  const hDown = hUp.slice().reverse();
  const downSweeps = down.map((u) => (downOrder === 'sweep' ? { h: hDown, u } : { h: hDown, u: Array.from(u).reverse() }));
  return hysteresisWidths(
    up.map((u) => ({ h: hUp, u })),
    downSweeps,
  );
}
