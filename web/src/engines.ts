// The page's engines: WebGPU on the visitor's GPU (gpu.ts) when there is one, else the CPU
// in Web Workers (worker-engine.ts). Fills the engine <select>, says in the status line
// which adapter runs (or why WebGPU is not available), notes a lost device and requests a
// new one for the next run. main.ts owns the run loop; this module only hands it engines.

import type { Engine } from '../../src/core/engine.js';
import { defaultWebScale } from '../../src/experiments/browser.js';
import { acquireGpu, type BrowserGpu } from './gpu.js';
import { WorkerCpuEngine } from './worker-engine.js';

export type EngineKind = 'webgpu' | 'cpu';

export class PageEngines {
  gpu: BrowserGpu | null = null;
  /** why the last request for a GPU device failed, a sentence */
  gpuProblem = '';
  /** set when the current device is lost; cleared by a new device */
  lost: string | null = null;
  private cpuEngine: WorkerCpuEngine | null = null;

  /** `running`: whether a scan runs now (a loss is then reported by the run, not here). */
  constructor(
    private readonly select: HTMLSelectElement,
    private readonly status: HTMLElement,
    private readonly running: () => boolean,
  ) {}

  /** The CPU engine, its workers started on first use. */
  cpu(): WorkerCpuEngine {
    this.cpuEngine ??= new WorkerCpuEngine();
    return this.cpuEngine;
  }

  /** The engine chosen in the select. */
  kind(): EngineKind {
    return this.select.value === 'webgpu' ? 'webgpu' : 'cpu';
  }

  current(): Engine {
    return this.kind() === 'webgpu' && this.gpu ? this.gpu.engine : this.cpu();
  }

  private watchLoss(gpu: BrowserGpu): void {
    void gpu.lost.then((message) => {
      if (this.gpu !== gpu) return;
      this.lost = message;
      console.warn(`moe-cusp: ${message}`);
      if (!this.running()) this.status.textContent = `${message} A new device is requested when you run the next scan.`;
    });
  }

  /** A (new) GPU device, or null with the reason in `gpuProblem`. */
  async newGpu(): Promise<BrowserGpu | null> {
    const r = await acquireGpu((m) => {
      console.error(m);
      this.status.textContent = m;
    });
    if (!r.ok) {
      this.gpuProblem = r.reason;
      return null;
    }
    this.gpu = r.gpu;
    this.lost = null;
    this.watchLoss(r.gpu);
    return r.gpu;
  }

  /** Requests a GPU and fills the select: WebGPU chosen when there is one (unless `forceCpu`). */
  async setup(forceCpu: boolean): Promise<void> {
    const gpu = await this.newGpu();
    this.select.replaceChildren();
    const option = (value: string, text: string, disabled = false) => {
      const o = new Option(text, value);
      o.disabled = disabled;
      this.select.append(o);
    };
    if (gpu) {
      option('webgpu', `WebGPU: ${gpu.description}`);
      option('cpu', `CPU: ${this.cpu().threads} Web Workers`);
      this.select.value = forceCpu ? 'cpu' : 'webgpu';
      this.status.textContent = `WebGPU adapter: ${gpu.description}.`;
    } else {
      option('webgpu', 'WebGPU: not available', true);
      option('cpu', `CPU: ${this.cpu().threads} Web Workers`);
      this.select.value = 'cpu';
      this.status.textContent =
        `WebGPU is not available here: ${this.gpuProblem} The scans run on the CPU in Web Workers instead, ` +
        `at a reduced default scale (${defaultWebScale('cpu')}); they are slower than on a GPU.`;
      this.status.classList.add('warn');
    }
    document.body.dataset.engine = this.kind();
  }
}
