// The three protocols of a scan spec (relax, sweep, trace) on an engine, reduced to
// per-cell statistics across replicates as they are read back. No Node-only imports.
//
// Router index layout. Plan cells are ordered
//   plan cell p = c * families + f    (grid cell c = i0 + n0 * i1, see expandGrid; family f)
// and replicate r of plan cell p is router p * replicates + r. Family 0 starts at +y0,
// family 1 (families 'opposite') at -y0, both with the asym jitter. Relax and trace run on
// the spec's seed. A sweep runs each speed separately (its steps differ): speed s holds
// routers c * replicates + r on seed speedSeed(seed, s), the spec's seed for s = 0.
//
// Every statistic is per grid cell, and the routers of consecutive grid cells are
// consecutive: a scan can run as several plans over ranges of cells (passes when it does
// not fit the engine, shards across machines) and give exactly the numbers of one plan.
//
// Resumability (the machinery is in scan-run.ts). A pass advances in segments (a sweep
// point, a trace interval, or a slice of the relax steps). After a segment the run may take
// a snapshot: the routers' state (read back), the step and the per-cell accumulators, all
// plain data. From a snapshot the run continues exactly: after a lost device, from a
// checkpoint written to disk by the caller, or after a StopToken interrupted it mid-segment.

import type { Engine } from '../core/engine.js';
import { CROSS_NONE } from '../core/constants.js';
import { completeCell, type RouterCell, type ScanPlan } from '../core/model.js';
import { meanSd, summarizeCells, SwitchTracker, windowMeans, type RouterMeans, type TrackerState } from '../core/reductions.js';
import { PACKAGE_VERSION } from '../core/version.generated.js';
import { passesOf, Run, type PartResults, type PassBody, type PassState, type RunSpecOptions } from './scan-run.js';
import {
  cellsCost,
  expandGrid,
  fnv1a64,
  gridValues,
  prepareScan,
  sweepLegs,
  sweepSteps,
  validateSpecFor,
  type ParsedSpec,
  type PreparedScan,
} from './spec.js';
import type { ExpandedGrid, ProtocolOutcome, ScanOutcome, ScanSpec, SweepLeg, SweepProtocol, TraceCell } from './types.js';

export type SpecRun = ScanOutcome & { perRouter?: RouterMeans; cells: [number, number]; recoveries: number };

/** The seed of sweep speed s: the spec's seed for s = 0, else 53 bits of FNV-1a 64 of (seed, s). */
export function speedSeed(seed: number, s: number): number {
  return s === 0 ? seed : Number(fnv1a64(`moe-cusp speed ${seed} ${s}`) >> 11n);
}

const familiesOf = (spec: ScanSpec): 1 | 2 => (spec.initial.families === 'opposite' ? 2 : 1);

/** The router cells of grid cells [begin, end) (x families), initial state per family. */
export function planCells(spec: ScanSpec, grid: ExpandedGrid, begin = 0, end = grid.cells.length): RouterCell[] {
  const { y0, asym } = spec.initial;
  const signs = familiesOf(spec) === 2 ? [1, -1] : [1];
  return grid.cells.slice(begin, end).flatMap((c) => signs.map((sign) => completeCell({ ...c, y0: sign * y0, asym })));
}

/** The plan of a relax scan over grid cells [begin, end): runScan on it gives the numbers runSpec does. */
export function relaxPlan(spec: ScanSpec, grid = expandGrid(spec), begin = 0, end = grid.cells.length): ScanPlan {
  return {
    cells: planCells(spec, grid, begin, end),
    replicates: spec.replicates,
    steps: spec.steps,
    window: spec.window,
    seed: spec.seed,
    tokenMode: spec.sampler === 'tokens',
    firstRouter: begin * familiesOf(spec) * spec.replicates,
  };
}

/** A protocol's outcome from its per-cell results (a whole scan's, or a part's cells). */
export function outcomeOf(spec: ScanSpec, results: PartResults): ProtocolOutcome {
  const p = spec.protocol;
  if (p.kind === 'relax') return { kind: 'relax', cells: results.relax! };
  if (p.kind === 'trace') return { kind: 'trace', cells: results.trace! };
  return { kind: 'sweep', param: p.param, speeds: p.stepsPerPoint.map((stepsPerPoint, s) => ({ stepsPerPoint, cells: results.sweep![s] })) };
}

function emptyResults(spec: ScanSpec): PartResults {
  const F = familiesOf(spec);
  if (spec.protocol.kind === 'relax') return { relax: Array.from({ length: F }, () => []) };
  if (spec.protocol.kind === 'trace') return { trace: Array.from({ length: F }, () => []) };
  return { sweep: spec.protocol.stepsPerPoint.map(() => []) };
}

export class CheckpointMismatch extends Error {}

/**
 * Runs a scan (parsed by parseSpec, or prepared by prepareScan) on an engine, or the part of
 * it over grid cells options.cells. Same spec and engine kind: bit-identical outcome
 * (timings aside), whatever the passes, shards, checkpoints or device losses.
 */
export async function runSpec(engine: Engine, input: ParsedSpec | PreparedScan, options: RunSpecOptions = {}): Promise<SpecRun> {
  const scan = 'hash' in input && 'grid' in input ? input : prepareScan(input as ParsedSpec);
  const { spec, grid, hash } = scan;
  validateSpecFor(spec, engine.maxRouters);
  const n = scan.cells;
  const cells = options.cells ?? [0, n];
  if (!(Number.isInteger(cells[0]) && Number.isInteger(cells[1]) && cells[0] >= 0 && cells[0] <= cells[1] && cells[1] <= n)) {
    throw new RangeError(`cells: need 0 <= begin <= end <= ${n}, got [${cells}]`);
  }
  const resume = options.resume;
  if (resume) {
    const problems = [
      resume.specHash !== hash && `it belongs to spec ${resume.specHash}, not ${hash}`,
      resume.version !== PACKAGE_VERSION && `it was written by moe-cusp ${resume.version}, this is ${PACKAGE_VERSION}`,
      (resume.cells[0] !== cells[0] || resume.cells[1] !== cells[1]) && `it covers cells [${resume.cells}), this run [${cells}) (another shard)`,
    ].filter(Boolean);
    if (problems.length) throw new CheckpointMismatch(`the checkpoint cannot be resumed here: ${problems.join('; ')}`);
    if (options.keepPerRouter) throw new Error('keepPerRouter runs cannot resume from a checkpoint');
  }
  const results = resume ? structuredClone(resume.results) : emptyResults(spec);
  const run = new Run(engine, spec, hash, grid, cells, cellsCost(scan, cells), results, options);
  if (resume) run.resumeFrom(resume);
  const F = familiesOf(spec);
  const R = spec.replicates;
  const perRouter = options.keepPerRouter && spec.protocol.kind === 'relax' ? allocateMeans((cells[1] - cells[0]) * F * R) : undefined;
  const passes = passesOf(spec, cells, engine.maxRouters);
  for (let k = resume?.pass ?? 0; k < passes.length; k++) {
    run.passIndex = k;
    const pass = passes[k];
    const from = resume && k === resume.pass ? resume.inPass : null;
    const p = spec.protocol;
    if (p.kind === 'sweep') {
      const plan: ScanPlan = {
        cells: planCells(spec, grid, pass.begin, pass.end),
        replicates: R,
        steps: sweepSteps(spec, p.stepsPerPoint[pass.speed]),
        window: spec.window,
        seed: speedSeed(spec.seed, pass.speed),
        tokenMode: spec.sampler === 'tokens',
        firstRouter: pass.begin * R,
      };
      await run.pass(plan, pass, from, sweepBody(p));
    } else {
      const plan = relaxPlan(spec, grid, pass.begin, pass.end);
      await run.pass(plan, pass, from, p.kind === 'relax' ? relaxBody(perRouter, (pass.begin - cells[0]) * F * R) : traceBody(p.every));
    }
  }
  const outcome = outcomeOf(spec, results);
  return { spec, grid, outcome, provenance: run.provenance(), cells, recoveries: run.recoveries, ...(perRouter && { perRouter }) };
}

function allocateMeans(n: number): RouterMeans {
  return { meanLoad: new Float64Array(n), meanAbsLoad: new Float64Array(n), meanSqLoad: new Float64Array(n), finalY: new Float64Array(n) };
}

// ---------------------------------------------------------------------------------------
// relax: fixed cells, tallies over the last `window` steps
// ---------------------------------------------------------------------------------------

function relaxBody(perRouter: RouterMeans | undefined, offset: number): PassBody {
  return async (run, session, plan, pass, from) => {
    const windowBegin = plan.steps - plan.window;
    let step = from?.step ?? 0;
    while (step < plan.steps) {
      const len = run.segmentSteps(session.routers, plan.steps - step);
      step = await run.advance(session, step, step + len, windowBegin);
      if (step < plan.steps && run.stopping) await run.interrupt({ step, segment: 0, acc: null }, session);
      if (step < plan.steps && run.snapshotDue()) await run.snapshot({ step, segment: 0, acc: null }, await session.read());
    }
    const means = windowMeans(await session.read(), plan);
    const F = run.results.relax!.length;
    summarizeCells(means, plan).forEach(({ cell: _, ...summary }, p) => {
      run.results.relax![p % F][pass.begin + Math.floor(p / F) - run.cells[0]] = summary;
    });
    if (perRouter) {
      for (const key of ['meanLoad', 'meanAbsLoad', 'meanSqLoad', 'finalY'] as const) perRouter[key].set(means[key], offset);
    }
  };
}

// ---------------------------------------------------------------------------------------
// sweep: one parameter stepped through a grid, state carried across points
// ---------------------------------------------------------------------------------------

/** A sweep pass's accumulators (snapshots hold them; live.ts reads them for live figures). */
export interface SweepAcc {
  /** finished legs per pass cell */
  legs: SweepLeg[][];
  /** the current leg: per pass cell */
  stats: { meanLoad: number[]; sdLoad: number[] }[];
  trackers: TrackerState[];
}

/**
 * Snapshot positions: `segment` is the point k being run and `step` the step reached. A step
 * before the first point's start (spec.steps) is inside the burn-in; a step past point k's
 * start is inside point k (its tallies are in the routers' state, not reset on resume).
 */
function sweepBody(p: SweepProtocol): PassBody {
  const legs = sweepLegs(p);
  const points = legs.flatMap((leg, l) => leg.values.map((value, i) => ({ l, i, value })));
  return async (run, session, plan, pass, from) => {
    const R = plan.replicates;
    const n = pass.end - pass.begin;
    const spp = (plan.steps - run.spec.steps) / points.length;
    const burnIn = run.spec.steps;
    const acc = (from?.acc as SweepAcc | undefined) ?? { legs: Array.from({ length: n }, () => []), stats: [], trackers: [] };
    let trackers = acc.trackers.map((s) => SwitchTracker.from(s, legs[points[from!.segment].l].direction, legs[points[from!.segment].l].values));
    const state = (step: number, segment: number): PassState => ({ step, segment, acc: { ...acc, trackers: trackers.map((t) => t.state()) } });
    let step = from?.step ?? 0;
    if (step < burnIn) {
      // Burn-in at the first value (the plan's cells hold it), nothing tallied.
      step = await run.advance(session, step, burnIn, burnIn);
      if (step < burnIn) await run.interrupt(state(step, 0), session);
    }
    for (let k = from?.segment ?? 0; k < points.length; k++) {
      const { l, i, value } = points[k];
      const leg = legs[l];
      const start = burnIn + k * spp;
      const end = start + spp;
      const inside = step > start; // resuming inside point k
      if (i === 0 && !inside) {
        acc.stats = Array.from({ length: n }, () => ({ meanLoad: [], sdLoad: [] }));
        trackers = Array.from({ length: n }, () => new SwitchTracker(R, leg.direction, leg.values));
      }
      const pointCells = plan.cells.map((c) => ({ ...c, ...pointValues(p, leg.direction, value, spp, start) }));
      await session.setCells(pointCells);
      if (!inside) await session.resetTallies();
      step = await run.advance(session, inside ? step : start, end, end - run.spec.window);
      if (step < end) await run.interrupt(state(step, k), session);
      const readout = await session.read();
      // B may be the swept parameter: window means use the point's cells.
      const { meanLoad } = windowMeans(readout, { ...plan, cells: pointCells });
      for (let c = 0; c < n; c++) {
        const [m, sd] = meanSd(meanLoad, c * R, (c + 1) * R);
        acc.stats[c].meanLoad.push(m);
        acc.stats[c].sdLoad.push(sd);
        trackers[c].observe(meanLoad, c * R);
      }
      if (i === leg.values.length - 1) {
        for (let c = 0; c < n; c++) {
          const switching = p.ramp
            ? rampCrossings(leg.direction === 'up' ? readout.crossUp : readout.crossDown, c * R, (c + 1) * R)
            : trackers[c].switching();
          acc.legs[c].push({ direction: leg.direction, values: leg.values, ...acc.stats[c], switching });
        }
      }
      if (k + 1 < points.length && (run.stopping || run.snapshotDue())) {
        // The next point starts a leg: its trackers are made afresh there.
        const next = points[k + 1].i === 0 ? { step, segment: k + 1, acc: { ...acc, trackers: [] } } : state(step, k + 1);
        if (run.stopping) await run.interrupt(next, session);
        await run.snapshot(next, readout);
      }
    }
    for (let c = 0; c < n; c++) run.results.sweep![pass.speed][pass.begin + c - run.cells[0]] = acc.legs[c];
  };
}

/**
 * A sweep point's parameter values. Stepped: the value. Ramped: h runs through
 * [value - dh/2, value + dh/2] in the leg's direction over the point's spp steps from `start`.
 */
function pointValues(p: SweepProtocol, direction: 'up' | 'down', value: number, spp: number, start: number): Partial<RouterCell> {
  if (!p.ramp) return { [p.param]: value };
  const v = gridValues(p.values);
  const dh = (Math.max(...v) - Math.min(...v)) / (v.length - 1);
  const sign = direction === 'up' ? 1 : -1;
  return { h: value - (sign * dh) / 2, hRate: (sign * dh) / spp, rampStep: start };
}

/** Per replicate the h where y crossed zero in a ramped leg (null: it never did). */
function rampCrossings(cross: Float64Array, begin: number, end: number): (number | null)[] {
  return Array.from(cross.subarray(begin, end), (h) => (h === CROSS_NONE ? null : h));
}

// ---------------------------------------------------------------------------------------
// trace: interval means every `every` steps
// ---------------------------------------------------------------------------------------

/**
 * Snapshot positions: `segment` is the first step of the interval being run and `step` the
 * step reached; past the interval's start, its tallies are in the routers' state.
 */
function traceBody(every: number): PassBody {
  return async (run, session, plan, pass, from) => {
    const R = plan.replicates;
    const F = run.results.trace!.length;
    const series =
      (from?.acc as TraceCell[] | undefined) ?? plan.cells.map(() => ({ steps: [], meanLoad: [], sdLoad: [], meanAbsLoad: [], meanY: [], sdY: [] }));
    let step = from?.step ?? 0;
    for (let begin = from?.segment ?? 0; begin < plan.steps; begin += every) {
      const end = Math.min(begin + every, plan.steps);
      if (step <= begin) await session.resetTallies();
      step = await run.advance(session, Math.max(step, begin), end, begin);
      if (step < end) await run.interrupt({ step, segment: begin, acc: series }, session);
      const readout = await session.read();
      const m = windowMeans(readout, { ...plan, window: end - begin });
      series.forEach((t, q) => {
        const [load, sdLoad] = meanSd(m.meanLoad, q * R, (q + 1) * R);
        const [y, sdY] = meanSd(m.finalY, q * R, (q + 1) * R);
        t.steps.push(end);
        t.meanLoad.push(load);
        t.sdLoad.push(sdLoad);
        t.meanAbsLoad.push(meanSd(m.meanAbsLoad, q * R, (q + 1) * R)[0]);
        t.meanY.push(y);
        t.sdY.push(sdY);
      });
      if (end < plan.steps && run.stopping) await run.interrupt({ step: end, segment: end, acc: series }, session);
      if (end < plan.steps && run.snapshotDue()) await run.snapshot({ step: end, segment: end, acc: series }, readout);
    }
    series.forEach((t, q) => {
      run.results.trace![q % F][pass.begin + Math.floor(q / F) - run.cells[0]] = t;
    });
  };
}
