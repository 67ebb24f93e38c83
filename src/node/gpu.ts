// WebGPU in Node through Dawn (npm `webgpu`). Adapter order for 'auto': a hardware adapter
// (Dawn's default backend: Vulkan, Metal or D3D12), then Mesa llvmpipe through Dawn's
// OpenGL backend, then SwiftShader through Vulkan (Debian's chromium ships its ICD).
// Mesa's lavapipe is rejected by Dawn (it lacks shaderUniform*ArrayDynamicIndexing).

import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { requiredLimits } from '../core/webgpu-engine.js';

export type AdapterChoice = 'auto' | 'hardware' | 'llvmpipe' | 'swiftshader';
export const ADAPTER_CHOICES: readonly AdapterChoice[] = ['auto', 'hardware', 'llvmpipe', 'swiftshader'];

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
export const SOFTWARE_GPU_INSTALL = 'apt-get install -y mesa-vulkan-drivers libegl1 libegl-mesa0';

export interface AcquiredGpu {
  device: GPUDevice;
  adapter: GPUAdapter;
  /** e.g. 'llvmpipe (LLVM 15.0.6, 256 bits)' */
  description: string;
  backend: string;
  featureLevel: string;
  /** A new device from a fresh adapter of the same kind (after a device loss). */
  newDevice(): Promise<GPUDevice>;
  release(): void;
}

interface Attempt {
  choice: Exclude<AdapterChoice, 'auto'>;
  backend: string;
  flags: string[];
  featureLevel: 'core' | 'compatibility';
  env?: Record<string, string>;
  available?: () => boolean;
}

const ATTEMPTS: Attempt[] = [
  { choice: 'hardware', backend: 'default', flags: [], featureLevel: 'core' },
  { choice: 'llvmpipe', backend: 'opengl', flags: ['backend=opengl'], featureLevel: 'compatibility' },
  {
    choice: 'swiftshader',
    backend: 'vulkan',
    flags: ['backend=vulkan'],
    featureLevel: 'core',
    env: { VK_ICD_FILENAMES: SWIFTSHADER_ICD },
    available: () => existsSync(SWIFTSHADER_ICD),
  },
];

type DawnModule = { create(flags: string[]): GPU; globals: Record<string, unknown> };
let dawn: DawnModule | undefined;

/**
 * Without a usable XDG_RUNTIME_DIR (unset, relative, or not a directory: containers, cron,
 * sudo), the Wayland client code the drivers probe prints `error: XDG_RUNTIME_DIR is invalid
 * or not set` on every run: give this process a private one (mode 0700, removed at exit).
 */
function ensureRuntimeDir(): void {
  const current = process.env.XDG_RUNTIME_DIR;
  if (current && isAbsolute(current) && statSync(current, { throwIfNoEntry: false })?.isDirectory()) return;
  const dir = mkdtempSync(join(tmpdir(), 'moe-cusp-runtime-'));
  chmodSync(dir, 0o700);
  process.env.XDG_RUNTIME_DIR = dir;
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
}

async function loadDawn(): Promise<DawnModule> {
  if (!dawn) {
    // EGL must be told before Dawn loads that there is no display (headless OpenGL).
    process.env.EGL_PLATFORM ??= 'surfaceless';
    ensureRuntimeDir();
    dawn = (await import('webgpu')) as unknown as DawnModule;
    Object.assign(globalThis, dawn.globals);
  }
  return dawn;
}

function describe(adapter: GPUAdapter): string {
  const info = adapter.info;
  const parts = [info.device, info.description, info.vendor, info.architecture].filter(Boolean);
  return parts.length > 0 ? [...new Set(parts)].join(' / ') : 'unknown adapter';
}

async function tryAttempt(attempt: Attempt): Promise<AcquiredGpu | null> {
  if (attempt.available && !attempt.available()) return null;
  const { create } = await loadDawn();
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(attempt.env ?? {})) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  try {
    let gpu: GPU | null = create(attempt.flags);
    const adapter = await gpu.requestAdapter({ featureLevel: attempt.featureLevel, powerPreference: 'high-performance' } as GPURequestAdapterOptions);
    if (!adapter) {
      gpu = null;
      return null;
    }
    // A CPU adapter offered by the default backend is not 'hardware'.
    if (attempt.choice === 'hardware' && (adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter) return null;
    const limits = requiredLimits(adapter);
    let device = await adapter.requestDevice({ requiredLimits: limits });
    const description = describe(adapter);
    const backend = attempt.backend === 'default' ? ((adapter.info as unknown as { backendType?: string }).backendType ?? 'native') : attempt.backend;
    const options = { featureLevel: attempt.featureLevel, powerPreference: 'high-performance' } as GPURequestAdapterOptions;
    return {
      device,
      adapter,
      description,
      backend: String(backend).toLowerCase(),
      featureLevel: attempt.featureLevel,
      async newDevice() {
        // An adapter hands out one device: ask the same GPU object for a fresh adapter.
        const fresh = gpu && (await gpu.requestAdapter(options));
        if (!fresh) throw new Error(`no ${attempt.choice} adapter to replace the lost device`);
        device = await fresh.requestDevice({ requiredLimits: limits });
        return device;
      },
      release() {
        device.destroy();
        // Dawn's GPU object keeps the process alive while referenced.
        gpu = null;
      },
    };
  } catch {
    return null;
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Finds a WebGPU device, or null when none of the chosen adapters exists. */
export async function acquireGpu(choice: AdapterChoice = 'auto'): Promise<AcquiredGpu | null> {
  const attempts = choice === 'auto' ? ATTEMPTS : ATTEMPTS.filter((a) => a.choice === choice);
  for (const attempt of attempts) {
    const gpu = await tryAttempt(attempt);
    if (gpu) return gpu;
  }
  return null;
}
