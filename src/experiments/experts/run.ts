// Runs an N-expert scan (spec.ts), or grid cells [begin, end) of it, on an ExpertEngine and
// reduces the routers' exact tallies to per-cell statistics (stats.ts). Router layout: plan
// cell p = c * F + f (grid cell c, family f of F), replicate r is global router p * R + r;
// cells that share N run as one plan (a group, split when they do not fit), each with
// firstRouter = its first plan cell * R, so any split (groups, shards, slices, checkpoints)
// gives bit-identical numbers, and the pieces of a scan join by concatenation in cell order.
//
// A group runs in phases (relax: one; sweep: the burn-in, then each point of each leg), each
// advanced in slices of about a second of work. At a slice boundary a requested stop, or a
// checkpoint that is due, takes a snapshot: the position (group, phase, step), the finished
// cells' results, the sweep's accumulators and the routers' state (ExpertReadout). A run
// resumed from it restores the state and continues exactly. No Node-only imports.

import { progressReport, type ProgressReport, type Provenance } from '../../core/scan.js';
import type { ExpertEngine, ExpertReadout } from '../../core/experts.js';
import { InputError } from '../../core/model.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../../core/version.generated.js';
import { mergeProvenance } from '../run.js';
import type { ProvenanceSegment, StopToken } from '../scan-run.js';
import { gridValues } from '../spec-grid.js';
import { engineCell, expertGrid, expertSpecHash, familiesOf, type ExpertGrid, type ExpertScanSpec } from './spec.js';
import {
  addSweepPoint,
  cellStats,
  expertSweepLegs,
  finishSweepLeg,
  newSweepAcc,
  SWEEP_FIELD,
  type ExpertCellStats,
  type ExpertSweepLeg,
  type SweepAcc,
} from './stats.js';

export { collapseLevel, type ExpertCellStats, type ExpertSweepLeg, type SweepAcc } from './stats.js';

export interface ExpertScanOutcome {
  spec: ExpertScanSpec;
  grid: ExpertGrid;
  families: ('balanced' | 'winner')[];
  /** relax: [family][grid cell] */
  relax?: ExpertCellStats[][];
  /** sweep: [plan cell][leg] (plan cell c F + f) */
  sweep?: ExpertSweepLeg[][];
  provenance: Provenance;
}

/** Provenance of a scan or a piece; after a resume, `segments` lists each process's share. */
export type ExpertProvenance = Provenance & { segments?: ProvenanceSegment[] };

/** Grid cells [begin, end) of a scan and their results, laid out as in the outcome. */
export interface ExpertScanPiece {
  cells: [number, number];
  /** relax: [family][cell - begin] */
  relax?: ExpertCellStats[][];
  /** sweep: [plan cell - begin F][leg] */
  sweep?: ExpertSweepLeg[][];
  provenance: ExpertProvenance;
}

/** The group in flight: its grid cells, the phase and step reached, the sweep's accumulators and the routers' state. */
export interface ExpertGroupState {
  cells: [number, number];
  phase: number;
  step: number;
  sweep: SweepAcc | null;
  readout: ExpertReadout;
}

/** Where a scan piece continues from (plain data apart from the readout's Float64Arrays). */
export interface ExpertScanSnapshot {
  specHash: string;
  version: string;
  cells: [number, number];
  /** grid cells [cells[0], next) are finished: their results below */
  next: number;
  relax?: ExpertCellStats[][];
  sweep?: ExpertSweepLeg[][];
  /** the group starting at `next`, when one is in flight */
  group: ExpertGroupState | null;
  routerSteps: number;
  /** compute time of this piece so far, over every process that worked on it (ms) */
  elapsedMs: number;
  segments: ProvenanceSegment[];
}

export interface ExpertRunOptions {
  onProgress?: ((p: ProgressReport) => void) | undefined;
  /** checked between slices of about a second of work: a requested stop throws ExpertScanInterrupted */
  stop?: StopToken | undefined;
  /** run only grid cells [begin, end) (a shard's share); default all */
  cells?: [number, number] | undefined;
  /** continue from this snapshot (of the same spec, version and cells) */
  resume?: ExpertScanSnapshot | undefined;
  /** receives a snapshot at a slice boundary at most every intervalMs */
  checkpoint?: { intervalMs: number; save(s: ExpertScanSnapshot): Promise<void> | void } | undefined;
  /** router-steps per slice, fixed (tests); default: about a second of work when a stop or checkpoints may come */
  sliceRouterSteps?: number | undefined;
}

/** A run stopped by its stop token (the page: start afresh; the CLI: see ExpertScanInterrupted). */
export class ExpertRunStopped extends Error {
  constructor() {
    super('the N-expert run was stopped');
    this.name = 'ExpertRunStopped';
  }
}

/** A scan stopped by its stop token; `snapshot` continues it exactly. */
export class ExpertScanInterrupted extends ExpertRunStopped {
  constructor(readonly snapshot: ExpertScanSnapshot) {
    super();
    this.name = 'ExpertScanInterrupted';
  }
}

/** Router-steps per advance slice without a stop token or checkpoints (progress reports and a breathing event loop). */
const SLICE_ROUTER_STEPS = 2e7;

/** Work per slice when a stop or a checkpoint may come at its end. */
const SLICE_MS = 1000;

/** Router-steps of one grid cell (all families and replicates, the whole protocol). */
export function expertCellCost(spec: ExpertScanSpec): number {
  const steps = spec.protocol.kind === 'sweep' ? spec.steps + 2 * gridValues(spec.protocol.values).length * spec.protocol.stepsPerPoint : spec.steps;
  return familiesOf(spec).length * spec.replicates * steps;
}

/** Router-steps of a whole scan. */
export function expertScanCost(spec: ExpertScanSpec): number {
  return expertGrid(spec).cells.length * expertCellCost(spec);
}

/** One phase of a group: steps [stepBegin, stepEnd) tallied from windowBegin, at a sweep value (or the plan's cells). */
interface Phase {
  stepBegin: number;
  stepEnd: number;
  windowBegin: number;
  /** sweep: the value of the swept parameter */
  value?: number;
  /** sweep points: the leg, the point's index on it, and whether it is the leg's last */
  leg?: number;
  point?: number;
  lastOfLeg?: boolean;
}

function phasesOf(spec: ExpertScanSpec): Phase[] {
  const p = spec.protocol;
  if (p.kind === 'relax') return [{ stepBegin: 0, stepEnd: spec.steps, windowBegin: spec.steps - spec.window }];
  const legs = expertSweepLegs(p);
  const phases: Phase[] = [{ stepBegin: 0, stepEnd: spec.steps, windowBegin: spec.steps, value: legs[0].values[0] }];
  let step = spec.steps;
  legs.forEach((leg, l) =>
    leg.values.forEach((value, k) => {
      phases.push({
        stepBegin: step,
        stepEnd: step + p.stepsPerPoint,
        windowBegin: step + p.stepsPerPoint - spec.window,
        value,
        leg: l,
        point: k,
        lastOfLeg: k === leg.values.length - 1,
      });
      step += p.stepsPerPoint;
    }),
  );
  return phases;
}

/**
 * Refuses a snapshot of another spec, version or cell range, or one whose position does not
 * fit the scan: an InputError on `field` (--resume, or the checkpoint file).
 */
export function checkExpertSnapshot(s: ExpertScanSnapshot, spec: ExpertScanSpec, cells: readonly [number, number], field = '--resume'): void {
  const hash = expertSpecHash(spec);
  const phases = phasesOf(spec);
  const problems = [
    s.specHash !== hash && `it continues spec ${s.specHash}, this run is ${hash}`,
    s.version !== PACKAGE_VERSION && `it was written by moe-cusp ${s.version}, this is ${PACKAGE_VERSION}`,
    (s.cells[0] !== cells[0] || s.cells[1] !== cells[1]) && `it covers grid cells [${s.cells}), this run [${cells})`,
  ].filter(Boolean);
  if (problems.length) throw new InputError(field, `the checkpoint cannot be resumed here: ${problems.join('; ')}`);
  const bad = (problem: string): never => {
    throw new InputError(field, `the checkpoint's position is inconsistent: ${problem}`);
  };
  if (!(s.next >= cells[0] && s.next <= cells[1])) bad(`next (${s.next}) is outside [${cells})`);
  const F = familiesOf(spec).length;
  const finished = s.next - cells[0];
  if (spec.protocol.kind === 'relax' && !(s.relax?.length === F && s.relax.every((row) => row.length === finished) && !s.sweep))
    bad(`a relax scan's snapshot holds relax: ${F} families of ${finished} finished cells`);
  if (spec.protocol.kind === 'sweep' && !(s.sweep?.length === finished * F && !s.relax))
    bad(`a sweep's snapshot holds sweep: ${finished * F} finished plan cells`);
  const g = s.group;
  if (!g) return;
  const grid = expertGrid(spec).cells;
  const [gb, ge] = g.cells;
  if (gb !== s.next || !(ge > gb && ge <= cells[1])) bad(`group.cells [${g.cells}) must start at next (${s.next}) and end within [${cells})`);
  const N = grid[gb].N;
  if (grid.slice(gb, ge).some((c) => c.N !== N)) bad(`group.cells [${g.cells}) mixes numbers of experts`);
  const phase = phases[g.phase];
  if (!phase) bad(`group.phase ${g.phase}: the protocol has ${phases.length} phases`);
  if (!(g.step >= phase.stepBegin && g.step < phase.stepEnd))
    bad(`group.step ${g.step} is outside phase ${g.phase} (steps ${phase.stepBegin}..${phase.stepEnd})`);
  if ((g.sweep === null) !== (spec.protocol.kind === 'relax'))
    bad(`group.sweep must be ${spec.protocol.kind === 'relax' ? 'null for a relax scan' : 'set for a sweep'}`);
  const routers = (ge - gb) * F * spec.replicates;
  for (const [k, n] of [
    ['r', N],
    ['beta', N],
    ['counts', N],
    ['maxCount', 1],
    ['sqCount', 1],
    ['dead', 1],
    ['dropped', 1],
  ] as const) {
    if (g.readout[k].length !== routers * n)
      bad(`group.readout.${k} has ${g.readout[k].length} values, the group's ${routers} routers need ${routers * n}`);
  }
  if (g.sweep) {
    const planCells = (ge - gb) * F;
    if (g.sweep.legs.length !== planCells || g.sweep.current.length !== planCells) bad(`group.sweep must hold ${planCells} plan cells`);
    if (g.sweep.previous !== null && g.sweep.previous.length !== routers) bad(`group.sweep.previous must hold ${routers} routers`);
    const p = phases[g.phase];
    const legsDone = p.leg ?? 0;
    const points = p.point ?? 0;
    g.sweep.legs.forEach((l, c) => {
      if (l.length !== legsDone) bad(`group.sweep.legs[${c}] has ${l.length} legs, ${legsDone} are finished at phase ${g.phase}`);
    });
    g.sweep.current.forEach((l, c) => {
      const lengths = [l.maxLoad.length, l.maxLoadSd.length, l.effectiveExperts.length];
      if (lengths.some((n) => n !== points) || l.collapse.length !== spec.replicates || l.recovery.length !== spec.replicates)
        bad(`group.sweep.current[${c}] must hold ${points} points and ${spec.replicates} replicates`);
    });
  }
}

/** Runs grid cells [begin, end) of a scan (all by default), or continues them from a snapshot. */
export async function runExpertScanPart(engine: ExpertEngine, spec: ExpertScanSpec, options: ExpertRunOptions = {}): Promise<ExpertScanPiece> {
  const grid = expertGrid(spec);
  const families = familiesOf(spec);
  const F = families.length;
  const R = spec.replicates;
  const range = options.cells ?? [0, grid.cells.length];
  const [begin, end] = range;
  if (!(Number.isInteger(begin) && Number.isInteger(end) && begin >= 0 && begin <= end && end <= grid.cells.length))
    throw new RangeError(`cells [${begin}, ${end}) is not a range of the ${grid.cells.length} grid cells`);
  const hash = expertSpecHash(spec);
  const phases = phasesOf(spec);
  const resume = options.resume;
  if (resume) checkExpertSnapshot(resume, spec, range);
  const legs = spec.protocol.kind === 'sweep' ? expertSweepLegs(spec.protocol) : [];
  const key = spec.protocol.kind === 'sweep' ? SWEEP_FIELD[spec.protocol.param] : undefined;
  const total = expertCellCost(spec) * (end - begin);
  const relax: ExpertCellStats[][] | undefined =
    spec.protocol.kind === 'relax' ? (resume?.relax ? structuredClone(resume.relax) : families.map(() => [])) : undefined;
  const sweep: ExpertSweepLeg[][] | undefined = spec.protocol.kind === 'sweep' ? (resume?.sweep ? structuredClone(resume.sweep) : []) : undefined;
  let next = resume ? resume.next : begin;
  let done = resume ? resume.routerSteps : 0;
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const doneAtStart = done;
  const priorElapsedMs = resume?.elapsedMs ?? 0;
  const priorSegments = resume?.segments ?? [];
  const timing = () => {
    const now = performance.now();
    const { info } = engine;
    const segment = {
      engine: info.engine,
      adapter: info.adapter,
      backend: info.backend,
      startedAt,
      elapsedMs: now - t0,
      routerSteps: done - doneAtStart,
    };
    return { elapsedMs: priorElapsedMs + now - t0, segments: [...priorSegments, segment] };
  };
  const report = (inCall: number) => options.onProgress?.(progressReport(done + inCall, total, priorElapsedMs + performance.now() - t0));
  let lastCheckpointAt = performance.now();
  const due = () => options.checkpoint !== undefined && performance.now() - lastCheckpointAt >= options.checkpoint.intervalMs;
  const snapshotOf = (group: ExpertGroupState | null): ExpertScanSnapshot => ({
    specHash: hash,
    version: PACKAGE_VERSION,
    cells: [begin, end],
    next,
    ...(relax && { relax: structuredClone(relax) }),
    ...(sweep && { sweep: structuredClone(sweep) }),
    group,
    routerSteps: done,
    ...timing(),
  });
  /** A stop throws with the snapshot; a due checkpoint saves it. */
  const atBoundary = async (group: () => Promise<ExpertGroupState | null>) => {
    if (options.stop?.requested) throw new ExpertScanInterrupted(snapshotOf(await group()));
    if (due()) {
      await options.checkpoint!.save(snapshotOf(await group()));
      lastCheckpointAt = performance.now();
    }
  };
  let from = resume?.group ?? null;
  let msPerRouterStep = 0;
  while (next < end) {
    if (!from) await atBoundary(async () => null);
    // A group: consecutive grid cells with one N, cut to what the engine holds (a resumed group as it was).
    const N = grid.cells[next].N;
    let groupEnd = next + 1;
    if (from) groupEnd = from.cells[1];
    else {
      const fit = Math.max(1, Math.floor(engine.maxRoutersAt(N) / (F * R)));
      while (groupEnd < end && grid.cells[groupEnd].N === N && groupEnd - next < fit) groupEnd++;
    }
    const gb = next;
    const cells = grid.cells.slice(gb, groupEnd).flatMap((c) => families.map((f) => engineCell(spec, c, f)));
    const at = (v: number) => cells.map((c) => ({ ...c, [key!]: v }));
    const session = await engine.open({ N, cells, replicates: R, steps: spec.steps, window: spec.window, seed: spec.seed, firstRouter: gb * F * R });
    try {
      const acc = from?.sweep ? structuredClone(from.sweep) : sweep ? newSweepAcc(cells.length, R) : null;
      if (from) {
        const v = phases[from.phase].value;
        if (v !== undefined) await session.setCells(at(v));
        await session.restore(from.readout);
      } else {
        await session.initialize();
      }
      // Slices of fixed size, or of about SLICE_MS measured (one step until the cost is known).
      const fixed = options.sliceRouterSteps ?? (options.stop || options.checkpoint ? undefined : SLICE_ROUTER_STEPS);
      const sliceOf = (left: number) => {
        const steps = fixed !== undefined ? fixed / session.routers : msPerRouterStep > 0 ? SLICE_MS / (msPerRouterStep * session.routers) : 1;
        return Math.max(1, Math.min(left, Math.floor(steps)));
      };
      for (let p = from ? from.phase : 0; p < phases.length; p++) {
        const phase = phases[p];
        let step = phase.stepBegin;
        if (from) {
          step = from.step;
          from = null;
        } else if (phase.value !== undefined) {
          await session.setCells(at(phase.value));
          if (phase.leg !== undefined) await session.resetTallies();
        }
        while (step < phase.stepEnd) {
          const s = step;
          await atBoundary(async () => ({ cells: [gb, groupEnd], phase: p, step: s, sweep: structuredClone(acc), readout: await session.read() }));
          const e = step + sliceOf(phase.stepEnd - step);
          const t = performance.now();
          await session.advance({ stepBegin: step, stepEnd: e, windowBegin: phase.windowBegin }, report);
          msPerRouterStep = (performance.now() - t) / ((e - step) * session.routers);
          done += session.routers * (e - step);
          step = e;
        }
        if (relax) {
          const readout = await session.read();
          cells.forEach((_, i) => relax[i % F].push(cellStats(readout, cells, i, R, N, spec.window)));
        } else if (phase.leg !== undefined) {
          addSweepPoint(acc!, await session.read(), cells, R, N, spec.window, phase.value!);
          if (phase.lastOfLeg) finishSweepLeg(acc!, legs[phase.leg], R);
        }
      }
      if (sweep) sweep.push(...acc!.legs);
    } finally {
      session.close();
    }
    next = groupEnd;
  }
  const { elapsedMs, segments } = timing();
  const joined = (f: (s: ProvenanceSegment) => string) => [...new Set(segments.map(f))].join(' + ');
  const provenance: ExpertProvenance = {
    package: PACKAGE_NAME,
    version: PACKAGE_VERSION,
    engine: joined((s) => s.engine) as Provenance['engine'],
    adapter: joined((s) => s.adapter),
    backend: joined((s) => s.backend),
    sampler: 'btrs-inversion',
    seed: spec.seed,
    startedAt: segments[0].startedAt,
    elapsedMs,
    routers: (end - begin) * F * R,
    routerSteps: done,
    routerStepsPerSecond: elapsedMs > 0 ? (done * 1000) / elapsedMs : 0,
    ...(segments.length > 1 && { segments }),
  };
  return { cells: [begin, end], ...(relax && { relax }), ...(sweep && { sweep }), provenance };
}

/**
 * The outcome of a scan from pieces covering its grid cells exactly once, in order (one piece:
 * the whole run). Per-cell statistics are per cell, so the join is exact.
 */
export function joinExpertPieces(spec: ExpertScanSpec, pieces: readonly ExpertScanPiece[]): ExpertScanOutcome {
  const grid = expertGrid(spec);
  const families = familiesOf(spec);
  let at = 0;
  for (const piece of pieces) {
    if (piece.cells[0] !== at)
      throw new InputError('parts', `the scan is not covered exactly once (cells from ${at} expected, got [${piece.cells}))`);
    at = piece.cells[1];
  }
  if (at !== grid.cells.length) throw new InputError('parts', `the scan is not covered: cells ${at}..${grid.cells.length} missing`);
  const ran = pieces.filter((p) => p.cells[1] > p.cells[0]);
  const relax = spec.protocol.kind === 'relax' ? families.map((_, f) => pieces.flatMap((p) => p.relax![f])) : undefined;
  const sweep = spec.protocol.kind === 'sweep' ? pieces.flatMap((p) => p.sweep!) : undefined;
  return { spec, grid, families, ...(relax && { relax }), ...(sweep && { sweep }), provenance: mergeProvenance(ran.map((p) => p.provenance)) };
}

/** Runs a whole scan (or continues it from options.resume). */
export async function runExpertScan(engine: ExpertEngine, spec: ExpertScanSpec, options: ExpertRunOptions = {}): Promise<ExpertScanOutcome> {
  return joinExpertPieces(spec, [await runExpertScanPart(engine, spec, { ...options, cells: undefined })]);
}
