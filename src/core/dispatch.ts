// What both WebGPU router engines (webgpu-engine.ts, experts-engine.ts) do per dispatch: the
// per-dispatch uniforms, one compute pass, and the adaptive chunking of an advance into
// dispatches of a slice of routers over a run of steps. Results never depend on the chunks:
// a router's words depend only on (seed, router, step).

import { dispatchGrid } from './kernels.js';
import { PARAMS, packUniform } from './layout.js';

/**
 * Loop iterations one invocation may run per dispatch. Mesa's llvmpipe (gallivm) caps the
 * loop iterations of one shader invocation, all loops together, at 65535 and then silently
 * leaves every loop: a dispatch of 200000 steps over 8 routers ran about a fifth of its steps
 * (measured: mean load 0.197 against the CPU twin's 0.927). Dispatches stay at half the cap.
 */
export const LOOP_ITERATION_BUDGET = 32768;

export interface ChunkOptions {
  /** fixed steps per dispatch; adaptive when absent */
  stepsPerDispatch?: number;
  /** fixed routers per dispatch; adaptive when absent */
  routersPerDispatch?: number;
  /** adaptive chunking aims at dispatches of about this many milliseconds (default 30) */
  targetDispatchMs?: number;
}

/** How an engine's kernel likes its dispatches cut. */
export interface ChunkShape {
  /** steps a dispatch aims to run, budget permitting */
  preferredSteps: number;
  /** router-steps of the first dispatch, before any measurement */
  probe: number;
  /** most steps per dispatch (LOOP_ITERATION_BUDGET over the kernel's loop iterations per step) */
  maxSteps: number;
}

/** the narrowest slice of routers a dispatch covers, in workgroups */
const MIN_SLICE_WORKGROUPS = 16;

/** One advance's dispatch: routers [slotBegin, slotEnd) over steps [stepBegin, stepEnd). */
export type DispatchRange = { slotBegin: number; slotEnd: number; stepBegin: number; stepEnd: number; windowBegin: number };

/**
 * Adaptive chunking. Within a budget of about targetDispatchMs, long runs of steps over a
 * slice of the routers beat a few steps over all of them: an invocation pays a fixed cost
 * per dispatch (loading and storing its state and tallies; the tail of the attempt loop,
 * where lanes that finished wait for the slowest), so a slice runs at least preferredSteps
 * steps while it stays at least MIN_SLICE_WORKGROUPS workgroups wide. On llvmpipe 256 steps
 * x 6k routers ran ~30% faster than 24 steps x 65k routers in the same 30 ms.
 */
export class DispatchChunker {
  /** measured cost, milliseconds per router-step */
  private msPerRouterStep = 0;

  constructor(
    private readonly routers: number,
    private readonly workgroupSize: number,
    private readonly options: ChunkOptions,
    private readonly shape: ChunkShape,
  ) {}

  private chunk(stepsLeft: number): { steps: number; routers: number } {
    const { options, workgroupSize, shape } = this;
    const work = this.msPerRouterStep > 0 ? (options.targetDispatchMs ?? 30) / this.msPerRouterStep : shape.probe;
    let routers: number;
    if (options.routersPerDispatch !== undefined) routers = Math.min(options.routersPerDispatch, this.routers);
    else {
      const wanted = Math.min(stepsLeft, shape.preferredSteps);
      const slice = Math.max(MIN_SLICE_WORKGROUPS * workgroupSize, Math.floor(work / wanted / workgroupSize) * workgroupSize);
      // equal slices, not full ones and a small remainder (a dispatch of its own for little work)
      const slices = Math.ceil(this.routers / slice);
      routers = Math.min(this.routers, Math.ceil(this.routers / slices / workgroupSize) * workgroupSize);
    }
    const steps = options.stepsPerDispatch ?? Math.max(1, Math.min(Math.floor(work / routers), shape.maxSteps));
    return { steps: Math.min(steps, stepsLeft), routers };
  }

  /** Runs steps [stepBegin, stepEnd) in dispatches (`run` submits one and resolves when it is done), timing each. */
  async advance(
    range: { stepBegin: number; stepEnd: number; windowBegin: number },
    run: (d: DispatchRange) => Promise<void>,
    onRouterSteps?: (done: number) => void,
  ): Promise<void> {
    let done = 0;
    for (let step = range.stepBegin; step < range.stepEnd; ) {
      const { steps, routers } = this.chunk(range.stepEnd - step);
      for (let slot = 0; slot < this.routers; slot += routers) {
        const slotEnd = Math.min(slot + routers, this.routers);
        const started = performance.now();
        await run({ slotBegin: slot, slotEnd, stepBegin: step, stepEnd: step + steps, windowBegin: range.windowBegin });
        const work = (slotEnd - slot) * steps;
        const measured = (performance.now() - started) / work;
        this.msPerRouterStep = this.msPerRouterStep > 0 ? 0.5 * this.msPerRouterStep + 0.5 * measured : measured;
        done += work;
        onRouterSteps?.(done);
      }
      step += steps;
    }
  }
}

/**
 * The router kernels' shared per-dispatch uniforms and one compute pass over routers
 * [slotBegin, slotEnd), routersPerInvocation of them per invocation (router.wgsl's
 * advance_pair: 2, consecutive slots from slotBegin; the last invocation may have one).
 */
export function submitRouterDispatch(
  device: GPUDevice,
  pipeline: GPUComputePipeline,
  bindGroup: GPUBindGroup,
  uniforms: GPUBuffer,
  workgroupSize: number,
  plan: { seedKey: readonly [number, number]; firstRouter: number; replicates: number; tokenMode: boolean },
  d: DispatchRange,
  routersPerInvocation = 1,
): void {
  const invocations = Math.ceil((d.slotEnd - d.slotBegin) / routersPerInvocation);
  const grid = dispatchGrid(invocations, workgroupSize, device.limits.maxComputeWorkgroupsPerDimension);
  device.queue.writeBuffer(
    uniforms,
    0,
    packUniform(PARAMS, {
      seed_lo: plan.seedKey[0],
      seed_hi: plan.seedKey[1],
      router_offset: plan.firstRouter,
      slot_begin: d.slotBegin,
      slot_end: d.slotEnd,
      replicates: plan.replicates,
      step_begin: d.stepBegin,
      step_end: d.stepEnd,
      window_begin: d.windowBegin,
      token_mode: plan.tokenMode ? 1 : 0,
      row_stride: grid.rowStride,
    }),
  );
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(grid.x, grid.y);
  pass.end();
  device.queue.submit([encoder.finish()]);
}
