// The N-expert CPU engine of the page, for browsers without WebGPU (or engine=cpu): the f64
// twin of CpuExpertEngine (src/core/experts-router.ts) on the Web Workers of the page's CPU
// engine (worker-engine.ts, cpu-worker.ts), one contiguous block of a session's routers per
// worker. A router's random words depend only on (seed, firstRouter + its index, step) and
// its update reads only its own state and cell, so a block runs exactly as the same routers
// do inside one CpuExpertEngine session: the readout, joined in router order, is bit for bit
// that of CpuExpertEngine (in the same JavaScript engine). An advance is cut into chunks of
// about 250 ms (all workers run the same steps), for progress reports; read() copies the
// workers' state back (snapshots for Stop and Resume), restore() hands each worker its block.

import {
  checkExpertReadout,
  EXPERT_SCALAR_FIELDS,
  EXPERT_VECTOR_FIELDS,
  newExpertReadout,
  validateExpertCell,
  validateExpertPlan,
  type ExpertCell,
  type ExpertEngine,
  type ExpertPlan,
  type ExpertReadout,
  type ExpertSession,
  type ExpertStepRange,
} from '../../src/core/experts.js';
import { cpuExpertMaxRouters } from '../../src/core/experts-cpu.js';
import { expertBlockViews } from '../../src/core/experts-router.js';
import type { PooledWorker, Request, WorkerCpuEngine } from './worker-engine.js';

/** Work per chunk of an advance between progress reports. */
const CHUNK_MS = 250;

export class WorkerExpertEngine implements ExpertEngine {
  readonly info: { engine: 'cpu'; adapter: string; backend: string };

  /** `cpu`: the page's two-expert CPU engine, whose workers (and session ids) this engine shares. */
  constructor(
    private readonly cpu: WorkerCpuEngine,
    readonly options: { stepsPerChunk?: number } = {},
  ) {
    this.info = { engine: 'cpu', adapter: `cpu x ${cpu.threads} Web Workers (f64 twin)`, backend: 'web-worker' };
  }

  /** As CpuExpertEngine (the same f64 twin). */
  maxRoutersAt(N: number): number {
    return cpuExpertMaxRouters(N);
  }

  async open(plan: ExpertPlan): Promise<ExpertSession> {
    validateExpertPlan(plan, this.maxRoutersAt(plan.N));
    const session = new WorkerExpertSession(this.cpu.pool(), this.cpu.sessionId(), plan, this.options.stepsPerChunk);
    try {
      await session.setup();
    } catch (err) {
      session.close();
      throw err;
    }
    return session;
  }
}

interface Block {
  worker: PooledWorker;
  offset: number;
  count: number;
}

class WorkerExpertSession implements ExpertSession {
  readonly routers: number;
  readonly N: number;
  private readonly blocks: Block[];
  private msPerRouterStep = 0;

  constructor(
    workers: PooledWorker[],
    private readonly id: number,
    private readonly plan: ExpertPlan,
    private readonly stepsPerChunk: number | undefined,
  ) {
    this.N = plan.N;
    this.routers = plan.cells.length * plan.replicates;
    const used = Math.min(workers.length, this.routers);
    const bounds = Array.from({ length: used + 1 }, (_, i) => Math.round((this.routers * i) / used));
    this.blocks = workers.slice(0, used).map((worker, i) => ({ worker, offset: bounds[i], count: bounds[i + 1] - bounds[i] }));
  }

  /** One request per worker (its block, its index), and what each replies. */
  private all(request: (b: Block, i: number) => Request, transfer?: (i: number) => Transferable[]): Promise<(ExpertReadout | undefined)[]> {
    return Promise.all(this.blocks.map((b, i) => b.worker.call<ExpertReadout>(this.id, request(b, i), transfer?.(i))));
  }

  async setup(): Promise<void> {
    const { N, cells, replicates, seed, firstRouter = 0 } = this.plan;
    await this.all((b) => ({ kind: 'expert-setup', offset: b.offset, count: b.count, N, cells, replicates, seed, firstRouter }));
  }

  async initialize(): Promise<void> {
    await this.all(() => ({ kind: 'initialize' }));
  }

  async setCells(cells: readonly ExpertCell[]): Promise<void> {
    if (cells.length !== this.plan.cells.length) throw new Error(`setCells: expected ${this.plan.cells.length} cells, got ${cells.length}`);
    cells.forEach((c, i) => validateExpertCell(c, this.N, `cells[${i}]`));
    await this.all(() => ({ kind: 'expert-cells', cells: [...cells] }));
  }

  async resetTallies(): Promise<void> {
    await this.all(() => ({ kind: 'reset' }));
  }

  async advance(range: ExpertStepRange, onRouterSteps?: (done: number) => void): Promise<void> {
    let done = 0;
    for (let step = range.stepBegin; step < range.stepEnd; ) {
      const adaptive = this.msPerRouterStep > 0 ? Math.floor(CHUNK_MS / this.msPerRouterStep / this.routers) : 1;
      const steps = Math.min(this.stepsPerChunk ?? Math.max(1, adaptive), range.stepEnd - step);
      const started = performance.now();
      const sub = { stepBegin: step, stepEnd: step + steps, windowBegin: range.windowBegin };
      await this.all(() => ({ kind: 'expert-advance', range: sub }));
      this.msPerRouterStep = (performance.now() - started) / (steps * this.routers);
      done += steps * this.routers;
      onRouterSteps?.(done);
      step += steps;
    }
  }

  async read(): Promise<ExpertReadout> {
    const parts = await this.all(() => ({ kind: 'read' }));
    const out = newExpertReadout(this.routers, this.N);
    parts.forEach((part, i) => {
      if (!part) throw new Error('read: a CPU worker sent no readout');
      const { offset } = this.blocks[i];
      for (const key of EXPERT_VECTOR_FIELDS) out[key].set(part[key], offset * this.N);
      for (const key of EXPERT_SCALAR_FIELDS) out[key].set(part[key], offset);
    });
    return out;
  }

  async restore(readout: ExpertReadout): Promise<void> {
    checkExpertReadout(readout, this.routers, this.N);
    const parts = this.blocks.map((b) => {
      const views = expertBlockViews(readout, this.N, b.offset, b.count);
      return Object.fromEntries(Object.entries(views).map(([k, v]) => [k, v.slice()])) as unknown as ExpertReadout;
    });
    await this.all(
      (_, i) => ({ kind: 'expert-restore', block: parts[i] }),
      (i) => Object.values(parts[i]).map((a: Float64Array) => a.buffer as ArrayBuffer),
    );
  }

  close(): void {
    void this.all(() => ({ kind: 'close' })).catch(() => {});
  }
}
