// An experiment run in chunks of grid cells, for a page that must stay responsive and show
// results as they come: each chunk is runSpec over a range of one scan's grid cells (its
// routers keep their global indices, so the random streams and the numbers are exactly
// those of one unsplit run), sized to take about `targetChunkMs`. Finished chunks are kept:
// after a failure (a lost GPU device) `run` can be called again, on another engine, and
// continues from the last finished chunk. Stop (the signal) is heard between chunks and,
// within one, by runSpec's stop token: the chunk's snapshot is kept and the next `run`
// resumes it exactly. Sweeps and traces report snapshots of the running chunk (`onLive`,
// live.ts) for live figures. The pieces assemble into the same part the CLI produces,
// analysed by completeExperiment. Browser-safe.

import type { Engine } from '../core/engine.js';
import { progressReport, type ProgressReport } from '../core/scan.js';
import { PACKAGE_VERSION } from '../core/version.generated.js';
import { PRESETS, type PresetId } from './presets/index.js';
import { runSpec } from './protocols.js';
import { partialScan, type ChunkSnapshot, type PartialScan } from './live.js';
import { passesOf, RunInterrupted } from './scan-run.js';
import { joinResults } from './reductions.js';
import { completeExperiment, mergeProvenance, partResults, type ScanPart } from './run.js';
import { prepareScan, type ParsedSpec, type PreparedScan } from './spec.js';
import { customTitle } from './spec-describe.js';
import type { ExperimentResult, ScanOutcome, ScanSpec } from './types.js';

/** What to run: a preset's scans at a scale (the page derives them), or one user spec. */
export type ChunkedTarget = { kind: 'preset'; id: PresetId; scale: string; specs: ScanSpec[] } | { kind: 'spec'; spec: ScanSpec };

export interface ChunkInfo {
  /** index of the scan in the experiment */
  scan: number;
  /** grid cells [begin, end) of that scan */
  cells: [number, number];
  elapsedMs: number;
}

export interface ChunkedRunOptions {
  onProgress?: (p: ProgressReport) => void;
  /** after every finished chunk */
  onChunk?: (chunk: ChunkInfo) => void;
  /** aim for chunks of about this long (default 1000 ms) */
  targetChunkMs?: number;
  /** split each scan into at least this many chunks while the speed is unknown (default 4) */
  firstSplit?: number;
  /**
   * When aborted the run stops with a StopError: between chunks, or within one at runSpec's
   * next stop point (about a second of work), keeping the chunk's snapshot to resume from.
   */
  signal?: AbortSignal;
  /** sweeps and traces: the running chunk has a new snapshot (`live`), at most every `liveMs` */
  onLive?: (scan: number) => void;
  /** default 400 ms */
  liveMs?: number;
}

/** The run was stopped (AbortSignal); finished chunks are kept. */
export class StopError extends Error {
  constructor() {
    super('stopped');
    this.name = 'StopError';
  }
}

export class ChunkedRun {
  readonly specs: ScanSpec[];
  /** the scans, parsed and prepared once */
  private readonly scans: PreparedScan[];
  readonly id: string;
  readonly title: string;
  readonly scale: string;
  readonly totalRouterSteps: number;
  /** finished pieces per scan, in cell order */
  readonly pieces: ScanPart[][];
  /** the first cell not yet run: scan index and cell */
  next = { scan: 0, cell: 0 };
  /** router-steps of the finished chunks */
  doneRouterSteps = 0;
  /** run time of the finished chunks (pauses between runs excluded) */
  elapsedMs = 0;
  private readonly cellCounts: number[];
  private readonly perCell: number[];
  /** the last chunk's work and time */
  private last: { routerSteps: number; ms: number } | null = null;
  /** the running chunk's latest snapshot (sweeps and traces), or the stopped chunk's */
  live: ChunkSnapshot | null = null;
  /** the chunk a stop interrupted: the next run resumes it from `live` */
  private interrupted = false;

  constructor(target: ChunkedTarget) {
    if (target.kind === 'preset') {
      // prepareScan parses a spec only if parseSpec did not already (the page parses its own).
      this.scans = target.specs.map((s) => prepareScan(s as ParsedSpec));
      this.id = target.id;
      this.title = PRESETS[target.id].title;
      this.scale = target.scale;
    } else {
      this.scans = [prepareScan(target.spec as ParsedSpec)];
      const spec = this.scans[0].spec;
      this.id = spec.name ?? 'scan';
      this.title = customTitle(spec);
      this.scale = 'custom';
    }
    this.specs = this.scans.map((s) => s.spec);
    this.cellCounts = this.scans.map((s) => s.cells);
    this.perCell = this.scans.map((s) => s.cellCost);
    this.totalRouterSteps = this.scans.reduce((sum, s) => sum + s.cellCost * s.cells, 0);
    this.pieces = this.specs.map(() => []);
  }

  get finished(): boolean {
    return this.next.scan >= this.specs.length;
  }

  /**
   * Grid cells of the next chunk of scan `scan` from cell `from`: the last chunk's work
   * scaled by target / its time, within a factor 2 either way (a chunk also pays a fixed
   * cost, opening a session and reading back: growing geometrically gets past it).
   */
  private chunkCells(scan: number, from: number, options: ChunkedRunOptions): number {
    const left = this.cellCounts[scan] - from;
    if (!this.last) return Math.max(1, Math.min(left, Math.ceil(this.cellCounts[scan] / (options.firstSplit ?? 4))));
    const factor = Math.min(2, Math.max(0.5, (options.targetChunkMs ?? 1000) / Math.max(this.last.ms, 1e-3)));
    const cells = (this.last.routerSteps * factor) / this.perCell[scan];
    return Math.max(1, Math.min(left, factor > 1 ? Math.ceil(cells) : Math.floor(cells)));
  }

  /**
   * Runs (or continues) the experiment on an engine and returns its result; throws what the
   * engine throws (a lost device, StopError), keeping every finished chunk for the next call.
   */
  async run(engine: Engine, options: ChunkedRunOptions = {}): Promise<ExperimentResult> {
    const t0 = performance.now();
    const before = this.elapsedMs;
    const { signal } = options;
    const report = (routerSteps: number) => options.onProgress?.(progressReport(routerSteps, this.totalRouterSteps, before + performance.now() - t0));
    const stop = signal && {
      get requested() {
        return signal.aborted;
      },
    };
    while (!this.finished) {
      if (signal?.aborted) throw new StopError();
      const { scan, cell } = this.next;
      const prepared = this.scans[scan];
      // A stopped chunk resumes from its snapshot when this engine cuts it into the same passes.
      const stopped = this.interrupted && this.live?.scan === scan && this.live.cells[0] === cell ? this.live : null;
      const resume =
        stopped && JSON.stringify(passesOf(prepared.spec, stopped.cells, engine.maxRouters)) === JSON.stringify(stopped.passes) ? stopped : null;
      const end = resume ? resume.cells[1] : cell + this.chunkCells(scan, cell, options);
      const cells: [number, number] = [cell, end];
      const started = performance.now();
      const done = this.doneRouterSteps;
      const passes = passesOf(prepared.spec, cells, engine.maxRouters);
      const liveKind = prepared.spec.protocol.kind !== 'relax' && options.onLive;
      const checkpoint = liveKind
        ? {
            intervalMs: options.liveMs ?? 400,
            save: (snapshot: ChunkSnapshot['snapshot']) => {
              this.live = { scan, cells, passes, snapshot };
              options.onLive?.(scan);
            },
          }
        : undefined;
      this.interrupted = false;
      if (!resume) this.live = null;
      let piece: Awaited<ReturnType<typeof runSpec>>;
      try {
        piece = await runSpec(engine, prepared, {
          cells,
          onProgress: (p) => report(done + p.routerSteps),
          stop,
          checkpoint,
          resume: resume?.snapshot,
        });
      } catch (err) {
        if (!(err instanceof RunInterrupted)) {
          this.live = null;
          throw err;
        }
        this.live = { scan, cells, passes, snapshot: err.snapshot };
        this.interrupted = true;
        this.elapsedMs += performance.now() - started;
        throw new StopError();
      }
      this.live = null;
      const ms = performance.now() - started;
      this.pieces[scan].push({ cells, results: partResults(piece), provenance: piece.provenance });
      const steps = piece.provenance.routerSteps;
      this.doneRouterSteps += steps;
      this.elapsedMs += ms;
      if (steps > 0 && !resume) this.last = { routerSteps: steps, ms };
      this.next = end < this.cellCounts[scan] ? { scan, cell: end } : { scan: scan + 1, cell: 0 };
      report(this.doneRouterSteps);
      options.onChunk?.({ scan, cells, elapsedMs: ms });
    }
    return this.result();
  }

  /** Grid cells [0, n) of scan `scan` are finished. */
  finishedCells(scan: number): number {
    return scan < this.next.scan ? this.cellCounts[scan] : scan === this.next.scan ? this.next.cell : 0;
  }

  /** Grid cells of scan `scan`. */
  cellCount(scan: number): number {
    return this.cellCounts[scan];
  }

  /** A finished scan's pieces as one part over all its cells. */
  private scanPart(scan: number): ScanPart {
    const pieces = this.pieces[scan];
    return {
      cells: [0, this.cellCounts[scan]],
      results: joinResults(pieces),
      provenance: mergeProvenance(pieces.map((p) => p.provenance)),
    };
  }

  /** The experiment's result once every chunk has run: what the CLI computes for the same specs. */
  result(): ExperimentResult {
    if (!this.finished) throw new Error(`${this.id}: ${this.totalRouterSteps - this.doneRouterSteps} router-steps still to run`);
    return completeExperiment({
      format: 'moe-cusp-part',
      version: PACKAGE_VERSION,
      id: this.id,
      title: this.title,
      scale: this.scale,
      shard: { index: 0, count: 1 },
      specs: this.scans.map((s) => s.spec),
      specHashes: this.scans.map((s) => s.hash),
      scans: this.specs.map((_, i) => this.scanPart(i)),
    });
  }

  /**
   * A scan's outcome so far, over all its grid cells (live.ts): the finished cells, and for
   * sweeps and traces the running or stopped chunk's series so far.
   */
  partial(scan: number): PartialScan {
    const pieces = this.pieces[scan];
    return partialScan(this.scans[scan], pieces, this.live?.scan === scan ? this.live : null, this.provenanceOf(scan));
  }

  /**
   * A relax scan's outcome so far: finished cells with their statistics, the others with
   * NaN (no data), for live figures. null for other protocols.
   */
  partialRelax(scan: number): ScanOutcome | null {
    if (this.specs[scan].protocol.kind !== 'relax') return null;
    return this.partial(scan).outcome;
  }

  /** The finished pieces' provenance of a scan (an empty one before the first). */
  provenanceOf(scan: number): ScanOutcome['provenance'] {
    const pieces = this.pieces[scan];
    if (pieces.length) return mergeProvenance(pieces.map((p) => p.provenance));
    return {
      package: '',
      version: PACKAGE_VERSION,
      engine: 'cpu' as const,
      adapter: '',
      backend: '',
      sampler: 'btrs-inversion' as const,
      seed: this.specs[scan].seed,
      startedAt: '',
      elapsedMs: 0,
      routers: 0,
      routerSteps: 0,
      routerStepsPerSecond: 0,
    };
  }
}
