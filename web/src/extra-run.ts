// The page's run of an N-expert or training experiment (experts.ts, training.ts): the same
// experiment runner as the CLI (runExpertExperimentPart, runTrainingExperimentPart), with
// progress, a live figure of each scan as it finishes, Stop into a checkpoint kept in memory,
// Resume from it (the numbers of an uninterrupted run: the checkpoints are the CLI's), and
// after Stop the finished scans as a partial result (their generic figures and tables).

import type { ProgressReport, Provenance } from '../../src/core/scan.js';
import type { ExperimentResult, Figure, Table } from '../../src/experiments/types.js';
import { formatDuration, formatSI } from '../../src/report/format.js';

/** Where a stopped run continues: its experiment's checkpoint (opaque to the page). */
export interface ExtraResume {
  readonly checkpoint: unknown;
}

/** What a page run ends with: the result (done), or the page state and a sentence (stopped, failed). */
export type PageOutcome =
  | { state: 'done'; result: ExperimentResult; engineNote: string; message: string }
  | { state: 'stopped'; message: string; resume: ExtraResume; partial: ExperimentResult | null }
  | { state: 'failed'; message: string };

export interface PageRunOptions {
  signal: AbortSignal;
  onProgress: (p: ProgressReport) => void;
  /** a sentence for the progress line while the run prepares (e.g. loads its data) */
  onStatus: (message: string) => void;
  /** a finished scan's figure, while the run goes (the live figure) */
  onLive?: (figure: Figure, scan: number, scans: number) => void;
  /** continue a stopped run (its outcome's resume) */
  resume?: ExtraResume | null;
}

/** A checkpoint of the experiment runners: the finished scans' pieces and a snapshot inside the current one (null between scans). */
export interface RunnerCheckpoint<Piece> {
  readonly scans: readonly Piece[];
  readonly current: unknown;
}

/** What a family gives the page run: its experiment's identity, a run, and the generic analysis of a finished scan. */
export interface PageExperiment<Piece extends { provenance: Provenance }, C extends RunnerCheckpoint<Piece>> {
  readonly id: string;
  readonly title: string;
  readonly scale: string;
  readonly specs: readonly ExperimentResult['specs'][number][];
  /** what the progress counts ('router-steps', 'model-steps') and the kind of run in words ('N-expert', 'training') */
  readonly unit: string;
  readonly noun: string;
  /** runs the experiment runner with these options (from `resume`) to its result */
  run(o: {
    resume: C | undefined;
    stop: { readonly requested: boolean };
    onProgress(p: ProgressReport): void;
    checkpoint: { intervalMs: number; save(c: C): void };
  }): Promise<ExperimentResult>;
  /** the checkpoint an interruption of the runner carries (a stop), or undefined for any other error */
  interrupted(err: unknown): C | undefined;
  /** scan i's figures and tables by the generic analysis, from its finished piece */
  analyzeScan(i: number, piece: Piece): { figures: Figure[]; tables: Table[] };
}

function analyzed<Piece extends { provenance: Provenance }>(
  x: PageExperiment<Piece, RunnerCheckpoint<Piece>>,
  i: number,
  piece: Piece,
): { figures: Figure[]; tables: Table[] } {
  try {
    return x.analyzeScan(i, piece);
  } catch (err) {
    console.warn(`moe-cusp: scan ${i + 1} has no figure of its own: ${(err as Error).message}`);
    return { figures: [], tables: [] };
  }
}

/** The finished scans of a stopped run as a result: their generic figures and tables, no estimates. */
function partialOf<Piece extends { provenance: Provenance }>(
  x: PageExperiment<Piece, RunnerCheckpoint<Piece>>,
  scans: readonly Piece[],
): ExperimentResult | null {
  if (scans.length === 0) return null;
  const figures: Figure[] = [];
  const tables: Table[] = [];
  scans.forEach((piece, i) => {
    const a = analyzed(x, i, piece);
    const prefix = (id: string) => (x.specs.length > 1 ? `scan${i + 1}-${id}` : id);
    figures.push(...a.figures.map((f) => ({ ...f, id: prefix(f.id), title: x.specs.length > 1 ? `Scan ${i + 1}: ${f.title}` : f.title })));
    tables.push(...a.tables.map((t) => ({ ...t, name: prefix(t.name).replace(/[^\w.-]+/g, '_') })));
  });
  return {
    id: `${x.id}-partial`,
    title: `${x.title} (stopped: ${scans.length} of ${x.specs.length} scans finished)`,
    scale: x.scale,
    specs: x.specs.slice(0, scans.length),
    provenance: scans.map((p) => p.provenance),
    estimates: [],
    figures,
    tables,
    observables: { partial: true, finishedScans: scans.length, scans: x.specs.length },
    predictions: {},
  };
}

/** Runs an experiment on the page: progress, live figures, Stop (with a checkpoint), Resume, the outcome in words. */
export async function runOnPage<Piece extends { provenance: Provenance }, C extends RunnerCheckpoint<Piece>>(
  x: PageExperiment<Piece, C>,
  options: PageRunOptions,
): Promise<PageOutcome> {
  const stop = {
    get requested() {
      return options.signal.aborted;
    },
  };
  const resumed = options.resume ?? null;
  let steps = 0;
  let total = 0;
  try {
    const result = await x.run({
      resume: (resumed?.checkpoint as C | undefined) ?? undefined,
      stop,
      onProgress: (p) => {
        steps = p.routerSteps;
        total = p.totalRouterSteps;
        options.onProgress(p);
      },
      // Between scans (and when a stop interrupts, with a snapshot: `current`); never on a timer.
      checkpoint: {
        intervalMs: 1e12,
        save: (c) => {
          if (c.current !== null || c.scans.length === 0) return;
          const i = c.scans.length - 1;
          const [figure] = analyzed(x, i, c.scans[i]).figures;
          if (figure) options.onLive?.(figure, i, x.specs.length);
        },
      },
    });
    const done = result.provenance.reduce((n, p) => n + p.routerSteps, 0);
    const ms = result.provenance.reduce((n, p) => n + p.elapsedMs, 0);
    return {
      state: 'done',
      result,
      engineNote: `engine: ${[...new Set(result.provenance.map((p) => p.adapter))].join(' + ')}`,
      message: `Done: ${formatSI(done)} ${x.unit} in ${formatDuration(ms)} (${formatSI(ms > 0 ? (done * 1000) / ms : 0)} ${x.unit}/s).`,
    };
  } catch (err) {
    const checkpoint = x.interrupted(err);
    if (checkpoint === undefined) {
      console.error(`moe-cusp: the ${x.noun} run failed: ${(err as Error).message}`);
      return { state: 'failed', message: `The run failed: ${(err as Error).message}` };
    }
    const n = checkpoint.scans.length;
    const where = total > 0 ? ` at ${Math.round((100 * steps) / total)} % (${formatSI(steps)} of ${formatSI(total)} ${x.unit})` : '';
    return {
      state: 'stopped',
      message:
        `Stopped${where}: ${n} of ${x.specs.length} scan${x.specs.length > 1 ? 's' : ''} finished` +
        `${n > 0 ? ' (their figures below)' : ''}. Resume continues this ${x.noun} run from where it stopped; Run starts afresh.`,
      resume: { checkpoint },
      partial: partialOf(x, checkpoint.scans),
    };
  }
}
