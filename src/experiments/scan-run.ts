// The machinery every protocol of src/experiments/protocols.ts shares: a scan part runs as
// passes (plans over consecutive grid cells that fit the engine, one per sweep speed), each
// advanced in segments; after a segment the run may take a snapshot (the routers' state read
// back, the step, the protocol's accumulators: plain data) from which it continues exactly,
// after a lost device (engine.recover(), then the pass is reopened and restored), from a
// checkpoint on disk, or after a StopToken interrupted it. Also progress and provenance
// (summed over every process that worked on a part). No Node-only imports.

import type { Engine, RouterReadout, RouterSession } from '../core/engine.js';
import { validatePlan, type ScanPlan } from '../core/model.js';
import { progressReport, type Provenance } from '../core/scan.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../core/version.generated.js';
import type { CellStats } from '../core/reductions.js';
import type { ExpandedGrid, ScanProgress, ScanSpec, SweepLeg, TraceCell } from './types.js';

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
  onProgress?: ScanProgress | undefined;
  /** relax only: also return each router's window means and final y (index layout above) */
  keepPerRouter?: boolean;
  /** run only grid cells [begin, end) (a shard); default all */
  cells?: [number, number];
  /** continue from this snapshot (a checkpoint of the same spec, version and cells) */
  resume?: ScanSnapshot | undefined;
  /** receives a snapshot after a segment, at most every intervalMs (checkpoints) */
  checkpoint?: { intervalMs: number; save(snapshot: ScanSnapshot): Promise<void> | void } | undefined;
  /** device losses survived before giving up (default 3) */
  maxRecoveries?: number;
  /** in-memory snapshots for device loss, at most every this many ms (default 5000) */
  snapshotMs?: number;
  /**
   * When `requested` turns true the run stops within about a second of work (steps are then
   * advanced in slices of ~1 s), snapshots and throws RunInterrupted.
   */
  stop?: StopToken | undefined;
}

/** Results of a part (cells [begin, end)) in the shapes of the full outcome. */
export interface PartResults {
  /** relax and trace: [family][cell - begin] */
  relax?: CellStats[][];
  trace?: TraceCell[][];
  /** sweep: [speed][cell - begin] -> legs */
  sweep?: SweepLeg[][][];
}

/** One pass: a plan over grid cells [begin, end) (and one sweep speed). */
export interface Pass {
  speed: number;
  begin: number;
  end: number;
}

/** The accumulators and position a pass body resumes from. */
export interface PassState {
  step: number;
  segment: number;
  acc: unknown;
}

type Last = NonNullable<ScanSnapshot['inPass']> & { routerStepsAt: number };

export type PassBody = (ctx: Run, session: RouterSession, plan: ScanPlan, pass: Pass, from: PassState | null) => Promise<void>;

/** Shared by the protocols: passes, segments, snapshots, recovery, progress, provenance. */
export class Run {
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
    readonly engine: Engine,
    readonly spec: ScanSpec,
    readonly hash: string,
    readonly grid: ExpandedGrid,
    readonly cells: [number, number],
    readonly total: number,
    readonly results: PartResults,
    private readonly options: RunSpecOptions,
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
      const slice = this.options.stop ? this.secondOfSteps(session.routers, end - step) : end - step;
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

  /** At most `left` steps of about one second of work (one step until the cost is measured). */
  private secondOfSteps(routers: number, left: number): number {
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
      specHash: this.hash,
      version: PACKAGE_VERSION,
      cells: this.cells,
      pass: this.passIndex,
      results: structuredClone(this.results),
      inPass,
      routerSteps: this.last ? this.last.routerStepsAt : this.done,
      routers: this.routers,
      recoveries: this.recoveries,
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
      segments: [
        ...this.priorSegments,
        {
          engine: info.engine,
          adapter: info.adapter,
          backend: info.backend,
          startedAt: this.startedAt,
          elapsedMs: now - this.t0,
          routerSteps: this.done - this.doneAtStart,
        },
      ],
    };
  }

  /** Segment length in steps: all at once unless snapshots are wanted, then ~1 s of work. */
  segmentSteps(routers: number, left: number): number {
    if (this.engine.recover === undefined && this.options.checkpoint === undefined) return left;
    return this.secondOfSteps(routers, left);
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
      package: PACKAGE_NAME,
      version: PACKAGE_VERSION,
      engine: joined((s) => s.engine) as Provenance['engine'],
      adapter: joined((s) => s.adapter),
      backend: joined((s) => s.backend),
      sampler: this.spec.sampler === 'tokens' ? 'tokens' : 'btrs-inversion',
      seed: this.spec.seed,
      startedAt: segments[0].startedAt,
      elapsedMs,
      routers: this.routers,
      routerSteps: this.done,
      routerStepsPerSecond: elapsedMs > 0 ? (this.done * 1000) / elapsedMs : 0,
      ...(this.recoveries > 0 && { recoveries: this.recoveries }),
      ...(segments.length > 1 && { segments }),
    };
  }
}

/**
 * Routers per pass at most, whatever the engine holds: a pass's read-back state and window
 * means take ~100 bytes per router of host memory, so this bounds a scan's host memory to a
 * few hundred MB however many routers it has (unless one grid cell alone is larger).
 */
export const MAX_PASS_ROUTERS = 2 ** 21;

/** The passes of cells [begin, end): consecutive cells that fit the engine, per sweep speed. */
export function passesOf(spec: ScanSpec, cells: [number, number], maxRouters: number): Pass[] {
  const perCell = (spec.initial.families === 'opposite' ? 2 : 1) * spec.replicates;
  const cellsPerPass = Math.max(1, Math.floor(Math.min(maxRouters, MAX_PASS_ROUTERS) / perCell));
  const speeds = spec.protocol.kind === 'sweep' ? spec.protocol.stepsPerPoint.length : 1;
  const passes: Pass[] = [];
  for (let speed = 0; speed < speeds; speed++) {
    for (let c = cells[0]; c < cells[1]; c += cellsPerPass) passes.push({ speed, begin: c, end: Math.min(cells[1], c + cellsPerPass) });
  }
  return passes;
}
