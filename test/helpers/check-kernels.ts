// Runs the test-only kernels of shaders/sampler_check.wgsl: raw Threefry2x32-20 outputs, a router's
// stream words, and Binomial draws with either sampler.
import { CHECK_PARAMS, packUniform } from '../../src/core/layout.js';
import { checkShaderSource, compileModule, dispatchGrid } from '../../src/core/kernels.js';
import { seedKey } from '../../src/core/threefry.js';

type Entry = 'threefry_blocks' | 'stream_words' | 'binomial_draws';

export class CheckKernels {
  private module?: Promise<GPUShaderModule>;
  private pipelines = new Map<Entry, GPUComputePipeline>();
  constructor(readonly device: GPUDevice) {}

  private async pipeline(entry: Entry): Promise<GPUComputePipeline> {
    this.module ??= compileModule(this.device, checkShaderSource(), 'sampler_check.wgsl');
    const module = await this.module;
    let p = this.pipelines.get(entry);
    if (!p) {
      p = await this.device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: entry } });
      this.pipelines.set(entry, p);
    }
    return p;
  }

  private async run(entry: Entry, count: number, outWords: number, params: Partial<Record<string, number>>, inputs?: Uint32Array): Promise<Uint32Array> {
    const { device } = this;
    const pipeline = await this.pipeline(entry);
    const grid = dispatchGrid(count, 64, device.limits.maxComputeWorkgroupsPerDimension);
    const [lo, hi] = seedKey(params.seed ?? 0);
    const uniform = device.createBuffer({ size: 48, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(uniform, 0, packUniform(CHECK_PARAMS, {
      seed_lo: lo, seed_hi: hi, count, row_stride: grid.rowStride, n: params.n ?? 0, p: params.p ?? 0,
      step: params.step ?? 0, tag: params.tag ?? 0, token_mode: params.tokenMode ?? 0,
    }));
    const input = device.createBuffer({ size: Math.max(16, inputs?.byteLength ?? 0), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    if (inputs) device.queue.writeBuffer(input, 0, inputs.buffer as ArrayBuffer, inputs.byteOffset, inputs.byteLength);
    const bytes = outWords * 4;
    const output = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    const staging = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const layout = pipeline.getBindGroupLayout(0);
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: uniform } }, { binding: 2, resource: { buffer: output } }];
    if (entry === 'threefry_blocks') entries.push({ binding: 1, resource: { buffer: input } });
    const bindGroup = device.createBindGroup({ layout, entries });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(grid.x, grid.y);
    pass.end();
    encoder.copyBufferToBuffer(output, 0, staging, 0, bytes);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const result = new Uint32Array(staging.getMappedRange().slice(0));
    staging.unmap();
    for (const b of [uniform, input, output, staging]) b.destroy();
    return result;
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
}
