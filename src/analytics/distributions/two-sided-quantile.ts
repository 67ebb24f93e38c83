// Two-sided confidence multiplier q with P(|Z| <= q) = level: the normal quantile
// Phi^-1((1 + level)/2), or with dof degrees of freedom the Student-t quantile
// t_dof^-1((1 + level)/2), so that estimate +- q * se is a `level` interval.
//
// Method: one quantile evaluation (distributions/normal.ts or student-t.ts). dof = 0 (no
// residual degrees of freedom: nothing to estimate a scale from) gives Infinity, i.e. an
// unbounded interval, which callers report as such.
// Reference: Student, "The probable error of a mean", Biometrika 6 (1908) 1-25, for the t
// interval; the normal one is its dof -> Infinity limit.
//
// A level outside (0, 1) or a negative or NaN dof throws a RangeError.
// Plain TypeScript on f64, no Node-only imports: runs in a browser too.

import { normalQuantile } from './normal.js';
import { studentTQuantile } from './student-t.js';

/** Two-sided confidence multiplier: normal (dof = Infinity or undefined) or Student-t (dof = 0: Infinity). */
export function twoSidedQuantile(level: number, dof?: number): number {
  if (!(level > 0 && level < 1)) throw new RangeError(`twoSidedQuantile: confidence level must be in (0, 1) (${level})`);
  const p = 0.5 + level / 2;
  if (dof === undefined || dof === Infinity) return normalQuantile(p);
  if (dof === 0) return Infinity;
  if (!(dof > 0)) throw new RangeError(`twoSidedQuantile: dof must be >= 0 (${dof})`);
  return studentTQuantile(p, dof);
}
