// Runs an N-expert scan (spec.ts) on an ExpertEngine and reduces the routers' exact tallies
// to per-cell statistics. Router layout: plan cell p = c * F + f (grid cell c, family f of
// F), replicate r is global router p * R + r; cells that share N run as one plan (split in
// passes when they do not fit), each with firstRouter = its first plan cell * R, so any
// split gives bit-identical numbers. No Node-only imports.
//
// Observables per router (window means over the last `window` steps, from exact integer
// tallies): the max load share max_i N_i / B, each expert's share, sum_i l_i^2 (its inverse
// is the effective number of experts), the dead experts (share below 1/(10 N)) and the
// dropped fraction; and the final contrast S = sum_i (r_i - r_bar)^2 of the state.

import { progressReport, type ProgressReport, type Provenance } from '../../core/scan.js';
import type { ExpertCell, ExpertEngine, ExpertPlan, ExpertReadout, ExpertSession } from '../../core/experts.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../../core/version.generated.js';
import { saddleNodeK } from '../../analytics/theory/n-experts.js';
import { gridValues } from '../spec-grid.js';
import { engineCell, expertGrid, familiesOf, type ExpertGrid, type ExpertScanSpec } from './spec.js';

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

export interface ExpertScanOutcome {
  spec: ExpertScanSpec;
  grid: ExpertGrid;
  families: ('balanced' | 'winner')[];
  /** relax: [family][grid cell] */
  relax?: ExpertCellStats[][];
  /** sweep: [grid cell][leg] (family 0 only) */
  sweep?: ExpertSweepLeg[][];
  provenance: Provenance;
}

/**
 * The max share a router counts as collapsed above: halfway between the balanced 1/N and the
 * one-winner share at the fold (at least 0.7, so N = 2, whose fold is at 1/2, gets 0.6).
 */
export function collapseLevel(N: number): number {
  const fold = N >= 3 ? saddleNodeK(N).winnerShare : 0.5;
  return (1 / N + Math.max(fold, 0.7)) / 2;
}

/** Per-router window means of a readout (routers [begin, end)). */
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
function cellStats(readout: ExpertReadout, cells: readonly ExpertCell[], p: number, R: number, N: number, window: number): ExpertCellStats {
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

export interface ExpertRunOptions {
  onProgress?: (p: ProgressReport) => void;
  /** checked between slices of about a second of work: a requested stop throws ExpertRunStopped */
  stop?: { readonly requested: boolean };
}

/** A run stopped by its stop token. N-expert runs keep no checkpoint yet: a rerun starts afresh. */
export class ExpertRunStopped extends Error {
  constructor() {
    super('the N-expert run was stopped');
    this.name = 'ExpertRunStopped';
  }
}

/** Router-steps per advance slice: about a second on a software GPU, so a stop lands soon. */
const SLICE_ROUTER_STEPS = 2e7;

/** Router-steps of a whole scan. */
export function expertScanCost(spec: ExpertScanSpec): number {
  const grid = expertGrid(spec);
  const routers = grid.cells.length * familiesOf(spec).length * spec.replicates;
  const steps = spec.protocol.kind === 'sweep' ? spec.steps + 2 * gridValues(spec.protocol.values).length * spec.protocol.stepsPerPoint : spec.steps;
  return routers * steps;
}

export async function runExpertScan(engine: ExpertEngine, spec: ExpertScanSpec, options: ExpertRunOptions = {}): Promise<ExpertScanOutcome> {
  const grid = expertGrid(spec);
  const families = familiesOf(spec);
  const F = families.length;
  const R = spec.replicates;
  const total = expertScanCost(spec);
  const started = performance.now();
  const startedAt = new Date().toISOString();
  let done = 0;
  const report = (inCall: number) => options.onProgress?.(progressReport(done + inCall, total, performance.now() - started));
  const relax: ExpertCellStats[][] | undefined = spec.protocol.kind === 'relax' ? families.map(() => []) : undefined;
  const sweep: ExpertSweepLeg[][] | undefined = spec.protocol.kind === 'sweep' ? [] : undefined;
  // Groups of consecutive grid cells with one N, cut to what the engine holds.
  const groups: [number, number][] = [];
  for (let c = 0; c < grid.cells.length; ) {
    const N = grid.cells[c].N;
    const fit = Math.max(1, Math.floor(engine.maxRoutersAt(N) / (F * R)));
    let end = c + 1;
    while (end < grid.cells.length && grid.cells[end].N === N && end - c < fit) end++;
    groups.push([c, end]);
    c = end;
  }
  for (const [begin, end] of groups) {
    const N = grid.cells[begin].N;
    const cells = grid.cells.slice(begin, end).flatMap((c) => families.map((f) => engineCell(spec, c, f)));
    const plan: ExpertPlan = { N, cells, replicates: R, steps: spec.steps, window: spec.window, seed: spec.seed, firstRouter: begin * F * R };
    const session = await engine.open(plan);
    try {
      await session.initialize();
      const slice = Math.max(1, Math.floor(SLICE_ROUTER_STEPS / session.routers));
      const advance = async (stepBegin: number, stepEnd: number, windowBegin: number) => {
        for (let s = stepBegin; s < stepEnd; s += slice) {
          if (options.stop?.requested) throw new ExpertRunStopped();
          const e = Math.min(stepEnd, s + slice);
          await session.advance({ stepBegin: s, stepEnd: e, windowBegin }, report);
          done += session.routers * (e - s);
        }
      };
      if (spec.protocol.kind === 'relax') {
        await advance(0, spec.steps, spec.steps - spec.window);
        const readout = await session.read();
        cells.forEach((_, p) => relax![p % F].push(cellStats(readout, cells, p, R, N, spec.window)));
      } else {
        sweep!.push(...(await runSweep(spec, session, cells, R, N, advance)));
      }
    } finally {
      session.close();
    }
  }
  const elapsedMs = performance.now() - started;
  const info = engine.info;
  const provenance: Provenance = {
    package: PACKAGE_NAME,
    version: PACKAGE_VERSION,
    engine: info.engine,
    adapter: info.adapter,
    backend: info.backend,
    sampler: 'btrs-inversion',
    seed: spec.seed,
    startedAt,
    elapsedMs,
    routers: grid.cells.length * F * R,
    routerSteps: total,
    routerStepsPerSecond: elapsedMs > 0 ? (total * 1000) / elapsedMs : 0,
  };
  return { spec, grid, families, ...(relax && { relax }), ...(sweep && { sweep }), provenance };
}

/** A sweep over the session's cells (one family): burn-in at the first value, then each point of each leg. */
async function runSweep(
  spec: ExpertScanSpec,
  session: ExpertSession,
  cells: ExpertCell[],
  R: number,
  N: number,
  advance: (stepBegin: number, stepEnd: number, windowBegin: number) => Promise<void>,
): Promise<ExpertSweepLeg[][]> {
  const p = spec.protocol as Extract<ExpertScanSpec['protocol'], { kind: 'sweep' }>;
  const values = gridValues(p.values);
  const ascending = [...values].sort((x, y) => x - y);
  const legs: { direction: 'up' | 'down'; values: number[] }[] =
    p.direction === 'down-up'
      ? [
          { direction: 'down', values: [...ascending].reverse() },
          { direction: 'up', values: ascending },
        ]
      : [
          { direction: 'up', values: ascending },
          { direction: 'down', values: [...ascending].reverse() },
        ];
  const field = { a: 'a', T: 'T', gamma: 'gamma', rho: 'rho', eta: 'eta', u: 'biasRate', cf: 'capacity' } as const;
  const key = field[p.param];
  const at = (v: number) => cells.map((c) => ({ ...c, [key]: v }));
  const level = collapseLevel(N);
  const n = cells.length;
  const out: ExpertSweepLeg[][] = cells.map(() => []);
  let step = 0;
  await session.setCells(at(legs[0].values[0]));
  await advance(0, spec.steps, spec.steps);
  step = spec.steps;
  let previous: Float64Array | null = null;
  let previousValue = NaN;
  for (const leg of legs) {
    const stats = cells.map(() => ({
      maxLoad: [] as number[],
      maxLoadSd: [] as number[],
      effectiveExperts: [] as number[],
      collapse: new Array<number>(R).fill(NaN),
      recovery: new Array<number>(R).fill(NaN),
    }));
    for (const value of leg.values) {
      await session.setCells(at(value));
      await session.resetTallies();
      await advance(step, step + p.stepsPerPoint, step + p.stepsPerPoint - spec.window);
      step += p.stepsPerPoint;
      const readout = await session.read();
      const { maxLoad, sumSq } = observables(readout, cells, R, spec.window);
      for (let c = 0; c < n; c++) {
        const [m, sd] = meanSd(maxLoad, c * R, (c + 1) * R);
        const [sq] = meanSd(sumSq, c * R, (c + 1) * R);
        stats[c].maxLoad.push(m);
        stats[c].maxLoadSd.push(sd);
        stats[c].effectiveExperts.push(1 / sq);
        if (previous) {
          for (let r = 0; r < R; r++) {
            const i = c * R + r;
            const before = previous[i] > level;
            const now = maxLoad[i] > level;
            const list = now ? stats[c].collapse : stats[c].recovery;
            if (before !== now && Number.isNaN(list[r])) {
              const t = (level - previous[i]) / (maxLoad[i] - previous[i]);
              list[r] = previousValue + t * (value - previousValue);
            }
          }
        }
      }
      previous = maxLoad;
      previousValue = value;
    }
    stats.forEach((s, c) => out[c].push({ direction: leg.direction, values: leg.values, ...s }));
  }
  return out;
}
