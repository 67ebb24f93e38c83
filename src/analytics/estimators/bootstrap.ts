// Percentile bootstrap over independent groups of i.i.d. samples (e.g. the initialisations of
// each grid cell of a training scan), for a statistic that is a function of every group, such
// as the threshold where a curve of group means crosses a level.
//
// Method: each draw resamples every group with replacement (its own size), and the interval
// is the (1 - level)/2 and (1 + level)/2 empirical quantiles of the statistic over the draws
// (draws where it is not finite are counted: if more than (1 - level)/2 of them are, that side
// is unbounded). The resampling is seeded (mulberry32 on the seed), so an interval is a
// function of the data and the seed only.
// Reference: B. Efron, R. Tibshirani, "An Introduction to the Bootstrap", Chapman & Hall (1993),
// ch. 13 (the percentile interval).
//
// No groups, an empty group, draws < 10 or a level outside (0, 1) throw a RangeError.
// Plain TypeScript on f64, no Node-only imports: runs in a browser too.

import type { Interval } from './types.js';

/** A seeded uniform generator on [0, 1): mulberry32 (T. Ettinger, 2017), two 32-bit outputs per 53-bit value. */
function uniforms(seed: number): () => number {
  let a = (seed ^ Math.floor(seed / 2 ** 32) ^ 0x6d2b79f5) >>> 0;
  const next32 = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return () => ((next32() >>> 5) * 2 ** 26 + (next32() >>> 6)) / 2 ** 53;
}

export interface BootstrapInterval extends Interval {
  /** the statistic on the data */
  estimate: number;
  /** s.d. of the finite bootstrap replicates */
  se: number;
  /** the fraction of draws where the statistic was not finite */
  undefinedFraction: number;
}

export function bootstrapInterval(
  groups: readonly (readonly number[])[],
  statistic: (groups: readonly (readonly number[])[]) => number,
  options: { draws?: number; level?: number; seed?: number } = {},
): BootstrapInterval {
  const draws = options.draws ?? 1000;
  const level = options.level ?? 0.95;
  if (groups.length === 0 || groups.some((g) => g.length === 0)) throw new RangeError('bootstrapInterval: every group needs a sample');
  if (!(draws >= 10)) throw new RangeError(`bootstrapInterval: draws must be >= 10 (${draws})`);
  if (!(level > 0 && level < 1)) throw new RangeError(`bootstrapInterval: level must be in (0, 1) (${level})`);
  const rand = uniforms(options.seed ?? 1);
  const estimate = statistic(groups);
  const values: number[] = [];
  const scratch = groups.map((g) => new Array<number>(g.length));
  for (let d = 0; d < draws; d++) {
    groups.forEach((g, i) => {
      const out = scratch[i];
      for (let k = 0; k < g.length; k++) out[k] = g[Math.floor(rand() * g.length)];
    });
    values.push(statistic(scratch));
  }
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  const missing = draws - finite.length;
  const tail = ((1 - level) / 2) * draws;
  // non-finite draws are placed at +Infinity (a threshold never reached lies beyond the grid)
  const at = (q: number) => {
    const k = Math.min(draws - 1, Math.max(0, Math.floor(q)));
    return k < finite.length ? finite[k] : Infinity;
  };
  const lower = at(tail);
  const upper = at(draws - 1 - tail);
  const m = finite.reduce((s, x) => s + x, 0) / finite.length;
  const se = finite.length > 1 ? Math.sqrt(finite.reduce((s, x) => s + (x - m) ** 2, 0) / (finite.length - 1)) : NaN;
  return { estimate, lower, upper, level, bounded: Number.isFinite(lower) && Number.isFinite(upper), se, undefinedFraction: missing / draws };
}

/**
 * The first x (xs increasing) where ys falls to `level` or below, linearly interpolated
 * between the bracketing points (in log x when both are > 0, since such grids are log-spaced);
 * x[0] if ys starts there; NaN if it never does.
 */
export function firstFallTo(xs: readonly number[], ys: readonly number[], level: number): number {
  if (xs.length !== ys.length) throw new RangeError('firstFallTo: xs and ys differ in length');
  if (ys.length > 0 && ys[0] <= level) return xs[0];
  for (let i = 1; i < xs.length; i++) {
    if (ys[i] <= level) {
      if (ys[i] === level) return xs[i];
      const f = (ys[i - 1] - level) / (ys[i - 1] - ys[i]);
      if (xs[i - 1] > 0 && xs[i] > 0) return Math.exp(Math.log(xs[i - 1]) + f * (Math.log(xs[i]) - Math.log(xs[i - 1])));
      return xs[i - 1] + f * (xs[i] - xs[i - 1]);
    }
  }
  return NaN;
}
