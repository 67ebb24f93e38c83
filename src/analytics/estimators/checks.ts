// Argument checks shared by the estimators: paired finite samples and positive abscissae.
// Each failure is a RangeError naming the estimator, the quantity and the offending value
// (the estimators are called by the program; user input is checked before it gets here).

/** Every x > 0, else a RangeError naming the function, the quantity and the value. */
export function checkPositive(xs: ArrayLike<number>, what: string, quantity: string): void {
  for (let i = 0; i < xs.length; i++) {
    if (!(xs[i] > 0)) throw new RangeError(`${what}: ${quantity} must be > 0 (${xs[i]})`);
  }
}

/** xs and ys of equal length and all finite, else a RangeError naming the function and the index. */
export function checkPairs(xs: ArrayLike<number>, ys: ArrayLike<number>, what: string): void {
  if (xs.length !== ys.length) throw new RangeError(`${what}: xs has ${xs.length} entries, ys ${ys.length}`);
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(xs[i]) || !Number.isFinite(ys[i])) {
      throw new RangeError(`${what}: non-finite value at index ${i} (x=${xs[i]}, y=${ys[i]})`);
    }
  }
}
