// The WebGPU engine: runs shaders/router.wgsl on any GPUDevice (Dawn under Node, or a
// browser's). Host code in the order the GPU needs it: module, layout, pipelines, buffers,
// bind group, then (uniforms, dispatch, submit) per chunk, then read back. Every byte shared
// with the GPU follows a declaration: the structs of layout.ts (packed and unpacked by it) and
// the bindings ROUTER_BINDINGS of kernels.ts (the WGSL declarations and the bind groups).
//
// Chunking: a dispatch covers a slice of routers over a run of steps. Its size adapts to
// take about `targetDispatchMs`, far below a browser's GPU watchdog; results are
// bit-identical for any split, because a router's random stream depends only on
// (seed, router, step) and its state crosses dispatch boundaries unchanged.
//
// Two advance kernels (router.wgsl), bit-identical in their results: advance, one router per
// invocation, and advance_pair, two (consecutive slots) per invocation sharing one BTRS exact
// test per loop iteration. A session picks one at open (pairedAdvance): the pair where it is
// faster on llvmpipe, from B = PAIRED_MIN_TOKENS up, and never in token mode.

import type { Engine, EngineInfo, RouterReadout, RouterSession, StepRange } from './engine.js';
import { DispatchChunker, LOOP_ITERATION_BUDGET, submitRouterDispatch, type ChunkOptions, type DispatchRange } from './dispatch.js';
import { ROUTER_BINDINGS, bindGroupEntries, compileModule, createLayouts, routerShaderSource } from './kernels.js';
import {
  CELL,
  PARAMS,
  STATE,
  TALLY,
  checkReadout,
  packColumns,
  packStructs,
  strideOf,
  tallyColumns,
  tallyReadout,
  uniformSizeOf,
  unpackStructs,
} from './layout.js';
import { seedKey } from './threefry.js';
import { routerCount, type RouterCell, type ScanPlan } from './model.js';

export interface WebGpuEngineOptions extends ChunkOptions {
  /** invocations per workgroup (WGSL override WORKGROUP_SIZE) */
  workgroupSize?: number;
  /** cap on one buffer's size in bytes, below the device's limits (tests of multi-pass scans) */
  maxBufferBytes?: number;
  /** a fresh device after a loss (same adapter kind); without it a lost device is fatal */
  replaceDevice?: () => Promise<GPUDevice>;
}

const STATE_BYTES = strideOf(STATE);
const TALLY_BYTES = strideOf(TALLY);
/** adaptive chunking (dispatch.ts): steps a dispatch aims to run, budget permitting */
const PREFERRED_STEPS = 256;
/** loop iterations per step of the O(1) sampler: ~1.2 attempts, an inversion walk of at most ~n q + a few */
const ITERATIONS_PER_STEP = 24;
/**
 * advance_pair from this many tokens per batch (every cell's B) up. Measured on llvmpipe (2
 * threads, 65536 routers, paired median of 8-20 interleaved runs, ratio to advance): B = 64
 * 0.95-0.96, 128-192 0.99-1.04, 256 1.06, 512 1.08, 4096 1.14-1.15; collapsed routers
 * (inversion) 1.24 at B = 512, 1.06 at B = 20. At B = 64 the exact test is needed in over half
 * of the attempts and its one slot per iteration is saturated.
 */
export const PAIRED_MIN_TOKENS = 128;

/** Whether a plan's sessions run advance_pair (two routers per invocation) rather than advance. */
export function pairedAdvance(plan: Pick<ScanPlan, 'cells' | 'tokenMode'>): boolean {
  return plan.tokenMode !== true && plan.cells.every((c) => c.B >= PAIRED_MIN_TOKENS);
}

interface RouterPipelines {
  layout: GPUBindGroupLayout;
  initialize: GPUComputePipeline;
  /** the advance pipeline (paired: advance_pair; ramp: RAMP set), compiled when first asked for */
  advance: (paired: boolean, ramp: boolean) => Promise<GPUComputePipeline>;
}

export class WebGpuEngine implements Engine {
  readonly maxRouters: number;
  /** devices lost and replaced so far */
  recoveries = 0;
  private lostDevice = false;
  private pipelines: Promise<RouterPipelines> | undefined;
  private advancePipelines = new Map<string, Promise<GPUComputePipeline>>();
  readonly workgroupSize: number;

  /**
   * @param release frees the device and whatever owns it (under Node, Dawn's GPU object,
   *   which must stay referenced while the device is in use); device.destroy() by default
   */
  constructor(
    public device: GPUDevice,
    readonly info: EngineInfo,
    readonly options: WebGpuEngineOptions = {},
    private readonly release: () => void = () => device.destroy(),
  ) {
    const limits = device.limits;
    this.workgroupSize = Math.min(options.workgroupSize ?? 64, limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX);
    const bytes = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize, options.maxBufferBytes ?? Infinity);
    this.maxRouters = Math.floor(bytes / Math.max(STATE_BYTES, TALLY_BYTES));
    this.watch(device);
  }

  private watch(device: GPUDevice): void {
    void device.lost.then(() => {
      if (device === this.device) this.lostDevice = true;
    });
  }

  get lost(): boolean {
    return this.lostDevice;
  }

  async recover(): Promise<void> {
    if (!this.options.replaceDevice) throw new Error('the WebGPU device was lost and this engine has no way to get a new one');
    const device = await this.options.replaceDevice();
    this.device = device;
    this.pipelines = undefined;
    this.advancePipelines = new Map();
    this.lostDevice = false;
    this.recoveries++;
    this.watch(device);
  }

  private compile() {
    this.pipelines ??= (async () => {
      const { device } = this;
      const module = await compileModule(device, routerShaderSource(), 'router.wgsl');
      const { group: layout, pipeline: pipelineLayout } = createLayouts(device, ROUTER_BINDINGS, 'router bindings');
      const constants = { WORKGROUP_SIZE: this.workgroupSize };
      const initialize = await device.createComputePipelineAsync({
        label: 'initialize',
        layout: pipelineLayout,
        compute: { module, entryPoint: 'initialize', constants },
      });
      // advance or advance_pair, and their ramped-sweep variants (RAMP, router_step.wgsl), each
      // compiled when a session first needs it.
      const pipelines = this.advancePipelines;
      const advance = (paired: boolean, ramp: boolean) => {
        const entryPoint = paired ? 'advance_pair' : 'advance';
        const label = ramp ? `${entryPoint} (ramp)` : entryPoint;
        let pipeline = pipelines.get(label);
        if (!pipeline) {
          pipeline = device.createComputePipelineAsync({
            label,
            layout: pipelineLayout,
            compute: { module, entryPoint, constants: ramp ? { ...constants, RAMP: 1 } : constants },
          });
          pipelines.set(label, pipeline);
        }
        return pipeline;
      };
      return { layout, initialize, advance };
    })();
    return this.pipelines;
  }

  async open(plan: ScanPlan): Promise<RouterSession> {
    const pipelines = await this.compile();
    await pipelines.advance(pairedAdvance(plan), false);
    return new WebGpuSession(this, plan, pipelines);
  }

  dispose(): void {
    this.release();
  }
}

class WebGpuSession implements RouterSession {
  readonly routers: number;
  /** the device this session's buffers live on (the engine may replace its device later) */
  private readonly device: GPUDevice;
  private readonly uniforms: GPUBuffer;
  private readonly cells: GPUBuffer;
  private readonly state: GPUBuffer;
  private readonly tallies: GPUBuffer;
  private readonly bindGroup: GPUBindGroup;
  private readonly key: [number, number];
  private readonly chunker: DispatchChunker;
  /** some cell ramps h (hRate != 0): advance runs the RAMP pipeline */
  private ramping = false;
  /** advance_pair, two routers per invocation, rather than advance (pairedAdvance) */
  private readonly paired: boolean;

  constructor(
    private readonly engine: WebGpuEngine,
    private readonly plan: ScanPlan,
    private readonly pipelines: RouterPipelines,
  ) {
    const { device } = engine;
    this.device = device;
    this.routers = routerCount(plan);
    this.key = seedKey(plan.seed);
    this.paired = pairedAdvance(plan);
    this.uniforms = device.createBuffer({ label: 'params', size: uniformSizeOf(PARAMS), usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.cells = device.createBuffer({
      label: 'cells',
      size: plan.cells.length * strideOf(CELL),
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    this.state = device.createBuffer({
      label: 'state',
      size: this.routers * STATE_BYTES,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    this.tallies = device.createBuffer({
      label: 'tallies',
      size: this.routers * TALLY_BYTES,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    this.bindGroup = device.createBindGroup({
      layout: pipelines.layout,
      entries: bindGroupEntries(ROUTER_BINDINGS, { params: this.uniforms, cells: this.cells, state: this.state, tallies: this.tallies }),
    });
    this.writeCells(plan.cells);
    // slices of whole workgroups of invocations
    this.chunker = new DispatchChunker(this.routers, this.routersPerInvocation * engine.workgroupSize, engine.options, {
      preferredSteps: PREFERRED_STEPS,
      probe: 65536,
      maxSteps: this.maxStepsPerDispatch(),
    });
  }

  async restore(readout: RouterReadout): Promise<void> {
    const n = this.routers;
    checkReadout(readout, n);
    const { queue } = this.device;
    queue.writeBuffer(this.state, 0, packColumns(STATE, readout, n)); // y came from f32: exact
    queue.writeBuffer(this.tallies, 0, packColumns(TALLY, tallyColumns(readout), n));
    await queue.onSubmittedWorkDone();
  }

  private writeCells(cells: readonly RouterCell[]): void {
    if (cells.length !== this.plan.cells.length) {
      throw new Error(`setCells: expected ${this.plan.cells.length} cells, got ${cells.length}`);
    }
    this.device.queue.writeBuffer(this.cells, 0, packStructs(CELL, cells));
    this.ramping = cells.some((c) => c.hRate !== 0);
  }

  async setCells(cells: readonly RouterCell[]): Promise<void> {
    this.writeCells(cells);
  }

  /** routers one invocation of advance runs */
  private get routersPerInvocation(): number {
    return this.paired ? 2 : 1;
  }

  private dispatch(pipeline: GPUComputePipeline, d: DispatchRange, routersPerInvocation = 1): void {
    const plan = {
      seedKey: this.key,
      firstRouter: this.plan.firstRouter ?? 0,
      replicates: this.plan.replicates,
      tokenMode: this.plan.tokenMode === true,
    };
    submitRouterDispatch(this.device, pipeline, this.bindGroup, this.uniforms, this.engine.workgroupSize, plan, d, routersPerInvocation);
  }

  async initialize(): Promise<void> {
    this.dispatch(this.pipelines.initialize, { slotBegin: 0, slotEnd: this.routers, stepBegin: 0, stepEnd: 0, windowBegin: 0 });
    await this.device.queue.onSubmittedWorkDone();
  }

  async resetTallies(): Promise<void> {
    const encoder = this.device.createCommandEncoder();
    encoder.clearBuffer(this.tallies);
    this.device.queue.submit([encoder.finish()]);
  }

  /**
   * Steps per dispatch that keep an invocation's loop iterations within LOOP_ITERATION_BUDGET
   * (token mode: B per step). advance_pair runs at most one iteration per attempt of either of
   * its routers (every iteration settles one attempt at least): twice advance's.
   */
  private maxStepsPerDispatch(): number {
    const perStep = this.routersPerInvocation * (this.plan.tokenMode ? Math.max(...this.plan.cells.map((c) => c.B)) + 2 : ITERATIONS_PER_STEP);
    return Math.max(1, Math.floor(LOOP_ITERATION_BUDGET / perStep));
  }

  async advance(range: StepRange, onRouterSteps?: (done: number) => void): Promise<void> {
    const pipeline = await this.pipelines.advance(this.paired, this.ramping);
    await this.chunker.advance(
      range,
      async (d) => {
        this.dispatch(pipeline, d, this.routersPerInvocation);
        await this.device.queue.onSubmittedWorkDone();
      },
      onRouterSteps,
    );
  }

  async read(): Promise<RouterReadout> {
    const { device } = this;
    const stateBytes = this.routers * STATE_BYTES;
    const tallyBytes = this.routers * TALLY_BYTES;
    const staging = device.createBuffer({
      label: 'readback',
      size: stateBytes + tallyBytes,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const encoder = device.createCommandEncoder();
    encoder.copyBufferToBuffer(this.state, 0, staging, 0, stateBytes);
    encoder.copyBufferToBuffer(this.tallies, 0, staging, stateBytes, tallyBytes);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const mapped = staging.getMappedRange();
    const state = unpackStructs(STATE, mapped, this.routers);
    const tallies = unpackStructs(TALLY, mapped, this.routers, stateBytes);
    staging.unmap();
    staging.destroy();
    return { ...state, ...tallyReadout(tallies) };
  }

  close(): void {
    for (const buffer of [this.uniforms, this.cells, this.state, this.tallies]) buffer.destroy();
  }
}

/**
 * The adapter's highest limits that matter to the engine (bigger scans per session):
 * what Node (src/node/gpu.ts) and the page (web/src/gpu.ts) ask of a device.
 */
export function requiredLimits(adapter: GPUAdapter): Record<string, number> {
  const names = [
    'maxStorageBufferBindingSize',
    'maxBufferSize',
    'maxComputeWorkgroupsPerDimension',
    'maxComputeInvocationsPerWorkgroup',
    'maxComputeWorkgroupSizeX',
    'maxStorageBuffersPerShaderStage',
  ] as const;
  return Object.fromEntries(names.map((n) => [n, adapter.limits[n]]));
}
