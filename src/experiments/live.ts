// Partial outcomes of a chunked run (chunked.ts), for the page's live figures and its exports
// after Stop: the cells of the finished chunks and, for sweeps and traces, what the running
// (or stopped) chunk has so far, read from its latest snapshot (scan-run.ts: the finished
// passes' results and the current pass's accumulators). A cell with no data has NaN
// statistics (relax), empty series (trace) or no legs (sweep). Browser-safe.

import { CELL_STAT_FIELDS, type CellStats } from '../core/reductions.js';
import { outcomeOf, type SweepAcc } from './protocols.js';
import type { ScanPart } from './run.js';
import type { Pass, PartResults, ScanSnapshot } from './scan-run.js';
import { sweepLegs, type PreparedScan } from './spec.js';
import type { ScanOutcome, SweepLeg, TraceCell } from './types.js';

/** The latest snapshot of the chunk now running (or stopped midway): grid cells [begin, end) of one scan. */
export interface ChunkSnapshot {
  scan: number;
  cells: [number, number];
  /** the chunk's passes (protocols.ts passesOf on the engine that ran it) */
  passes: Pass[];
  snapshot: ScanSnapshot;
}

export interface PartialScan {
  /** over all grid cells of the scan */
  outcome: ScanOutcome;
  /** grid cells [0, finished) are finished */
  finished: number;
  /** the cells with partial series from the running chunk's current pass, and its sweep speed */
  running: { begin: number; end: number; speed: number } | null;
}

export const NO_DATA = Object.fromEntries(CELL_STAT_FIELDS.map((k) => [k, NaN])) as unknown as CellStats;

const emptyTrace = (): TraceCell => ({ steps: [], meanLoad: [], sdLoad: [], meanAbsLoad: [], meanY: [], sdY: [] });

/** Copies the defined entries of `rows` (relative to cell `begin`) into `into`. */
function place<T>(into: T[][], rows: readonly (readonly (T | undefined)[])[] | undefined, begin: number): void {
  rows?.forEach((row, j) =>
    row.forEach((v, i) => {
      if (v !== undefined && into[j]) into[j][begin + i] = v;
    }),
  );
}

/** The current leg of a sweep pass so far (the points run of a leg not yet finished), or null. */
function partialLeg(scan: PreparedScan, segment: number, stats: SweepAcc['stats'][number] | undefined): SweepLeg | null {
  const p = scan.spec.protocol;
  if (p.kind !== 'sweep' || !stats || stats.meanLoad.length === 0) return null;
  const legs = sweepLegs(p);
  const points = legs.flatMap((leg, l) => leg.values.map((_, i) => ({ l, i })));
  const point = points[segment];
  // At a leg's first point the stats still hold the leg just finished (pushed to acc.legs).
  if (!point || point.i === 0 || point.i !== stats.meanLoad.length) return null;
  const leg = legs[point.l];
  return {
    direction: leg.direction,
    values: leg.values.slice(0, stats.meanLoad.length),
    meanLoad: [...stats.meanLoad],
    sdLoad: [...stats.sdLoad],
    switching: Array.from({ length: scan.spec.replicates }, () => null),
  };
}

/** The partial outcome of one scan: finished pieces, then what the live chunk snapshot holds. */
export function partialScan(
  scan: PreparedScan,
  pieces: readonly ScanPart[],
  live: ChunkSnapshot | null,
  provenance: ScanOutcome['provenance'],
): PartialScan {
  const { spec, grid } = scan;
  const n = scan.cells;
  const F = grid.families;
  const p = spec.protocol;
  const finished = pieces.length ? pieces[pieces.length - 1].cells[1] : 0;
  let running: PartialScan['running'] = null;
  const results: PartResults = {};
  if (p.kind === 'relax') {
    results.relax = Array.from({ length: F }, () => Array.from({ length: n }, () => NO_DATA));
    for (const piece of pieces) place(results.relax, piece.results.relax, piece.cells[0]);
  } else if (p.kind === 'trace') {
    const cells = Array.from({ length: F }, () => Array.from({ length: n }, emptyTrace));
    for (const piece of pieces) place(cells, piece.results.trace, piece.cells[0]);
    if (live) {
      place(cells, live.snapshot.results.trace, live.cells[0]);
      const pass = live.passes[live.snapshot.pass];
      const series = live.snapshot.inPass?.acc;
      if (pass && Array.isArray(series)) {
        (series as TraceCell[]).forEach((t, q) => {
          const c = pass.begin + Math.floor(q / F);
          if (c < n && t && Array.isArray(t.steps)) cells[q % F][c] = t;
        });
        running = { begin: pass.begin, end: pass.end, speed: 0 };
      }
    }
    results.trace = cells;
  } else {
    const speeds = p.stepsPerPoint.map(() => Array.from({ length: n }, (): SweepLeg[] => []));
    for (const piece of pieces) place(speeds, piece.results.sweep, piece.cells[0]);
    if (live) {
      place(speeds, live.snapshot.results.sweep, live.cells[0]);
      const pass = live.passes[live.snapshot.pass];
      const inPass = live.snapshot.inPass;
      const acc = inPass?.acc as SweepAcc | null | undefined;
      if (pass && inPass && acc && Array.isArray(acc.legs)) {
        for (let c = pass.begin; c < pass.end && c < n; c++) {
          const legs = [...(acc.legs[c - pass.begin] ?? [])];
          const leg = partialLeg(scan, inPass.segment, acc.stats?.[c - pass.begin]);
          if (leg) legs.push(leg);
          speeds[pass.speed][c] = legs;
        }
        running = { begin: pass.begin, end: pass.end, speed: pass.speed };
      }
    }
    results.sweep = speeds;
  }
  return { outcome: { spec, grid, outcome: outcomeOf(spec, results), provenance }, finished, running };
}

/**
 * The outcome restricted to grid cells [begin, end) (and one sweep speed): for an analysis of
 * what has data (the estimators refuse NaN), a cell's own figure, or the tables of the
 * finished cells.
 */
export function restrictOutcome(o: ScanOutcome, begin: number, end: number, speed?: number): ScanOutcome {
  // A one-axis grid's cells are its axis values in order: the axis follows the cells.
  const axes = o.grid.axes.length === 1 ? [{ ...o.grid.axes[0], values: o.grid.axes[0].values.slice(begin, end) }] : o.grid.axes;
  const grid = { ...o.grid, axes, cells: o.grid.cells.slice(begin, end) };
  const out = o.outcome;
  const outcome: ScanOutcome['outcome'] =
    out.kind === 'sweep'
      ? {
          ...out,
          speeds: out.speeds.filter((_, s) => speed === undefined || s === speed).map((s) => ({ ...s, cells: s.cells.slice(begin, end) })),
        }
      : out.kind === 'trace'
        ? { kind: 'trace', cells: out.cells.map((row) => row.slice(begin, end)) }
        : { kind: 'relax', cells: out.cells.map((row) => row.slice(begin, end)) };
  return { ...o, grid, outcome };
}
