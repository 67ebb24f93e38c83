// TypeScript twin of shaders/router.wgsl and router_step.wgsl: the same update, the same
// random streams and the same sampler, in f64. Works on a contiguous block of routers; the
// Node engine runs one block per worker thread, a browser can run it in a Web Worker.
// Also the f32 twin of router_step.wgsl's functions (routerStepF32), which the update
// kernel's test holds bit for bit against the GPU; the engines do not use it.

import { binomialReflected, binomialTokens } from './binomial.js';
import { CROSS_NONE, LOGIT_CAP, TAG_INITIAL, TAG_ROUTING } from './constants.js';
import type { RouterReadout } from './engine.js';
import { TALLY_FIELDS, newReadout } from './layout.js';
import { RngStream, seedKey, uniformGrid } from './threefry.js';
import type { RouterCell } from './model.js';

/**
 * State of routers [offset, offset + count): the readout's columns, y and the exact window
 * tallies sumN1 (sum of N1 over the window), sumAbs (sum of |2 N1 - B|), sumSq (sum of (2 N1 - B)^2).
 */
export type RouterBlock = { offset: number; count: number } & RouterReadout;

export function allocateBlock(offset: number, count: number, backing?: RouterReadout): RouterBlock {
  return { offset, count, ...(backing ?? newReadout(count)) };
}

/**
 * Routers of a block are plan-local indices block.offset + i; their random streams are those of
 * the global routers firstRouter + block.offset + i (ScanPlan.firstRouter).
 */
export function initializeBlock(block: RouterBlock, cells: readonly RouterCell[], replicates: number, seed: number, firstRouter = 0): void {
  const [k0, k1] = seedKey(seed);
  const rng = new RngStream(k0, k1);
  for (let i = 0; i < block.count; i++) {
    const local = block.offset + i;
    const router = firstRouter + local;
    const cell = cells[Math.floor(local / replicates)];
    const jitter = 2 * uniformGrid(rng.open(router, 0, TAG_INITIAL).next()) - 1;
    block.y[i] = cell.y0 + cell.asym * jitter;
  }
  block.crossUp.fill(CROSS_NONE);
  block.crossDown.fill(CROSS_NONE);
  resetBlockTallies(block);
}

export function resetBlockTallies(block: RouterBlock): void {
  for (const key of TALLY_FIELDS) block[key].fill(0);
}

/** N1 from the sampler's draw x = min(N1, B - N1): y > 0 means p > 1/2, so x counted expert 2. */
export function reflectDraw(x: number, y: number, B: number): number {
  return y > 0 ? B - x : x;
}

export interface AdvanceRange {
  stepBegin: number;
  stepEnd: number;
  windowBegin: number;
  tokenMode?: boolean | undefined;
}

export function advanceBlock(
  block: RouterBlock,
  cells: readonly RouterCell[],
  replicates: number,
  seed: number,
  range: AdvanceRange,
  firstRouter = 0,
): void {
  const [k0, k1] = seedKey(seed);
  const rng = new RngStream(k0, k1);
  const { stepBegin, stepEnd, windowBegin, tokenMode = false } = range;
  for (let i = 0; i < block.count; i++) {
    const local = block.offset + i;
    const router = firstRouter + local;
    const cell = cells[Math.floor(local / replicates)];
    const aEff = cell.a - cell.rho;
    const { T, gamma, h, eta, B, hRate, rampStep } = cell;
    let y = block.y[i];
    let sumN1 = block.sumN1[i];
    let sumAbs = block.sumAbs[i];
    let sumSq = block.sumSq[i];
    for (let step = stepBegin; step < stepEnd; step++) {
      rng.open(router, step, TAG_ROUTING);
      const q = 1 / (1 + Math.exp(Math.min(Math.abs(y) / T, LOGIT_CAP)));
      const x = tokenMode ? binomialTokens(B, q, rng) : binomialReflected(B, q, rng);
      const n1 = reflectDraw(x, y, B);
      const d = 2 * n1 - B;
      if (hRate === 0) {
        y += eta * (aEff * (d / B) - gamma * y + h);
      } else {
        // A ramped sweep (router_step.wgsl's router_advance): h moves, and the first zero
        // crossing of y each way the ramp drives it records h there, interpolated in the step.
        const hNow = h + hRate * (step - rampStep);
        const before = y;
        y += eta * (aEff * (d / B) - gamma * y + hNow);
        const at = hNow + hRate * (before / (before - y));
        if (hRate > 0 && before < 0 && y >= 0 && block.crossUp[i] === CROSS_NONE) block.crossUp[i] = at;
        if (hRate < 0 && before > 0 && y <= 0 && block.crossDown[i] === CROSS_NONE) block.crossDown[i] = at;
      }
      if (step >= windowBegin) {
        sumN1 += n1;
        sumAbs += Math.abs(d);
        sumSq += d * d;
      }
    }
    block.y[i] = y;
    block.sumN1[i] = sumN1;
    block.sumAbs[i] = sumAbs;
    block.sumSq[i] = sumSq;
  }
}

/** Measured speed of a CPU session, for chunk sizing. */
export interface ChunkTiming {
  msPerRouterStep: number;
}

/**
 * The CPU engines' advance loop: steps in chunks of ~250 ms (or `stepsPerChunk`), each run by
 * `runChunk` on all blocks, with progress reported after each chunk.
 */
export async function advanceInChunks(
  range: AdvanceRange,
  routers: number,
  timing: ChunkTiming,
  stepsPerChunk: number | undefined,
  runChunk: (sub: AdvanceRange) => Promise<unknown>,
  onRouterSteps?: (done: number) => void,
): Promise<void> {
  let done = 0;
  for (let step = range.stepBegin; step < range.stepEnd; ) {
    const adaptive = timing.msPerRouterStep > 0 ? Math.floor(250 / timing.msPerRouterStep / routers) : 1;
    const steps = Math.min(stepsPerChunk ?? Math.max(1, adaptive), range.stepEnd - step);
    const started = performance.now();
    await runChunk({ stepBegin: step, stepEnd: step + steps, windowBegin: range.windowBegin, tokenMode: range.tokenMode });
    timing.msPerRouterStep = (performance.now() - started) / (steps * routers);
    done += steps * routers;
    onRouterSteps?.(done);
    step += steps;
  }
}

/** One router's state in the f32 twin: y (an f32 value) and its exact tallies. */
export interface StateF32 {
  y: number;
  sumN1: number;
  sumAbs: number;
  sumSq: number;
}

const f32 = Math.fround;
const BITS = new Float32Array(1);
const WORD = new Uint32Array(BITS.buffer);

/** The f32 next to a finite nonzero f32 x, away from zero (up) or towards it. */
function adjacentF32(x: number, awayFromZero: boolean): number {
  BITS[0] = x;
  WORD[0] += awayFromZero ? 1 : -1;
  return BITS[0];
}

/** fma in f32, a b + c rounded once, for f32 a, b, c: a b is exact in f64, and the f64 sum's own rounding matters only at an f32 tie. */
export function fmaF32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const r = f32(s);
  if (r === s || r === 0 || !Number.isFinite(r)) return r;
  const v = s - p;
  const e = p - (s - v) + (c - v); // TwoSum: a b + c = s + e exactly
  if (e === 0) return r;
  const other = adjacentF32(r, Math.abs(r) < Math.abs(s));
  if ((r + other) / 2 !== s) return r; // not a tie: s + e rounds as s
  return e > 0 === other > r ? other : r;
}

/**
 * How an implementation evaluates router_update in f32. WGSL lets it reassociate and fuse
 * floating-point operations (the spec's "Reassociation and Fusion"), and divide to 2.5 ULP,
 * and adapters differ: SwiftShader computes y + eta (((a - rho) u_hat - gamma y) + h) as
 * written; Mesa's llvmpipe (its NIR optimizer) computes ((a - rho) u_hat + h) - gamma y.
 */
export interface UpdateOrder {
  /** which two of the drift's terms gain = (a - rho) u_hat, forgetting = gamma y and h are summed first */
  sum: 'as written' | 'gain + h first' | 'h - forgetting first';
  /** the product fused (fma) into the addition that takes it, if any */
  fused: 'none' | 'gain' | 'forgetting';
  /** y + eta drift as one fma */
  fusedStep: boolean;
  /** u_hat = d / B correctly rounded, or d times the f32 reciprocal of B */
  division: 'exact' | 'reciprocal';
}

export const UPDATE_AS_WRITTEN: UpdateOrder = { sum: 'as written', fused: 'none', fusedStep: false, division: 'exact' };

/** Every UpdateOrder: 3 sums x 3 fusions x 2 x 2. */
export const UPDATE_ORDERS: readonly UpdateOrder[] = (['as written', 'gain + h first', 'h - forgetting first'] as const).flatMap((sum) =>
  (['none', 'gain', 'forgetting'] as const).flatMap((fused) =>
    [false, true].flatMap((fusedStep) => (['exact', 'reciprocal'] as const).map((division) => ({ sum, fused, fusedStep, division }))),
  ),
);

export function updateOrderName(o: UpdateOrder): string {
  return `sum ${o.sum}, fused ${o.fused}${o.fusedStep ? ' and the step' : ''}, ${o.division} division`;
}

/** router_update in f32 under an evaluation order: y + eta ((a - rho) u_hat - gamma y + h), u_hat = d / B. */
export function routerUpdateF32(y: number, d: number, cell: RouterCell, order: UpdateOrder = UPDATE_AS_WRITTEN): number {
  const uHat = order.division === 'exact' ? f32(d / cell.B) : f32(d * f32(1 / cell.B)); // d, B exact in f32 (|d| <= B <= 65536)
  const gain = f32(cell.a - cell.rho);
  const g = order.fused === 'gain',
    k = order.fused === 'forgetting';
  const t1 = f32(gain * uHat);
  const t2 = f32(cell.gamma * y);
  let drift: number;
  if (order.sum === 'as written') {
    drift = f32((g ? fmaF32(gain, uHat, -t2) : k ? fmaF32(-cell.gamma, y, t1) : f32(t1 - t2)) + cell.h);
  } else if (order.sum === 'gain + h first') {
    drift = g ? f32(fmaF32(gain, uHat, cell.h) - t2) : k ? fmaF32(-cell.gamma, y, f32(t1 + cell.h)) : f32(f32(t1 + cell.h) - t2);
  } else {
    const rest = k ? fmaF32(-cell.gamma, y, cell.h) : f32(cell.h - t2);
    drift = g ? fmaF32(gain, uHat, rest) : f32(t1 + rest);
  }
  return order.fusedStep ? fmaF32(cell.eta, drift, y) : f32(y + f32(cell.eta * drift));
}

/** router_logit in f32: z = min(|y| inv_t, LOGIT_CAP), with inv_t = f32(1 / f32(T)) as the kernels compute it. */
export function routerLogitF32(y: number, invT: number): number {
  return Math.min(f32(Math.abs(y) * invT), f32(LOGIT_CAP));
}

/**
 * router_step in f32: reflect the draw, update y (routerUpdateF32), and inside the window add
 * N1, |d| and d^2 to the tallies (exact integers here, < 2^53). `cell` holds the values the
 * kernel reads, i.e. already rounded to f32 (as packStructs(CELL) rounds them).
 */
export function routerStepF32(s: StateF32, x: number, cell: RouterCell, inWindow: boolean, order: UpdateOrder = UPDATE_AS_WRITTEN): void {
  const { B } = cell;
  const n1 = reflectDraw(x, s.y, B);
  const d = 2 * n1 - B;
  s.y = routerUpdateF32(s.y, d, cell, order);
  if (inWindow) {
    s.sumN1 += n1;
    s.sumAbs += Math.abs(d);
    s.sumSq += d * d;
  }
}
