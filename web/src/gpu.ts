// WebGPU in the visitor's browser: one helper that turns a missing API, a missing adapter, a
// lost device or an uncaptured error into a plain message for the person at the screen, and
// the project's WebGpuEngine on the device it gets.

import { requiredLimits, WebGpuEngine } from '../../src/core/webgpu-engine.js';
import { isSoftwareAdapter } from './probe.js';

export interface BrowserGpu {
  engine: WebGpuEngine;
  device: GPUDevice;
  /** e.g. 'google swiftshader (software fallback)' */
  description: string;
  /** a software adapter (SwiftShader, llvmpipe): the CPU workers may be faster (probe.ts) */
  software: boolean;
  /** resolves when the device is lost, with a sentence saying why */
  lost: Promise<string>;
}

export type GpuResult = { ok: true; gpu: BrowserGpu } | { ok: false; reason: string };

function isFallback(adapter: GPUAdapter): boolean {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  return info.isFallbackAdapter === true || (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
}

function describeAdapter(adapter: GPUAdapter): string {
  const info = adapter.info;
  const parts = [info.vendor, info.architecture, info.device, info.description].filter(Boolean);
  const name = parts.length ? [...new Set(parts)].join(' ') : 'unknown adapter';
  return isFallback(adapter) ? `${name} (software fallback)` : name;
}

/**
 * A device and an engine on it, or why there is none. `onError` receives uncaptured WebGPU
 * errors (validation, out of memory) as sentences.
 */
export async function acquireGpu(onError: (message: string) => void): Promise<GpuResult> {
  if (!('gpu' in navigator) || !navigator.gpu) {
    return { ok: false, reason: 'This browser does not offer WebGPU (an older browser, or WebGPU is switched off).' };
  }
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (err) {
    return { ok: false, reason: `WebGPU refused to give an adapter: ${(err as Error).message}` };
  }
  if (!adapter) {
    return { ok: false, reason: 'WebGPU is present but offers no GPU adapter (blocked by the browser or its settings, or no supported GPU).' };
  }
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits: requiredLimits(adapter) });
  } catch (err) {
    return { ok: false, reason: `The GPU adapter would not open a device: ${(err as Error).message}` };
  }
  const description = describeAdapter(adapter);
  device.addEventListener('uncapturederror', (ev) => onError(`WebGPU error: ${(ev as GPUUncapturedErrorEvent).error.message}`));
  const lost = device.lost.then(
    (info) =>
      `The GPU device was lost (${info.reason}${info.message ? `: ${info.message}` : ''}): ` +
      'a driver reset, the GPU watchdog, or the browser reclaiming the GPU.',
  );
  const engine = new WebGpuEngine(device, { engine: 'webgpu', adapter: `${description} (browser WebGPU)`, backend: 'browser' });
  return { ok: true, gpu: { engine, device, description, software: isSoftwareAdapter(description, isFallback(adapter)), lost } };
}
