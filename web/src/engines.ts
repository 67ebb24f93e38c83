// The page's engines: WebGPU on the visitor's GPU (gpu.ts) when there is one, else the CPU
// in Web Workers (worker-engine.ts). Fills the engine <select>, says in the status line
// which adapter runs (or why WebGPU is not available), notes a lost device and requests a
// new one for the next run. main.ts owns the run loop; this module only hands it engines.
//
// Which engine runs by default: the link's (`engine=cpu|webgpu`), else a person's choice in
// the select, else, when the adapter is a software fallback (SwiftShader, llvmpipe), the
// faster of WebGPU and the CPU workers in a short probe (probe.ts; or the rates remembered
// from earlier runs here, estimate.ts), else WebGPU. A visible line (#engine-choice) says
// which and why; body[data-engine-choice] is link | user | probe | gpu | only.

import type { Engine } from '../../src/core/engine.js';
import { defaultWebScale } from '../../src/experiments/browser.js';
import { formatSI } from '../../src/report/format.js';
import { recordRate, storedRate } from './estimate.js';
import { acquireGpu, type BrowserGpu } from './gpu.js';
import { probeEngine } from './probe.js';
import type { LinkEngine } from './url-state.js';
import { WorkerCpuEngine } from './worker-engine.js';

export type EngineKind = 'webgpu' | 'cpu';

export type ChoiceReason = 'link' | 'user' | 'probe' | 'gpu' | 'only';

export class PageEngines {
  gpu: BrowserGpu | null = null;
  /** why the last request for a GPU device failed, a sentence */
  gpuProblem = '';
  /** set when the current device is lost; cleared by a new device */
  lost: string | null = null;
  /** why the selected engine runs */
  reason: ChoiceReason = 'gpu';
  /** the probe's rates (router-steps/s) when it ran, for tests and the choice line */
  probed: Partial<Record<EngineKind, number>> = {};
  private cpuEngine: WorkerCpuEngine | null = null;
  private readonly line: HTMLElement;

  /** `running`: whether a scan runs now (a loss is then reported by the run, not here). */
  constructor(
    private readonly select: HTMLSelectElement,
    private readonly status: HTMLElement,
    private readonly running: () => boolean,
  ) {
    this.line = document.createElement('p');
    this.line.id = 'engine-choice';
    this.line.className = 'note engine-choice';
    this.line.setAttribute('aria-live', 'polite');
    (select.closest('.row') ?? select).after(this.line);
  }

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

  /** What each engine is called in sentences. */
  label(kind: EngineKind): string {
    return kind === 'webgpu' ? `WebGPU on ${this.gpu?.description ?? 'the GPU'}` : `the CPU in ${this.cpu().threads} Web Workers`;
  }

  /** Whether the engine of `kind` was set by a person (the link or the select): links then name it. */
  get explicit(): boolean {
    return this.reason === 'link' || this.reason === 'user';
  }

  private say(reason: ChoiceReason, text: string): void {
    this.reason = reason;
    this.line.textContent = text;
    document.body.dataset.engineChoice = reason;
    document.body.dataset.engine = this.kind();
  }

  /** A person picked an engine in the select. */
  chosen(): void {
    const k = this.kind();
    this.say('user', `Engine: ${this.label(k)} (your choice).`);
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

  /** The rate of an engine: remembered, or probed now (and remembered). */
  async rateOf(kind: EngineKind, probe = true): Promise<{ rate: number; measured: 'probe' | 'run' } | null> {
    const engine = kind === 'webgpu' && this.gpu ? this.gpu.engine : this.cpu();
    const known = storedRate(engine.info.adapter);
    if (known) return { rate: known.rate, measured: known.source };
    if (!probe) return null;
    try {
      const r = await probeEngine(engine);
      this.probed[kind] = r.rate;
      recordRate(engine.info.adapter, 'router', r.routerSteps, r.ms, 'probe');
      return { rate: r.rate, measured: 'probe' };
    } catch (err) {
      console.warn(`moe-cusp: the ${kind} probe failed: ${(err as Error).message}`);
      return null;
    }
  }

  /**
   * Requests a GPU, fills the select and picks the engine: the link's (`pref`), else on a
   * software adapter the faster in a probe, else WebGPU. Without a stored rate the chosen
   * engine is probed too, for the estimate beside Run.
   */
  async setup(pref: LinkEngine): Promise<void> {
    const gpu = await this.newGpu();
    this.select.replaceChildren();
    const option = (value: string, text: string, disabled = false) => {
      const o = new Option(text, value);
      o.disabled = disabled;
      this.select.append(o);
    };
    if (!gpu) {
      option('webgpu', 'WebGPU: not available', true);
      option('cpu', `CPU: ${this.cpu().threads} Web Workers`);
      this.select.value = 'cpu';
      this.status.textContent =
        `WebGPU is not available here: ${this.gpuProblem} The scans run on the CPU in Web Workers instead, ` +
        `at a reduced default scale (${defaultWebScale('cpu')}); they are slower than on a GPU.`;
      this.status.classList.add('warn');
      this.say('only', `Engine: ${this.label('cpu')}${pref === 'webgpu' ? ' (the link asks for WebGPU, which is not available here)' : ''}.`);
      await this.rateOf('cpu');
      return;
    }
    option('webgpu', `WebGPU: ${gpu.description}`);
    option('cpu', `CPU: ${this.cpu().threads} Web Workers`);
    this.status.textContent = `WebGPU adapter: ${gpu.description}.`;
    if (pref) {
      this.select.value = pref;
      this.say('link', `Engine: ${this.label(pref)}, as the link asks (engine=${pref}).`);
      await this.rateOf(pref);
      return;
    }
    if (!gpu.software) {
      this.select.value = 'webgpu';
      this.say('gpu', `Engine: ${this.label('webgpu')}.`);
      await this.rateOf('webgpu');
      return;
    }
    this.line.textContent = `Timing WebGPU on ${gpu.description} (a software adapter) against the CPU workers…`;
    const g = await this.rateOf('webgpu');
    const c = await this.rateOf('cpu');
    const faster: EngineKind = c && (!g || c.rate > g.rate) ? 'cpu' : 'webgpu';
    this.select.value = faster;
    if (!g || !c) {
      this.say('probe', `Engine: ${this.label(faster)} (the other engine could not be timed).`);
      return;
    }
    const how = g.measured === 'run' && c.measured === 'run' ? 'in earlier runs here' : 'in a short probe';
    const [fast, slow] = faster === 'cpu' ? [c.rate, g.rate] : [g.rate, c.rate];
    this.say(
      'probe',
      `Engine: ${this.label(faster)}: ${Number((fast / slow).toPrecision(2))}x faster than ${this.label(faster === 'cpu' ? 'webgpu' : 'cpu')} ` +
        `${how} (${formatSI(fast)} against ${formatSI(slow)} router-steps/s), as the GPU is a software one. Pick another under Engine.`,
    );
  }
}
