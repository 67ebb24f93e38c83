// Replicate blocks: the exact statistics of a union of blocks of independent replicates
// from each block's count, mean and s.d., and the delete-one-block jackknife.
//
// Method: a block of n_b values with mean m_b and unbiased s.d. s_b has sum n_b m_b and
// sum of squares (n_b - 1) s_b^2 + n_b m_b^2; sums of blocks give the union's mean and
// unbiased variance exactly (up to rounding), so any subset of blocks is a smaller
// experiment with the same estimator. The jackknife over K blocks: with theta_(-k) the
// estimate without block k and theta_(.) their mean, se^2 = (K-1)/K sum (theta_(-k) -
// theta_(.))^2; it needs no model of the per-replicate distribution, only independent
// blocks, so it checks a model-based standard error.
// Reference: B. Efron and C. Stein, "The jackknife estimate of variance", Ann. Statist. 9
// (1981) 586-596; Efron & Tibshirani, An Introduction to the Bootstrap (1993) ch. 11
// (the jackknife, delete-d and grouped versions).
//
// Fewer than two blocks, or a block with fewer than two values, throw a RangeError.
// Plain TypeScript on f64, no Node-only imports: runs in a browser too.

export interface ReplicateBlock {
  n: number;
  mean: number;
  /** unbiased s.d. */
  sd: number;
}

/** The count, mean and unbiased variance of the union of the blocks. */
export function poolBlocks(blocks: readonly ReplicateBlock[]): { n: number; mean: number; variance: number } {
  let n = 0,
    sum = 0;
  for (const b of blocks) {
    if (!(b.n >= 2)) throw new RangeError(`poolBlocks: each block needs at least 2 values (got ${b.n})`);
    n += b.n;
    sum += b.n * b.mean;
  }
  const mean = sum / n;
  // Sum of squares about the pooled mean: within-block plus between-block parts.
  let ss = 0;
  for (const b of blocks) ss += (b.n - 1) * b.sd * b.sd + b.n * (b.mean - mean) ** 2;
  return { n, mean, variance: ss / (n - 1) };
}

export interface Jackknife {
  /** the estimate from all blocks */
  value: number;
  /** delete-one-block jackknife standard error */
  se: number;
  /** jackknife bias estimate (K-1)(theta_(.) - theta) */
  bias: number;
  /** the K leave-one-out estimates */
  leaveOneOut: number[];
}

/** Delete-one-block jackknife of `estimate(blocks kept)` over K blocks (indices 0..K-1). */
export function blockJackknife(K: number, estimate: (kept: number[]) => number): Jackknife {
  if (!(Number.isInteger(K) && K >= 2)) throw new RangeError(`blockJackknife: need at least 2 blocks (got ${K})`);
  const all = Array.from({ length: K }, (_, k) => k);
  const value = estimate(all);
  const leaveOneOut = all.map((k) => estimate(all.filter((j) => j !== k)));
  const mean = leaveOneOut.reduce((s, v) => s + v, 0) / K;
  const ss = leaveOneOut.reduce((s, v) => s + (v - mean) ** 2, 0);
  return { value, se: Math.sqrt(((K - 1) / K) * ss), bias: (K - 1) * (mean - value), leaveOneOut };
}
