// The scans of one part (a shard's share, or a whole experiment) run in turn with one progress
// stream, checkpoints between scans and inside them, a graceful stop and resume: what the
// N-expert and training experiments share (experts/experiment.ts, training/experiment.ts).
// No Node-only imports.

import { progressReport, type ProgressListener, type ProgressReport } from '../core/scan.js';
import type { StopToken } from './scan-run.js';

export interface ScanRunOptions<Snap> {
  cells: [number, number];
  resume: Snap | undefined;
  checkpoint: { intervalMs: number; save(s: Snap): Promise<void> } | undefined;
  stop: StopToken | undefined;
  onProgress(p: ProgressReport): void;
}

export interface PartScans<Piece, Snap, C> {
  ranges: readonly [number, number][];
  /** the cost (router- or model-steps) of cells of scan i, for progress */
  cost(i: number, cells: readonly [number, number]): number;
  resume?: { scans: Piece[]; current: Snap | null } | undefined;
  checkpointOf(scans: Piece[], current: Snap | null): C;
  checkpoint?: { intervalMs: number; save(c: C): Promise<void> | void } | undefined;
  stop?: StopToken | undefined;
  onProgress?: ProgressListener | undefined;
  /** stop before a scan starts too (not only inside one) */
  stopBetweenScans?: boolean;
  /** the snapshot of a scan that its stop interrupted, or undefined for any other error */
  snapshotOf(err: unknown): Snap | undefined;
  /** the experiment's interruption, carrying its checkpoint */
  interrupted(c: C): Error;
  runScan(i: number, options: ScanRunOptions<Snap>): Promise<Piece>;
}

/** Runs the scans from the first one the resume has not finished; returns every scan's piece. */
export async function runPartScans<Piece extends { cells: [number, number] }, Snap, C>(p: PartScans<Piece, Snap, C>): Promise<Piece[]> {
  const total = p.ranges.reduce((sum, r, i) => sum + p.cost(i, r), 0);
  const t0 = performance.now();
  const scans: Piece[] = p.resume ? structuredClone(p.resume.scans) : [];
  let before = scans.reduce((sum, s, i) => sum + p.cost(i, s.cells), 0);
  const cp = p.checkpoint;
  const interrupt = async (current: Snap | null): Promise<never> => {
    const c = p.checkpointOf(scans, current);
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
        checkpoint: cp && { intervalMs: cp.intervalMs, save: async (s) => void (await cp.save(p.checkpointOf(scans, s))) },
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
    if (cp && Number.isFinite(cp.intervalMs)) await cp.save(p.checkpointOf(scans, null));
  }
  return scans;
}
