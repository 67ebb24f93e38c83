// The N-expert WebGPU engine: shaders/router_n.wgsl on any GPUDevice, one pipeline per N
// (N is a compile-time constant of the kernel). Dispatches cover a slice of routers over a run
// of steps, sized from measured cost to about targetDispatchMs; results are bit-identical for
// any split, since a router's words depend only on (seed, router, step). The CPU twin is
// CpuExpertEngine (experts-cpu.ts).

import {
  capacityTokens,
  checkExpertReadout,
  newExpertReadout,
  validateExpertCell,
  validateExpertPlan,
  type ExpertCell,
  type ExpertEngine,
  type ExpertPlan,
  type ExpertReadout,
  type ExpertSession,
  type ExpertStepRange,
} from './experts.js';
import { EXPERT_BINDINGS, bindGroupEntries, compileModule, createLayouts, expertShaderSource } from './kernels.js';
import { EXPERT_CELL, PARAMS, packStructs, strideOf, uniformSizeOf } from './layout.js';
import { seedKey } from './threefry.js';
import { DispatchChunker, LOOP_ITERATION_BUDGET, submitRouterDispatch, type ChunkOptions, type DispatchRange } from './dispatch.js';

export interface ExpertEngineOptions extends ChunkOptions {
  workgroupSize?: number;
}

interface Pipelines {
  layout: GPUBindGroupLayout;
  initialize: GPUComputePipeline;
  advance: GPUComputePipeline;
}

const TWO_32 = 4294967296;
const BIAS_CODE = { off: 0, linear: 1, sign: 2 } as const;

/** Words per router of the tallies: (lo, hi) of N count sums and 4 scalar sums. */
export const tallyWords = (N: number): number => 2 * N + 8;

export class WebGpuExpertEngine implements ExpertEngine {
  private readonly pipelines = new Map<number, Promise<Pipelines>>();
  readonly workgroupSize: number;

  constructor(
    readonly device: GPUDevice,
    readonly info: { engine: 'webgpu'; adapter: string; backend: string },
    readonly options: ExpertEngineOptions = {},
  ) {
    const limits = device.limits;
    this.workgroupSize = Math.min(options.workgroupSize ?? 64, limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX);
  }

  maxRoutersAt(N: number): number {
    const limits = this.device.limits;
    const bytes = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
    return Math.floor(bytes / (4 * Math.max(2 * N, tallyWords(N))));
  }

  private compile(N: number): Promise<Pipelines> {
    let p = this.pipelines.get(N);
    if (!p) {
      p = (async () => {
        const { device } = this;
        const module = await compileModule(device, expertShaderSource(N), `router_n.wgsl (N = ${N})`);
        const { group: layout, pipeline } = createLayouts(device, EXPERT_BINDINGS, 'expert router bindings');
        const constants = { WORKGROUP_SIZE: this.workgroupSize };
        const [initialize, advance] = await Promise.all(
          ['initialize', 'advance'].map((entryPoint) =>
            device.createComputePipelineAsync({ label: `${entryPoint} N=${N}`, layout: pipeline, compute: { module, entryPoint, constants } }),
          ),
        );
        return { layout, initialize, advance };
      })();
      this.pipelines.set(N, p);
    }
    return p;
  }

  async open(plan: ExpertPlan): Promise<ExpertSession> {
    validateExpertPlan(plan, this.maxRoutersAt(plan.N));
    return new WebGpuExpertSession(this, plan, await this.compile(plan.N));
  }
}

class WebGpuExpertSession implements ExpertSession {
  readonly routers: number;
  readonly N: number;
  private readonly uniforms: GPUBuffer;
  private readonly cells: GPUBuffer;
  private readonly vectors: GPUBuffer;
  private readonly state: GPUBuffer;
  private readonly tallies: GPUBuffer;
  private readonly bindGroup: GPUBindGroup;
  private readonly key: [number, number];
  private readonly chunker: DispatchChunker;

  constructor(
    private readonly engine: WebGpuExpertEngine,
    private readonly plan: ExpertPlan,
    private readonly pipelines: Pipelines,
  ) {
    const { device } = engine;
    const N = plan.N;
    this.N = N;
    this.routers = plan.cells.length * plan.replicates;
    this.key = seedKey(plan.seed);
    const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
    this.uniforms = device.createBuffer({ label: 'params', size: uniformSizeOf(PARAMS), usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.cells = device.createBuffer({ label: 'expert cells', size: plan.cells.length * strideOf(EXPERT_CELL), usage: storage });
    this.vectors = device.createBuffer({ label: 'expert vectors', size: plan.cells.length * 2 * N * 4, usage: storage });
    this.state = device.createBuffer({ label: 'expert state', size: this.routers * 2 * N * 4, usage: storage | GPUBufferUsage.COPY_SRC });
    this.tallies = device.createBuffer({ label: 'expert tallies', size: this.routers * tallyWords(N) * 4, usage: storage | GPUBufferUsage.COPY_SRC });
    this.bindGroup = device.createBindGroup({
      layout: pipelines.layout,
      entries: bindGroupEntries(EXPERT_BINDINGS, {
        params: this.uniforms,
        cells: this.cells,
        vectors: this.vectors,
        state: this.state,
        tallies: this.tallies,
      }),
    });
    this.writeCells(plan.cells);
    // llvmpipe's cap on loop iterations per invocation (dispatch.ts): a step runs ~4 N
    // iterations of its loops over experts and N - 1 binomials of ~12 iterations each
    this.chunker = new DispatchChunker(this.routers, engine.workgroupSize, engine.options, {
      preferredSteps: 64,
      probe: 16384,
      maxSteps: Math.max(1, Math.floor(LOOP_ITERATION_BUDGET / (16 * N))),
    });
  }

  private writeCells(cells: readonly ExpertCell[]): void {
    const { N } = this;
    if (cells.length !== this.plan.cells.length) throw new Error(`setCells: expected ${this.plan.cells.length} cells, got ${cells.length}`);
    cells.forEach((c, i) => validateExpertCell(c, N, `cells[${i}]`)); // a list of the wrong length would spill into its neighbour's
    const records = cells.map((c) => ({
      a: c.a,
      rho: c.rho,
      T: c.T,
      gamma: c.gamma,
      eta: c.eta,
      asym: c.asym,
      bias_rate: c.biasRate,
      B: c.B,
      capacity: capacityTokens(c, N),
      bias_mode: BIAS_CODE[c.biasMode],
    }));
    const vectors = new Float32Array(cells.length * 2 * N);
    cells.forEach((c, i) => {
      vectors.set(c.b, i * 2 * N);
      vectors.set(c.r0, i * 2 * N + N);
    });
    this.engine.device.queue.writeBuffer(this.cells, 0, packStructs(EXPERT_CELL, records));
    this.engine.device.queue.writeBuffer(this.vectors, 0, vectors);
  }

  async setCells(cells: readonly ExpertCell[]): Promise<void> {
    this.writeCells(cells);
  }

  private dispatch(pipeline: GPUComputePipeline, d: DispatchRange): void {
    const plan = { seedKey: this.key, firstRouter: this.plan.firstRouter ?? 0, replicates: this.plan.replicates, tokenMode: false };
    submitRouterDispatch(this.engine.device, pipeline, this.bindGroup, this.uniforms, this.engine.workgroupSize, plan, d);
  }

  async initialize(): Promise<void> {
    this.dispatch(this.pipelines.initialize, { slotBegin: 0, slotEnd: this.routers, stepBegin: 0, stepEnd: 0, windowBegin: 0 });
    await this.engine.device.queue.onSubmittedWorkDone();
  }

  async resetTallies(): Promise<void> {
    const encoder = this.engine.device.createCommandEncoder();
    encoder.clearBuffer(this.tallies);
    this.engine.device.queue.submit([encoder.finish()]);
  }

  async advance(range: ExpertStepRange, onRouterSteps?: (done: number) => void): Promise<void> {
    await this.chunker.advance(
      range,
      async (d) => {
        this.dispatch(this.pipelines.advance, d);
        await this.engine.device.queue.onSubmittedWorkDone();
      },
      onRouterSteps,
    );
  }

  async read(): Promise<ExpertReadout> {
    const { device } = this.engine;
    const { N, routers } = this;
    const stateBytes = routers * 2 * N * 4;
    const tallyBytes = routers * tallyWords(N) * 4;
    const staging = device.createBuffer({
      label: 'expert readback',
      size: stateBytes + tallyBytes,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const encoder = device.createCommandEncoder();
    encoder.copyBufferToBuffer(this.state, 0, staging, 0, stateBytes);
    encoder.copyBufferToBuffer(this.tallies, 0, staging, stateBytes, tallyBytes);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const mapped = staging.getMappedRange();
    const state = new Float32Array(mapped, 0, routers * 2 * N);
    const words = new Uint32Array(mapped, stateBytes, routers * tallyWords(N));
    const out = newExpertReadout(routers, N);
    const tw = tallyWords(N);
    const u64 = (at: number) => words[at] + words[at + 1] * TWO_32;
    for (let i = 0; i < routers; i++) {
      for (let j = 0; j < N; j++) {
        out.r[i * N + j] = state[i * 2 * N + j];
        out.beta[i * N + j] = state[i * 2 * N + N + j];
        out.counts[i * N + j] = u64(i * tw + 2 * j);
      }
      out.maxCount[i] = u64(i * tw + 2 * N);
      out.sqCount[i] = u64(i * tw + 2 * N + 2);
      out.dead[i] = u64(i * tw + 2 * N + 4);
      out.dropped[i] = u64(i * tw + 2 * N + 6);
    }
    staging.unmap();
    staging.destroy();
    return out;
  }

  async restore(readout: ExpertReadout): Promise<void> {
    const { N, routers } = this;
    checkExpertReadout(readout, routers, N);
    const state = new Float32Array(routers * 2 * N);
    const tw = tallyWords(N);
    const words = new Uint32Array(routers * tw);
    const put = (at: number, v: number) => {
      words[at] = v % TWO_32;
      words[at + 1] = Math.floor(v / TWO_32);
    };
    for (let i = 0; i < routers; i++) {
      for (let j = 0; j < N; j++) {
        state[i * 2 * N + j] = readout.r[i * N + j];
        state[i * 2 * N + N + j] = readout.beta[i * N + j];
        put(i * tw + 2 * j, readout.counts[i * N + j]);
      }
      put(i * tw + 2 * N, readout.maxCount[i]);
      put(i * tw + 2 * N + 2, readout.sqCount[i]);
      put(i * tw + 2 * N + 4, readout.dead[i]);
      put(i * tw + 2 * N + 6, readout.dropped[i]);
    }
    const { queue } = this.engine.device;
    queue.writeBuffer(this.state, 0, state);
    queue.writeBuffer(this.tallies, 0, words);
    await queue.onSubmittedWorkDone();
  }

  close(): void {
    for (const b of [this.uniforms, this.cells, this.vectors, this.state, this.tallies]) b.destroy();
  }
}
