// The N-expert batch router (MODEL.md section 5): its parameter cell, plan, readout and the
// checks every N-expert scan passes before any work. The update, per router and step:
//   selection logits  s_i = (r_i + beta_i) / T,   p = softmax(s)
//   counts            (N_1..N_N) ~ Multinomial(B, p), drawn as sequential conditional
//                     binomials (experts in index order, see experts-router.ts)
//   capacity          A_i = min(N_i, C) with C = ceil(cf B / N) (cf = 0: no capacity, A = N)
//   scores            r_i <- r_i + eta (a l_i - rho (l_i - 1/N) - gamma r_i + b_i),  l_i = A_i / B
//   loss-free bias    beta_i <- beta_i + eta u (1/N - m_i)        (linear)
//                     beta_i <- beta_i + eta u sign(1/N - m_i)    (sign),  m_i = N_i / B
// The load shares the observables report are the routed shares m_i = N_i / B (what the router
// selects); the update's l_i are the accepted shares. beta starts at 0.
// Window tallies per router, exact integers: sum N_i per expert, sum max_i N_i,
// sum sum_i N_i^2, sum of dead experts (10 N N_i < B, i.e. share below 1/(10 N)), sum dropped.
// No Node-only imports: the page runs the same code.

import { checkNumber, checkPlanShape, CELL_RANGES, InputError, MAX_ROUTERS } from './model.js';

/** Experts a pipeline may have: N is a compile-time constant of the kernel (function-scope arrays). */
export const MIN_EXPERTS = 2;
export const MAX_EXPERTS = 256;

export const BIAS_MODES = ['off', 'linear', 'sign'] as const;
export type BiasMode = (typeof BIAS_MODES)[number];

/** One parameter cell of an N-expert scan. */
export interface ExpertCell {
  a: number;
  T: number;
  gamma: number;
  rho: number;
  B: number;
  eta: number;
  /** per-expert drift b_i (N values) */
  b: readonly number[];
  /** per-expert initial score r_i (N values), before the random asymmetry */
  r0: readonly number[];
  /** half-width of the uniform random asymmetry added to each r_i at the start */
  asym: number;
  biasMode: BiasMode;
  /** loss-free bias rate u (>= 0) */
  biasRate: number;
  /** capacity factor cf: each expert accepts at most ceil(cf B / N) tokens; 0 = no capacity */
  capacity: number;
}

export interface ExpertPlan {
  N: number;
  cells: ExpertCell[];
  replicates: number;
  steps: number;
  window: number;
  seed: number;
  /** global index of the plan's first router (a multiple of replicates): streams of firstRouter + i */
  firstRouter?: number;
}

/**
 * What a session reads back, per router: r and beta (N values each, router-major: router i's
 * expert j at i N + j), the window count sums per expert (same layout), and per router the
 * window sums of max_i N_i, of sum_i N_i^2, of dead experts and of dropped tokens.
 */
export interface ExpertReadout {
  r: Float64Array;
  beta: Float64Array;
  counts: Float64Array;
  maxCount: Float64Array;
  sqCount: Float64Array;
  dead: Float64Array;
  dropped: Float64Array;
}

export const EXPERT_VECTOR_FIELDS = ['r', 'beta', 'counts'] as const;
export const EXPERT_SCALAR_FIELDS = ['maxCount', 'sqCount', 'dead', 'dropped'] as const;

export function newExpertReadout(routers: number, N: number): ExpertReadout {
  return {
    r: new Float64Array(routers * N),
    beta: new Float64Array(routers * N),
    counts: new Float64Array(routers * N),
    maxCount: new Float64Array(routers),
    sqCount: new Float64Array(routers),
    dead: new Float64Array(routers),
    dropped: new Float64Array(routers),
  };
}

export function checkExpertReadout(readout: ExpertReadout, routers: number, N: number): void {
  for (const key of EXPERT_VECTOR_FIELDS) {
    if (readout[key].length !== routers * N) throw new Error(`restore: ${key} has ${readout[key].length} values, the session ${routers * N}`);
  }
  for (const key of EXPERT_SCALAR_FIELDS) {
    if (readout[key].length !== routers) throw new Error(`restore: ${key} has ${readout[key].length} routers, the session ${routers}`);
  }
}

/** The token limit per expert under a capacity factor: ceil(cf B / N), at most B; B when cf = 0. */
export function capacityTokens(cell: Pick<ExpertCell, 'B' | 'capacity'>, N: number): number {
  if (!(cell.capacity > 0)) return cell.B;
  return Math.min(cell.B, Math.ceil((cell.capacity * cell.B) / N - 1e-9));
}

export const EXPERT_RANGES: Readonly<Record<'N' | 'biasRate' | 'capacity' | 'b' | 'r0', Parameters<typeof checkNumber>[2]>> = {
  N: { min: MIN_EXPERTS, max: MAX_EXPERTS, integer: true },
  biasRate: { min: 0, max: 1e6 },
  capacity: { min: 0, max: 1e6 },
  b: CELL_RANGES.h,
  r0: CELL_RANGES.y0,
};

export function checkExperts(field: string, N: unknown): number {
  return checkNumber(field, N, EXPERT_RANGES.N);
}

/** Checks a cell of an N-expert plan; each failure names the field and the allowed range. */
export function validateExpertCell(cell: ExpertCell, N: number, path = 'cell'): ExpertCell {
  for (const key of ['a', 'T', 'gamma', 'rho', 'B', 'eta', 'asym'] as const) checkNumber(`${path}.${key}`, cell[key], CELL_RANGES[key]);
  checkNumber(`${path}.biasRate`, cell.biasRate, EXPERT_RANGES.biasRate);
  checkNumber(`${path}.capacity`, cell.capacity, EXPERT_RANGES.capacity);
  if (!(BIAS_MODES as readonly string[]).includes(cell.biasMode)) throw new InputError(`${path}.biasMode`, `must be one of ${BIAS_MODES.join(', ')}`);
  for (const key of ['b', 'r0'] as const) {
    const v = cell[key];
    if (!Array.isArray(v) || v.length !== N)
      throw new InputError(`${path}.${key}`, `must be a list of N = ${N} numbers, got ${Array.isArray(v) ? v.length : typeof v}`);
    v.forEach((x, i) => checkNumber(`${path}.${key}[${i}]`, x, EXPERT_RANGES[key]));
  }
  return cell;
}

export function validateExpertPlan(plan: ExpertPlan, maxRouters = MAX_ROUTERS): ExpertPlan {
  checkExperts('N', plan.N);
  if (!Array.isArray(plan.cells) || plan.cells.length === 0) throw new InputError('cells', 'must be a non-empty list of parameter cells');
  plan.cells.forEach((c, i) => validateExpertCell(c, plan.N, `cells[${i}]`));
  checkPlanShape(plan, plan.cells.length, maxRouters);
  return plan;
}

/** A cell with the defaults filled in: no drift, balanced start, no bias, no capacity. */
export function expertCell(N: number, cell: Partial<ExpertCell> & Pick<ExpertCell, 'a' | 'T' | 'gamma' | 'B' | 'eta'>): ExpertCell {
  return {
    rho: 0,
    b: new Array(N).fill(0),
    r0: new Array(N).fill(0),
    asym: 0,
    biasMode: 'off',
    biasRate: 0,
    capacity: 0,
    ...cell,
  };
}

/** Range of steps of one advance call, as for two experts. */
export interface ExpertStepRange {
  stepBegin: number;
  stepEnd: number;
  windowBegin: number;
}

export interface ExpertSession {
  readonly routers: number;
  readonly N: number;
  initialize(): Promise<void>;
  setCells(cells: readonly ExpertCell[]): Promise<void>;
  resetTallies(): Promise<void>;
  advance(range: ExpertStepRange, onRouterSteps?: (done: number) => void): Promise<void>;
  read(): Promise<ExpertReadout>;
  restore(readout: ExpertReadout): Promise<void>;
  close(): void;
}

export interface ExpertEngine {
  readonly info: { engine: 'webgpu' | 'cpu'; adapter: string; backend: string };
  /** the most routers one session can hold at N experts */
  maxRoutersAt(N: number): number;
  open(plan: ExpertPlan): Promise<ExpertSession>;
}
