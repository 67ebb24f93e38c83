// The scans of one part (a shard's share, or a whole experiment) run in turn with one progress
// stream, checkpoints between scans and inside them, a graceful stop and resume: what the
// N-expert and training experiments share (experts/experiment.ts, training/experiment.ts),
// with the shapes of their prepared experiments, parts and checkpoints. No Node-only imports.

import { progressReport, type ProgressListener, type ProgressReport } from '../core/scan.js';
import { PACKAGE_VERSION } from '../core/version.generated.js';
import type { Shard } from './run.js';
import type { StopToken } from './scan-run.js';

/** An experiment ready to run: its identity, its parsed scans and their hashes. */
export interface PreparedExperimentOf<Spec> {
  readonly id: string;
  readonly title: string;
  /** a preset's scale, or 'custom' for a user's spec */
  readonly scale: string;
  readonly specs: readonly Spec[];
  readonly hashes: readonly string[];
}

/** What one run (one shard, or everything) produces; the parts of one experiment merge exactly. */
export interface PartOf<Format extends string, Spec, Piece> {
  format: Format;
  version: string;
  id: string;
  title: string;
  scale: string;
  shard: Shard;
  specs: Spec[];
  specHashes: string[];
  /** per scan: its share of grid cells and their results */
  scans: Piece[];
}

/** A checkpoint: the scans finished so far and a snapshot inside the current one. */
export interface CheckpointOf<Format extends string, Piece, Snap> {
  format: Format;
  version: string;
  id: string;
  shard: Shard;
  specHashes: string[];
  scans: Piece[];
  current: Snap | null;
}

/** The part of `experiment` that `shard` ran: `scans`, one piece per scan (keys in the order part files hold them). */
export function partOf<Format extends string, Spec, Piece>(
  format: Format,
  experiment: PreparedExperimentOf<Spec>,
  shard: Shard,
  scans: Piece[],
): PartOf<Format, Spec, Piece> {
  const { id, title, scale, specs, hashes } = experiment;
  return { format, version: PACKAGE_VERSION, id, title, scale, shard, specs: [...specs], specHashes: [...hashes], scans };
}

/** A checkpoint of `experiment`'s `shard` (keys in the order checkpoint files hold them). */
export function checkpointOf<Format extends string, Piece, Snap>(
  format: Format,
  experiment: PreparedExperimentOf<unknown>,
  shard: Shard,
  scans: Piece[],
  current: Snap | null,
): CheckpointOf<Format, Piece, Snap> {
  return { format, version: PACKAGE_VERSION, id: experiment.id, shard, specHashes: [...experiment.hashes], scans, current };
}

export interface ScanRunOptions<Snap> {
  cells: [number, number];
  resume: Snap | undefined;
  checkpoint: { intervalMs: number; save(s: Snap): Promise<void> } | undefined;
  stop: StopToken | undefined;
  onProgress(p: ProgressReport): void;
}

export interface PartScans<Format extends string, Piece, Snap> {
  /** the checkpoints' format, experiment and shard (see checkpointOf) */
  format: Format;
  experiment: PreparedExperimentOf<unknown>;
  shard: Shard;
  ranges: readonly [number, number][];
  /** the cost (router- or model-steps) of cells of scan i, for progress */
  cost(i: number, cells: readonly [number, number]): number;
  resume?: { scans: Piece[]; current: Snap | null } | undefined;
  checkpoint?: { intervalMs: number; save(c: CheckpointOf<Format, Piece, Snap>): Promise<void> | void } | undefined;
  stop?: StopToken | undefined;
  onProgress?: ProgressListener | undefined;
  /** stop before a scan starts too (not only inside one) */
  stopBetweenScans?: boolean;
  /** the snapshot of a scan that its stop interrupted, or undefined for any other error */
  snapshotOf(err: unknown): Snap | undefined;
  /** the experiment's interruption, carrying its checkpoint */
  interrupted(c: CheckpointOf<Format, Piece, Snap>): Error;
  runScan(i: number, options: ScanRunOptions<Snap>): Promise<Piece>;
}

/** Runs the scans from the first one the resume has not finished; returns every scan's piece. */
export async function runPartScans<Format extends string, Piece extends { cells: [number, number] }, Snap>(
  p: PartScans<Format, Piece, Snap>,
): Promise<Piece[]> {
  const total = p.ranges.reduce((sum, r, i) => sum + p.cost(i, r), 0);
  const t0 = performance.now();
  const scans: Piece[] = p.resume ? structuredClone(p.resume.scans) : [];
  let before = scans.reduce((sum, s, i) => sum + p.cost(i, s.cells), 0);
  const cp = p.checkpoint;
  const checkpointAt = (current: Snap | null) => checkpointOf(p.format, p.experiment, p.shard, scans, current);
  const interrupt = async (current: Snap | null): Promise<never> => {
    const c = checkpointAt(current);
    await cp?.save(c);
    throw p.interrupted(c);
  };
  for (let i = scans.length; i < p.ranges.length; i++) {
    const done = before;
    const resumeHere = p.resume && i === p.resume.scans.length && p.resume.current ? p.resume.current : undefined;
    if (p.stopBetweenScans && p.stop?.requested) await interrupt(resumeHere ?? null);
    let piece: Piece;
    try {
      piece = await p.runScan(i, {
        cells: [p.ranges[i][0], p.ranges[i][1]],
        resume: resumeHere,
        checkpoint: cp && { intervalMs: cp.intervalMs, save: async (s) => void (await cp.save(checkpointAt(s))) },
        stop: p.stop,
        onProgress: (r) => p.onProgress?.(progressReport(done + r.routerSteps, total, performance.now() - t0)),
      });
    } catch (err) {
      const snapshot = p.snapshotOf(err);
      if (snapshot !== undefined) await interrupt(snapshot);
      throw err;
    }
    scans.push(piece);
    before += p.cost(i, p.ranges[i]);
    // A checkpoint between scans, so a resume does not redo a finished scan (unless
    // checkpoints are only wanted when a stop interrupts: intervalMs = Infinity).
    if (cp && Number.isFinite(cp.intervalMs)) await cp.save(checkpointAt(null));
  }
  return scans;
}
