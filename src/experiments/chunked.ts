// An experiment run in chunks of grid cells, for a page that must stay responsive and show
// results as they come: each chunk is runSpec over a range of one scan's grid cells (its
// routers keep their global indices, so the random streams and the numbers are exactly
// those of one unsplit run), sized to take about `targetChunkMs`. Finished chunks are kept:
// after a failure (a lost GPU device) `run` can be called again, on another engine, and
// continues from the last finished chunk. The pieces assemble into the same part the CLI
// produces, analysed by completeExperiment. Browser-safe.

import type { Engine } from '../core/engine.js';
import { progressReport, type ProgressReport } from '../core/scan.js';
import { PACKAGE_VERSION } from '../core/version.generated.js';
import { PRESETS, type PresetId } from './presets/index.js';
import { runSpec } from './protocols.js';
import { joinResults } from './reductions.js';
import { completeExperiment, mergeProvenance, partResults, type ScanPart } from './run.js';
import { prepareScan, type ParsedSpec, type PreparedScan } from './spec.js';
import { CELL_STAT_FIELDS, type CellStats } from '../core/reductions.js';
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
  /** checked at every progress report; when aborted the run stops with a StopError */
  signal?: AbortSignal;
}

/** The run was stopped (AbortSignal); finished chunks are kept. */
export class StopError extends Error {
  constructor() {
    super('stopped');
    this.name = 'StopError';
  }
}

const NO_DATA = Object.fromEntries(CELL_STAT_FIELDS.map((k) => [k, NaN])) as unknown as CellStats;

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
      this.title = spec.description ?? this.id;
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
    const report = (routerSteps: number) => {
      if (options.signal?.aborted) throw new StopError();
      options.onProgress?.(progressReport(routerSteps, this.totalRouterSteps, before + performance.now() - t0));
    };
    while (!this.finished) {
      const { scan, cell } = this.next;
      const end = cell + this.chunkCells(scan, cell, options);
      const started = performance.now();
      const done = this.doneRouterSteps;
      const piece = await runSpec(engine, this.scans[scan], { cells: [cell, end], onProgress: (p) => report(done + p.routerSteps) });
      const ms = performance.now() - started;
      this.pieces[scan].push({ cells: [cell, end], results: partResults(piece), provenance: piece.provenance });
      const steps = piece.provenance.routerSteps;
      this.doneRouterSteps += steps;
      this.elapsedMs += ms;
      if (steps > 0) this.last = { routerSteps: steps, ms };
      this.next = end < this.cellCounts[scan] ? { scan, cell: end } : { scan: scan + 1, cell: 0 };
      report(this.doneRouterSteps);
      options.onChunk?.({ scan, cells: [cell, end], elapsedMs: ms });
    }
    return this.result();
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
   * A relax scan's outcome so far: finished cells with their statistics, the others with
   * NaN (no data), for live figures. null for other protocols.
   */
  partialRelax(scan: number): ScanOutcome | null {
    const spec = this.specs[scan];
    const pieces = this.pieces[scan];
    if (spec.protocol.kind !== 'relax') return null;
    const { grid } = this.scans[scan];
    const n = this.cellCounts[scan];
    const cells = Array.from({ length: grid.families }, () => Array.from({ length: n }, () => NO_DATA));
    for (const p of pieces) {
      p.results.relax?.forEach((row, f) =>
        row.forEach((c, i) => {
          cells[f][p.cells[0] + i] = c;
        }),
      );
    }
    const provenance = pieces.length
      ? mergeProvenance(pieces.map((p) => p.provenance))
      : {
          package: '',
          version: PACKAGE_VERSION,
          engine: 'cpu' as const,
          adapter: '',
          backend: '',
          sampler: 'btrs-inversion' as const,
          seed: spec.seed,
          startedAt: '',
          elapsedMs: 0,
          routers: 0,
          routerSteps: 0,
          routerStepsPerSecond: 0,
        };
    return { spec, grid, outcome: { kind: 'relax', cells }, provenance };
  }
}
