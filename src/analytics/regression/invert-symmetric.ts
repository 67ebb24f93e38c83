// Inverse of a small square matrix (here the normal-equation and Gauss-Newton matrices,
// which are symmetric positive definite).
//
// Method: Gauss-Jordan elimination on [A | I] with partial (row) pivoting. It does not use
// the symmetry; the name records what it is called with. The singularity test is an
// absolute pivot threshold |pivot| <= 1e-12, meaningful for a matrix scaled to unit
// diagonal as weightedLeastSquares passes it.
// Reference: Numerical Recipes 3rd ed. (Press et al. 2007) sec. 2.1 (Gauss-Jordan
// elimination; NR's gaussj pivots fully, this code by rows only); Golub & Van Loan, Matrix
// Computations, 4th ed. (2013) sec. 3.4 (partial pivoting).
//
// A non-square or (numerically) singular matrix throws a RangeError.
// Plain TypeScript on f64, no Node-only imports: runs in a browser too.

/** Gauss-Jordan inverse with partial pivoting; throws a RangeError if (numerically) singular. */
export function invertSymmetric(a: number[][]): number[][] {
  const p = a.length;
  for (let i = 0; i < p; i++) {
    if (a[i].length !== p) throw new RangeError(`invertSymmetric: row ${i} has ${a[i].length} entries, the matrix has ${p} rows`);
  }
  const aug = a.map((row, i) => [...row, ...Array.from({ length: p }, (_, j) => (i === j ? 1 : 0))]);
  for (let col = 0; col < p; col++) {
    let piv = col;
    for (let r = col + 1; r < p; r++) if (Math.abs(aug[r][col]) > Math.abs(aug[piv][col])) piv = r;
    if (!(Math.abs(aug[piv][col]) > 1e-12)) throw new RangeError('invertSymmetric: singular matrix (collinear design)');
    [aug[col], aug[piv]] = [aug[piv], aug[col]];
    const inv = 1 / aug[col][col];
    for (let k = 0; k < 2 * p; k++) aug[col][k] *= inv;
    for (let r = 0; r < p; r++) {
      if (r === col) continue;
      const f = aug[r][col];
      if (f === 0) continue;
      for (let k = 0; k < 2 * p; k++) aug[r][k] -= f * aug[col][k];
    }
  }
  return aug.map((row) => row.slice(p));
}
