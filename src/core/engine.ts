// What every engine offers: a session over one plan's routers that can be initialized,
// advanced over any range of steps (in any number of calls: results do not depend on the
// split), re-parameterized between ranges (sweeps), and read back.

import type { AdvanceRange } from './cpu-router.js';
import type { ReadoutField } from './layout.js';
import type { RouterCell, ScanPlan } from './model.js';

export interface EngineInfo {
  /** 'webgpu' or 'cpu' */
  engine: 'webgpu' | 'cpu';
  /** human-readable adapter, e.g. 'llvmpipe (LLVM 15.0.6, 256 bits) via opengl' or 'cpu x 2 threads' */
  adapter: string;
  /** backend that ran it: vulkan, opengl, metal, d3d12, browser, worker_threads, ... */
  backend: string;
  /** the O(1) sampler unless a plan asks for token-by-token sampling */
  sampler?: string;
}

/**
 * Raw state read back from a session, one Float64Array per router column: y and the exact
 * window tallies sumN1, sumAbs, sumSq. The columns (READOUT_FIELDS) are derived from the
 * STATE and TALLY layouts in layout.ts, which the GPU buffers use too.
 */
export type RouterReadout = Record<ReadoutField, Float64Array>;

export type StepRange = Omit<AdvanceRange, 'tokenMode'>;

export interface RouterSession {
  readonly routers: number;
  /** Sets y to y0 + asym * jitter and zeroes the tallies. */
  initialize(): Promise<void>;
  /** Replaces the cells' parameters (same number of cells), keeping the state: sweeps. */
  setCells(cells: readonly RouterCell[]): Promise<void>;
  resetTallies(): Promise<void>;
  /** Runs steps [stepBegin, stepEnd); onSteps reports router-steps completed so far in this call. */
  advance(range: StepRange, onRouterSteps?: (done: number) => void): Promise<void>;
  read(): Promise<RouterReadout>;
  /** Puts back state read earlier from a session over the same plan (checkpoints, device loss). */
  restore?(readout: RouterReadout): Promise<void>;
  close(): void;
}

export interface Engine {
  readonly info: EngineInfo;
  /** the most routers one session can hold */
  readonly maxRouters: number;
  open(plan: ScanPlan): Promise<RouterSession>;
  dispose(): void | Promise<void>;
  /** true once the device behind the engine is lost (driver reset, watchdog, destroy()) */
  readonly lost?: boolean;
  /** Replaces a lost device (sessions opened before must be reopened); throws if it cannot. */
  recover?(): Promise<void>;
}
