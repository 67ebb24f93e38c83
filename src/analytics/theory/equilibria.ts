// All equilibria of the mean-field router dy/dt = F(y) (eq. 6), with load (eq. 7), slope
// F' (eq. 15), linear stability and multiplicity (simple root, fold, pitchfork).
//
// Method: F' has at most two roots +-y_f, cosh^2(y_f/(2T)) = a_eff/(2 gamma T) (eq. 15), so F
// is strictly monotone on [-R, -y_f], [-y_f, y_f], [y_f, R] (or on all of [-R, R] when
// a_eff <= 2 gamma T), with R beyond (|a_eff| + |h|)/gamma where every root lies. Each
// monotone piece holds at most one root, found by bisection to ~1e-15 relative. A critical
// point whose F value is within rounding (64 ulps of its terms) of zero is reported as a
// fold double root (slope 0); if both are, the triple cluster is within rounding
// (pitchfork point) and one triple root is reported.
// Reference: Kiselev, arXiv:2605.29121, eqs. 6, 7, 15; MODEL.md sec. 2. Bisection: e.g.
// Numerical Recipes 3rd ed. (Press et al. 2007) sec. 9.1.
//
// Non-finite a, h or rho, gamma <= 0 or T <= 0 throw a RangeError.
// Plain TypeScript in f64 with no platform imports: runs in Node and in a browser.

import { driftAt, driftSlopeAt, loadAt } from './drift.js';
import { foldParameter } from './folds.js';
import { aEffOf, checkParams, hOf, type RouterParams } from './params.js';
import { bisect } from '../bisect.js';

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
  checkParams('equilibria', p);
  const aEff = aEffOf(p);
  const h = hOf(p);
  const { gamma, T } = p;
  const f = (y: number): number => driftAt(y, aEff, gamma, T, h);
  // rounding-error scale of F(y): its terms' magnitudes times a few ulps
  const fTol = (y: number): number => 64 * Number.EPSILON * (Math.abs(aEff * Math.tanh(y / (2 * T))) + gamma * Math.abs(y) + Math.abs(h));
  const R = ((Math.abs(aEff) + Math.abs(h)) / gamma) * (1 + 1e-9) + 1;

  const simple = (y: number): Equilibrium => {
    const slope = driftSlopeAt(y, aEff, gamma, T);
    return { y, load: loadAt(y, T), slope, stable: slope < 0, multiplicity: 1 };
  };
  const degenerate = (y: number, m: 2 | 3): Equilibrium => ({
    y,
    load: loadAt(y, T),
    slope: 0,
    stable: false,
    multiplicity: m,
  });

  const qf = foldParameter(aEff, gamma, T);
  if (!(qf > 0)) {
    // monotone (strictly decreasing) F: exactly one root
    const fl = f(-R);
    const y = bisect(f, -R, R, fl);
    const atPitchfork = Math.abs((aEff - 2 * gamma * T) / (2 * gamma * T)) <= 1e-12 && Math.abs(y) <= 1e-6 * T;
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
