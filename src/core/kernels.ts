// Composes the WGSL kernels from shaders/ and the generated struct declarations.

import { CELL, CHECK_PARAMS, PARAMS, TALLY, wgslStruct } from './layout.js';
import { WGSL_SOURCES } from './shaders.generated.js';

export function routerShaderSource(): string {
  return [wgslStruct(PARAMS), wgslStruct(CELL), wgslStruct(TALLY),
    WGSL_SOURCES.threefry, WGSL_SOURCES.binomial, WGSL_SOURCES.router].join('\n');
}

export function checkShaderSource(): string {
  return [wgslStruct(CHECK_PARAMS), WGSL_SOURCES.threefry, WGSL_SOURCES.binomial, WGSL_SOURCES.sampler_check].join('\n');
}

/** Compiles a module and turns compilation errors into one readable exception. */
export async function compileModule(device: GPUDevice, code: string, label: string): Promise<GPUShaderModule> {
  const module = device.createShaderModule({ code, label });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length > 0) {
    const lines = code.split('\n');
    throw new Error(`WGSL compilation of ${label} failed:\n` + errors.map((m) =>
      `  line ${m.lineNum}:${m.linePos}: ${m.message}\n    ${lines[m.lineNum - 1] ?? ''}`).join('\n'));
  }
  return module;
}

/** 2-D dispatch geometry for `count` invocations: WebGPU caps each dimension. */
export function dispatchGrid(count: number, workgroupSize: number, maxPerDimension: number): { x: number; y: number; rowStride: number } {
  const groups = Math.max(1, Math.ceil(count / workgroupSize));
  const x = Math.min(groups, maxPerDimension);
  return { x, y: Math.ceil(groups / x), rowStride: x * workgroupSize };
}
