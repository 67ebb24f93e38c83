// The three protocols of a scan spec (relax, sweep, trace) on an engine, reduced to
// per-cell statistics across replicates as they are read back. No Node-only imports.
//
// Router index layout. A session's plan has cells in the order
//   plan cell p = f * nCells + c      (family f, grid cell c = i0 + n0 * i1; see expandGrid)
// and replicate r of plan cell p is router p * replicates + r. Family 0 starts at +y0,
// family 1 (families 'opposite') at -y0, both with the asym jitter. Relax and trace run all
// of this in one session on the spec's seed. A sweep runs one session per speed (its steps
// differ): speed s holds routers c * replicates + r on seed speedSeed(seed, s), which is the
// spec's seed for s = 0. Each speed's results therefore depend on its own index and step
// count only, never on how many speeds the spec lists.

import type { Engine, RouterSession } from '../core/engine.js';
import { completeCell, validatePlan, type RouterCell, type ScanPlan } from '../core/model.js';
import { progressReport, summarizeCells, windowMeans, type Provenance, type RouterMeans } from '../core/scan.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../core/version.generated.js';
import { expandGrid, fnv1a64, parseSpec, specRouterSteps, sweepLegs, sweepSteps, validateSpecFor } from './spec.js';
import type {
  ExpandedGrid, ParamName, RelaxCell, RelaxOutcome, ScanOutcome, ScanProgress, ScanSpec, SweepLeg, SweepOutcome, SweepProtocol, TraceCell, TraceOutcome,
} from './types.js';

export interface RunSpecOptions {
  onProgress?: ScanProgress;
  /** relax only: also return each router's window means and final y (index layout above) */
  keepPerRouter?: boolean;
}

export type SpecRun = ScanOutcome & { perRouter?: RouterMeans };

/** The seed of sweep speed s: the spec's seed for s = 0, else 53 bits of FNV-1a 64 of (seed, s). */
export function speedSeed(seed: number, s: number): number {
  return s === 0 ? seed : Number(fnv1a64(`moe-cusp speed ${seed} ${s}`) >> 11n);
}

/** The router cells of one session: grid cells (x families), initial state per family. */
export function planCells(spec: ScanSpec, grid: ExpandedGrid): RouterCell[] {
  const { y0, asym } = spec.initial;
  const signs = grid.families === 2 ? [1, -1] : [1];
  return signs.flatMap((sign) => grid.cells.map((c) => completeCell({ ...c, y0: sign * y0, asym })));
}

/** The plan of a relax scan: runScan on it gives the same numbers as runSpec. */
export function relaxPlan(spec: ScanSpec, grid = expandGrid(spec)): ScanPlan {
  return { cells: planCells(spec, grid), replicates: spec.replicates, steps: spec.steps, window: spec.window, seed: spec.seed, tokenMode: spec.sampler === 'tokens' };
}

/** Mean and unbiased s.d. of xs[begin, end). */
function meanSd(xs: ArrayLike<number>, begin: number, end: number): [number, number] {
  const n = end - begin;
  let sum = 0;
  for (let i = begin; i < end; i++) sum += xs[i];
  const mean = sum / n;
  let ss = 0;
  for (let i = begin; i < end; i++) ss += (xs[i] - mean) ** 2;
  return [mean, n > 1 ? Math.sqrt(ss / (n - 1)) : NaN];
}

/** Shared by the protocols: sessions, progress over the whole scan, provenance. */
class Run {
  readonly startedAt = new Date().toISOString();
  private readonly t0 = performance.now();
  private done = 0;
  routers = 0;

  constructor(readonly engine: Engine, readonly total: number, private readonly onProgress?: ScanProgress) {}

  async session<T>(plan: ScanPlan, body: (s: RouterSession) => Promise<T>): Promise<T> {
    validatePlan(plan, this.engine.maxRouters);
    const session = await this.engine.open(plan);
    this.routers += session.routers;
    try {
      await session.initialize();
      return await body(session);
    } finally {
      session.close();
    }
  }

  /** Advances steps [begin, end), tallying from windowBegin, and reports progress. */
  async advance(session: RouterSession, begin: number, end: number, windowBegin: number): Promise<void> {
    const before = this.done;
    const report = (done: number) => this.onProgress?.(progressReport(before + done, this.total, performance.now() - this.t0));
    await session.advance({ stepBegin: begin, stepEnd: end, windowBegin }, report);
    this.done = before + session.routers * (end - begin);
  }

  provenance(spec: ScanSpec): Provenance {
    const elapsedMs = performance.now() - this.t0;
    const { info } = this.engine;
    return {
      package: PACKAGE_NAME, version: PACKAGE_VERSION, engine: info.engine, adapter: info.adapter, backend: info.backend,
      sampler: spec.sampler === 'tokens' ? 'tokens' : 'btrs-inversion', seed: spec.seed, startedAt: this.startedAt, elapsedMs,
      routers: this.routers, routerSteps: this.done, routerStepsPerSecond: (this.done * 1000) / elapsedMs,
    };
  }
}

/**
 * Runs a scan spec (checked and completed by parseSpec first) on an engine. Same spec and
 * engine kind: bit-identical outcome (provenance timings aside).
 */
export async function runSpec(engine: Engine, input: ScanSpec, options: RunSpecOptions = {}): Promise<SpecRun> {
  const spec = parseSpec(input);
  validateSpecFor(spec, engine.maxRouters);
  const grid = expandGrid(spec);
  const run = new Run(engine, specRouterSteps(spec), options.onProgress);
  const p = spec.protocol;
  if (p.kind === 'relax') {
    const { outcome, perRouter } = await relax(run, spec, grid);
    return { spec, grid, outcome, provenance: run.provenance(spec), ...(options.keepPerRouter && { perRouter }) };
  }
  const outcome = p.kind === 'sweep' ? await sweep(run, spec, p, grid) : await trace(run, spec, grid);
  return { spec, grid, outcome, provenance: run.provenance(spec) };
}

// ---------------------------------------------------------------------------------------
// relax: fixed cells, tallies over the last `window` steps
// ---------------------------------------------------------------------------------------

async function relax(run: Run, spec: ScanSpec, grid: ExpandedGrid): Promise<{ outcome: RelaxOutcome; perRouter: RouterMeans }> {
  const plan = relaxPlan(spec, grid);
  const readout = await run.session(plan, async (s) => {
    await run.advance(s, 0, plan.steps, plan.steps - plan.window);
    return s.read();
  });
  const perRouter = windowMeans(readout, plan);
  const R = plan.replicates;
  const cells: RelaxCell[] = summarizeCells(perRouter, plan).map(({ cell: _, ...summary }, p) => {
    let positive = 0;
    const abs = new Float64Array(R);
    for (let r = 0; r < R; r++) {
      const u = perRouter.meanLoad[p * R + r];
      abs[r] = Math.abs(u);
      if (u > 0) positive++;
    }
    return { ...summary, absMeanLoadSE: meanSd(abs, 0, R)[1] / Math.sqrt(R), fractionPositive: positive / R };
  });
  const n = grid.cells.length;
  return { outcome: { kind: 'relax', cells: Array.from({ length: grid.families }, (_, f) => cells.slice(f * n, (f + 1) * n)) }, perRouter };
}

// ---------------------------------------------------------------------------------------
// sweep: one parameter stepped through a grid, state carried across points
// ---------------------------------------------------------------------------------------

/**
 * Streaming switchingPoint (src/analytics/estimators.ts) for many replicates at once: feed
 * each point's u_hat of every replicate in visiting order; `at` holds each replicate's first
 * sign change in direction `want` (NaN: none yet), interpolated exactly as switchingPoint does.
 */
export class SwitchTracker {
  readonly at: Float64Array;
  private readonly last: Int32Array;   // index of the last point with u != 0, -1 before any
  private readonly lastU: Float64Array;
  private k = 0;

  constructor(n: number, private readonly want: 'up' | 'down', private readonly xs: readonly number[]) {
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
      if (l >= 0 && Math.sign(v) !== Math.sign(lastU[i]) && (v > 0) === (this.want === 'up')) {
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
}

async function sweep(run: Run, spec: ScanSpec, p: SweepProtocol, grid: ExpandedGrid): Promise<SweepOutcome> {
  const legs = sweepLegs(p);
  const R = spec.replicates;
  const n = grid.cells.length;
  const speeds: SweepOutcome['speeds'] = [];
  for (const [s, stepsPerPoint] of p.stepsPerPoint.entries()) {
    const base = planCells(spec, grid);
    const plan: ScanPlan = { cells: base, replicates: R, steps: sweepSteps(spec, stepsPerPoint), window: spec.window, seed: speedSeed(spec.seed, s), tokenMode: spec.sampler === 'tokens' };
    const cells: SweepLeg[][] = Array.from({ length: n }, () => []);
    await run.session(plan, async (session) => {
      // Burn-in at the first value (plan cells hold it), nothing tallied.
      let step = spec.steps;
      await run.advance(session, 0, step, step);
      for (const leg of legs) {
        const trackers = Array.from({ length: n }, () => new SwitchTracker(R, leg.direction, leg.values));
        const stats = Array.from({ length: n }, () => ({ meanLoad: [] as number[], sdLoad: [] as number[] }));
        for (const value of leg.values) {
          const pointCells = base.map((c) => ({ ...c, [p.param as ParamName]: value }));
          await session.setCells(pointCells);
          await session.resetTallies();
          const end = step + stepsPerPoint;
          await run.advance(session, step, end, end - spec.window);
          const readout = await session.read();
          step = end;
          // B may be the swept parameter: window means use the point's cells.
          const { meanLoad } = windowMeans(readout, { ...plan, cells: pointCells });
          for (let c = 0; c < n; c++) {
            const [m, sd] = meanSd(meanLoad, c * R, (c + 1) * R);
            stats[c].meanLoad.push(m);
            stats[c].sdLoad.push(sd);
            trackers[c].observe(meanLoad, c * R);
          }
        }
        for (let c = 0; c < n; c++) {
          cells[c].push({ direction: leg.direction, values: leg.values, ...stats[c], switching: trackers[c].switching() });
        }
      }
    });
    speeds.push({ stepsPerPoint, cells });
  }
  return { kind: 'sweep', param: p.param, speeds };
}

// ---------------------------------------------------------------------------------------
// trace: interval means every `every` steps
// ---------------------------------------------------------------------------------------

async function trace(run: Run, spec: ScanSpec, grid: ExpandedGrid): Promise<TraceOutcome> {
  if (spec.protocol.kind !== 'trace') throw new Error('trace: not a trace spec');
  const every = spec.protocol.every;
  const plan = relaxPlan(spec, grid);
  const R = plan.replicates;
  const series: TraceCell[] = plan.cells.map(() => ({ steps: [], meanLoad: [], sdLoad: [], meanAbsLoad: [], meanY: [], sdY: [] }));
  await run.session(plan, async (session) => {
    for (let begin = 0; begin < spec.steps; begin += every) {
      const end = Math.min(begin + every, spec.steps);
      await session.resetTallies();
      await run.advance(session, begin, end, begin);
      const m = windowMeans(await session.read(), { ...plan, window: end - begin });
      series.forEach((t, p) => {
        const [load, sdLoad] = meanSd(m.meanLoad, p * R, (p + 1) * R);
        const [y, sdY] = meanSd(m.finalY, p * R, (p + 1) * R);
        t.steps.push(end);
        t.meanLoad.push(load);
        t.sdLoad.push(sdLoad);
        t.meanAbsLoad.push(meanSd(m.meanAbsLoad, p * R, (p + 1) * R)[0]);
        t.meanY.push(y);
        t.sdY.push(sdY);
      });
    }
  });
  const n = grid.cells.length;
  return { kind: 'trace', cells: Array.from({ length: grid.families }, (_, f) => series.slice(f * n, (f + 1) * n)) };
}
