// The WebGPU training engine: the trainable MoE models of MODEL.md section 6 on any GPUDevice,
// shaders/train_regression.wgsl (smooth, hard: one model per invocation, its parameters in
// registers) and shaders/train_digits.wgsl (one workgroup per model: rows, then parameters, in
// parallel). The f64 twins are smooth.ts, hard.ts and digits.ts (CpuTrainingEngine); the
// kernels run the same streams (init words, minibatch rows: integer-exact) in f32.
// A train call's steps are cut into dispatches of a slice of models over a run of steps
// (DispatchChunker, about targetDispatchMs each, below llvmpipe's loop cap); the state of a
// model is its parameters alone and the step index a uniform, so any split gives bit-identical
// parameters. Data sets are uploaded once per session as f32 (digits pixels k/16 are exact).

import { type ChunkOptions, type DispatchRange, DispatchChunker, LOOP_ITERATION_BUDGET } from '../dispatch.js';
import {
  type Bindings,
  bindGroupEntries,
  compileModule,
  createLayouts,
  digitsKernelIterations,
  digitsGeometry,
  dispatchGrid,
  TRAIN_DIGITS_BINDINGS,
  TRAIN_REGRESSION_BINDINGS,
  trainDigitsShaderSource,
  trainRegressionShaderSource,
} from '../kernels.js';
import { packStructs, packUniform, strideOf, TRAIN_CELL, TRAIN_PARAMS, uniformSizeOf } from '../layout.js';
import { seedKey } from '../threefry.js';
import { DIGITS_CLASSES, DIGITS_DIM, digitsLayout } from './digits.js';
import {
  checkStepRange,
  checkTrainingPlan,
  newEvaluation,
  type TrainingArch,
  type TrainingCell,
  type TrainingEngine,
  type TrainingEvaluation,
  type TrainingPlan,
  type TrainingSession,
} from './engine.js';
import { HARD, HARD_SIZE } from './hard.js';
import { SMOOTH, SMOOTH_SIZE } from './smooth.js';
import { checkRouting, type ClassData, type RegressionData } from './types.js';

export interface WebGpuTrainingOptions {
  /** adaptive chunking aims at dispatches of about this many milliseconds (default 30) */
  targetDispatchMs?: number;
  /** fixed steps per dispatch (capped by the loop budget); adaptive when absent */
  stepsPerDispatch?: number;
  /** fixed models per dispatch; adaptive when absent */
  modelsPerDispatch?: number;
  /** digits: invocations per workgroup (8, 16, 32, 64) and batch rows per invocation (digitsGeometry in kernels.ts) */
  digitsWorkgroupSize?: number;
  digitsRowsPerInvocation?: number;
}

/** Rows per invocation of the regression evaluation (partials added on the host in f64). */
const REGRESSION_EVAL_ROWS = 256;
/** Workgroup size of the regression kernels (models per workgroup). */
const REGRESSION_WG = 64;
/** The training row count n is limited as in streams.ts (batchRows). */
const MAX_TRAIN_ROWS = 0x100000;

interface Pipelines {
  readonly layout: GPUBindGroupLayout;
  readonly initialize: GPUComputePipeline;
  readonly train: GPUComputePipeline;
  readonly evaluate: GPUComputePipeline;
  readonly batchRows: GPUComputePipeline;
}

/** What a session's kernel is: its shape, for dispatches and llvmpipe's loop budget. */
interface KernelShape {
  readonly bindings: Bindings;
  readonly label: string;
  /** digits: compile-time constants; regression: the KIND and ROUTER_BIAS overrides */
  readonly source: () => string;
  readonly constants: Record<string, number>;
  /** models per workgroup in initialize and train (1: a workgroup per model) */
  readonly modelsPerGroup: number;
  /** loop iterations one invocation runs per step (an upper bound) */
  readonly iterationsPerStep: number;
  /** evaluation rows per chunk (an invocation or a workgroup) */
  readonly evalRows: number;
  readonly preferredSteps: number;
  readonly probe: number;
}

/** CPU adapters (their descriptions): the digits kernel blocks rows per invocation, and the loop cap applies. */
const CPU_ADAPTER = /llvmpipe|swiftshader|lavapipe|softpipe/i;

function kernelShape(arch: TrainingArch, workgroupBytes: number, cpu: boolean, options: WebGpuTrainingOptions): KernelShape {
  if (arch.kind === 'digits') {
    const g = digitsGeometry(arch.hidden, arch.experts, arch.batch, workgroupBytes, cpu, {
      wg: options.digitsWorkgroupSize,
      rows: options.digitsRowsPerInvocation,
    });
    const iterations = digitsKernelIterations(g, arch.batch);
    const tile = g.wg * g.rows;
    return {
      bindings: TRAIN_DIGITS_BINDINGS,
      label: `train_digits.wgsl (H = ${g.hidden}, ${g.experts} experts, WG = ${g.wg}, ROWS = ${g.rows})`,
      source: () => trainDigitsShaderSource(g),
      constants: {},
      modelsPerGroup: 1,
      iterationsPerStep: iterations.perStep,
      evalRows: tile * Math.max(1, Math.min(16, Math.floor(LOOP_ITERATION_BUDGET / iterations.perEvalTile))),
      preferredSteps: 64,
      probe: 512,
    };
  }
  const hard = arch.kind === 'hard';
  return {
    bindings: TRAIN_REGRESSION_BINDINGS,
    label: `train_regression.wgsl (${arch.kind}${hard && arch.routerBias ? ', router bias' : ''})`,
    source: trainRegressionShaderSource,
    constants: { KIND: hard ? 1 : 0, ROUTER_BIAS: hard && arch.routerBias ? 1 : 0, WORKGROUP_SIZE: REGRESSION_WG },
    modelsPerGroup: REGRESSION_WG,
    iterationsPerStep: 2 * arch.batch + 1, // the rows, and hard's penalty pass
    evalRows: REGRESSION_EVAL_ROWS,
    preferredSteps: 256,
    probe: 32768,
  };
}

/** Parameters per model of an architecture (the twins' flat layouts). */
export function trainingSize(arch: TrainingArch): number {
  if (arch.kind === 'smooth') return SMOOTH_SIZE;
  if (arch.kind === 'hard') return HARD_SIZE;
  return digitsLayout(arch.hidden, arch.experts).size;
}

function chunkOptions(o: WebGpuTrainingOptions, maxSteps: number): ChunkOptions {
  const out: ChunkOptions = {};
  if (o.targetDispatchMs !== undefined) out.targetDispatchMs = o.targetDispatchMs;
  if (o.stepsPerDispatch !== undefined) out.stepsPerDispatch = Math.max(1, Math.min(o.stepsPerDispatch, maxSteps));
  if (o.modelsPerDispatch !== undefined) out.routersPerDispatch = o.modelsPerDispatch;
  return out;
}

function checkCell(cell: TrainingCell, at: string): void {
  checkRouting(at, cell.T, cell.h, cell.lambdaLb);
  if (!(cell.lr > 0) || !Number.isFinite(cell.lr)) throw new RangeError(`${at}: lr must be finite and > 0 (got ${cell.lr})`);
  if (!(cell.routerL2 >= 0) || !Number.isFinite(cell.routerL2))
    throw new RangeError(`${at}: routerL2 must be finite and >= 0 (got ${cell.routerL2})`);
}

export class WebGpuTrainingEngine implements TrainingEngine {
  private readonly pipelines = new Map<string, Promise<Pipelines>>();

  constructor(
    readonly device: GPUDevice,
    readonly info: { engine: 'webgpu'; adapter: string; backend: string },
    readonly options: WebGpuTrainingOptions = {},
  ) {}

  private compile(shape: KernelShape): Promise<Pipelines> {
    const key = `${shape.label} ${JSON.stringify(shape.constants)}`;
    let p = this.pipelines.get(key);
    if (!p) {
      p = (async () => {
        const { device } = this;
        const module = await compileModule(device, shape.source(), shape.label);
        const { group: layout, pipeline } = createLayouts(device, shape.bindings, `${shape.label} bindings`);
        const make = (entryPoint: string) =>
          device.createComputePipelineAsync({
            label: `${shape.label} ${entryPoint}`,
            layout: pipeline,
            compute: { module, entryPoint, constants: shape.constants },
          });
        const [initialize, train, evaluate, batchRows] = await Promise.all(['initialize', 'train', 'evaluate', 'batch_rows'].map(make));
        return { layout, initialize, train, evaluate, batchRows };
      })();
      this.pipelines.set(key, p);
    }
    return p;
  }

  async open(plan: TrainingPlan): Promise<WebGpuTrainingSession> {
    checkTrainingPlan(plan);
    plan.cells.forEach((c, i) => checkCell(c, `cells[${i}]`));
    const { arch } = plan;
    const n = plan.train.count;
    if (!Number.isInteger(n) || n < 1 || n > MAX_TRAIN_ROWS) throw new RangeError(`training rows must be in 1..2^20 (got ${n})`);
    if (arch.kind === 'digits' && !(Number.isInteger(arch.hidden) && arch.hidden >= 1 && arch.hidden <= 256)) {
      throw new RangeError(`digits: hidden must be an integer in 1..256 on the GPU (got ${arch.hidden})`);
    }
    const cpu = CPU_ADAPTER.test(this.info.adapter);
    const shape = kernelShape(arch, this.device.limits.maxComputeWorkgroupStorageSize, cpu, this.options);
    // llvmpipe's loop cap (dispatch.ts) would silently end a step early; a GPU runs one step per dispatch
    if (cpu && shape.iterationsPerStep > LOOP_ITERATION_BUDGET) {
      throw new RangeError(
        `batch ${arch.batch}: one step runs up to ${shape.iterationsPerStep} loop iterations, above llvmpipe's budget ${LOOP_ITERATION_BUDGET}`,
      );
    }
    const models = plan.cells.length * plan.replicates;
    const limit = Math.min(this.device.limits.maxStorageBufferBindingSize, this.device.limits.maxBufferSize);
    if (models * trainingSize(arch) * 4 > limit)
      throw new RangeError(`${models} models of ${trainingSize(arch)} parameters exceed the device's buffer size`);
    return new WebGpuTrainingSession(this, plan, shape, await this.compile(shape));
  }
}

/** An evaluation set's place in the data buffers and its chunks. */
interface SetPlace {
  readonly base: number;
  readonly rows: number;
  readonly chunks: number;
}

export class WebGpuTrainingSession implements TrainingSession {
  readonly models: number;
  readonly size: number;
  private cells: readonly TrainingCell[];
  private readonly key: [number, number];
  private readonly chunker: DispatchChunker;
  private readonly uniforms: GPUBuffer;
  private readonly cellBuffer: GPUBuffer;
  private readonly weights: GPUBuffer;
  private readonly data: GPUBuffer[];
  private readonly out: GPUBuffer;
  private readonly bindGroup: GPUBindGroup;
  private readonly sets: SetPlace[] = [];

  constructor(
    private readonly engine: WebGpuTrainingEngine,
    private readonly plan: TrainingPlan,
    private readonly shape: KernelShape,
    private readonly pipelines: Pipelines,
  ) {
    const { device } = engine;
    this.models = plan.cells.length * plan.replicates;
    this.size = trainingSize(plan.arch);
    this.cells = plan.cells;
    this.key = seedKey(plan.seed);
    const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
    this.uniforms = device.createBuffer({
      label: 'train params',
      size: uniformSizeOf(TRAIN_PARAMS),
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    this.cellBuffer = device.createBuffer({ label: 'train cells', size: plan.cells.length * strideOf(TRAIN_CELL), usage: storage });
    this.weights = device.createBuffer({ label: 'train weights', size: this.models * this.size * 4, usage: storage | GPUBufferUsage.COPY_SRC });
    // the data: the training rows first (set_base 0), then each evaluation set
    let base = plan.train.count;
    for (const set of plan.evaluation) {
      this.sets.push({ base, rows: set.count, chunks: Math.ceil(set.count / shape.evalRows) });
      base += set.count;
    }
    const all = [plan.train, ...plan.evaluation];
    this.data = plan.arch.kind === 'digits' ? this.uploadDigits(all as ClassData[], base) : this.uploadRegression(all as RegressionData[], base);
    const chunks = Math.max(1, ...this.sets.map((s) => s.chunks));
    this.out = device.createBuffer({
      label: 'train evaluation',
      size: this.models * chunks * 16,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
    });
    this.bindGroup = this.makeBindGroup(this.out);
    this.writeCells(plan.cells);
    const maxSteps = Math.max(1, Math.floor(LOOP_ITERATION_BUDGET / shape.iterationsPerStep));
    this.chunker = new DispatchChunker(this.models, shape.modelsPerGroup, chunkOptions(engine.options, maxSteps), {
      preferredSteps: shape.preferredSteps,
      probe: shape.probe,
      maxSteps,
    });
  }

  private buffer(label: string, values: Float32Array<ArrayBuffer> | Uint32Array<ArrayBuffer>): GPUBuffer {
    const b = this.engine.device.createBuffer({
      label,
      size: Math.max(4, values.byteLength),
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    this.engine.device.queue.writeBuffer(b, 0, values);
    return b;
  }

  private uploadRegression(sets: RegressionData[], rows: number): GPUBuffer[] {
    const samples = new Float32Array(2 * rows);
    let at = 0;
    for (const set of sets) {
      for (let i = 0; i < set.count; i++, at++) {
        samples[2 * at] = set.x[i];
        samples[2 * at + 1] = set.y[i];
      }
    }
    return [this.buffer('train samples', samples)];
  }

  private uploadDigits(sets: ClassData[], rows: number): GPUBuffer[] {
    const pixels = new Float32Array(rows * DIGITS_DIM);
    const labels = new Uint32Array(rows);
    let at = 0;
    for (const set of sets) {
      if (set.dim !== DIGITS_DIM || set.classes !== DIGITS_CLASSES)
        throw new RangeError(`digits: data must have ${DIGITS_DIM} features and ${DIGITS_CLASSES} classes`);
      pixels.set(set.x.subarray(0, set.count * DIGITS_DIM), at * DIGITS_DIM);
      labels.set(set.labels.subarray(0, set.count), at);
      at += set.count;
    }
    return [this.buffer('train pixels', pixels), this.buffer('train labels', labels)];
  }

  private makeBindGroup(out: GPUBuffer): GPUBindGroup {
    const [first, second] = this.data;
    const buffers =
      this.plan.arch.kind === 'digits'
        ? { params: this.uniforms, cells: this.cellBuffer, weights: this.weights, pixels: first, labels: second, out }
        : { params: this.uniforms, cells: this.cellBuffer, weights: this.weights, samples: first, out };
    return this.engine.device.createBindGroup({
      layout: this.pipelines.layout,
      entries: bindGroupEntries(this.shape.bindings, buffers as Record<string, GPUBuffer>),
    });
  }

  private writeCells(cells: readonly TrainingCell[]): void {
    if (cells.length !== this.plan.cells.length) throw new RangeError(`setCells: ${cells.length} cells, the session has ${this.plan.cells.length}`);
    cells.forEach((c, i) => checkCell(c, `cells[${i}]`));
    const records = cells.map((c) => ({ h: c.h, inv_t: 1 / c.T, lambda_lb: c.lambdaLb, router_l2: c.routerL2, lr: c.lr }));
    this.engine.device.queue.writeBuffer(this.cellBuffer, 0, packStructs(TRAIN_CELL, records));
    this.cells = cells;
  }

  /** Writes the uniforms (defaults: every model, no steps, no set) and submits one pass over `count` indices, `perGroup` per workgroup. */
  private submit(
    pipeline: GPUComputePipeline,
    count: number,
    perGroup: number,
    fields: Partial<Record<string, number>>,
    bindGroup = this.bindGroup,
  ): void {
    const { device } = this.engine;
    const grid = dispatchGrid(count, perGroup, device.limits.maxComputeWorkgroupsPerDimension);
    const { arch } = this.plan;
    const record = {
      seed_lo: this.key[0],
      seed_hi: this.key[1],
      model_offset: this.plan.firstModel ?? 0,
      model_begin: 0,
      model_end: this.models,
      replicates: this.plan.replicates,
      step_begin: 0,
      step_end: 0,
      batch: arch.batch,
      train_rows: this.plan.train.count,
      row_stride: grid.rowStride,
      set_base: 0,
      set_rows: 0,
      chunk_rows: this.shape.evalRows,
      chunks: 1,
      init_scale: arch.kind === 'digits' ? 1 / Math.sqrt(DIGITS_DIM) : arch.initScale,
      init_scale2: arch.kind === 'digits' ? 1 / Math.sqrt(arch.hidden) : 0,
      inv_batch: 1 / arch.batch,
      experts: arch.experts,
      hidden: arch.hidden,
      classes: DIGITS_CLASSES,
      ...fields,
    };
    device.queue.writeBuffer(this.uniforms, 0, packUniform(TRAIN_PARAMS, record));
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(grid.x, grid.y);
    pass.end();
    device.queue.submit([encoder.finish()]);
  }

  /** Copies byte ranges of buffers into one staging buffer and returns them as f32 views. */
  private async read(parts: readonly { buffer: GPUBuffer; bytes: number }[]): Promise<Float32Array[]> {
    const { device } = this.engine;
    const total = parts.reduce((s, p) => s + p.bytes, 0);
    const staging = device.createBuffer({
      label: 'train readback',
      size: Math.max(4, total),
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const encoder = device.createCommandEncoder();
    let at = 0;
    for (const p of parts) {
      if (p.bytes > 0) encoder.copyBufferToBuffer(p.buffer, 0, staging, at, p.bytes);
      at += p.bytes;
    }
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const mapped = staging.getMappedRange();
    at = 0;
    const out = parts.map((p) => {
      const copy = new Float32Array(p.bytes / 4);
      copy.set(new Float32Array(mapped, at, p.bytes / 4));
      at += p.bytes;
      return copy;
    });
    staging.unmap();
    staging.destroy();
    return out;
  }

  async initialize(): Promise<void> {
    this.submit(this.pipelines.initialize, this.models, this.shape.modelsPerGroup, {});
    await this.engine.device.queue.onSubmittedWorkDone();
  }

  async setCells(cells: readonly TrainingCell[]): Promise<void> {
    this.writeCells(cells);
  }

  async train(from: number, to: number, onModelSteps?: (done: number) => void): Promise<void> {
    checkStepRange(from, to);
    if (to === from) return;
    const run = async (d: DispatchRange) => {
      const fields = { model_begin: d.slotBegin, model_end: d.slotEnd, step_begin: d.stepBegin, step_end: d.stepEnd };
      this.submit(this.pipelines.train, d.slotEnd - d.slotBegin, this.shape.modelsPerGroup, fields);
      await this.engine.device.queue.onSubmittedWorkDone();
    };
    await this.chunker.advance({ stepBegin: from, stepEnd: to, windowBegin: 0 }, run, onModelSteps);
  }

  async evaluate(set: number): Promise<TrainingEvaluation> {
    const place = this.sets[set];
    if (!place) throw new RangeError(`evaluate: no evaluation set ${set}`);
    const { models } = this;
    const { chunks, rows } = place;
    const perGroup = this.plan.arch.kind === 'digits' ? 1 : REGRESSION_WG;
    this.submit(this.pipelines.evaluate, models * chunks, perGroup, { set_base: place.base, set_rows: rows, chunks });
    const regression = this.plan.arch.kind !== 'digits';
    const [partials, weights] = await this.read([
      { buffer: this.out, bytes: models * chunks * 16 },
      { buffer: this.weights, bytes: regression ? models * this.size * 4 : 0 },
    ]);
    const out = newEvaluation(models);
    const routed = this.plan.arch.kind !== 'digits' || this.plan.arch.experts === 2;
    for (let m = 0; m < models; m++) {
      let loss = 0;
      let sumP = 0;
      let first = 0;
      let correct = 0;
      for (let c = 0; c < chunks; c++) {
        const at = 4 * (m * chunks + c);
        loss += partials[at];
        sumP += partials[at + 1];
        first += partials[at + 2];
        correct += partials[at + 3];
      }
      out.loss[m] = loss / rows;
      out.mse[m] = regression ? loss / rows : Number.NaN;
      out.accuracy[m] = regression ? Number.NaN : correct / rows;
      out.load[m] = routed ? (2 * first) / rows - 1 : Number.NaN;
      out.importance[m] = routed ? (2 * sumP) / rows - 1 : Number.NaN;
      out.boundary[m] = regression
        ? this.boundary(weights.subarray(m * this.size, (m + 1) * this.size), this.cells[Math.floor(m / this.plan.replicates)])
        : Number.NaN;
    }
    return out;
  }

  /** The router's decision boundary x* of a regression model, as the twins' evaluate computes it. */
  private boundary(p: Float32Array, cell: TrainingCell): number {
    if (this.plan.arch.kind === 'smooth') return -(p[SMOOTH.beta] + cell.h) / p[SMOOTH.alpha];
    return -(p[HARD.c1] - p[HARD.c2] + cell.h) / (p[HARD.w1] - p[HARD.w2]);
  }

  async readParams(): Promise<Float64Array> {
    const [weights] = await this.read([{ buffer: this.weights, bytes: this.models * this.size * 4 }]);
    return Float64Array.from(weights);
  }

  async restore(params: Float64Array): Promise<void> {
    if (params.length !== this.models * this.size) throw new RangeError(`restore: ${params.length} values, the session ${this.models * this.size}`);
    const { queue } = this.engine.device;
    queue.writeBuffer(this.weights, 0, Float32Array.from(params));
    await queue.onSubmittedWorkDone();
  }

  /** Test-only: the minibatch rows of step `step` of models [0, count), model-major (batch_rows in train_common.wgsl). */
  async batchRows(step: number, count = this.models): Promise<Uint32Array> {
    const { device } = this.engine;
    const n = count * this.plan.arch.batch;
    const out = device.createBuffer({ label: 'batch rows', size: Math.max(16, n * 4), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    this.submit(this.pipelines.batchRows, n, 64, { model_end: count, step_begin: step }, this.makeBindGroup(out));
    const [rows] = await this.read([{ buffer: out, bytes: n * 4 }]);
    out.destroy();
    return Uint32Array.from(rows);
  }

  close(): void {
    for (const b of [this.uniforms, this.cellBuffer, this.weights, this.out, ...this.data]) b.destroy();
  }
}
