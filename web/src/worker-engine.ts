// The CPU engine of the page, for browsers without WebGPU: the core's TypeScript twin of the
// kernel (src/core/cpu-router.ts) on a pool of module Web Workers, one contiguous block of
// routers per worker, exactly as the Node CPU engine splits them over worker_threads. The
// workers live as long as the engine (a chunked run opens many sessions); the N-expert engine
// (expert-worker-engine.ts) runs its sessions on the same pool. State stays in the
// workers (no SharedArrayBuffer: that needs cross-origin isolation, which a plain static host
// does not give); read() copies it back. Results are bit-identical to the Node CPU engine.

import type { Engine, EngineInfo, RouterReadout, RouterSession, StepRange } from '../../src/core/engine.js';
import { routerCount, type RouterCell, type ScanPlan } from '../../src/core/model.js';
import { advanceInChunks, type ChunkTiming } from '../../src/core/cpu-router.js';
import { READOUT_FIELDS, checkReadout, newReadout, readoutOf } from '../../src/core/layout.js';
import type { BlockData, WorkerReply, WorkerRequest } from './cpu-worker.js';

/** A request to a worker, without the id and session the pool adds. */
export type Request = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id' | 'session'> : never) : never;

type ReplyBlock = Extract<WorkerReply, { ok: true }>['block'];

/** One worker of the pool (cpu-worker.ts); the two-expert and the N-expert engines share it. */
export class PooledWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (b: ReplyBlock) => void; reject: (e: Error) => void }>();
  private nextId = 1;

  constructor(onFatal: (message: string) => void) {
    this.worker = new Worker(new URL('./cpu-worker.ts', import.meta.url), { type: 'module', name: 'moe-cusp cpu' });
    this.worker.onmessage = (ev: MessageEvent<WorkerReply>) => {
      const reply = ev.data,
        p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.block);
      else p.reject(new Error(reply.error));
    };
    this.worker.onerror = (ev) => {
      const message = `a CPU worker failed: ${ev.message || 'could not load its script'}`;
      for (const p of this.pending.values()) p.reject(new Error(message));
      this.pending.clear();
      onFatal(message);
    };
  }

  /** Sends a request; resolves with the reply's block (of the kind the request reads: T), if any. */
  call<T extends ReplyBlock = BlockData>(session: number, request: Request, transfer: Transferable[] = []): Promise<T | undefined> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: (b) => resolve(b as T | undefined), reject });
      this.worker.postMessage({ ...request, id, session }, transfer);
    });
  }

  terminate(): void {
    this.worker.terminate();
  }
}

export interface WorkerEngineOptions {
  /** workers (default: navigator.hardwareConcurrency, at most 16) */
  threads?: number;
  /** steps per chunk between progress reports; adaptive (~250 ms) when absent */
  stepsPerChunk?: number;
}

export class WorkerCpuEngine implements Engine {
  readonly info: EngineInfo;
  /** 32 bytes of state per router in the workers, and as much again while reading back */
  readonly maxRouters = 2 ** 22;
  readonly threads: number;
  private workers: PooledWorker[] | undefined;
  private nextSession = 1;
  failure?: string;

  constructor(readonly options: WorkerEngineOptions = {}) {
    this.threads = Math.max(1, Math.min(16, options.threads ?? (navigator.hardwareConcurrency || 2)));
    this.info = { engine: 'cpu', adapter: `cpu x ${this.threads} Web Workers`, backend: 'web-worker' };
  }

  pool(): PooledWorker[] {
    this.workers ??= Array.from(
      { length: this.threads },
      () =>
        new PooledWorker((m) => {
          this.failure = m;
        }),
    );
    return this.workers;
  }

  /** A session id unique over the pool's sessions (two-expert and N-expert alike). */
  sessionId(): number {
    return this.nextSession++;
  }

  async open(plan: ScanPlan): Promise<RouterSession> {
    const session = new WorkerSession(this.pool(), this.sessionId(), plan, this.options);
    await session.setup();
    return session;
  }

  dispose(): void {
    for (const w of this.workers ?? []) w.terminate();
    this.workers = undefined;
  }
}

class WorkerSession implements RouterSession {
  readonly routers: number;
  private readonly blocks: { worker: PooledWorker; offset: number; count: number }[];
  private readonly timing: ChunkTiming = { msPerRouterStep: 0 };

  constructor(
    workers: PooledWorker[],
    private readonly id: number,
    private readonly plan: ScanPlan,
    private readonly options: WorkerEngineOptions,
  ) {
    this.routers = routerCount(plan);
    const used = Math.min(workers.length, this.routers);
    const per = Math.ceil(this.routers / used);
    this.blocks = workers.slice(0, used).map((worker, i) => ({ worker, offset: i * per, count: Math.max(0, Math.min(per, this.routers - i * per)) }));
  }

  private all(request: (b: { offset: number; count: number }) => Request | null): Promise<(BlockData | undefined)[]> {
    return Promise.all(
      this.blocks.map((b) => {
        const r = request(b);
        return r ? b.worker.call(this.id, r) : Promise.resolve(undefined);
      }),
    );
  }

  async setup(): Promise<void> {
    const { cells, replicates, seed, firstRouter = 0 } = this.plan;
    await this.all((b) => ({ kind: 'setup', offset: b.offset, count: b.count, cells, replicates, seed, firstRouter }));
  }

  async initialize(): Promise<void> {
    await this.all(() => ({ kind: 'initialize' }));
  }

  async setCells(cells: readonly RouterCell[]): Promise<void> {
    if (cells.length !== this.plan.cells.length) throw new Error(`setCells: expected ${this.plan.cells.length} cells, got ${cells.length}`);
    await this.all(() => ({ kind: 'cells', cells: [...cells] }));
  }

  async resetTallies(): Promise<void> {
    await this.all(() => ({ kind: 'reset' }));
  }

  async advance(range: StepRange, onRouterSteps?: (done: number) => void): Promise<void> {
    await advanceInChunks(
      { ...range, tokenMode: this.plan.tokenMode },
      this.routers,
      this.timing,
      this.options.stepsPerChunk,
      (sub) => this.all((b) => (b.count > 0 ? { kind: 'advance', range: sub } : null)),
      onRouterSteps,
    );
  }

  async read(): Promise<RouterReadout> {
    const parts = await this.all(() => ({ kind: 'read' }));
    const out: RouterReadout = newReadout(this.routers);
    parts.forEach((p, i) => {
      if (!p) return;
      for (const key of READOUT_FIELDS) out[key].set(p[key], this.blocks[i].offset);
    });
    return out;
  }

  async restore(readout: RouterReadout): Promise<void> {
    checkReadout(readout, this.routers);
    await Promise.all(
      this.blocks.map((b) => {
        const block = readoutOf((key) => readout[key].slice(b.offset, b.offset + b.count));
        return b.worker.call(
          this.id,
          { kind: 'restore', block },
          READOUT_FIELDS.map((key) => block[key].buffer),
        );
      }),
    );
  }

  close(): void {
    void this.all(() => ({ kind: 'close' })).catch(() => {});
  }
}
