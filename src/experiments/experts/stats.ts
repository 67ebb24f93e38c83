// The statistics of an N-expert scan (run.ts), from the routers' exact tallies: per (grid
// cell, family) over the replicates, and per sweep point with each replicate's collapse and
// recovery. The sweep's accumulators are plain data (SweepAcc), so a checkpoint can hold
// them mid-sweep and a resumed run continues with exactly the same numbers. No Node-only
// imports.
//
// Observables per router (window means over the last `window` steps, from exact integer
// tallies): the max load share max_i N_i / B, each expert's share, sum_i l_i^2 (its inverse
// is the effective number of experts), the dead experts (share below 1/(10 N)) and the
// dropped fraction; and the final contrast S = sum_i (r_i - r_bar)^2 of the state.

import type { ExpertCell, ExpertReadout } from '../../core/experts.js';
import { saddleNodeK } from '../../analytics/theory/n-experts.js';
import { gridValues } from '../spec-grid.js';
import type { ExpertScanSpec } from './spec.js';

/** Statistics over the replicates of one (grid cell, family). */
export interface ExpertCellStats {
  /** mean over replicates of the window mean of max_i l_i, and its s.d. across replicates */
  maxLoad: number;
  maxLoadSd: number;
  /** mean share per expert (N values) */
  shares: number[];
  /** mean of the window mean of sum_i l_i^2 */
  sumSq: number;
  /** 1 / sumSq: the effective number of experts */
  effectiveExperts: number;
  /** mean number of dead experts (share below 1/(10 N)) */
  dead: number;
  /** dropped tokens / routed tokens (capacity factor) */
  dropFraction: number;
  /** mean and s.d. of the final contrast S = sum_i (r_i - r_bar)^2 */
  contrast: number;
  contrastSd: number;
  /** fraction of replicates whose window mean max share is above the collapse level */
  collapsed: number;
}

export const EXPERT_CELL_STAT_FIELDS = [
  'maxLoad',
  'maxLoadSd',
  'shares',
  'sumSq',
  'effectiveExperts',
  'dead',
  'dropFraction',
  'contrast',
  'contrastSd',
  'collapsed',
] as const satisfies readonly (keyof ExpertCellStats)[];

export interface ExpertSweepLeg {
  direction: 'up' | 'down';
  values: number[];
  /** per point: mean and s.d. of the window mean max share, the effective experts */
  maxLoad: number[];
  maxLoadSd: number[];
  effectiveExperts: number[];
  /** per replicate: the interpolated value where its max share first rose above the collapse level on this leg (NaN: never) */
  collapse: number[];
  /** per replicate: where its max share first fell below the collapse level on this leg (NaN: never) */
  recovery: number[];
}

/**
 * The max share a router counts as collapsed above: halfway between the balanced 1/N and the
 * one-winner share at the fold (at least 0.7, so N = 2, whose fold is at 1/2, gets 0.6).
 */
export function collapseLevel(N: number): number {
  const fold = N >= 3 ? saddleNodeK(N).winnerShare : 0.5;
  return (1 / N + Math.max(fold, 0.7)) / 2;
}

/** Per-router window means of a readout. */
interface RouterObservables {
  maxLoad: Float64Array;
  sumSq: Float64Array;
}

function observables(readout: ExpertReadout, cells: readonly ExpertCell[], R: number, window: number): RouterObservables {
  const n = readout.maxCount.length;
  const maxLoad = new Float64Array(n);
  const sumSq = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const B = cells[Math.floor(i / R)].B;
    maxLoad[i] = readout.maxCount[i] / (B * window);
    sumSq[i] = readout.sqCount[i] / (B * B * window);
  }
  return { maxLoad, sumSq };
}

function meanSd(xs: ArrayLike<number>, begin: number, end: number): [number, number] {
  let s = 0;
  for (let i = begin; i < end; i++) s += xs[i];
  const m = s / (end - begin);
  let ss = 0;
  for (let i = begin; i < end; i++) ss += (xs[i] - m) ** 2;
  return [m, end - begin > 1 ? Math.sqrt(ss / (end - begin - 1)) : NaN];
}

/** The statistics of plan cell p (routers p R .. p R + R - 1). */
export function cellStats(readout: ExpertReadout, cells: readonly ExpertCell[], p: number, R: number, N: number, window: number): ExpertCellStats {
  const cell = cells[p];
  const { maxLoad, sumSq } = observables(readout, cells, R, window);
  const begin = p * R;
  const end = begin + R;
  const level = collapseLevel(N);
  const shares = new Array<number>(N).fill(0);
  let dead = 0;
  let dropped = 0;
  let collapsed = 0;
  const S = new Float64Array(R);
  for (let i = begin; i < end; i++) {
    let mean = 0;
    for (let j = 0; j < N; j++) {
      shares[j] += readout.counts[i * N + j] / (cell.B * window * R);
      mean += readout.r[i * N + j] / N;
    }
    let s = 0;
    for (let j = 0; j < N; j++) s += (readout.r[i * N + j] - mean) ** 2;
    S[i - begin] = s;
    dead += readout.dead[i] / (window * R);
    dropped += readout.dropped[i] / (cell.B * window * R);
    if (maxLoad[i] > level) collapsed++;
  }
  const [ml, mlSd] = meanSd(maxLoad, begin, end);
  const [sq] = meanSd(sumSq, begin, end);
  const [contrast, contrastSd] = meanSd(S, 0, R);
  return {
    maxLoad: ml,
    maxLoadSd: mlSd,
    shares,
    sumSq: sq,
    effectiveExperts: 1 / sq,
    dead,
    dropFraction: dropped,
    contrast,
    contrastSd,
    collapsed: collapsed / R,
  };
}

type SweepProtocol = Extract<ExpertScanSpec['protocol'], { kind: 'sweep' }>;

/** The legs of a sweep in the order they run: the values ascending (up) or descending (down). */
export function expertSweepLegs(p: SweepProtocol): { direction: 'up' | 'down'; values: number[] }[] {
  const ascending = [...gridValues(p.values)].sort((x, y) => x - y);
  const down = { direction: 'down' as const, values: [...ascending].reverse() };
  const up = { direction: 'up' as const, values: ascending };
  return p.direction === 'down-up' ? [down, up] : [up, down];
}

/** The engine cell field a sweep parameter sets. */
export const SWEEP_FIELD = { a: 'a', T: 'T', gamma: 'gamma', rho: 'rho', eta: 'eta', u: 'biasRate', cf: 'capacity' } as const;

/** One leg's statistics so far for one plan cell (the points run so far). */
export type SweepLegAcc = Omit<ExpertSweepLeg, 'direction' | 'values'>;

/** A sweep's accumulators over a session's plan cells: plain data (a checkpoint holds them). */
export interface SweepAcc {
  /** finished legs, per plan cell */
  legs: ExpertSweepLeg[][];
  /** the leg in flight, per plan cell */
  current: SweepLegAcc[];
  /** per router: the window mean max share at the previous point (null before the first point) */
  previous: Float64Array | null;
  previousValue: number;
}

function emptyLeg(R: number): SweepLegAcc {
  return { maxLoad: [], maxLoadSd: [], effectiveExperts: [], collapse: new Array<number>(R).fill(NaN), recovery: new Array<number>(R).fill(NaN) };
}

export function newSweepAcc(planCells: number, R: number): SweepAcc {
  return {
    legs: Array.from({ length: planCells }, () => []),
    current: Array.from({ length: planCells }, () => emptyLeg(R)),
    previous: null,
    previousValue: NaN,
  };
}

/** Adds the sweep point at `value` (its window tallies in `readout`) to the leg in flight. */
export function addSweepPoint(
  acc: SweepAcc,
  readout: ExpertReadout,
  cells: readonly ExpertCell[],
  R: number,
  N: number,
  window: number,
  value: number,
): void {
  const level = collapseLevel(N);
  const { maxLoad, sumSq } = observables(readout, cells, R, window);
  const previous = acc.previous;
  for (let c = 0; c < cells.length; c++) {
    const stats = acc.current[c];
    const [m, sd] = meanSd(maxLoad, c * R, (c + 1) * R);
    const [sq] = meanSd(sumSq, c * R, (c + 1) * R);
    stats.maxLoad.push(m);
    stats.maxLoadSd.push(sd);
    stats.effectiveExperts.push(1 / sq);
    if (previous) {
      for (let r = 0; r < R; r++) {
        const i = c * R + r;
        const before = previous[i] > level;
        const now = maxLoad[i] > level;
        const list = now ? stats.collapse : stats.recovery;
        if (before !== now && Number.isNaN(list[r])) {
          const t = (level - previous[i]) / (maxLoad[i] - previous[i]);
          list[r] = acc.previousValue + t * (value - acc.previousValue);
        }
      }
    }
  }
  acc.previous = maxLoad;
  acc.previousValue = value;
}

/** Closes the leg in flight (all its points run) and starts the next. */
export function finishSweepLeg(acc: SweepAcc, leg: { direction: 'up' | 'down'; values: number[] }, R: number): void {
  acc.current.forEach((s, c) => acc.legs[c].push({ direction: leg.direction, values: leg.values, ...s }));
  acc.current = acc.current.map(() => emptyLeg(R));
}
