// The reductions from what an engine reads back to per-cell statistics, in one place: window
// means per router from the exact tallies, the one per-cell statistics type (CellStats) and
// summarizeCells, mean and s.d., and the streaming switch tracker of sweeps. runScan
// (scan.ts), the protocols (src/experiments/protocols.ts) and the web workers use these;
// the reductions of outcomes to what an analysis reads (widths, branch separation, onsets)
// are in src/experiments/reductions.ts, one layer up. f64, no Node-only imports.

import type { RouterReadout } from './engine.js';
import type { RouterCell, ScanPlan } from './model.js';

/** Window means per router: u_hat = (2 N1 - B) / B averaged over the window. */
export interface RouterMeans {
  /** mean u_hat */ meanLoad: Float64Array;
  /** mean |u_hat| */ meanAbsLoad: Float64Array;
  /** mean u_hat^2 */ meanSqLoad: Float64Array;
  /** y after the last step */ finalY: Float64Array;
}

/** Window means of every router of a plan from its read-back tallies. */
export function windowMeans(readout: RouterReadout, plan: ScanPlan): RouterMeans {
  const n = readout.y.length;
  const meanLoad = new Float64Array(n);
  const meanAbsLoad = new Float64Array(n);
  const meanSqLoad = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const B = plan.cells[Math.floor(i / plan.replicates)].B;
    const bw = B * plan.window;
    meanLoad[i] = (2 * readout.sumN1[i] - bw) / bw;
    meanAbsLoad[i] = readout.sumAbs[i] / bw;
    meanSqLoad[i] = readout.sumSq[i] / (B * bw);
  }
  return { meanLoad, meanAbsLoad, meanSqLoad, finalY: readout.y };
}

// ---------------------------------------------------------------------------------------
// Per-cell statistics
// ---------------------------------------------------------------------------------------

/**
 * Statistics across the replicates of one grid cell (and family): what runScan reports per
 * cell and what a `relax` outcome stores (result.json and parts use these field names).
 */
export interface CellStats {
  /** mean over replicates of the window mean of u_hat */ meanLoad: number;
  /** mean over replicates of the window mean of |u_hat| */ meanAbsLoad: number;
  /** standard error of meanAbsLoad across replicates */ meanAbsLoadSE: number;
  /** mean over replicates of the window mean of u_hat^2 */ meanSqLoad: number;
  /** mean over replicates of |window mean of u_hat|: the paper's "final |u_hat|" */ absMeanLoad: number;
  meanFinalY: number;
  /** unbiased variance of the final y across replicates */ varFinalY: number;
  /** standard error of absMeanLoad */ absMeanLoadSE: number;
  /** fraction of replicates whose window mean u_hat is > 0 */ fractionPositive: number;
}

/**
 * The fields of CellStats, in output order: the part schema and the page's empty cells are
 * built from this list, so a new statistic is declared here and in the interface only.
 */
export const CELL_STAT_FIELDS = [
  'meanLoad',
  'meanAbsLoad',
  'meanAbsLoadSE',
  'meanSqLoad',
  'absMeanLoad',
  'meanFinalY',
  'varFinalY',
  'absMeanLoadSE',
  'fractionPositive',
] as const satisfies readonly (keyof CellStats)[];
// Does not compile if the list misses a field of CellStats.
true satisfies Exclude<keyof CellStats, (typeof CELL_STAT_FIELDS)[number]> extends never ? true : never;

/** A cell's statistics with the router cell they belong to (runScan's perCell). */
export interface CellSummary extends CellStats {
  cell: RouterCell;
}

/** Mean and unbiased s.d. of xs[begin, end) (NaN s.d. for fewer than two values). */
export function meanSd(xs: ArrayLike<number>, begin: number, end: number): [number, number] {
  const n = end - begin;
  let sum = 0;
  for (let i = begin; i < end; i++) sum += xs[i];
  const mean = sum / n;
  let ss = 0;
  for (let i = begin; i < end; i++) ss += (xs[i] - mean) ** 2;
  return [mean, n > 1 ? Math.sqrt(ss / (n - 1)) : NaN];
}

/** The statistics of each cell of a plan over its replicates (routers c*R .. c*R + R - 1). */
export function summarizeCells(means: RouterMeans, plan: ScanPlan): CellSummary[] {
  const R = plan.replicates;
  const abs = new Float64Array(R);
  return plan.cells.map((cell, c) => {
    let load = 0,
      absLoad = 0,
      abs2 = 0,
      sq = 0,
      absMean = 0,
      y = 0,
      y2 = 0,
      positive = 0;
    for (let i = c * R; i < (c + 1) * R; i++) {
      load += means.meanLoad[i];
      absLoad += means.meanAbsLoad[i];
      abs2 += means.meanAbsLoad[i] ** 2;
      sq += means.meanSqLoad[i];
      absMean += Math.abs(means.meanLoad[i]);
      y += means.finalY[i];
      abs[i - c * R] = Math.abs(means.meanLoad[i]);
      if (means.meanLoad[i] > 0) positive++;
    }
    const meanY = y / R;
    for (let i = c * R; i < (c + 1) * R; i++) y2 += (means.finalY[i] - meanY) ** 2;
    const meanAbs = absLoad / R;
    const varAbs = R > 1 ? Math.max(0, (abs2 - R * meanAbs * meanAbs) / (R - 1)) : NaN;
    return {
      cell,
      meanLoad: load / R,
      meanAbsLoad: meanAbs,
      meanAbsLoadSE: Math.sqrt(varAbs / R),
      meanSqLoad: sq / R,
      absMeanLoad: absMean / R,
      meanFinalY: meanY,
      varFinalY: R > 1 ? y2 / (R - 1) : NaN,
      absMeanLoadSE: meanSd(abs, 0, R)[1] / Math.sqrt(R),
      fractionPositive: positive / R,
    };
  });
}

/**
 * Streaming switchingPoint (src/analytics/estimators/switching-point.ts) for many replicates at once: feed
 * each point's u_hat of every replicate in visiting order; `at` holds each replicate's first
 * sign change in direction `want` (NaN: none yet), interpolated exactly as switchingPoint does.
 */
export class SwitchTracker {
  readonly at: Float64Array;
  private readonly last: Int32Array; // index of the last point with u != 0, -1 before any
  private readonly lastU: Float64Array;
  private k = 0;

  constructor(
    n: number,
    private readonly want: 'up' | 'down',
    private readonly xs: readonly number[],
  ) {
    this.at = new Float64Array(n).fill(NaN);
    this.last = new Int32Array(n).fill(-1);
    this.lastU = new Float64Array(n);
  }

  /** Point k (in order) with u[offset + i] for replicate i. */
  observe(u: ArrayLike<number>, offset = 0): void {
    const { at, last, lastU, xs } = this;
    const k = this.k++;
    for (let i = 0; i < at.length; i++) {
      const v = u[offset + i];
      if (!Number.isNaN(at[i]) || v === 0) continue;
      const l = last[i];
      if (l >= 0 && Math.sign(v) !== Math.sign(lastU[i]) && v > 0 === (this.want === 'up')) {
        // Adjacent points: linear interpolation; across exact zeros: the middle of the zero run.
        at[i] = k === l + 1 ? xs[l] + (lastU[i] / (lastU[i] - v)) * (xs[k] - xs[l]) : 0.5 * (xs[l + 1] + xs[k - 1]);
        continue;
      }
      last[i] = k;
      lastU[i] = v;
    }
  }

  switching(): (number | null)[] {
    return Array.from(this.at, (x) => (Number.isNaN(x) ? null : x));
  }

  /** Plain data (null for NaN: JSON has no NaN) and back, for snapshots. */
  state(): TrackerState {
    return { at: this.switching(), last: Array.from(this.last), lastU: Array.from(this.lastU), k: this.k };
  }

  static from(s: TrackerState, want: 'up' | 'down', xs: readonly number[]): SwitchTracker {
    const t = new SwitchTracker(s.at.length, want, xs);
    s.at.forEach((x, i) => {
      t.at[i] = x ?? NaN;
    });
    t.last.set(s.last);
    t.lastU.set(s.lastU);
    t.k = s.k;
    return t;
  }
}

export interface TrackerState {
  at: (number | null)[];
  last: number[];
  lastU: number[];
  k: number;
}
