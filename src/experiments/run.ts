// Runs an experiment (a preset at a scale, or a user's spec) on an engine and analyzes it.
// An experiment is one or more scans; its work units are (scan, grid cell) pairs. A run
// covers all of them or one shard's share, and produces a part; parts merge into the
// experiment's result. One part covering everything is exactly the unsplit run, so a
// scan split into shards and merged gives bit-identical observables. Runs can checkpoint
// and resume. One progress stream covers all of a part's scans. No Node-only imports.

import type { Engine } from '../core/engine.js';
import { InputError } from '../core/model.js';
import { progressReport, type ProgressListener, type Provenance } from '../core/scan.js';
import { PACKAGE_VERSION } from '../core/version.generated.js';
import { analyzePreset, PRESET_IDS, PRESETS, presetSpecs, SCALES, type PresetId, type Scale } from './presets/index.js';
import { joinResults } from './reductions.js';
import { analyzeSpec } from './spec-analysis.js';
import { customDescription, customTitle } from './spec-describe.js';
import { CheckpointMismatch, outcomeOf, runSpec, type SpecRun } from './protocols.js';
import { RunInterrupted, type PartResults, type ScanSnapshot, type StopToken } from './scan-run.js';
import { cellsCost, parseSpec, prepareScan, type ParsedSpec, type PreparedScan } from './spec.js';
import type { ExperimentResult, ScanOutcome, ScanSpec } from './types.js';

export type ExperimentTarget = { kind: 'preset'; id: PresetId; scale: Scale; seed: number } | { kind: 'spec'; spec: ScanSpec };

/** An experiment ready to run: its identity and its scans, parsed and prepared once. */
export interface PreparedExperiment {
  readonly kind: 'prepared';
  readonly id: string;
  readonly title: string;
  readonly scale: string;
  readonly scans: readonly PreparedScan[];
}

/** Shard `index` of `count` (0-based). */
export interface Shard {
  index: number;
  count: number;
}

/** One scan's share of a part: grid cells [begin, end) and their results. */
export interface ScanPart {
  cells: [number, number];
  results: PartResults;
  provenance: Provenance;
}

/** What one run (one shard, or everything) produces; parts of one experiment merge exactly. */
export interface ExperimentPart {
  format: 'moe-cusp-part';
  version: string;
  id: string;
  title: string;
  scale: string;
  shard: Shard;
  specs: ParsedSpec[];
  specHashes: string[];
  scans: ScanPart[];
}

/** A checkpoint: the scans finished so far and a snapshot inside the current one. */
export interface ExperimentCheckpoint {
  format: 'moe-cusp-checkpoint';
  version: string;
  id: string;
  shard: Shard;
  specHashes: string[];
  scans: ScanPart[];
  current: ScanSnapshot | null;
}

export interface ExperimentOptions {
  onProgress?: ProgressListener | undefined;
  shard?: Shard | undefined;
  /** continue from this checkpoint (refused with a clear message if it belongs elsewhere) */
  resume?: ExperimentCheckpoint | undefined;
  /** receives a checkpoint at most every intervalMs, and when a stop interrupts the run */
  checkpoint?: { intervalMs: number; save(c: ExperimentCheckpoint): Promise<void> | void };
  /** asks the run to stop within about a second of work: it checkpoints and throws ExperimentInterrupted */
  stop?: StopToken | undefined;
}

/** A run stopped by its StopToken; `checkpoint` (also given to options.checkpoint.save) continues it. */
export class ExperimentInterrupted extends Error {
  constructor(readonly checkpoint: ExperimentCheckpoint) {
    super('the run was stopped before it finished');
    this.name = 'ExperimentInterrupted';
  }
}

/**
 * Parses and prepares a target's scans: the one place an experiment's specs are parsed
 * (the analysis reads the completed specs, with defaults such as h = rho = 0 filled in).
 */
export function prepareExperiment(target: ExperimentTarget | PreparedExperiment): PreparedExperiment {
  if (target.kind === 'prepared') return target;
  const specs = target.kind === 'preset' ? presetSpecs(target.id, target.scale, target.seed) : [target.spec];
  const scans = specs.map((s) => prepareScan(parseSpec(s)));
  if (target.kind === 'preset') return { kind: 'prepared', id: target.id, title: PRESETS[target.id].title, scale: target.scale, scans };
  return { kind: 'prepared', id: target.spec.name ?? 'scan', title: customTitle(scans[0].spec), scale: 'custom', scans };
}

/** The parsed specs of a target. */
export function targetSpecs(target: ExperimentTarget | PreparedExperiment): ParsedSpec[] {
  return prepareExperiment(target).scans.map((s) => s.spec);
}

/**
 * The grid cells of each scan that shard i of n runs: the experiment's (scan, cell) units in
 * order, cut into n contiguous runs of about equal router-steps. Deterministic.
 */
export function shardCells(scans: readonly Pick<PreparedScan, 'cells' | 'cellCost'>[], shard: Shard): [number, number][] {
  const sizes = scans.map((s) => s.cells);
  const costs = scans.map((s) => s.cellCost);
  const total = sizes.reduce((sum, n, i) => sum + n * costs[i], 0);
  const lo = (total * shard.index) / shard.count;
  const hi = (total * (shard.index + 1)) / shard.count;
  let before = 0;
  return scans.map((_, i) => {
    // Unit (i, c) belongs to the shard whose range holds its starting cost.
    const first = Math.max(0, Math.min(sizes[i], Math.ceil((lo - before) / costs[i])));
    const last = Math.max(0, Math.min(sizes[i], shard.index === shard.count - 1 ? sizes[i] : Math.ceil((hi - before) / costs[i])));
    before += sizes[i] * costs[i];
    return [first, Math.max(first, last)];
  });
}

/** Refuses (InputError on --resume) a checkpoint of another experiment, spec, shard or version. */
export function checkResume(target: ExperimentTarget | PreparedExperiment, shard: Shard, resume: ExperimentCheckpoint): void {
  const info = prepareExperiment(target);
  const hashes = info.scans.map((s) => s.hash);
  const problems = [
    resume.id !== info.id && `it is a checkpoint of ${resume.id}, not ${info.id}`,
    resume.version !== PACKAGE_VERSION && `it was written by moe-cusp ${resume.version}, this is ${PACKAGE_VERSION}`,
    (resume.shard.index !== shard.index || resume.shard.count !== shard.count) &&
      `it is shard ${resume.shard.index}/${resume.shard.count}, this run ${shard.index}/${shard.count}`,
    resume.specHashes.join() !== hashes.join() &&
      `its specs (${resume.specHashes.join(', ')}) differ from this run's (${hashes.join(', ')}): another scale, seed or spec`,
  ].filter(Boolean);
  if (problems.length) throw new InputError('--resume', `the checkpoint cannot be resumed here: ${problems.join('; ')}`);
}

/** Runs a shard of an experiment (all of it by default) and returns its part. */
export async function runExperimentPart(
  engine: Engine,
  target: ExperimentTarget | PreparedExperiment,
  options: ExperimentOptions = {},
): Promise<ExperimentPart> {
  const experiment = prepareExperiment(target);
  const prepared = experiment.scans;
  const specs = prepared.map((s) => s.spec);
  const info = { id: experiment.id, title: experiment.title, scale: experiment.scale };
  const shard = options.shard ?? { index: 0, count: 1 };
  const ranges = shardCells(prepared, shard);
  const hashes = prepared.map((s) => s.hash);
  const resume = options.resume;
  if (resume) checkResume(experiment, shard, resume);
  const total = prepared.reduce((sum, s, i) => sum + cellsCost(s, ranges[i]), 0);
  const t0 = performance.now();
  const scans: ScanPart[] = resume ? structuredClone(resume.scans) : [];
  let before = scans.reduce((sum, s, i) => sum + cellsCost(prepared[i], s.cells), 0);
  const checkpointOf = (current: ScanSnapshot | null): ExperimentCheckpoint => ({
    format: 'moe-cusp-checkpoint',
    version: PACKAGE_VERSION,
    id: info.id,
    shard,
    specHashes: hashes,
    scans,
    current,
  });
  const interrupt = async (current: ScanSnapshot | null): Promise<never> => {
    const c = checkpointOf(current);
    await options.checkpoint?.save(c);
    throw new ExperimentInterrupted(c);
  };
  for (let i = scans.length; i < specs.length; i++) {
    const done = before;
    const resumeHere = resume && i === resume.scans.length && resume.current ? resume.current : undefined;
    if (options.stop?.requested) await interrupt(resumeHere ?? null);
    const save = options.checkpoint && ((current: ScanSnapshot) => options.checkpoint!.save(checkpointOf(current)));
    let run: SpecRun;
    try {
      run = await runSpec(engine, prepared[i], {
        cells: ranges[i],
        resume: resumeHere,
        checkpoint: save && { intervalMs: options.checkpoint!.intervalMs, save },
        stop: options.stop,
        onProgress: (p) => options.onProgress?.(progressReport(done + p.routerSteps, total, performance.now() - t0)),
      });
    } catch (err) {
      if (err instanceof CheckpointMismatch) throw new InputError('--resume', err.message);
      if (err instanceof RunInterrupted) await interrupt(err.snapshot);
      throw err;
    }
    scans.push({ cells: ranges[i], results: partResults(run), provenance: run.provenance });
    before += cellsCost(prepared[i], ranges[i]);
    // A checkpoint between scans, so a resume does not redo a finished scan (unless
    // checkpoints are only wanted when a stop interrupts: intervalMs = Infinity).
    if (options.checkpoint && Number.isFinite(options.checkpoint.intervalMs)) await options.checkpoint.save(checkpointOf(null));
  }
  return { format: 'moe-cusp-part', version: PACKAGE_VERSION, ...info, shard, specs, specHashes: hashes, scans };
}

/** A scan's protocol results in the shape a part stores them. */
export function partResults(run: SpecRun): PartResults {
  const o = run.outcome;
  return o.kind === 'relax' ? { relax: o.cells } : o.kind === 'trace' ? { trace: o.cells } : { sweep: o.speeds.map((s) => s.cells) };
}

/** Provenance of a scan run in several parts or chunks: sums of work and time, engines listed. */
export function mergeProvenance(list: Provenance[]): Provenance {
  if (list.length === 1) return list[0];
  const uniq = (f: (p: Provenance) => string) => [...new Set(list.map(f))].join(' + ');
  const elapsedMs = list.reduce((s, p) => s + p.elapsedMs, 0);
  const routerSteps = list.reduce((s, p) => s + p.routerSteps, 0);
  return {
    ...list[0],
    engine: uniq((p) => p.engine) as Provenance['engine'],
    adapter: uniq((p) => p.adapter),
    backend: uniq((p) => p.backend),
    startedAt: list.map((p) => p.startedAt).sort()[0],
    elapsedMs,
    routerSteps,
    routers: list.reduce((s, p) => s + p.routers, 0),
    routerStepsPerSecond: elapsedMs > 0 ? (routerSteps * 1000) / elapsedMs : 0,
  };
}

/** What every part file says about the run it belongs to. */
export interface PartIdentity {
  format: string;
  id: string;
  version: string;
  specHashes: string[];
  shard: { index: number; count: number };
}

/**
 * The checks both kinds of merge make: every part of the one experiment `parts[0]` sets (its
 * `format`, id, version, specs and shard count, plus what `extra` adds), each shard once and
 * none missing. Returns the parts in shard order; InputErrors name the part by its label.
 */
export function orderedShardSet<P extends PartIdentity>(
  parts: readonly { label: string; part: P }[],
  format: { name: string; problem: string },
  extra: (part: P, first: P) => (string | false)[] = () => [],
): P[] {
  if (parts.length === 0) throw new InputError('parts', 'no parts given');
  const [first] = parts;
  const count = first.part.shard.count;
  for (const { label, part } of parts) {
    const foreign = [
      part.format !== format.name && format.problem,
      part.id !== first.part.id && `experiment ${part.id}, not ${first.part.id}`,
      part.version !== first.part.version && `version ${part.version}, not ${first.part.version}`,
      ...extra(part, first.part),
      part.specHashes.join() !== first.part.specHashes.join() &&
        `specs ${part.specHashes.join(',')}, not ${first.part.specHashes.join(',')} (another scale, seed or spec)`,
      part.shard.count !== count && `one of ${part.shard.count} shards, not ${count}`,
    ].filter(Boolean);
    if (foreign.length) throw new InputError(label, `foreign part (${first.label} sets the experiment): ${foreign.join('; ')}`);
  }
  const seen = new Map<number, string>();
  for (const { label, part } of parts) {
    const other = seen.get(part.shard.index);
    if (other !== undefined) throw new InputError(label, `duplicate: shard ${part.shard.index}/${count} is also in ${other}`);
    seen.set(part.shard.index, label);
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length) throw new InputError('parts', `incomplete: missing shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${count}`);
  return [...parts].sort((a, b) => a.part.shard.index - b.part.shard.index).map((p) => p.part);
}

/**
 * Checks that parts belong to one experiment and cover it exactly once, and merges them.
 * Errors are InputErrors naming the part (by its label) and what is missing or foreign.
 */
export function mergeParts(parts: { label: string; part: ExperimentPart }[]): ExperimentPart {
  const ordered = orderedShardSet(parts, { name: 'moe-cusp-part', problem: 'not a moe-cusp part' });
  const [first] = parts;
  const specs = first.part.specs;
  const scans: ScanPart[] = specs.map((spec, i) => {
    const pieces = ordered.map((p) => p.scans[i]);
    const n = prepareScan(spec).cells;
    let at = 0;
    for (const piece of pieces) {
      if (piece.cells[0] !== at)
        throw new InputError('parts', `scan ${i} is not covered exactly once (cells from ${at} expected, got [${piece.cells}))`);
      at = piece.cells[1];
    }
    if (at !== n) throw new InputError('parts', `scan ${i} is not covered: cells ${at}..${n} missing`);
    return {
      cells: [0, n],
      results: joinResults(pieces),
      provenance: mergeProvenance(pieces.filter((p) => p.cells[1] > p.cells[0]).map((p) => p.provenance)),
    };
  });
  return { ...first.part, shard: { index: 0, count: 1 }, scans };
}

/** The experiment's result from a complete part (one run, or merged shards). */
export function completeExperiment(part: ExperimentPart): ExperimentResult {
  if (part.shard.count !== 1) throw new Error(`part ${part.shard.index}/${part.shard.count}: merge the shards first`);
  const outcomes: ScanOutcome[] = part.specs.map((spec, i) => {
    const { results, provenance } = part.scans[i];
    const outcome = outcomeOf(spec, results);
    return { spec, grid: prepareScan(spec).grid, outcome, provenance };
  });
  const custom = part.scale === 'custom';
  const analysis = custom ? analyzeSpec(outcomes[0]) : analyzePreset(part.id as PresetId, outcomes);
  return {
    id: part.id,
    title: part.title,
    ...(custom && { description: scanDescription(part.specs[0]) }),
    scale: part.scale,
    specs: part.specs,
    provenance: outcomes.map((o) => o.provenance),
    ...analysis,
  };
}

/**
 * A custom scan's description: what the spec says it is (its own description, unless that is
 * the text of a preset it was copied from), then what it runs, built from the spec.
 */
export function scanDescription(spec: ScanSpec): string {
  const own = spec.description?.trim();
  const inherited =
    !own ||
    PRESET_IDS.some((id) => PRESETS[id].description === own || SCALES.some((scale) => presetSpecs(id, scale, 0).some((s) => s.description === own)));
  return inherited ? customDescription(spec) : `${own} (${customDescription(spec)})`;
}

/** A named experiment of the paper at a scale; scan i uses seed + i. */
export async function runPreset(
  engine: Engine,
  id: PresetId,
  scale: Scale,
  seed: number,
  options: ExperimentOptions = {},
): Promise<ExperimentResult> {
  return completeExperiment(await runExperimentPart(engine, { kind: 'preset', id, scale, seed }, options));
}

/** A user's spec, with the generic analysis of its protocol. */
export async function runCustomSpec(engine: Engine, spec: ScanSpec, options: ExperimentOptions = {}): Promise<ExperimentResult> {
  return completeExperiment(await runExperimentPart(engine, { kind: 'spec', spec }, options));
}
