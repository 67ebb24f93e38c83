// The spec of an N-expert scan (MODEL.md section 5): the model's parameters, N (fixed or an
// axis), per-expert drift b, the initial state (a family or an explicit r0, plus a random
// asymmetry), the balancing mechanisms (rho, the loss-free bias, a capacity factor) and a
// protocol (relax, or a sweep of one parameter down and up). Parsed with the same zod
// building blocks and messages as the two-expert spec (spec-schema.ts): every problem is an
// InputError naming the field and the allowed range. No Node-only imports.

import { z } from 'zod';
import { BIAS_MODES, EXPERT_RANGES, expertCell, MAX_EXPERTS, MIN_EXPERTS, type BiasMode, type ExpertCell } from '../../core/experts.js';
import { CELL_RANGES, InputError, MAX_ROUTERS } from '../../core/model.js';
import { checkDepth, descriptionSchema, list, num, oneOf, safeName, parseSpecJson, STEPS, strict, toInputError, valueGrid } from '../spec-schema.js';
import type { Range } from '../spec-schema.js';
import { gridValues } from '../spec-grid.js';
import { canonicalJson, fnv1a64 } from '../spec.js';
import type { ValueGrid } from '../types.js';

/** Parameters an N-expert spec may fix or scan: the cell's, the bias rate u, the capacity factor cf, and N. */
export const EXPERT_PARAMS = ['a', 'T', 'gamma', 'rho', 'B', 'eta', 'u', 'cf', 'N'] as const;
export type ExpertParam = (typeof EXPERT_PARAMS)[number];

export const EXPERT_FAMILIES = ['balanced', 'winner', 'both'] as const;
export type ExpertFamily = (typeof EXPERT_FAMILIES)[number];

export interface ExpertScanSpec {
  model: 'experts';
  name?: string;
  description?: string;
  seed: number;
  params: { a: number; T: number; gamma: number; B: number; eta: number; rho: number; u: number; cf: number; N: number };
  /** per-expert drift b_i (N values; only with a fixed N) */
  b?: number[];
  bias: BiasMode;
  axes: { param: ExpertParam; values: ValueGrid }[];
  replicates: number;
  steps: number;
  window: number;
  /**
   * balanced: r0 = 0; winner: r0 = (gap, 0, ..., 0) with gap = winnerGap or a_eff/gamma (the
   * winner's score when it takes every token); both: a balanced and a winner family; or an
   * explicit r0 (N values). Each r_i gets a uniform asymmetry on (-asym, asym).
   */
  initial: { family: ExpertFamily; winnerGap?: number; r0?: number[]; asym: number };
  protocol:
    | { kind: 'relax' }
    | { kind: 'sweep'; param: Exclude<ExpertParam, 'N' | 'B'>; values: ValueGrid; direction: 'down-up' | 'up-down'; stepsPerPoint: number };
}

const PARAM_RANGES = {
  a: CELL_RANGES.a,
  T: CELL_RANGES.T,
  gamma: CELL_RANGES.gamma,
  rho: CELL_RANGES.rho,
  B: CELL_RANGES.B,
  eta: CELL_RANGES.eta,
  u: EXPERT_RANGES.biasRate,
  cf: EXPERT_RANGES.capacity,
  N: EXPERT_RANGES.N,
};

/** The range of each parameter an N-expert spec fixes, scans or sweeps (the page names a grid's bad value with it). */
export const EXPERT_PARAM_RANGES: Readonly<Record<ExpertParam, Range>> = PARAM_RANGES;

const expertParam = oneOf(EXPERT_PARAMS);
const vector = list(num(EXPERT_RANGES.b), MIN_EXPERTS, MAX_EXPERTS, 'numbers (one per expert)');

const schema = strict({
  model: z.literal('experts', { error: 'must be "experts" for an N-expert spec' }),
  name: safeName.optional(),
  description: descriptionSchema.optional(),
  seed: num({ min: 0, max: Number.MAX_SAFE_INTEGER, integer: true }).default(1),
  params: strict({
    a: num(PARAM_RANGES.a).optional(),
    T: num(PARAM_RANGES.T).optional(),
    gamma: num(PARAM_RANGES.gamma).optional(),
    B: num(PARAM_RANGES.B).optional(),
    eta: num(PARAM_RANGES.eta).optional(),
    rho: num(PARAM_RANGES.rho).default(0),
    u: num(PARAM_RANGES.u).default(0),
    cf: num(PARAM_RANGES.cf).default(0),
    N: num(PARAM_RANGES.N).optional(),
  }),
  b: vector.optional(),
  bias: oneOf(BIAS_MODES).default('off'),
  axes: list(strict({ param: expertParam, values: valueGrid }), 0, 2, 'axes (x, then y)').default([]),
  replicates: num({ min: 1, max: MAX_ROUTERS, integer: true }),
  steps: num(STEPS),
  window: num(STEPS).optional(),
  initial: strict({
    family: oneOf(EXPERT_FAMILIES).default('balanced'),
    winnerGap: num(CELL_RANGES.y0).optional(),
    r0: list(num(EXPERT_RANGES.r0), MIN_EXPERTS, MAX_EXPERTS, 'numbers (one per expert)').optional(),
    asym: num(CELL_RANGES.asym).default(0),
  }).default({ family: 'balanced', asym: 0 }),
  protocol: z
    .discriminatedUnion('kind', [
      strict({ kind: z.literal('relax') }),
      strict({
        kind: z.literal('sweep'),
        param: oneOf(['a', 'T', 'gamma', 'rho', 'eta', 'u', 'cf']),
        values: valueGrid,
        direction: oneOf(['down-up', 'up-down']),
        stepsPerPoint: num(STEPS),
      }),
    ])
    .default({ kind: 'relax' }),
});

/** Most values of one N-expert grid, sweep included. */
const MAX_EXPERT_GRID = 100_000;

/** Parses and checks an N-expert spec (JSON value); throws an InputError naming the field. */
export function parseExpertSpec(json: unknown): ExpertScanSpec {
  checkDepth(json);
  const r = schema.safeParse(json);
  if (!r.success) throw toInputError(r.error);
  const s = r.data;
  const axes = s.axes as ExpertScanSpec['axes'];
  const protocol = s.protocol as ExpertScanSpec['protocol'];
  const onAxis = new Set(axes.map((x) => x.param));
  if (axes.length === 2 && axes[0].param === axes[1].param) throw new InputError('axes[1].param', `repeats axes[0].param (${axes[0].param})`);
  for (const p of ['a', 'T', 'gamma', 'B', 'eta', 'N'] as const) {
    const swept = s.protocol.kind === 'sweep' && s.protocol.param === p;
    if (s.params[p] === undefined && !onAxis.has(p) && !swept) throw new InputError(`params.${p}`, `is required (or make ${p} an axis)`);
  }
  axes.forEach((axis, i) => {
    const values = gridValues(axis.values);
    if (values.length > MAX_EXPERT_GRID) throw new InputError(`axes[${i}].values`, `at most ${MAX_EXPERT_GRID} values`);
    values.forEach((v, k) => {
      const range = PARAM_RANGES[axis.param];
      const ok =
        Number.isFinite(v) && v >= range.min && v <= range.max && (!range.integer || Number.isInteger(v)) && !(range.minOpen && v <= range.min);
      if (!ok) throw new InputError(`axes[${i}].values`, `value ${k} (${v}) is outside the range of ${axis.param}`);
    });
  });
  if (protocol.kind === 'sweep') {
    const p = protocol.param;
    if (onAxis.has(p)) throw new InputError('protocol.param', `${p} is also an axis`);
    const values = gridValues(protocol.values);
    if (values.length > MAX_EXPERT_GRID) throw new InputError('protocol.values', `at most ${MAX_EXPERT_GRID} values`);
    const range = PARAM_RANGES[p];
    values.forEach((v, k) => {
      if (!(Number.isFinite(v) && v >= range.min && v <= range.max && !(range.minOpen && v <= range.min)))
        throw new InputError('protocol.values', `value ${k} (${v}) is outside the range of ${p}`);
    });
  }
  const nFixed = !onAxis.has('N');
  for (const [field, v] of [
    ['b', s.b],
    ['initial.r0', s.initial.r0],
  ] as const) {
    if (v === undefined) continue;
    if (!nFixed) throw new InputError(field, 'needs a fixed N (N is an axis)');
    if (v.length !== s.params.N) throw new InputError(field, `must have N = ${s.params.N} values, got ${v.length}`);
  }
  if (s.initial.r0 !== undefined && s.initial.family !== 'balanced')
    throw new InputError('initial.r0', `sets the initial state itself; leave family at "balanced", got "${s.initial.family}"`);
  if (s.bias === 'off' && s.params.u > 0 && !onAxis.has('u'))
    throw new InputError('params.u', 'sets the loss-free bias rate; choose bias "linear" or "sign"');
  const window = s.window ?? Math.max(1, Math.floor(s.steps / 10));
  if (window > s.steps) throw new InputError('window', `must be at most steps (${s.steps}), got ${window}`);
  if (s.protocol.kind === 'sweep' && window > s.protocol.stepsPerPoint)
    throw new InputError('window', `must be at most protocol.stepsPerPoint (${s.protocol.stepsPerPoint}), got ${window}`);
  const spec: ExpertScanSpec = {
    model: 'experts',
    ...(s.name !== undefined && { name: s.name }),
    ...(s.description !== undefined && { description: s.description }),
    seed: s.seed,
    params: { a: 0, T: 1, gamma: 0, B: 1, eta: 0.01, N: 2, ...stripUndefined(s.params) },
    ...(s.b !== undefined && { b: s.b }),
    bias: s.bias,
    axes,
    replicates: s.replicates,
    steps: s.steps,
    window,
    initial: {
      family: s.initial.family,
      asym: s.initial.asym,
      ...(s.initial.winnerGap !== undefined && { winnerGap: s.initial.winnerGap }),
      ...(s.initial.r0 !== undefined && { r0: s.initial.r0 }),
    },
    protocol,
  };
  const routers = expertGrid(spec).cells.length * familiesOf(spec).length * spec.replicates;
  if (routers > MAX_ROUTERS) throw new InputError('replicates', `the scan has ${routers} routers; at most ${MAX_ROUTERS}`);
  return spec;
}

/**
 * 16 hex digits identifying what an N-expert spec computes (as specHash for two experts):
 * FNV-1a 64 of the canonical JSON of the parsed spec without name and description.
 */
export function expertSpecHash(spec: ExpertScanSpec): string {
  const { name: _n, description: _d, ...rest } = spec;
  return fnv1a64(canonicalJson(rest)).toString(16).padStart(16, '0');
}

export function parseExpertSpecText(text: string): ExpertScanSpec {
  return parseExpertSpec(parseSpecJson(text));
}

function stripUndefined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as never;
}

/** One grid cell of an N-expert scan: its parameter values (N among them). */
export type ExpertGridCell = ExpertScanSpec['params'];

export interface ExpertGrid {
  axes: { param: ExpertParam; values: number[] }[];
  /** cells in order: cell i0 + n0 * i1 */
  cells: ExpertGridCell[];
}

export function expertGrid(spec: ExpertScanSpec): ExpertGrid {
  const axes = spec.axes.map((a) => ({ param: a.param, values: gridValues(a.values) }));
  const [x, y] = axes;
  const cells: ExpertGridCell[] = [];
  for (const vy of y ? y.values : [undefined]) {
    for (const vx of x ? x.values : [undefined]) {
      const c = { ...spec.params };
      if (x) c[x.param] = vx!;
      if (y) c[y.param] = vy!;
      cells.push(c);
    }
  }
  return { axes, cells };
}

export function familiesOf(spec: ExpertScanSpec): ('balanced' | 'winner')[] {
  return spec.initial.family === 'both' ? ['balanced', 'winner'] : [spec.initial.family];
}

/** The engine cell of grid cell `c` for a family. */
export function engineCell(spec: ExpertScanSpec, c: ExpertGridCell, family: 'balanced' | 'winner'): ExpertCell {
  const N = c.N;
  let r0 = spec.initial.r0 ?? new Array<number>(N).fill(0);
  if (family === 'winner') {
    r0 = new Array<number>(N).fill(0);
    r0[0] = spec.initial.winnerGap ?? (c.a - c.rho) / Math.max(c.gamma, 1e-12);
  }
  return expertCell(N, {
    a: c.a,
    T: c.T,
    gamma: c.gamma,
    rho: c.rho,
    B: c.B,
    eta: c.eta,
    b: spec.b ?? new Array<number>(N).fill(0),
    r0,
    asym: spec.initial.asym,
    biasMode: spec.bias,
    biasRate: c.u,
    capacity: c.cf,
  });
}
