// TypeScript twin of shaders/router.wgsl: the same update, the same random streams and the
// same sampler, in f64. Works on a contiguous block of routers; the Node engine runs one
// block per worker thread, a browser can run it in a Web Worker.

import { binomialReflected, binomialTokens } from './binomial.js';
import { RngStream, TAG_INITIAL, TAG_ROUTING, seedKey, uniformGrid } from './threefry.js';
import type { RouterCell } from './model.js';

const LOGIT_CAP = 80;

/** State of routers [offset, offset + count): y and the exact window tallies. */
export interface RouterBlock {
  offset: number;
  count: number;
  y: Float64Array;
  sumN1: Float64Array;  // sum of N1 over the window
  sumAbs: Float64Array; // sum of |2 N1 - B|
  sumSq: Float64Array;  // sum of (2 N1 - B)^2
}

export function allocateBlock(offset: number, count: number, backing?: {
  y: Float64Array; sumN1: Float64Array; sumAbs: Float64Array; sumSq: Float64Array;
}): RouterBlock {
  return backing
    ? { offset, count, ...backing }
    : { offset, count, y: new Float64Array(count), sumN1: new Float64Array(count), sumAbs: new Float64Array(count), sumSq: new Float64Array(count) };
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
  resetBlockTallies(block);
}

export function resetBlockTallies(block: RouterBlock): void {
  block.sumN1.fill(0);
  block.sumAbs.fill(0);
  block.sumSq.fill(0);
}

export interface AdvanceRange {
  stepBegin: number;
  stepEnd: number;
  windowBegin: number;
  tokenMode?: boolean;
}

export function advanceBlock(
  block: RouterBlock, cells: readonly RouterCell[], replicates: number, seed: number, range: AdvanceRange, firstRouter = 0,
): void {
  const [k0, k1] = seedKey(seed);
  const rng = new RngStream(k0, k1);
  const { stepBegin, stepEnd, windowBegin, tokenMode = false } = range;
  for (let i = 0; i < block.count; i++) {
    const local = block.offset + i;
    const router = firstRouter + local;
    const cell = cells[Math.floor(local / replicates)];
    const aEff = cell.a - cell.rho;
    const { T, gamma, h, eta, B } = cell;
    let y = block.y[i];
    let sumN1 = block.sumN1[i];
    let sumAbs = block.sumAbs[i];
    let sumSq = block.sumSq[i];
    for (let step = stepBegin; step < stepEnd; step++) {
      rng.open(router, step, TAG_ROUTING);
      const q = 1 / (1 + Math.exp(Math.min(Math.abs(y) / T, LOGIT_CAP)));
      const x = tokenMode ? binomialTokens(B, q, rng) : binomialReflected(B, q, rng);
      const n1 = y > 0 ? B - x : x;
      const d = 2 * n1 - B;
      y += eta * (aEff * (d / B) - gamma * y + h);
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
export interface ChunkTiming { msPerRouterStep: number }

/**
 * The CPU engines' advance loop: steps in chunks of ~250 ms (or `stepsPerChunk`), each run by
 * `runChunk` on all blocks, with progress reported after each chunk.
 */
export async function advanceInChunks(
  range: AdvanceRange, routers: number, timing: ChunkTiming, stepsPerChunk: number | undefined,
  runChunk: (sub: AdvanceRange) => Promise<unknown>, onRouterSteps?: (done: number) => void,
): Promise<void> {
  let done = 0;
  for (let step = range.stepBegin; step < range.stepEnd;) {
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
