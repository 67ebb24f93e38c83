// Picks the engine for a Node run: WebGPU on the best adapter found, else the CPU engine
// with a one-line notice. MOE_CUSP_ENGINE / MOE_CUSP_ADAPTER override the choice;
// MOE_CUSP_REQUIRE_GPU=1 turns a missing adapter into an error (CI uses it).

import { CpuExpertEngine } from '../core/experts-cpu.js';
import { WebGpuExpertEngine } from '../core/experts-engine.js';
import type { ExpertEngine } from '../core/experts.js';
import type { Engine } from '../core/engine.js';
import { InputError } from '../core/model.js';
import { WebGpuEngine, type WebGpuEngineOptions } from '../core/webgpu-engine.js';
import { CpuEngine, type CpuEngineOptions } from './cpu-engine.js';
import { ADAPTER_CHOICES, SOFTWARE_GPU_INSTALL, acquireGpu, type AdapterChoice } from './gpu.js';

export type EngineChoice = 'auto' | 'webgpu' | 'cpu';
export const ENGINE_CHOICES: readonly EngineChoice[] = ['auto', 'webgpu', 'cpu'];

export interface EngineRequest {
  engine?: EngineChoice | undefined;
  adapter?: AdapterChoice | undefined;
  requireGpu?: boolean;
  gpu?: WebGpuEngineOptions;
  cpu?: CpuEngineOptions;
  /** where notices go; stderr by default */
  notice?: (line: string) => void;
}

function pick<T extends string>(field: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined || value === '') return fallback;
  if (!(allowed as readonly string[]).includes(value))
    throw new InputError(field, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return value as T;
}

export function requireGpuFromEnv(): boolean {
  return ['1', 'true', 'yes'].includes((process.env.MOE_CUSP_REQUIRE_GPU ?? '').toLowerCase());
}

export async function createEngine(request: EngineRequest = {}): Promise<Engine> {
  const notice = request.notice ?? ((line: string) => process.stderr.write(line + '\n'));
  const engineField = request.engine !== undefined ? 'engine' : 'MOE_CUSP_ENGINE';
  const adapterField = request.adapter !== undefined ? 'adapter' : 'MOE_CUSP_ADAPTER';
  let engine = pick(engineField, request.engine ?? process.env.MOE_CUSP_ENGINE, ENGINE_CHOICES, 'auto');
  const adapter = pick(adapterField, request.adapter ?? process.env.MOE_CUSP_ADAPTER, ADAPTER_CHOICES, 'auto');
  // Naming an adapter asks for WebGPU on it: no silent fallback to the CPU.
  if (engine === 'auto' && adapter !== 'auto') engine = 'webgpu';
  const requireGpu = request.requireGpu ?? requireGpuFromEnv();
  if (engine === 'cpu') return new CpuEngine(request.cpu);
  const gpu = await acquireGpu(adapter);
  if (gpu) {
    return new WebGpuEngine(
      gpu.device,
      { engine: 'webgpu', adapter: `${gpu.description} via ${gpu.backend}`, backend: gpu.backend },
      { replaceDevice: () => gpu.newDevice(), targetDispatchMs: NODE_DISPATCH_MS, ...request.gpu },
      () => gpu.release(),
    );
  }
  const why = `no WebGPU adapter found (adapter=${adapter}); for a software GPU on Debian: ${SOFTWARE_GPU_INSTALL}`;
  if (engine === 'webgpu' || requireGpu) throw new Error(why);
  notice(`moe-cusp: ${why}; running on the CPU engine instead`);
  return new CpuEngine(request.cpu);
}

/**
 * Dispatches of ~100 ms under Node (the core's default, 30 ms, is the page's: a long dispatch
 * there delays drawing and Stop). Fewer, longer dispatches pay the per-dispatch costs (state
 * loads and stores, the lanes idling at a dispatch's tail) less often: on llvmpipe at B = 512,
 * 100 ms ran 1.09x as fast as 30 ms (median of 8 interleaved pairs, 2026-12-02), the same numbers.
 */
export const NODE_DISPATCH_MS = 100;

/** The N-expert engine on the same device or threads as a two-expert engine (MODEL.md sec. 5). */
export function expertEngineFor(engine: Engine): ExpertEngine {
  if (engine instanceof WebGpuEngine)
    return new WebGpuExpertEngine(
      engine.device,
      { engine: 'webgpu', adapter: engine.info.adapter, backend: engine.info.backend },
      { targetDispatchMs: engine.options.targetDispatchMs ?? NODE_DISPATCH_MS },
    );
  return new CpuExpertEngine();
}
