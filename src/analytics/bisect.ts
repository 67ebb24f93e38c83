// Bisection for a root of a continuous function on a bracket [lo, hi] where it changes sign:
// halves the bracket until it stops shrinking in floating point or is 1e-15 relative wide
// (at most 400 halvings). Reference: Press et al., Numerical Recipes, 3rd ed., section 9.1.
// Used by the two-expert equilibria and the N-expert branches (src/analytics/theory/).

/** A root of f on [lo, hi], f(lo) = flo and f(hi) of opposite signs. */
export function bisect(f: (x: number) => number, lo: number, hi: number, flo: number): number {
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
