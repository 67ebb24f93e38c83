// One WebGPU device per test file. Without an adapter, GPU tests report themselves skipped
// with the install command, unless MOE_CUSP_REQUIRE_GPU=1 (CI), where that is a failure.
import { acquireGpu, type AcquiredGpu, type AdapterChoice, SOFTWARE_GPU_INSTALL } from '../../src/node/gpu.js';
import { requireGpuFromEnv } from '../../src/node/engines.js';
import { WebGpuEngine, type WebGpuEngineOptions } from '../../src/core/webgpu-engine.js';

let pending: Promise<AcquiredGpu | null> | undefined;

export function testGpu(): Promise<AcquiredGpu | null> {
  pending ??= (async () => {
    const gpu = await acquireGpu((process.env.MOE_CUSP_ADAPTER as AdapterChoice | undefined) || 'auto');
    if (!gpu && requireGpuFromEnv()) {
      throw new Error(`MOE_CUSP_REQUIRE_GPU is set but no WebGPU adapter was found; install: ${SOFTWARE_GPU_INSTALL}`);
    }
    return gpu;
  })();
  return pending;
}

/** Skip reason for node:test when there is no adapter (and none is required). */
export async function gpuSkip(): Promise<string | false> {
  return (await testGpu()) ? false : `no WebGPU adapter; install a software GPU: ${SOFTWARE_GPU_INSTALL}`;
}

/** An engine on the shared test device; disposing it leaves the device alone. */
export async function testEngine(options: WebGpuEngineOptions = {}): Promise<WebGpuEngine> {
  const gpu = await testGpu();
  if (!gpu) throw new Error('no GPU');
  return new WebGpuEngine(
    gpu.device,
    { engine: 'webgpu', adapter: `${gpu.description} via ${gpu.backend}`, backend: gpu.backend },
    { replaceDevice: () => gpu.newDevice(), ...options },
    () => {},
  );
}

export async function releaseTestGpu(): Promise<void> {
  const gpu = await pending;
  gpu?.release();
  pending = undefined;
}
