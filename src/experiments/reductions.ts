// The reductions between per-router numbers, protocol outcomes and what an analysis reads,
// in one place: the per-cell statistics (CellStats, the one type for them, and
// summarizeCells), mean and s.d., the cells of one replicate family, the hysteresis widths
// of an up/down leg pair, the branch separation (u+ - u-)/2 of two families, and the
// finite-time onset of a T scan. Presets (presets/*.ts), the generic spec analysis
// (spec-analysis.ts) and the shared figures (figures.ts) use these and nothing else.
// f64, no Node-only imports: runs in a browser too.

import { finiteTimeOnset } from '../analytics/estimators/crossings.js';
import { widthsFromSwitching, type HysteresisWidths } from '../analytics/estimators/hysteresis-widths.js';
import type { CellStats } from '../core/reductions.js';
import type { PartResults } from './scan-run.js';
import type { ScanOutcome, SweepLeg, SweepOutcome, TraceCell } from './types.js';

// ---------------------------------------------------------------------------------------
// Outcomes by protocol and family
// ---------------------------------------------------------------------------------------

/** The relax statistics of one family (0: started at +y0, 1: at -y0) per grid cell. */
export function relaxCells(o: ScanOutcome, family = 0): CellStats[] {
  if (o.outcome.kind !== 'relax') throw new Error(`${o.spec.name}: expected a relax outcome, got ${o.outcome.kind}`);
  return o.outcome.cells[family];
}

/** The traces of one family per grid cell. */
export function traceCells(o: ScanOutcome, family = 0): TraceCell[] {
  if (o.outcome.kind !== 'trace') throw new Error(`${o.spec.name}: expected a trace outcome, got ${o.outcome.kind}`);
  return o.outcome.cells[family];
}

/** The sweep speeds of a sweep outcome, each with its legs per grid cell. */
export function sweepSpeeds(o: ScanOutcome): SweepOutcome['speeds'] {
  if (o.outcome.kind !== 'sweep') throw new Error(`${o.spec.name}: expected a sweep outcome, got ${o.outcome.kind}`);
  return o.outcome.speeds;
}

/**
 * Branch separation of a two-family relax scan, per grid cell: half the gap between the
 * families' mean u_hat, (u+ - u-)/2, clipped to [0, 1]. About |u*| >= 0.25 where the
 * families stay on opposite stable branches (bistable; |u*| > 0.25 once a > 2.07 gamma T),
 * 0 where they merge. Near the pitchfork the merge is slow (relaxation rate |a/2T - gamma|),
 * so short runs leave a finite-time sliver along h = 0 below a = 2 gamma T.
 */
export function branchSeparation(o: ScanOutcome): number[] {
  const plus = relaxCells(o, 0);
  const minus = relaxCells(o, 1);
  return plus.map((c, i) => Math.min(1, Math.max(0, (c.meanLoad - minus[i].meanLoad) / 2)));
}

// ---------------------------------------------------------------------------------------
// Hysteresis widths and onsets
// ---------------------------------------------------------------------------------------

/**
 * Per-replicate widths h_up - h_down of one cell's up and down legs, with their statistics
 * and those of each direction's switching points: widthsFromSwitching (the estimator's one
 * implementation) on the switching points the sweep protocol streamed.
 */
export function legPairWidths(legs: readonly SweepLeg[]): HysteresisWidths {
  const up = legs.find((l) => l.direction === 'up');
  const down = legs.find((l) => l.direction === 'down');
  if (!up || !down) throw new RangeError(`legPairWidths: needs an up and a down leg, got ${legs.map((l) => l.direction).join(', ') || 'none'}`);
  return widthsFromSwitching(up.switching, down.switching);
}

/** The widths of the replicates that switched both ways (NaN entries dropped). */
export const switchedWidths = (w: HysteresisWidths): number[] => w.widths.filter((x) => !Number.isNaN(x));

/** Onset level of figs. 8 and 9: final mean |u_hat| = 0.1. */
export const ONSET_LEVEL = 0.1;

/** The finite-time onset of a T scan: the T where final mean |u_hat| falls through ONSET_LEVEL. */
export function onsetOf(Ts: number[], values: number[]): number | null {
  return finiteTimeOnset(Ts, values, ONSET_LEVEL, { direction: 'down' });
}

/** NaN and infinities as null (JSON and CSV cells), numbers unchanged. */
export const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

// ---------------------------------------------------------------------------------------
// Joining pieces of shards and chunks
// ---------------------------------------------------------------------------------------

/**
 * The results of consecutive pieces of one scan (shards, the page's chunks) as one:
 * [family or speed][cell], each row concatenated over the pieces in cell order. Exact: the
 * joined numbers are those of one unsplit run.
 */
export function joinResults(pieces: readonly { results: PartResults }[]): PartResults {
  const join = <T>(rows: (r: PartResults) => T[][] | undefined): T[][] | undefined =>
    rows(pieces[0].results)?.map((_, j) => pieces.flatMap((p) => rows(p.results)![j]));
  const relax = join((r) => r.relax);
  const trace = join((r) => r.trace);
  const sweep = join((r) => r.sweep);
  return { ...(relax && { relax }), ...(trace && { trace }), ...(sweep && { sweep }) };
}
