// The spec of a training scan (MODEL.md section 6): many small MoE models (smooth, hard or
// digits) trained in parallel, one per grid cell and initialisation. Settings (h, T, lambdaLb,
// routerL2, lr) are fixed or axes like any other parameter; the protocol trains from random
// initialisation for `steps` SGD steps ("train"), or then sweeps one setting through a grid and
// back with training continuing ("sweep", the paper's Figs. 1, 2, 4). Parsed with the zod
// building blocks of the router specs (spec-schema.ts): every problem is an InputError naming
// the field and the allowed range. No Node-only imports.

import { z } from 'zod';
import { InputError } from '../../core/model.js';
import { TRAINING_KINDS, type TrainingArch, type TrainingCell, type TrainingKind } from '../../core/training/engine.js';
import {
  checkDepth,
  descriptionSchema,
  list,
  num,
  oneOf,
  outOfRange,
  parseSpecJson,
  safeName,
  strict,
  toInputError,
  valueGrid,
  type Range,
} from '../spec-schema.js';
import { gridValues } from '../spec-grid.js';
import { canonicalJson, fnv1a64 } from '../spec.js';
import type { ValueGrid } from '../types.js';

/** Settings a training spec may fix, scan on an axis, or sweep. */
export const TRAINING_PARAMS = ['h', 'T', 'lambdaLb', 'routerL2', 'lr'] as const;
export type TrainingParam = (typeof TRAINING_PARAMS)[number];

export const TRAINING_RANGES: Readonly<Record<TrainingParam, Range>> = {
  h: { min: -100, max: 100 },
  T: { min: 1e-3, max: 1e3 },
  lambdaLb: { min: 0, max: 1e4 },
  routerL2: { min: 0, max: 1e4 },
  lr: { min: 0, max: 100, minOpen: true },
};

/** Learning rates by kind when the spec gives none (tuned on the f64 twin; see the presets). */
export const DEFAULT_LR: Readonly<Record<TrainingKind, number>> = { smooth: 0.3, hard: 0.1, digits: 0.2 };

/** The most models one scan trains, and the most sample-gradients (models x steps x batch) it may cost. */
export const MAX_MODELS = 1 << 20;
export const MAX_SAMPLE_GRADIENTS = 1e14;
/** The most SGD steps of one model (u32 step indices of the streams, with margin). */
export const MAX_TRAINING_STEPS = 1e9;
/** Regression data: the most rows of the training or test set. */
export const MAX_REGRESSION_ROWS = 1 << 20;

export interface TrainingScanSpec {
  model: 'training';
  name?: string;
  description?: string;
  seed: number;
  kind: TrainingKind;
  params: Record<TrainingParam, number>;
  arch: Omit<TrainingArch, 'kind'>;
  axes: { param: TrainingParam; values: ValueGrid }[];
  initialisations: number;
  /** SGD steps from random initialisation (for a sweep: at its first value, before the sweep) */
  steps: number;
  /** regression: rows of the training set (data set 0) and of the test set (set 1); digits: the fixed split */
  data: { train: number; test: number };
  protocol:
    | { kind: 'train'; every?: number }
    | {
        kind: 'sweep';
        param: TrainingParam;
        values: ValueGrid;
        /** up-down: the grid increasing then decreasing; down-up the reverse; listed: the values in their order (a list) */
        direction: 'up-down' | 'down-up' | 'listed';
        stepsPerPoint: number;
      };
}

const STEP_RANGE: Range = { min: 1, max: MAX_TRAINING_STEPS, integer: true };
const ROWS: Range = { min: 1, max: MAX_REGRESSION_ROWS, integer: true };
const param = oneOf(TRAINING_PARAMS);

const schema = strict({
  model: z.literal('training', { error: 'must be "training" for a training spec' }),
  name: safeName.optional(),
  description: descriptionSchema.optional(),
  seed: num({ min: 0, max: Number.MAX_SAFE_INTEGER, integer: true }).default(1),
  kind: oneOf(TRAINING_KINDS),
  params: strict({
    h: num(TRAINING_RANGES.h).default(0),
    T: num(TRAINING_RANGES.T).default(1),
    lambdaLb: num(TRAINING_RANGES.lambdaLb).default(0),
    routerL2: num(TRAINING_RANGES.routerL2).default(1e-4),
    lr: num(TRAINING_RANGES.lr).optional(),
  }).default({ h: 0, T: 1, lambdaLb: 0, routerL2: 1e-4 }),
  arch: strict({
    hidden: num({ min: 1, max: 64, integer: true }).default(4),
    experts: num({ min: 1, max: 2, integer: true }).default(2),
    routerBias: z.boolean({ error: 'must be true or false' }).default(false),
    initScale: num({ min: 0, max: 100 }).default(0.5),
    batch: num({ min: 1, max: 1024, integer: true }).default(32),
  }).default({ hidden: 4, experts: 2, routerBias: false, initScale: 0.5, batch: 32 }),
  axes: list(strict({ param, values: valueGrid }), 0, 2, 'axes (x, then y)').default([]),
  initialisations: num({ min: 1, max: MAX_MODELS, integer: true }),
  steps: num(STEP_RANGE),
  data: strict({ train: num(ROWS).default(1024), test: num(ROWS).default(2048) }).default({ train: 1024, test: 2048 }),
  protocol: z
    .discriminatedUnion('kind', [
      strict({ kind: z.literal('train'), every: num(STEP_RANGE).optional() }),
      strict({
        kind: z.literal('sweep'),
        param,
        values: valueGrid,
        direction: oneOf(['up-down', 'down-up', 'listed']).default('up-down'),
        stepsPerPoint: num(STEP_RANGE),
      }),
    ])
    .default({ kind: 'train' }),
});

/** Most values of one training grid or sweep. */
const MAX_TRAINING_GRID = 10_000;

function checkValues(field: string, p: TrainingParam, values: number[]): void {
  if (values.length > MAX_TRAINING_GRID) throw new InputError(field, `at most ${MAX_TRAINING_GRID} values`);
  values.forEach((v, k) => {
    if (outOfRange(TRAINING_RANGES[p], v)) throw new InputError(field, `value ${k} (${v}) is outside the range of ${p}`);
  });
}

/** Parses and checks a training spec (JSON value); throws an InputError naming the field. */
export function parseTrainingSpec(json: unknown): TrainingScanSpec {
  checkDepth(json);
  const r = schema.safeParse(json);
  if (!r.success) throw toInputError(r.error);
  const s = r.data;
  const axes = s.axes as TrainingScanSpec['axes'];
  const protocol = s.protocol as TrainingScanSpec['protocol'];
  if (axes.length === 2 && axes[0].param === axes[1].param) throw new InputError('axes[1].param', `repeats axes[0].param (${axes[0].param})`);
  axes.forEach((axis, i) => checkValues(`axes[${i}].values`, axis.param, gridValues(axis.values)));
  if (protocol.kind === 'sweep') {
    if (axes.some((a) => a.param === protocol.param)) throw new InputError('protocol.param', `${protocol.param} is also an axis`);
    checkValues('protocol.values', protocol.param, gridValues(protocol.values));
    if (protocol.direction === 'listed') {
      const v = gridValues(protocol.values);
      if (!('list' in protocol.values) || v.length < 2)
        throw new InputError('protocol.values', 'a listed sweep needs a list of at least 2 values, in the order visited');
      const repeat = v.findIndex((x, i) => i > 0 && x === v[i - 1]);
      if (repeat > 0) throw new InputError('protocol.values', `value ${repeat} (${v[repeat]}) repeats the one before it`);
    }
  }
  const kind = s.kind;
  if (kind !== 'digits' && s.arch.experts !== 2) throw new InputError('arch.experts', `must be 2 for a ${kind} model (1 is for digits only)`);
  if (kind === 'smooth' && (s.params.lambdaLb > 0 || axes.some((a) => a.param === 'lambdaLb')))
    throw new InputError('params.lambdaLb', 'the smooth model has no balancing penalty (use routerL2)');
  if (protocol.kind === 'train' && protocol.every !== undefined && protocol.every > s.steps)
    throw new InputError('protocol.every', `must be at most steps (${s.steps}), got ${protocol.every}`);
  const spec: TrainingScanSpec = {
    model: 'training',
    ...(s.name !== undefined && { name: s.name }),
    ...(s.description !== undefined && { description: s.description }),
    seed: s.seed,
    kind,
    params: { h: s.params.h, T: s.params.T, lambdaLb: s.params.lambdaLb, routerL2: s.params.routerL2, lr: s.params.lr ?? DEFAULT_LR[kind] },
    arch: { ...s.arch, experts: s.arch.experts as 1 | 2 },
    axes,
    initialisations: s.initialisations,
    steps: s.steps,
    data: s.data,
    protocol,
  };
  const models = trainingGrid(spec).cells.length * spec.initialisations;
  if (models > MAX_MODELS) throw new InputError('initialisations', `the scan trains ${models} models; at most ${MAX_MODELS}`);
  const total = totalSteps(spec);
  if (total > MAX_TRAINING_STEPS) throw new InputError('protocol.stepsPerPoint', `a model would take ${total} steps; at most ${MAX_TRAINING_STEPS}`);
  const cost = models * total * spec.arch.batch;
  if (cost > MAX_SAMPLE_GRADIENTS)
    throw new InputError(
      'initialisations',
      `the scan costs ${cost.toExponential(2)} sample-gradients; at most ${MAX_SAMPLE_GRADIENTS.toExponential(0)}`,
    );
  return spec;
}

export function parseTrainingSpecText(text: string): TrainingScanSpec {
  return parseTrainingSpec(parseSpecJson(text));
}

/** 16 hex digits identifying what a training spec computes (name and description left out). */
export function trainingSpecHash(spec: TrainingScanSpec): string {
  const { name: _n, description: _d, ...rest } = spec;
  return fnv1a64(canonicalJson(rest)).toString(16).padStart(16, '0');
}

export interface TrainingGrid {
  axes: { param: TrainingParam; values: number[] }[];
  /** cells in order i0 + n0 i1; a swept setting holds its first visited value */
  cells: Record<TrainingParam, number>[];
}

export function trainingGrid(spec: TrainingScanSpec): TrainingGrid {
  const axes = spec.axes.map((a) => ({ param: a.param, values: gridValues(a.values) }));
  const [x, y] = axes;
  const first = spec.protocol.kind === 'sweep' ? sweepPath(spec)[0] : undefined;
  const cells: Record<TrainingParam, number>[] = [];
  for (const vy of y ? y.values : [undefined]) {
    for (const vx of x ? x.values : [undefined]) {
      const c = { ...spec.params };
      if (x) c[x.param] = vx!;
      if (y) c[y.param] = vy!;
      if (first) c[first.param] = first.value;
      cells.push(c);
    }
  }
  return { axes, cells };
}

/** One point of a sweep: its setting's value, the leg it belongs to and the leg's index along the path. */
export interface SweepPoint {
  param: TrainingParam;
  value: number;
  leg: 'up' | 'down';
  segment: number;
}

/**
 * The points of a sweep in the order run. up-down: the grid increasing then decreasing, the
 * turning value once; down-up the reverse; listed: the values as listed. A point's leg is the
 * direction of the move that reaches it (the first point: that of the move after it), and a
 * segment is a maximal run of points of one leg.
 */
export function sweepPath(spec: TrainingScanSpec): SweepPoint[] {
  if (spec.protocol.kind !== 'sweep') return [];
  const { param: p, direction } = spec.protocol;
  let values: number[];
  if (direction === 'listed') values = gridValues(spec.protocol.values);
  else {
    const up = [...new Set(gridValues(spec.protocol.values))].sort((a, b) => a - b);
    const down = [...up].reverse();
    values = direction === 'up-down' ? [...up, ...down.slice(1)] : [...down, ...up.slice(1)];
  }
  const legOf = (i: number): 'up' | 'down' => (values[i] > values[i - 1] ? 'up' : 'down');
  let segment = 0;
  return values.map((value, i) => {
    const leg = values.length === 1 ? 'up' : legOf(Math.max(1, i));
    if (i > 1 && leg !== legOf(i - 1)) segment++;
    return { param: p, value, leg, segment };
  });
}

/** Steps each model runs: the initial training plus every sweep point. */
export function totalSteps(spec: TrainingScanSpec): number {
  return spec.steps + (spec.protocol.kind === 'sweep' ? sweepPath(spec).length * spec.protocol.stepsPerPoint : 0);
}

/** Model-steps of one grid cell (the unit of cost for shards and progress). */
export function trainingCellCost(spec: TrainingScanSpec): number {
  return spec.initialisations * totalSteps(spec);
}

/** The engine's cell of grid cell values c. */
export function engineTrainingCell(c: Record<TrainingParam, number>): TrainingCell {
  return { h: c.h, T: c.T, lambdaLb: c.lambdaLb, routerL2: c.routerL2, lr: c.lr };
}

export function trainingArch(spec: TrainingScanSpec): TrainingArch {
  return { kind: spec.kind, ...spec.arch };
}
