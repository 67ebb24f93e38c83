// Runs the test-only kernels: those of shaders/sampler_check.wgsl (raw Threefry2x32-20
// outputs, a router's stream words, Binomial draws with either sampler, the bits of the
// shared constants) and shaders/update_check.wgsl (the router's step functions on given
// draws). Bind-group layouts and bind groups come from the kernels' binding records.
import {
  CHECK_BINDINGS,
  UPDATE_CHECK_BINDINGS,
  bindGroupEntries,
  checkShaderSource,
  compileModule,
  createLayouts,
  dispatchGrid,
  updateCheckShaderSource,
  type Bindings,
} from '../../src/core/kernels.js';
import {
  CELL,
  CHECK_PARAMS,
  TALLY,
  TALLY_FIELDS,
  UPDATE_DRAW,
  UPDATE_OUT,
  packStructs,
  packUniform,
  strideOf,
  tallyColumns,
  tallyReadout,
  uniformSizeOf,
  unpackStructs,
  type TallyReadoutField,
} from '../../src/core/layout.js';
import type { RouterCell } from '../../src/core/model.js';
import { constantWords } from '../../src/core/constants.js';
import { seedKey } from '../../src/core/threefry.js';

type CheckEntry = 'threefry_blocks' | 'stream_words' | 'binomial_draws' | 'constant_words';
type Params = Partial<Record<string, number>>;

/** One module, one explicit layout for all its entry points, a pipeline per entry point. */
class Kernel<K extends string> {
  private compiled?: Promise<{ module: GPUShaderModule; layouts: ReturnType<typeof createLayouts> }>;
  private pipelines = new Map<string, Promise<GPUComputePipeline>>();
  constructor(
    readonly device: GPUDevice,
    private readonly bindings: Bindings<K>,
    private readonly source: () => string,
    private readonly label: string,
  ) {}

  private pipeline(entryPoint: string): Promise<GPUComputePipeline> {
    this.compiled ??= (async () => ({
      module: await compileModule(this.device, this.source(), this.label),
      layouts: createLayouts(this.device, this.bindings, this.label),
    }))();
    let p = this.pipelines.get(entryPoint);
    if (!p) {
      p = this.compiled.then(({ module, layouts }) =>
        this.device.createComputePipelineAsync({ layout: layouts.pipeline, compute: { module, entryPoint } }),
      );
      this.pipelines.set(entryPoint, p);
    }
    return p;
  }

  /**
   * Runs `entryPoint` over `count` items with CheckParams `params` and the given contents of
   * the other bindings (all bindings but `check` and the outputs are inputs); returns the
   * bytes of the bindings named in `outputs`, with their sizes in bytes.
   */
  async run(
    entryPoint: string,
    count: number,
    params: Params,
    inputs: Partial<Record<K, ArrayBuffer>>,
    outputs: Partial<Record<K, number>>,
  ): Promise<Partial<Record<K, ArrayBuffer>>> {
    const { device } = this;
    const pipeline = await this.pipeline(entryPoint);
    const grid = dispatchGrid(count, 64, device.limits.maxComputeWorkgroupsPerDimension);
    const [lo, hi] = seedKey(params.seed ?? 0);
    const buffers = {} as Record<K, GPUBuffer>;
    const staging: [K, GPUBuffer, number][] = [];
    for (const name of Object.keys(this.bindings) as K[]) {
      if (this.bindings[name].kind === 'uniform') {
        buffers[name] = device.createBuffer({ size: uniformSizeOf(CHECK_PARAMS), usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
        device.queue.writeBuffer(
          buffers[name],
          0,
          packUniform(CHECK_PARAMS, {
            seed_lo: lo,
            seed_hi: hi,
            count,
            row_stride: grid.rowStride,
            n: params.n ?? 0,
            p: params.p ?? 0,
            step: params.step ?? 0,
            tag: params.tag ?? 0,
            token_mode: params.tokenMode ?? 0,
          }),
        );
        continue;
      }
      const data = inputs[name];
      const size = Math.max(16, Math.ceil((outputs[name] ?? data?.byteLength ?? 0) / 4) * 4);
      buffers[name] = device.createBuffer({ size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
      if (data) device.queue.writeBuffer(buffers[name], 0, data);
      const bytes = outputs[name];
      if (bytes !== undefined) staging.push([name, device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }), bytes]);
    }
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: bindGroupEntries(this.bindings, buffers) }));
    pass.dispatchWorkgroups(grid.x, grid.y);
    pass.end();
    for (const [name, target] of staging) encoder.copyBufferToBuffer(buffers[name], 0, target, 0, target.size);
    device.queue.submit([encoder.finish()]);
    const result: Partial<Record<K, ArrayBuffer>> = {};
    for (const [name, target, bytes] of staging) {
      await target.mapAsync(GPUMapMode.READ);
      result[name] = target.getMappedRange().slice(0, bytes);
      target.unmap();
      target.destroy();
    }
    for (const b of Object.values<GPUBuffer>(buffers)) b.destroy();
    return result;
  }
}

export class CheckKernels {
  private readonly kernel: Kernel<keyof typeof CHECK_BINDINGS & string>;
  constructor(readonly device: GPUDevice) {
    this.kernel = new Kernel(device, CHECK_BINDINGS, checkShaderSource, 'sampler_check.wgsl');
  }

  private async run(entry: CheckEntry, count: number, outWords: number, params: Params, inputs?: Uint32Array): Promise<Uint32Array> {
    const out = await this.kernel.run(entry, count, params, inputs ? { inputs: inputs.slice().buffer } : {}, { outputs: outWords * 4 });
    return new Uint32Array(out.outputs!);
  }

  /** Threefry2x32-20 of each (counter, key) case: cases are [c0, c1, k0, k1]. */
  threefryBlocks(cases: number[][]): Promise<Uint32Array> {
    return this.run('threefry_blocks', cases.length, 2 * cases.length, {}, Uint32Array.from(cases.flat()));
  }

  /** The first `words` words of routers 0..routers-1 at (seed, step, tag). */
  streamWords(seed: number, routers: number, words: number, step: number, tag: number): Promise<Uint32Array> {
    return this.run('stream_words', routers, routers * words, { seed, n: words, step, tag });
  }

  /** `count` draws of Binomial(n, p) (p rounded to f32), item i from router stream i. */
  binomialDraws(seed: number, count: number, n: number, p: number, tokenMode = false): Promise<Uint32Array> {
    return this.run('binomial_draws', count, count, { seed, n, p, tokenMode: tokenMode ? 1 : 0, step: 0, tag: 7 });
  }

  /** The bits WGSL holds for every shared constant, in the order of constantWords(). */
  constantWords(): Promise<Uint32Array> {
    return this.run('constant_words', 1, constantWords().length, {});
  }
}

/** One case of the update kernel: a cell (y starts at cell.y0), starting tallies, and the steps' draws. */
export interface UpdateCase {
  cell: RouterCell;
  start: { sumN1: number; sumAbs: number; sumSq: number };
  /** per step: the sampler's draw x = min(N1, B - N1), and whether the step is inside the window */
  draws: readonly { x: number; inWindow: boolean }[];
}

/** Per step of a case, as update_check.wgsl reports it (f32 values and exact tallies as numbers). */
export type UpdateStepOut = { logit: number; q: number; y: number } & Record<TallyReadoutField, number>;

export class UpdateKernel {
  private readonly kernel: Kernel<keyof typeof UPDATE_CHECK_BINDINGS & string>;
  constructor(readonly device: GPUDevice) {
    this.kernel = new Kernel(device, UPDATE_CHECK_BINDINGS, updateCheckShaderSource, 'update_check.wgsl');
  }

  /** Runs every case through router_step; all cases must have the same number of steps. */
  async run(cases: readonly UpdateCase[]): Promise<UpdateStepOut[][]> {
    const n = cases[0]?.draws.length ?? 0;
    if (cases.some((c) => c.draws.length !== n)) throw new Error('update kernel: cases of different lengths');
    const total = cases.length * n;
    const out = await this.kernel.run(
      'update_steps',
      cases.length,
      { n },
      {
        cells: packStructs(
          CELL,
          cases.map((c) => c.cell),
        ),
        start_tallies: packStructs(
          TALLY,
          cases.map(({ start }) => tallyColumns(start)),
        ),
        draws: packStructs(
          UPDATE_DRAW,
          cases.flatMap((c) => c.draws.map((d) => ({ x: d.x, in_window: d.inWindow ? 1 : 0 }))),
        ),
      },
      { out: total * strideOf(UPDATE_OUT), out_tallies: total * strideOf(TALLY) },
    );
    const steps = unpackStructs(UPDATE_OUT, out.out!, total);
    const tallies = tallyReadout(unpackStructs(TALLY, out.out_tallies!, total));
    return cases.map((_, i) =>
      Array.from({ length: n }, (_, j) => {
        const k = i * n + j;
        const sums = Object.fromEntries(TALLY_FIELDS.map((key) => [key, tallies[key][k]])) as Record<TallyReadoutField, number>;
        return { logit: steps.logit[k], q: steps.q[k], y: steps.y[k], ...sums };
      }),
    );
  }
}
