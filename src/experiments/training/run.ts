// Runs a training scan (spec.ts), or the share of its grid cells [begin, end) a shard owns, on
// a TrainingEngine. Models of consecutive cells are consecutive (cell c, initialisation r is
// global model c I + r), so any cut of the cells gives the numbers of the whole run. Cells are
// trained in groups that fit one session's memory. At each evaluation point every model is
// evaluated on the test set and its observables kept per model, so that the analysis can give
// means, s.d. and intervals over initialisations, and shards join by concatenation.
// No Node-only imports.

import { InputError } from '../../core/model.js';
import { progressReport, type ProgressListener, type Provenance } from '../../core/scan.js';
import type { TrainingEngine, TrainingEvaluation } from '../../core/training/engine.js';
import { regressionData } from '../../core/training/streams.js';
import type { ClassData, RegressionData } from '../../core/training/types.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../../core/version.generated.js';
import type { StopToken } from '../scan-run.js';
import {
  engineTrainingCell,
  sweepPath,
  totalSteps,
  trainingArch,
  trainingCellCost,
  trainingGrid,
  type TrainingGrid,
  type TrainingParam,
  type TrainingScanSpec,
} from './spec.js';

/** The observables a kind reports (those of Observables that apply to it). */
export type TrainingField = 'mse' | 'accuracy' | 'loss' | 'load' | 'importance' | 'boundary';

export function fieldsOf(spec: Pick<TrainingScanSpec, 'kind' | 'arch'>): TrainingField[] {
  if (spec.kind !== 'digits') return ['mse', 'load', 'importance', 'boundary'];
  return spec.arch.experts === 2 ? ['accuracy', 'loss', 'load', 'importance'] : ['accuracy', 'loss'];
}

/** Where a scan evaluates: after `step` steps; in a sweep, at a value of the swept setting on a leg. */
export interface TrainingPoint {
  step: number;
  param?: TrainingParam;
  value?: number;
  leg?: 'up' | 'down';
  /** index of the point's leg along the sweep path (sweepPath) */
  segment?: number;
}

/** One grid cell's results: per point, per field, one value per initialisation (null: not finite). */
export interface TrainingCellResult {
  points: Partial<Record<TrainingField, (number | null)[]>>[];
}

/** A shard's share of a scan: cells [begin, end) with their results, and the provenance of the run. */
export interface TrainingScanPiece {
  cells: [number, number];
  results: TrainingCellResult[];
  provenance: Provenance;
}

export interface TrainingScanOutcome {
  spec: TrainingScanSpec;
  grid: TrainingGrid;
  points: TrainingPoint[];
  cells: TrainingCellResult[];
  provenance: Provenance;
}

/** What the data sets are made from: regression sets come from the spec's seed; digits are passed in (Node: loadDigits, page: fetched). */
export interface TrainingDataSource {
  /** the digits training and test sets of the fixed split */
  digits?: { train: ClassData; test: ClassData };
}

/**
 * Where an interrupted scan part stands: the cells finished, and inside the group of cells
 * being trained, the step reached, the points recorded and every model's parameters (the
 * whole state of plain SGD), so that a resume gives the numbers of an uninterrupted run.
 */
export interface TrainingScanSnapshot {
  cells: [number, number];
  finished: TrainingCellResult[];
  group: { begin: number; end: number; step: number; points: number; results: TrainingCellResult[]; params: Float64Array } | null;
  /** engines and times of the work done so far */
  segments: Provenance[];
}

export interface TrainingRunOptions {
  cells?: readonly [number, number];
  onProgress?: ProgressListener | undefined;
  /** asks the run to stop within about a second of training: it throws TrainingScanInterrupted with a snapshot */
  stop?: StopToken | undefined;
  /** receives a snapshot at a slice boundary or an evaluation point at most every intervalMs */
  checkpoint?: { intervalMs: number; save(s: TrainingScanSnapshot): Promise<void> | void } | undefined;
  resume?: TrainingScanSnapshot | undefined;
  /** training between two boundaries when a stop or checkpoints may come (ms; default 1000) */
  sliceMs?: number | undefined;
  /** the most parameters (models x size) one session holds; cells are trained in groups below it */
  maxSessionParams?: number;
}

/** A run stopped by its stop token; the snapshot continues it. */
export class TrainingScanInterrupted extends Error {
  constructor(readonly snapshot: TrainingScanSnapshot) {
    super('the training run was stopped before it finished');
    this.name = 'TrainingScanInterrupted';
  }
}

/** The evaluation points of a scan, in order. */
export function trainingPoints(spec: TrainingScanSpec): TrainingPoint[] {
  const p = spec.protocol;
  if (p.kind === 'sweep') {
    return sweepPath(spec).map((pt, k) => ({
      step: spec.steps + (k + 1) * p.stepsPerPoint,
      param: pt.param,
      value: pt.value,
      leg: pt.leg,
      segment: pt.segment,
    }));
  }
  const every = p.every ?? spec.steps;
  const steps: number[] = [];
  for (let s = every; s < spec.steps; s += every) steps.push(s);
  steps.push(spec.steps);
  return steps.map((step) => ({ step }));
}

/** The training and test sets of a scan. */
export function trainingData(
  spec: TrainingScanSpec,
  source: TrainingDataSource,
): { train: RegressionData | ClassData; test: RegressionData | ClassData } {
  if (spec.kind === 'digits') {
    if (!source.digits) throw new InputError('kind', 'digits models need the digits data set, which this runner was not given');
    return source.digits;
  }
  return { train: regressionData(spec.seed, spec.data.train, 0), test: regressionData(spec.seed, spec.data.test, 1) };
}

const DEFAULT_SESSION_PARAMS = 1 << 24;

/** Work between two boundaries (a stop heard, a checkpoint due) when a stop or checkpoints may come (ms). */
const SLICE_MS = 1000;

/** Trains cells [begin, end) of a scan and evaluates them at every point. */
export async function runTrainingScanPart(
  engine: TrainingEngine,
  spec: TrainingScanSpec,
  source: TrainingDataSource,
  options: TrainingRunOptions = {},
): Promise<TrainingScanPiece> {
  const grid = trainingGrid(spec);
  const [begin, end] = options.cells ?? [0, grid.cells.length];
  if (!(Number.isInteger(begin) && Number.isInteger(end) && begin >= 0 && begin <= end && end <= grid.cells.length)) {
    throw new RangeError(`cells [${begin}, ${end}) outside the scan's ${grid.cells.length} cells`);
  }
  const I = spec.initialisations;
  const arch = trainingArch(spec);
  const data = trainingData(spec, source);
  const points = trainingPoints(spec);
  const path = sweepPath(spec);
  const fields = fieldsOf(spec);
  const size = parameterCount(spec);
  const perSession = Math.max(1, Math.floor((options.maxSessionParams ?? DEFAULT_SESSION_PARAMS) / (size * I)));
  const cellCost = trainingCellCost(spec);
  const total = (end - begin) * cellCost;
  const resume = options.resume;
  if (resume && (resume.cells[0] !== begin || resume.cells[1] !== end))
    throw new RangeError(`the snapshot covers cells [${resume.cells}), this run [${begin}, ${end})`);
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const results: TrainingCellResult[] = resume ? structuredClone(resume.finished) : [];
  const spp = spec.protocol.kind === 'sweep' ? spec.protocol.stepsPerPoint : 0;
  const segments = resume ? [...resume.segments] : [];
  let lastSave = performance.now();
  const sliced = options.stop !== undefined || options.checkpoint !== undefined;
  const sliceMs = options.sliceMs ?? SLICE_MS;
  let msPerStep = 0;
  let done = results.length * cellCost;
  let info = engine.info;
  const provenanceHere = (): Provenance => {
    const elapsedMs = performance.now() - t0;
    return {
      package: PACKAGE_NAME,
      version: PACKAGE_VERSION,
      engine: info.engine,
      adapter: info.adapter,
      backend: info.backend,
      sampler: 'sgd',
      seed: spec.seed,
      startedAt,
      elapsedMs,
      routers: (end - begin) * I,
      routerSteps: done - (resume ? resumedSteps(resume, cellCost, spec) : 0),
      routerStepsPerSecond: 0,
    };
  };

  for (let g = begin + results.length; g < end; g = Math.min(end, g + perSession)) {
    const groupEnd = Math.min(end, g + perSession);
    const cells = grid.cells.slice(g, groupEnd);
    const session = await engine.open({
      arch,
      cells: cells.map(engineTrainingCell),
      replicates: I,
      seed: spec.seed,
      firstModel: g * I,
      train: data.train,
      evaluation: [data.test],
    });
    info = session.info ?? engine.info;
    try {
      const here = resume?.group && resume.group.begin === g ? resume.group : null;
      const groupResults: TrainingCellResult[] = here ? structuredClone(here.results) : cells.map(() => ({ points: [] }));
      let step = 0;
      let recorded = 0;
      if (here) {
        await session.restore(here.params);
        step = here.step;
        recorded = here.points;
        done += step * cells.length * I;
      } else await session.initialize();
      const snapshot = async (): Promise<TrainingScanSnapshot> => ({
        cells: [begin, end],
        finished: results,
        group: { begin: g, end: groupEnd, step, points: recorded, results: groupResults, params: await session.readParams() },
        segments: [...segments, provenanceHere()],
      });
      // At an evaluation point: stop (with a snapshot) or checkpoint when asked or due.
      const boundary = async () => {
        if (options.stop?.requested) throw new TrainingScanInterrupted(await snapshot());
        const cp = options.checkpoint;
        if (cp && performance.now() - lastSave >= cp.intervalMs) {
          await cp.save(await snapshot());
          lastSave = performance.now();
        }
      };
      const record = (e: TrainingEvaluation) => {
        groupResults.forEach((r, c) => {
          const point: TrainingCellResult['points'][number] = {};
          for (const f of fields) point[f] = Array.from(e[f].subarray(c * I, (c + 1) * I), finiteOrNull);
          r.points.push(point);
        });
        recorded++;
      };
      // Training up to step `to`: in one call, or, when a stop or checkpoints may come, in slices
      // of about SLICE_MS with a boundary between them (plain SGD: any split of the steps gives
      // the same parameters, and a snapshot at any step continues exactly).
      const advance = async (to: number) => {
        while (step < to) {
          const n = !sliced ? to - step : Math.min(to - step, msPerStep > 0 ? Math.max(1, Math.floor(sliceMs / msPerStep)) : 8);
          const before = done;
          const t = performance.now();
          await session.train(step, step + n, (m) => options.onProgress?.(progressReport(before + m, total, performance.now() - t0)));
          const ms = (performance.now() - t) / n;
          msPerStep = msPerStep > 0 ? 0.5 * (msPerStep + ms) : Math.max(ms, 1e-4);
          done = before + n * cells.length * I;
          step += n;
          if (step < to) await boundary();
        }
      };
      await boundary();
      const sweep = spec.protocol.kind === 'sweep';
      if (sweep && recorded === 0 && step < spec.steps) await advance(spec.steps);
      for (let k = recorded; k < points.length; k++) {
        if (sweep) {
          const pt = path[k];
          await session.setCells(cells.map((c) => engineTrainingCell({ ...c, [pt.param]: pt.value })));
          await advance(spec.steps + (k + 1) * spp);
        } else await advance(points[k].step);
        record(await session.evaluate(0));
        if (k + 1 < points.length) await boundary();
      }
      results.push(...groupResults);
    } finally {
      session.close();
    }
    options.onProgress?.(progressReport(done, total, performance.now() - t0));
  }
  const last = provenanceHere();
  const all = [...segments, last];
  const elapsedMs = all.reduce((sum, p) => sum + p.elapsedMs, 0);
  const models = (end - begin) * I;
  return {
    cells: [begin, end],
    results,
    provenance: {
      ...last,
      startedAt: all[0].startedAt,
      elapsedMs,
      routers: models,
      routerSteps: models * totalSteps(spec),
      routerStepsPerSecond: elapsedMs > 0 ? (models * totalSteps(spec) * 1000) / elapsedMs : 0,
    },
  };
}

/** Model-steps a snapshot had done when it was taken. */
function resumedSteps(s: TrainingScanSnapshot, cellCost: number, spec: TrainingScanSpec): number {
  return s.finished.length * cellCost + (s.group ? s.group.step * (s.group.end - s.group.begin) * spec.initialisations : 0);
}

/** Parameters per model of a scan's architecture. */
export function parameterCount(spec: Pick<TrainingScanSpec, 'kind' | 'arch'>): number {
  if (spec.kind === 'smooth') return 6;
  if (spec.kind === 'hard') return 8;
  const H = spec.arch.hidden;
  return (spec.arch.experts === 2 ? 130 : 0) + spec.arch.experts * (75 * H + 10);
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** Joins pieces covering cells [0, n) in order into the scan's outcome; provenance summed over the pieces. */
export function joinTrainingPieces(spec: TrainingScanSpec, pieces: readonly TrainingScanPiece[]): TrainingScanOutcome {
  const grid = trainingGrid(spec);
  let next = 0;
  for (const p of pieces) {
    if (p.cells[0] !== next) throw new InputError('parts', `cells [${p.cells}) do not follow cell ${next}`);
    if (p.results.length !== p.cells[1] - p.cells[0]) throw new InputError('parts', `cells [${p.cells}) hold ${p.results.length} results`);
    next = p.cells[1];
  }
  if (next !== grid.cells.length) throw new InputError('parts', `cover cells [0, ${next}) of ${grid.cells.length}`);
  const [first] = pieces;
  const elapsedMs = pieces.reduce((s, p) => s + p.provenance.elapsedMs, 0);
  const routers = pieces.reduce((s, p) => s + p.provenance.routers, 0);
  const routerSteps = pieces.reduce((s, p) => s + p.provenance.routerSteps, 0);
  return {
    spec,
    grid,
    points: trainingPoints(spec),
    cells: pieces.flatMap((p) => p.results),
    provenance: {
      ...first.provenance,
      elapsedMs,
      routers,
      routerSteps,
      routerStepsPerSecond: elapsedMs > 0 ? (routerSteps * 1000) / elapsedMs : 0,
    },
  };
}

/** Runs a whole scan. */
export async function runTrainingScan(
  engine: TrainingEngine,
  spec: TrainingScanSpec,
  source: TrainingDataSource,
  options: TrainingRunOptions = {},
): Promise<TrainingScanOutcome> {
  return joinTrainingPieces(spec, [await runTrainingScanPart(engine, spec, source, options)]);
}
