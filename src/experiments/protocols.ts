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
// Resumability. A pass advances in segments (a sweep point, a trace interval, or a slice of
// the relax steps). After a segment the run may take a snapshot: the routers' state (read
// back), the step and the per-cell accumulators, all plain data. From a snapshot the run
// continues exactly: after a lost device (engine.recover(), then the pass is reopened and
// restored) or from a checkpoint written to disk by the caller.

import type { Engine, RouterReadout, RouterSession } from '../core/engine.js';
import { completeCell, validatePlan, type RouterCell, type ScanPlan } from '../core/model.js';
import { progressReport, summarizeCells, windowMeans, type Provenance, type RouterMeans } from '../core/scan.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../core/version.generated.js';
import { expandGrid, fnv1a64, parseSpec, specHash, specRouterSteps, sweepLegs, sweepSteps, validateSpecFor } from './spec.js';
import type {
  ExpandedGrid, ParamName, ProtocolOutcome, RelaxCell, ScanOutcome, ScanProgress, ScanSpec, SweepLeg, SweepProtocol, TraceCell,
} from './types.js';

/** Where a run continues from (JSON-serializable apart from the readout's typed arrays). */
export interface ScanSnapshot {
  specHash: string;
  version: string;
  cells: [number, number];
  /** index of the pass being run (speed-major for sweeps) */
  pass: number;
  /** finished passes: per-cell results of the part so far */
  results: PartResults;
  /** inside `pass`: the step reached, the protocol's accumulators, the routers' state */
  inPass: { step: number; segment: number; acc: unknown; readout: RouterReadout } | null;
  routerSteps: number;
  routers: number;
  recoveries: number;
  /** compute time of this scan part so far, over every process that worked on it (ms) */
  elapsedMs?: number;
  /** one entry per process (engine, adapter) that worked on it, in order */
  segments?: ProvenanceSegment[];
}

/** The work one process did on a scan part: resumed runs list every process's share. */
export interface ProvenanceSegment {
  engine: string;
  adapter: string;
  backend: string;
  startedAt: string;
  elapsedMs: number;
  routerSteps: number;
}

/** Asks a run to stop at the next dispatch boundary (SIGTERM, SIGINT, a Stop button). */
export interface StopToken {
  readonly requested: boolean;
}

/** Thrown by runSpec when its StopToken asked it to stop: the snapshot continues it exactly. */
export class RunInterrupted extends Error {
  constructor(readonly snapshot: ScanSnapshot) {
    super('the run was stopped before it finished');
    this.name = 'RunInterrupted';
  }
}

export interface RunSpecOptions {
  onProgress?: ScanProgress;
  /** relax only: also return each router's window means and final y (index layout above) */
  keepPerRouter?: boolean;
  /** run only grid cells [begin, end) (a shard); default all */
  cells?: [number, number];
  /** continue from this snapshot (a checkpoint of the same spec, version and cells) */
  resume?: ScanSnapshot;
  /** receives a snapshot after a segment, at most every intervalMs (checkpoints) */
  checkpoint?: { intervalMs: number; save(snapshot: ScanSnapshot): Promise<void> | void };
  /** device losses survived before giving up (default 3) */
  maxRecoveries?: number;
  /** in-memory snapshots for device loss, at most every this many ms (default 5000) */
  snapshotMs?: number;
  /**
   * When `requested` turns true the run stops within about a second of work (steps are then
   * advanced in slices of ~1 s), snapshots and throws RunInterrupted.
   */
  stop?: StopToken;
}

/** Results of a part (cells [begin, end)) in the shapes of the full outcome. */
export interface PartResults {
  /** relax and trace: [family][cell - begin] */
  relax?: RelaxCell[][];
  trace?: TraceCell[][];
  /** sweep: [speed][cell - begin] -> legs */
  sweep?: SweepLeg[][][];
}

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
    cells: planCells(spec, grid, begin, end), replicates: spec.replicates, steps: spec.steps, window: spec.window,
    seed: spec.seed, tokenMode: spec.sampler === 'tokens', firstRouter: begin * familiesOf(spec) * spec.replicates,
  };
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


/** One pass: a plan over grid cells [begin, end) (and one sweep speed). */
interface Pass {
  speed: number;
  begin: number;
  end: number;
}

/** The accumulators and position a pass body resumes from. */
interface PassState {
  step: number;
  segment: number;
  acc: unknown;
}

type Last = NonNullable<ScanSnapshot['inPass']> & { routerStepsAt: number };

type PassBody = (ctx: Run, session: RouterSession, plan: ScanPlan, pass: Pass, from: PassState | null) => Promise<void>;

/** Shared by the protocols: passes, segments, snapshots, recovery, progress, provenance. */
class Run {
  readonly startedAt = new Date().toISOString();
  private readonly t0 = performance.now();
  done = 0;
  routers = 0;
  recoveries = 0;
  passIndex = 0;
  /** the last snapshot inside the current pass (device-loss restarts continue from it) */
  private last: Last | null = null;
  private lastSnapshotAt = performance.now();
  private lastCheckpointAt = performance.now();
  /** what earlier processes did on this part (a resumed run), and their compute time */
  priorSegments: ProvenanceSegment[] = [];
  priorElapsedMs = 0;
  private doneAtStart = 0;
  /** measured cost of a router-step, for slicing advances when a stop may be asked */
  private msPerRouterStep = 0;

  constructor(
    readonly engine: Engine, readonly spec: ScanSpec, readonly grid: ExpandedGrid, readonly cells: [number, number],
    readonly total: number, readonly results: PartResults, private readonly options: RunSpecOptions,
  ) {}

  /** Runs a pass from its start or from a snapshot, reopening it after a device loss. */
  async pass(plan: ScanPlan, pass: Pass, from: ScanSnapshot['inPass'], body: PassBody): Promise<void> {
    validatePlan(plan, this.engine.maxRouters);
    const stepsBefore = this.done;
    this.last = from && { ...from, routerStepsAt: this.done };
    // Asked to stop between passes: continue with this pass (from where it stands).
    if (this.stopping) throw new RunInterrupted(this.snapshotNow());
    for (;;) {
      const session = await this.engine.open(plan);
      try {
        if (this.last) {
          if (!session.restore) throw new Error(`the ${this.engine.info.engine} engine cannot restore router state`);
          await session.setCells(plan.cells);
          await session.restore(this.last.readout);
        } else {
          await session.initialize();
        }
        await body(this, session, plan, pass, this.last && { step: this.last.step, segment: this.last.segment, acc: structuredClone(this.last.acc) });
        this.routers += session.routers;
        this.last = null;
        return;
      } catch (err) {
        if (!this.engine.lost || !this.engine.recover || this.recoveries >= (this.options.maxRecoveries ?? 3)) throw err;
        this.recoveries++;
        await this.engine.recover();
        // Progress goes back to the snapshot the pass restarts from.
        this.done = this.last ? this.last.routerStepsAt : stepsBefore;
      } finally {
        session.close();
      }
    }
  }

  /** Continues the counts of an earlier process (resume). */
  resumeFrom(s: ScanSnapshot): void {
    this.done = this.doneAtStart = s.routerSteps;
    this.routers = s.routers;
    this.recoveries = s.recoveries;
    this.priorElapsedMs = s.elapsedMs ?? 0;
    this.priorSegments = s.segments ?? [];
  }

  get stopping(): boolean {
    return this.options.stop?.requested === true;
  }

  /**
   * Advances steps [begin, end), tallying from windowBegin, and reports progress. Returns the
   * step reached: `end`, or less when a stop was asked (the caller then calls interrupt()).
   * With a StopToken the steps go in slices of about a second, so a stop waits for at most
   * one slice; the split does not change any number (engines are split-invariant).
   */
  async advance(session: RouterSession, begin: number, end: number, windowBegin: number): Promise<number> {
    let step = begin;
    while (step < end) {
      if (step > begin && this.stopping) return step;
      const slice = this.options.stop ? this.sliceSteps(session.routers, end - step) : end - step;
      const before = this.done;
      const t = performance.now();
      const report = (done: number) => this.options.onProgress?.(progressReport(before + done, this.total, this.elapsedMs()));
      await session.advance({ stepBegin: step, stepEnd: step + slice, windowBegin }, report);
      this.msPerRouterStep = (performance.now() - t) / (slice * session.routers);
      this.done = before + session.routers * slice;
      step += slice;
    }
    return step;
  }

  /** Steps of about one second of work (one step until the cost is known). */
  private sliceSteps(routers: number, left: number): number {
    if (!(this.msPerRouterStep > 0)) return Math.min(left, 1);
    return Math.max(1, Math.min(left, Math.floor(1000 / (this.msPerRouterStep * routers))));
  }

  /** Snapshots the pass at `state` (the routers' state read now) and throws RunInterrupted. */
  async interrupt(state: PassState, session: RouterSession): Promise<never> {
    const readout = await session.read();
    this.last = { step: state.step, segment: state.segment, acc: structuredClone(state.acc), readout, routerStepsAt: this.done };
    throw new RunInterrupted(this.snapshotNow());
  }

  /** Whether a snapshot is due (device loss: every snapshotMs; checkpoints: every intervalMs). */
  snapshotDue(): boolean {
    const now = performance.now();
    const recover = this.engine.recover !== undefined && now - this.lastSnapshotAt >= (this.options.snapshotMs ?? 5000);
    const checkpoint = this.options.checkpoint !== undefined && now - this.lastCheckpointAt >= this.options.checkpoint.intervalMs;
    return recover || checkpoint;
  }

  /** Records a snapshot after a segment (readout = the routers' state now). */
  async snapshot(state: PassState, readout: RouterReadout): Promise<void> {
    this.last = { step: state.step, segment: state.segment, acc: structuredClone(state.acc), readout, routerStepsAt: this.done };
    this.lastSnapshotAt = performance.now();
    const cp = this.options.checkpoint;
    if (cp && performance.now() - this.lastCheckpointAt >= cp.intervalMs) {
      await cp.save(this.snapshotNow());
      this.lastCheckpointAt = performance.now();
    }
  }

  snapshotNow(): ScanSnapshot {
    let inPass: ScanSnapshot['inPass'] = null;
    if (this.last) {
      const { routerStepsAt: _, ...rest } = this.last;
      inPass = rest;
    }
    return {
      specHash: specHash(this.spec), version: PACKAGE_VERSION, cells: this.cells, pass: this.passIndex,
      results: structuredClone(this.results), inPass,
      routerSteps: this.last ? this.last.routerStepsAt : this.done, routers: this.routers, recoveries: this.recoveries,
      ...this.timing(),
    };
  }

  /** Compute time of this part over every process so far. */
  private elapsedMs(now = performance.now()): number {
    return this.priorElapsedMs + now - this.t0;
  }

  /** Compute time so far, and the earlier processes' segments with this one's (at one instant). */
  private timing(): { elapsedMs: number; segments: ProvenanceSegment[] } {
    const now = performance.now();
    const { info } = this.engine;
    return {
      elapsedMs: this.elapsedMs(now),
      segments: [...this.priorSegments, {
        engine: info.engine, adapter: info.adapter, backend: info.backend, startedAt: this.startedAt,
        elapsedMs: now - this.t0, routerSteps: this.done - this.doneAtStart,
      }],
    };
  }

  /** Segment length in steps: all at once unless snapshots are wanted, then ~1 s of work. */
  segmentSteps(routers: number, left: number, msPerRouterStep: number): number {
    if (this.engine.recover === undefined && this.options.checkpoint === undefined) return left;
    if (!(msPerRouterStep > 0)) return Math.min(left, 1);
    return Math.max(1, Math.min(left, Math.floor(1000 / (msPerRouterStep * routers))));
  }

  /**
   * The scan part's provenance. After a resume: router-steps and compute time summed over
   * every process, `segments` listing each one, and engine/adapter/backend joined with ' + '
   * where processes differed.
   */
  provenance(): Provenance & { recoveries?: number; segments?: ProvenanceSegment[] } {
    const { elapsedMs, segments } = this.timing();
    const joined = (f: (s: ProvenanceSegment) => string) => [...new Set(segments.map(f))].join(' + ');
    return {
      package: PACKAGE_NAME, version: PACKAGE_VERSION, engine: joined((s) => s.engine) as Provenance['engine'], adapter: joined((s) => s.adapter),
      backend: joined((s) => s.backend), sampler: this.spec.sampler === 'tokens' ? 'tokens' : 'btrs-inversion', seed: this.spec.seed,
      startedAt: segments[0].startedAt, elapsedMs,
      routers: this.routers, routerSteps: this.done, routerStepsPerSecond: elapsedMs > 0 ? (this.done * 1000) / elapsedMs : 0,
      ...(this.recoveries > 0 && { recoveries: this.recoveries }),
      ...(segments.length > 1 && { segments }),
    };
  }
}

/**
 * Streaming switchingPoint (src/analytics/estimators/switching-point.ts) for many replicates at once: feed
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

  /** Plain data (null for NaN: JSON has no NaN) and back, for snapshots. */
  state(): TrackerState {
    return { at: this.switching(), last: Array.from(this.last), lastU: Array.from(this.lastU), k: this.k };
  }

  static from(s: TrackerState, want: 'up' | 'down', xs: readonly number[]): SwitchTracker {
    const t = new SwitchTracker(s.at.length, want, xs);
    s.at.forEach((x, i) => { t.at[i] = x ?? NaN; });
    t.last.set(s.last);
    t.lastU.set(s.lastU);
    t.k = s.k;
    return t;
  }
}

export interface TrackerState { at: (number | null)[]; last: number[]; lastU: number[]; k: number }


/**
 * Routers per pass at most, whatever the engine holds: a pass's read-back state and window
 * means take ~100 bytes per router of host memory, so this bounds a scan's host memory to a
 * few hundred MB however many routers it has (unless one grid cell alone is larger).
 */
export const MAX_PASS_ROUTERS = 2 ** 21;

/** The passes of cells [begin, end): consecutive cells that fit the engine, per sweep speed. */
function passesOf(spec: ScanSpec, cells: [number, number], maxRouters: number): Pass[] {
  const perCell = familiesOf(spec) * spec.replicates;
  const cellsPerPass = Math.max(1, Math.floor(Math.min(maxRouters, MAX_PASS_ROUTERS) / perCell));
  const speeds = spec.protocol.kind === 'sweep' ? spec.protocol.stepsPerPoint.length : 1;
  const passes: Pass[] = [];
  for (let speed = 0; speed < speeds; speed++) {
    for (let c = cells[0]; c < cells[1]; c += cellsPerPass) passes.push({ speed, begin: c, end: Math.min(cells[1], c + cellsPerPass) });
  }
  return passes;
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
 * Runs a scan spec (checked and completed by parseSpec first) on an engine, or the part of it
 * over grid cells options.cells. Same spec and engine kind: bit-identical outcome (timings
 * aside), whatever the passes, shards, checkpoints or device losses.
 */
export async function runSpec(engine: Engine, input: ScanSpec, options: RunSpecOptions = {}): Promise<SpecRun> {
  const spec = parseSpec(input);
  validateSpecFor(spec, engine.maxRouters);
  const grid = expandGrid(spec);
  const n = grid.cells.length;
  const cells = options.cells ?? [0, n];
  if (!(Number.isInteger(cells[0]) && Number.isInteger(cells[1]) && cells[0] >= 0 && cells[0] <= cells[1] && cells[1] <= n)) {
    throw new RangeError(`cells: need 0 <= begin <= end <= ${n}, got [${cells}]`);
  }
  const resume = options.resume;
  if (resume) {
    const problems = [
      resume.specHash !== specHash(spec) && `it belongs to spec ${resume.specHash}, not ${specHash(spec)}`,
      resume.version !== PACKAGE_VERSION && `it was written by moe-cusp ${resume.version}, this is ${PACKAGE_VERSION}`,
      (resume.cells[0] !== cells[0] || resume.cells[1] !== cells[1]) && `it covers cells [${resume.cells}), this run [${cells}) (another shard)`,
    ].filter(Boolean);
    if (problems.length) throw new CheckpointMismatch(`the checkpoint cannot be resumed here: ${problems.join('; ')}`);
    if (options.keepPerRouter) throw new Error('keepPerRouter runs cannot resume from a checkpoint');
  }
  const results = resume ? structuredClone(resume.results) : emptyResults(spec);
  const run = new Run(engine, spec, grid, cells, specRouterSteps(spec, cells), results, options);
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
        cells: planCells(spec, grid, pass.begin, pass.end), replicates: R, steps: sweepSteps(spec, p.stepsPerPoint[pass.speed]),
        window: spec.window, seed: speedSeed(spec.seed, pass.speed), tokenMode: spec.sampler === 'tokens', firstRouter: pass.begin * R,
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
    let msPerRouterStep = 0;
    while (step < plan.steps) {
      const len = run.segmentSteps(session.routers, plan.steps - step, msPerRouterStep);
      const t = performance.now();
      const reached = await run.advance(session, step, step + len, windowBegin);
      msPerRouterStep = (performance.now() - t) / ((reached - step) * session.routers);
      step = reached;
      if (step < plan.steps && run.stopping) await run.interrupt({ step, segment: 0, acc: null }, session);
      if (step < plan.steps && run.snapshotDue()) await run.snapshot({ step, segment: 0, acc: null }, await session.read());
    }
    const means = windowMeans(await session.read(), plan);
    const R = plan.replicates;
    const F = run.results.relax!.length;
    summarizeCells(means, plan).forEach(({ cell: _, ...summary }, p) => {
      let positive = 0;
      const abs = new Float64Array(R);
      for (let r = 0; r < R; r++) {
        const u = means.meanLoad[p * R + r];
        abs[r] = Math.abs(u);
        if (u > 0) positive++;
      }
      const c = pass.begin + Math.floor(p / F) - run.cells[0];
      run.results.relax![p % F][c] = { ...summary, absMeanLoadSE: meanSd(abs, 0, R)[1] / Math.sqrt(R), fractionPositive: positive / R };
    });
    if (perRouter) {
      for (const key of ['meanLoad', 'meanAbsLoad', 'meanSqLoad', 'finalY'] as const) perRouter[key].set(means[key], offset);
    }
  };
}

// ---------------------------------------------------------------------------------------
// sweep: one parameter stepped through a grid, state carried across points
// ---------------------------------------------------------------------------------------

interface SweepAcc {
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
    let acc = (from?.acc as SweepAcc | undefined) ?? { legs: Array.from({ length: n }, () => []), stats: [], trackers: [] };
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
      const pointCells = plan.cells.map((c) => ({ ...c, [p.param as ParamName]: value }));
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
          acc.legs[c].push({ direction: leg.direction, values: leg.values, ...acc.stats[c], switching: trackers[c].switching() });
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
    const series = (from?.acc as TraceCell[] | undefined)
      ?? plan.cells.map(() => ({ steps: [], meanLoad: [], sdLoad: [], meanAbsLoad: [], meanY: [], sdY: [] }));
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
    series.forEach((t, q) => { run.results.trace![q % F][pass.begin + Math.floor(q / F) - run.cells[0]] = t; });
  };
}
