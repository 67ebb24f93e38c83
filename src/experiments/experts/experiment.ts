// An N-expert experiment (a preset at a scale, or a user's spec) as the CLI runs it: whole or
// one shard's share, with checkpoints, a graceful stop and resume, as for two experts
// (src/experiments/run.ts). Its work units are (scan, grid cell) pairs, cut into shards of
// equal router-steps by the same shardCells; a run produces a part, parts merge exactly into
// the experiment's result (per-cell statistics join by concatenation in cell order). A
// checkpoint holds the finished scans' pieces and a snapshot inside the current one. No
// Node-only imports.

import type { ExpertEngine } from '../../core/experts.js';
import { InputError } from '../../core/model.js';
import type { ProgressListener } from '../../core/scan.js';
import { partOf, runPartScans, type CheckpointOf, type PartOf, type PreparedExperimentOf } from '../part-runner.js';
import { PACKAGE_VERSION } from '../../core/version.generated.js';
import type { Scale } from '../presets/index.js';
import { orderedShardSet, shardCells, type Shard } from '../run.js';
import type { StopToken } from '../scan-run.js';
import type { ExperimentResult } from '../types.js';
import { EXPERT_PRESETS, expertExperimentResult, expertPresetSpecs, type ExpertPresetId } from './presets/index.js';
import {
  expertCellCost,
  ExpertRunStopped,
  ExpertScanInterrupted,
  joinExpertPieces,
  runExpertScanPart,
  type ExpertScanOutcome,
  type ExpertScanPiece,
  type ExpertScanSnapshot,
} from './run.js';
import { expertCustomTitle } from './describe.js';
import { expertGrid, expertSpecHash, type ExpertScanSpec } from './spec.js';

export type ExpertExperimentTarget =
  | { kind: 'expert-preset'; id: ExpertPresetId; scale: Scale; seed: number }
  | { kind: 'expert-spec'; spec: ExpertScanSpec };

/** An N-expert experiment ready to run: its identity, its parsed scans and their hashes. */
export type PreparedExpertExperiment = PreparedExperimentOf<ExpertScanSpec>;

/** What one N-expert run (one shard, or everything) produces; the parts of one experiment merge exactly. */
export type ExpertExperimentPart = PartOf<'moe-cusp-expert-part', ExpertScanSpec, ExpertScanPiece>;

/** A checkpoint: the scans finished so far and a snapshot inside the current one. */
export type ExpertExperimentCheckpoint = CheckpointOf<'moe-cusp-expert-checkpoint', ExpertScanPiece, ExpertScanSnapshot>;

export interface ExpertExperimentOptions {
  onProgress?: ProgressListener | undefined;
  shard?: Shard | undefined;
  /** continue from this checkpoint (refused with a clear message if it belongs elsewhere) */
  resume?: ExpertExperimentCheckpoint | undefined;
  /** receives a checkpoint at most every intervalMs (and between scans), and when a stop interrupts the run */
  checkpoint?: { intervalMs: number; save(c: ExpertExperimentCheckpoint): Promise<void> | void } | undefined;
  /** asks the run to stop within about a second of work: it checkpoints and throws ExpertExperimentInterrupted */
  stop?: StopToken | undefined;
  /** router-steps per slice, fixed (tests; see runExpertScanPart) */
  sliceRouterSteps?: number | undefined;
}

/** A run stopped by its stop token; `checkpoint` (also given to options.checkpoint.save) continues it. */
export class ExpertExperimentInterrupted extends ExpertRunStopped {
  constructor(readonly checkpoint: ExpertExperimentCheckpoint) {
    super();
    this.name = 'ExpertExperimentInterrupted';
  }
}

const WHOLE: Shard = { index: 0, count: 1 };

export function prepareExpertExperiment(target: ExpertExperimentTarget): PreparedExpertExperiment {
  if (target.kind === 'expert-preset') {
    const specs = expertPresetSpecs(target.id, target.scale, target.seed);
    return { id: target.id, title: EXPERT_PRESETS[target.id].title, scale: target.scale, specs, hashes: specs.map(expertSpecHash) };
  }
  const { spec } = target;
  const id = spec.name ?? 'experts';
  return { id, title: expertCustomTitle(spec), scale: 'custom', specs: [spec], hashes: [expertSpecHash(spec)] };
}

/** The grid cells of each scan that shard i of n runs: (scan, cell) units cut into runs of about equal router-steps. */
export function expertShardCells(specs: readonly ExpertScanSpec[], shard: Shard): [number, number][] {
  return shardCells(
    specs.map((s) => ({ cells: expertGrid(s).cells.length, cellCost: expertCellCost(s) })),
    shard,
  );
}

/** Refuses (InputError on --resume) a checkpoint of another experiment, spec, seed, scale, shard or version. */
export function checkExpertResume(experiment: PreparedExpertExperiment, shard: Shard, resume: ExpertExperimentCheckpoint): void {
  const hashes = experiment.hashes;
  const problems = [
    resume.format !== 'moe-cusp-expert-checkpoint' && 'it is not an N-expert checkpoint',
    resume.id !== experiment.id && `it is a checkpoint of ${resume.id}, not ${experiment.id}`,
    resume.version !== PACKAGE_VERSION && `it was written by moe-cusp ${resume.version}, this is ${PACKAGE_VERSION}`,
    (resume.shard.index !== shard.index || resume.shard.count !== shard.count) &&
      `it is shard ${resume.shard.index}/${resume.shard.count}, this run ${shard.index}/${shard.count}`,
    resume.specHashes.join() !== hashes.join() &&
      `its specs (${resume.specHashes.join(', ')}) differ from this run's (${hashes.join(', ')}): another scale, seed or spec`,
  ].filter(Boolean);
  if (problems.length) throw new InputError('--resume', `the checkpoint cannot be resumed here: ${problems.join('; ')}`);
  const ranges = expertShardCells(experiment.specs, shard);
  resume.scans.forEach((s, i) => {
    if (s.cells[0] !== ranges[i][0] || s.cells[1] !== ranges[i][1])
      throw new InputError('--resume', `the checkpoint cannot be resumed here: its scan ${i} covers cells [${s.cells}), this shard [${ranges[i]})`);
  });
}

/** Runs a shard of an N-expert experiment (all of it by default) and returns its part. */
export async function runExpertExperimentPart(
  engine: ExpertEngine,
  experiment: PreparedExpertExperiment,
  options: ExpertExperimentOptions = {},
): Promise<ExpertExperimentPart> {
  const { specs } = experiment;
  const shard = options.shard ?? WHOLE;
  const ranges = expertShardCells(specs, shard);
  const resume = options.resume;
  if (resume) checkExpertResume(experiment, shard, resume);
  const scans = await runPartScans({
    format: 'moe-cusp-expert-checkpoint',
    experiment,
    shard,
    ranges,
    cost: (i, cells) => expertCellCost(specs[i]) * (cells[1] - cells[0]),
    resume,
    checkpoint: options.checkpoint,
    stop: options.stop,
    onProgress: options.onProgress,
    stopBetweenScans: true,
    snapshotOf: (err) => (err instanceof ExpertScanInterrupted ? err.snapshot : undefined),
    interrupted: (c) => new ExpertExperimentInterrupted(c),
    runScan: (i, o) => runExpertScanPart(engine, specs[i], { ...o, sliceRouterSteps: options.sliceRouterSteps }),
  });
  return partOf('moe-cusp-expert-part', experiment, shard, scans);
}

/**
 * Checks that parts belong to one N-expert experiment and cover it exactly once, and merges
 * them. Errors are InputErrors naming the part (by its label) and what is missing or foreign.
 */
export function mergeExpertParts(parts: { label: string; part: ExpertExperimentPart }[]): ExpertExperimentPart {
  const ordered = orderedShardSet(parts, { name: 'moe-cusp-expert-part', problem: 'not an N-expert part' }, (part, first) => [
    part.scale !== first.scale && `scale ${part.scale}, not ${first.scale}`,
  ]);
  const [first] = parts;
  const scans = first.part.specs.map((spec, i): ExpertScanPiece => {
    let o: ExpertScanOutcome;
    try {
      o = joinExpertPieces(
        spec,
        ordered.map((p) => p.scans[i]),
      );
    } catch (err) {
      if (err instanceof InputError) throw new InputError('parts', `scan ${i}: ${err.problem}`);
      throw err;
    }
    return { cells: [0, o.grid.cells.length], ...(o.relax && { relax: o.relax }), ...(o.sweep && { sweep: o.sweep }), provenance: o.provenance };
  });
  return { ...first.part, shard: WHOLE, scans };
}

/** The experiment's result from a complete part (one run, or merged shards). */
export function completeExpertExperiment(part: ExpertExperimentPart): ExperimentResult {
  if (part.shard.count !== 1) throw new Error(`part ${part.shard.index}/${part.shard.count}: merge the shards first`);
  const outcomes = part.specs.map((spec, i) => joinExpertPieces(spec, [part.scans[i]]));
  return expertExperimentResult(part.id, part.scale, part.specs, outcomes);
}
