// The CPU engine: the TypeScript twin of the kernels (src/core/cpu-router.ts) on all cores.
// Routers are split into contiguous blocks, one per worker thread; state lives in
// SharedArrayBuffers. Advances are cut into chunks so progress can be reported; as on the
// GPU, results do not depend on the split.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Engine, EngineInfo, RouterReadout, RouterSession, StepRange } from '../core/engine.js';
import { routerCount, type RouterCell, type ScanPlan } from '../core/model.js';
import { advanceInChunks, type ChunkTiming } from '../core/cpu-router.js';
import { READOUT_FIELDS, checkReadout, readoutOf, type ReadoutField } from '../core/layout.js';
import type { WorkerRequest } from './cpu-worker.js';

export interface CpuEngineOptions {
  threads?: number;
  /** steps per chunk between progress reports; adaptive (~250 ms) when absent */
  stepsPerChunk?: number;
  /** routers per session (larger scans run in passes); default 2^22, which bounds host memory */
  maxRouters?: number;
}

class Pool {
  private readonly workers: Worker[];
  constructor(threads: number) {
    this.workers = Array.from({ length: threads }, () => new Worker(new URL('./cpu-worker.js', import.meta.url)));
  }
  get size(): number {
    return this.workers.length;
  }
  call(i: number, request: WorkerRequest): Promise<void> {
    const worker = this.workers[i];
    return new Promise((resolve, reject) => {
      worker.once('message', (reply: { ok: boolean; error?: string }) => (reply.ok ? resolve() : reject(new Error(reply.error))));
      worker.postMessage(request);
    });
  }
  async all(request: (i: number) => WorkerRequest | null): Promise<void> {
    await Promise.all(
      this.workers.map((_, i) => {
        const r = request(i);
        return r ? this.call(i, r) : Promise.resolve();
      }),
    );
  }
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

export class CpuEngine implements Engine {
  readonly info: EngineInfo;
  /** host memory: a float64 per router and readout column in shared buffers, plus the readout copies (~300 MB at 2^22) */
  readonly maxRouters: number;
  readonly threads: number;

  constructor(readonly options: CpuEngineOptions = {}) {
    this.threads = Math.max(1, options.threads ?? availableParallelism());
    this.maxRouters = options.maxRouters ?? 2 ** 22;
    this.info = { engine: 'cpu', adapter: `cpu x ${this.threads} threads`, backend: 'worker_threads' };
  }

  async open(plan: ScanPlan): Promise<RouterSession> {
    const routers = routerCount(plan);
    const pool = new Pool(Math.min(this.threads, routers));
    const session = new CpuSession(pool, plan, this.options);
    await session.setup();
    return session;
  }

  dispose(): void {}
}

class CpuSession implements RouterSession {
  readonly routers: number;
  /** one shared buffer per readout column, 8 bytes per router */
  private readonly buffers: Record<ReadoutField, SharedArrayBuffer>;
  private readonly blocks: { offset: number; count: number }[];
  private readonly timing: ChunkTiming = { msPerRouterStep: 0 };

  constructor(
    private readonly pool: Pool,
    private readonly plan: ScanPlan,
    private readonly options: CpuEngineOptions,
  ) {
    this.routers = routerCount(plan);
    this.buffers = readoutOf(() => new SharedArrayBuffer(this.routers * 8));
    const per = Math.ceil(this.routers / pool.size);
    this.blocks = Array.from({ length: pool.size }, (_, i) => ({ offset: i * per, count: Math.max(0, Math.min(per, this.routers - i * per)) }));
  }

  setup(): Promise<void> {
    return this.pool.all((i) => ({
      kind: 'setup',
      ...this.blocks[i],
      buffers: this.buffers,
      cells: this.plan.cells,
      replicates: this.plan.replicates,
      seed: this.plan.seed,
      firstRouter: this.plan.firstRouter ?? 0,
    }));
  }

  initialize(): Promise<void> {
    return this.pool.all(() => ({ kind: 'initialize' }));
  }

  setCells(cells: readonly RouterCell[]): Promise<void> {
    if (cells.length !== this.plan.cells.length) throw new Error(`setCells: expected ${this.plan.cells.length} cells, got ${cells.length}`);
    return this.pool.all(() => ({ kind: 'cells', cells: [...cells] }));
  }

  resetTallies(): Promise<void> {
    return this.pool.all(() => ({ kind: 'reset' }));
  }

  async advance(range: StepRange, onRouterSteps?: (done: number) => void): Promise<void> {
    await advanceInChunks(
      { ...range, tokenMode: this.plan.tokenMode },
      this.routers,
      this.timing,
      this.options.stepsPerChunk,
      (sub) => this.pool.all((i) => (this.blocks[i].count > 0 ? { kind: 'advance', range: sub } : null)),
      onRouterSteps,
    );
  }

  async restore(readout: RouterReadout): Promise<void> {
    checkReadout(readout, this.routers);
    for (const key of READOUT_FIELDS) new Float64Array(this.buffers[key]).set(readout[key]);
  }

  async read(): Promise<RouterReadout> {
    return readoutOf((key) => new Float64Array(new Float64Array(this.buffers[key])));
  }

  close(): void {
    void this.pool.close();
  }
}
